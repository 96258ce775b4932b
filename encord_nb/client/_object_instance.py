"""Object instances: one object (a track on a video) with its coordinates per frame and its answers.

An instance read from a label row keeps each frame's wire dict and typed model; it writes the wire
dict back untouched unless something on that frame was changed, so a read-save cycle loses nothing.
"""

from __future__ import annotations

import base64
import secrets
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from encord_nb.exceptions import UsageError
from encord_nb.models import FrameObject, format_datetime, parse_datetime

from ._answers import AnswerStore, DynamicAnswers, Frames, frame_set, resolve_attribute
from ._coordinates import GEOMETRY_KEYS, Coordinates, check_coordinates
from ._frame_records import ObjectRecord, coordinates_of
from ._ontology import Attribute, Object, _snake

if TYPE_CHECKING:
    from ._label_row import LabelRowV2

DEFAULT_CONFIDENCE = 1.0
DEFAULT_MANUAL_ANNOTATION = True


#: Shared empty metadata of annotations read from a row (replaced by a dict on the first change).
_NO_META: dict[str, Any] = {}


def short_hash() -> str:
    """An 8-character random hash, the form the SDK gives new objects and classifications."""
    return base64.b64encode(secrets.token_bytes(6)).decode("ascii")


def _date(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    try:
        return parse_datetime(value)
    except ValueError:
        return None


class Annotation:
    """One frame of an object instance: coordinates and who made them, when, how sure.

    Attributes set here change that frame only; the change is written on the next ``save``.
    """

    __slots__ = ("_instance", "frame", "_record", "_raw", "_coordinates", "_meta", "changed")

    def __init__(
        self,
        instance: ObjectInstance,
        frame: int,
        record: ObjectRecord | None = None,
        *,
        coordinates: Coordinates | None = None,
        meta: dict[str, Any] | None = None,
    ):
        self._instance = instance
        self.frame = frame
        self._record = record
        self._raw: dict[str, Any] | None = None
        self._coordinates = coordinates
        self._meta: dict[str, Any] = meta if meta is not None else _NO_META
        self.changed = record is None

    def __repr__(self) -> str:
        return f"Annotation(object {self._instance.object_hash!r}, frame {self.frame})"

    # -- values ----------------------------------------------------------------------------
    @property
    def coordinates(self) -> Coordinates:
        coordinates = self._coordinates
        if coordinates is None:
            record = self._record
            # Boxes are decoded straight into their coordinates class: the common case costs one lookup.
            coordinates = record.bounding_box if record.shape == "bounding_box" else None  # type: ignore[union-attr]
            if coordinates is None:
                coordinates = coordinates_of(record, self)  # type: ignore[arg-type]
            self._coordinates = coordinates
        return coordinates

    @coordinates.setter
    def coordinates(self, value: Coordinates) -> None:
        check_coordinates(self._instance.ontology_item.shape, value, repr(self._instance.ontology_item))
        self._coordinates = value
        self._touch()

    @property
    def model(self) -> FrameObject | None:
        """The fully typed wire model of this frame as read (None for a frame made in this session)."""
        row = self._instance._label_row
        if self._record is None or row is None:
            return None
        return row._typed_object(self.frame, self._instance.object_hash)

    def _frame_size(self) -> tuple[int | None, int | None]:
        row = self._instance._label_row
        return row._frame_size(self.frame) if row is not None else (None, None)

    def _raw_dict(self) -> dict[str, Any]:
        """The frame object's JSON as read ({} for a frame made in this session)."""
        if self._raw is None and self._record is not None and self._instance._label_row is not None:
            self._raw = self._instance._label_row._raw_object(self.frame, self._instance.object_hash)
        return self._raw or {}

    def _detach(self) -> None:
        """Keep what is read from the row before leaving it (coordinates and the JSON read)."""
        self._raw_dict()
        self.coordinates  # noqa: B018 - computed while the row is still there

    def _get(self, name: str, default: Any = None) -> Any:
        if name in self._meta:
            return self._meta[name]
        if self._record is not None:
            return getattr(self._record, name)
        return default

    def _set(self, name: str, value: Any) -> None:
        if self._meta is _NO_META:
            self._meta = {}
        self._meta[name] = value
        self._touch()

    def _touch(self) -> None:
        self.changed = True
        self._instance._frame_changed(self.frame)

    @property
    def created_at(self) -> datetime | None:
        return _date(self._get("created_at"))

    @created_at.setter
    def created_at(self, value: datetime) -> None:
        self._set("created_at", value)

    @property
    def created_by(self) -> str | None:
        return self._get("created_by")

    @created_by.setter
    def created_by(self, value: str | None) -> None:
        self._set("created_by", value)

    @property
    def last_edited_at(self) -> datetime | None:
        return _date(self._get("last_edited_at"))

    @last_edited_at.setter
    def last_edited_at(self, value: datetime) -> None:
        self._set("last_edited_at", value)

    @property
    def last_edited_by(self) -> str | None:
        return self._get("last_edited_by")

    @last_edited_by.setter
    def last_edited_by(self, value: str | None) -> None:
        self._set("last_edited_by", value)

    @property
    def confidence(self) -> float:
        value = self._get("confidence", DEFAULT_CONFIDENCE)
        return DEFAULT_CONFIDENCE if value is None else value

    @confidence.setter
    def confidence(self, value: float) -> None:
        self._set("confidence", value)

    @property
    def manual_annotation(self) -> bool:
        value = self._get("manual_annotation", DEFAULT_MANUAL_ANNOTATION)
        return DEFAULT_MANUAL_ANNOTATION if value is None else value

    @manual_annotation.setter
    def manual_annotation(self, value: bool) -> None:
        self._set("manual_annotation", value)

    @property
    def reviews(self) -> list[Any] | None:
        return self._get("reviews")

    @property
    def is_deleted(self) -> bool | None:
        return self._get("is_deleted")

    # -- wire ------------------------------------------------------------------------------
    def to_wire(self) -> dict[str, Any]:
        """The frame object as saved: what was read when nothing changed, else the SDK's layout."""
        read = self._raw_dict()
        if not self.changed and self._record is not None:
            return read
        instance = self._instance
        ontology = instance.ontology_item
        created_at = self.created_at or datetime.now(timezone.utc)
        out: dict[str, Any] = {
            "name": ontology.name,
            "color": ontology.color,
            "shape": ontology.shape.value,
            "value": _snake(ontology.name),
            "createdAt": format_datetime(created_at),
            "createdBy": self.created_by,
            "confidence": self.confidence,
            "objectHash": instance.object_hash,
            "featureHash": ontology.feature_node_hash,
            "manualAnnotation": self.manual_annotation,
        }
        last_edited_at = self.last_edited_at
        if last_edited_at is None and self._record is None:
            last_edited_at = created_at
        if last_edited_at is not None:
            out["lastEditedAt"] = format_datetime(last_edited_at)
        if self.last_edited_by is not None:
            out["lastEditedBy"] = self.last_edited_by
        if self.is_deleted is not None:
            out["isDeleted"] = self.is_deleted
        for key, value in read.items():
            if key not in out and key not in GEOMETRY_KEYS:
                out[key] = value  # keys this toolkit does not model travel back unchanged
        out.update(self.coordinates.to_wire())
        return out


class ObjectInstance:
    """One object on one or more frames (a track on a video), with its attribute answers.

    Example:
        >>> from encord_nb.models import OntologyObject
        >>> from encord_nb.client import BoundingBoxCoordinates, Object
        >>> car = Object(OntologyObject(name="Car", shape="bounding_box", feature_node_hash="F1"))
        >>> instance = car.create_instance()
        >>> instance.set_for_frames(BoundingBoxCoordinates(0.2, 0.3, 0.1, 0.1), frames=[0, 1])
        >>> sorted(instance.get_annotation_frames())
        [0, 1]
    """

    def __init__(self, ontology_object: Object, *, object_hash: str | None = None):
        if not isinstance(ontology_object, Object):
            raise UsageError("An ObjectInstance is made from an ontology Object (ontology_structure.objects).")
        self._ontology_object = ontology_object
        self._object_hash = object_hash or short_hash()
        self._frames: dict[int, Annotation] = {}
        self._label_row: LabelRowV2 | None = None
        #: False while some frames of a lazily read track have not been looked at yet.
        self._complete = True
        self._answers: AnswerStore | None = AnswerStore()
        self._raw_answer: dict[str, Any] | None = None
        #: Per-frame answers, read from the row's ``object_actions`` when first needed.
        self._dynamic: DynamicAnswers | None = None
        self._object_number: int | None = None

    def __repr__(self) -> str:
        return f"ObjectInstance({self._ontology_object.name!r}, object_hash={self._object_hash!r})"

    # -- identity --------------------------------------------------------------------------
    @property
    def object_hash(self) -> str:
        return self._object_hash

    @property
    def ontology_item(self) -> Object:
        return self._ontology_object

    @property
    def feature_hash(self) -> str:
        return self._ontology_object.feature_node_hash

    @property
    def object_name(self) -> str:
        return self._ontology_object.name

    @property
    def object_number(self) -> int | None:
        if self._object_number is None and self._raw_answer is not None:
            return self._raw_answer.get("objectNumber")
        return self._object_number

    def is_assigned_to_label_row(self) -> bool:
        return self._label_row is not None

    @property
    def is_valid(self) -> bool:
        """True when the instance has at least one frame."""
        return bool(self._frames) or not self._complete

    # -- frames ----------------------------------------------------------------------------
    def _ensure_complete(self) -> None:
        if not self._complete and self._label_row is not None:
            self._label_row._load_all_frames()
        self._complete = True

    def _frame_changed(self, frame: int) -> None:
        if self._label_row is not None:
            self._label_row._mark_frame_dirty(frame)

    def set_for_frames(
        self,
        coordinates: Coordinates,
        frames: Frames = 0,
        *,
        overwrite: bool = False,
        created_at: datetime | None = None,
        created_by: str | None = None,
        last_edited_at: datetime | None = None,
        last_edited_by: str | None = None,
        confidence: float | None = None,
        manual_annotation: bool | None = None,
        reviews: list[Any] | None = None,
        is_deleted: bool | None = None,
    ) -> None:
        """Place the object on ``frames`` with these coordinates (and optional frame metadata).

        Raises:
            UsageError: coordinates of the wrong kind for the shape, or a frame already set without ``overwrite``.
        """
        check_coordinates(self._ontology_object.shape, coordinates, repr(self._ontology_object))
        numbers = frame_set(frames)
        self._ensure_complete()
        if self._label_row is not None:
            self._label_row._check_frames(numbers)
        taken = [f for f in numbers if f in self._frames]
        if taken and not overwrite:
            raise UsageError(f"{self!r} is already on frame(s) {taken}; pass overwrite=True to replace them.")
        now = datetime.now(timezone.utc)
        for frame in numbers:
            previous = self._frames.get(frame)
            meta: dict[str, Any] = {}
            for name, value in (
                ("created_at", created_at),
                ("created_by", created_by),
                ("last_edited_at", last_edited_at),
                ("last_edited_by", last_edited_by),
                ("confidence", confidence),
                ("manual_annotation", manual_annotation),
                ("reviews", reviews),
                ("is_deleted", is_deleted),
            ):
                if value is not None:
                    meta[name] = value
            if previous is None:
                meta.setdefault("created_at", now)
                meta.setdefault("last_edited_at", meta["created_at"])
                annotation = Annotation(self, frame, coordinates=coordinates, meta=meta)
                self._frames[frame] = annotation
                if self._label_row is not None:
                    self._label_row._object_added_to_frame(self, frame)
            else:
                meta.setdefault("last_edited_at", now)
                previous._coordinates = coordinates
                previous._meta = {**previous._meta, **meta}
                previous._touch()
            self._frame_changed(frame)

    def get_annotation(self, frame: int = 0) -> Annotation:
        """The annotation on ``frame``; :class:`UsageError` when the object is not there."""
        found = self._frames.get(frame)
        if found is None and not self._complete:
            self._ensure_complete()
            found = self._frames.get(frame)
        if found is None:
            raise UsageError(f"{self!r} is not on frame {frame}.")
        return found

    def get_annotations(self) -> list[Annotation]:
        """Every annotation, by frame."""
        self._ensure_complete()
        return [self._frames[f] for f in sorted(self._frames)]

    def get_annotation_frames(self) -> set[int]:
        """The frames this object is on."""
        self._ensure_complete()
        return set(self._frames)

    def remove_from_frames(self, frames: Frames) -> None:
        """Take the object off ``frames``."""
        self._ensure_complete()
        for frame in frame_set(frames):
            if self._frames.pop(frame, None) is not None and self._label_row is not None:
                self._label_row._object_removed_from_frame(self, frame)

    # -- answers ---------------------------------------------------------------------------
    def _store(self) -> AnswerStore:
        if self._answers is None:
            self._answers = AnswerStore((self._raw_answer or {}).get("classifications") or [])
        return self._answers

    def _dynamic_answers(self) -> DynamicAnswers:
        if self._dynamic is None:
            actions = self._label_row._raw_actions(self.object_hash) if self._label_row is not None else []
            self._dynamic = DynamicAnswers(self._ontology_object.attributes, actions)
        return self._dynamic

    def set_answer(
        self,
        answer: Any,
        attribute: Attribute | None = None,
        frames: Frames | None = None,
        overwrite: bool = False,
        manual_annotation: bool = DEFAULT_MANUAL_ANNOTATION,
    ) -> None:
        """Answer an attribute: an option (radio), a list of options (checklist), text or a number.

        A dynamic attribute is answered per frame: on ``frames`` (an int, a :class:`Range` or a list of
        them), or on every frame the object is on when ``frames`` is None; what those frames held is
        replaced, so ``overwrite`` does not apply. As in the SDK, dynamic answers are always written as
        manual ones. ``frames`` on a static attribute is a :class:`UsageError`.

        Example:
            >>> from encord_nb.models import OntologyObject
            >>> from encord_nb.client import BoundingBoxCoordinates, Object, Range
            >>> moving = {"id": "1.1", "name": "Moving", "type": "radio", "featureNodeHash": "A1", "dynamic": True,
            ...           "options": [{"id": "1.1.1", "label": "Yes", "value": "yes", "featureNodeHash": "O1"}]}
            >>> car = Object(OntologyObject(name="Car", shape="bounding_box", feature_node_hash="F1", attributes=[moving]))
            >>> instance = car.create_instance()
            >>> instance.set_answer(car.attributes[0].options[0], frames=Range(2, 4))
            >>> [(a.answer.label, a.ranges) for a in instance.get_answer(car.attributes[0], filter_frame=3)]
            [('Yes', [Range(start=2, end=4)])]
        """
        attribute = resolve_attribute(self._ontology_object, answer, attribute)
        if attribute.dynamic:
            if frames is None:
                numbers = sorted(self.get_annotation_frames())
            else:
                numbers = frame_set(frames)
                if self._label_row is not None:
                    self._label_row._check_frames(numbers)
            self._dynamic_answers().set(attribute, answer, numbers)
        elif frames is not None:
            raise UsageError(f"{attribute!r} is static; only dynamic attributes take `frames`.")
        else:
            self._store().set(attribute, answer, overwrite, manual_annotation)
        if self._label_row is not None:
            self._label_row._mark_answers_dirty(self)

    def get_answer(
        self, attribute: Attribute, filter_answer: Any = None, filter_frame: Frames | None = None, is_dynamic: bool | None = None
    ) -> Any:
        """The answer to ``attribute`` (None or [] when unanswered).

        For a dynamic attribute: a list of :class:`AnswerForFrames` (each answer with its frame ranges),
        only the answers equal to ``filter_answer`` and/or present on ``filter_frame`` when given.
        ``is_dynamic``, when given, must say what the attribute is.
        """
        if is_dynamic is not None and is_dynamic is not attribute.dynamic:
            raise UsageError(f"{attribute!r} is {'dynamic' if attribute.dynamic else 'static'}, but is_dynamic={is_dynamic}.")
        if attribute.dynamic:
            frames = None if filter_frame is None else frame_set(filter_frame)
            return self._dynamic_answers().get(attribute, filter_answer, frames)
        return self._store().get(attribute)

    def delete_answer(self, attribute: Attribute, filter_answer: Any = None, filter_frame: Frames | None = None) -> None:
        """Remove the answer to ``attribute``; for a dynamic one only on ``filter_frame`` and/or equal to ``filter_answer`` when given."""
        if attribute.dynamic:
            frames = None if filter_frame is None else frame_set(filter_frame)
            self._dynamic_answers().delete(attribute, filter_answer, frames)
        else:
            self._store().delete(attribute)
        if self._label_row is not None:
            self._label_row._mark_answers_dirty(self)

    def _keep_dynamic_answers(self) -> None:
        """Take the dynamic answers along when leaving a row (they are written to the next row joined)."""
        dynamic = self._dynamic_answers()
        dynamic.changed = dynamic.changed or bool(dynamic.to_wire())

    def actions_to_wire(self) -> list[dict[str, Any]] | None:
        """This instance's ``object_actions`` list when its dynamic answers changed (None when untouched)."""
        if self._dynamic is None or not self._dynamic.changed:
            return None
        return self._dynamic.to_wire()

    def answers_to_wire(self) -> dict[str, Any]:
        """This instance's ``object_answers`` entry."""
        if self._answers is None or not self._answers.changed:
            if self._raw_answer is not None:
                return self._raw_answer
        entry = dict(self._raw_answer or {})
        entry["classifications"] = list(self._store().entries)
        entry["objectHash"] = self.object_hash
        return entry
