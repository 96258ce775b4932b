"""Classification instances: an answered classification over a set of frames (or the whole row)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from encord_nb.exceptions import UsageError
from encord_nb.models import format_datetime

from ._answers import AnswerStore, Frames, frame_set, ranges_of, resolve_attribute
from ._object_instance import DEFAULT_CONFIDENCE, DEFAULT_MANUAL_ANNOTATION, _date, short_hash
from ._ontology import Attribute, Classification

if TYPE_CHECKING:
    from ._label_row import LabelRowV2


class ClassificationAnnotation:
    """A classification instance on one frame; the metadata is shared by all its frames."""

    def __init__(self, instance: ClassificationInstance, frame: int):
        self._instance = instance
        self.frame = frame

    def __repr__(self) -> str:
        return f"ClassificationAnnotation({self._instance.classification_hash!r}, frame {self.frame})"

    def __getattr__(self, name: str) -> Any:
        if name in ("created_at", "created_by", "last_edited_at", "last_edited_by", "confidence", "manual_annotation"):
            return getattr(self._instance, name)
        raise AttributeError(name)


class ClassificationInstance:
    """An answered classification placed on frames (a global one covers the whole row).

    Example:
        >>> from encord_nb.models import OntologyAttribute, OntologyClassification
        >>> from encord_nb.client import Classification
        >>> root = OntologyAttribute(name="Notes", type="text", feature_node_hash="A1")
        >>> notes = Classification(OntologyClassification(feature_node_hash="C1", attributes=[root]))
        >>> instance = notes.create_instance()
        >>> instance.set_answer("blurry", attribute=notes.attributes[0])
        >>> instance.get_answer()
        'blurry'
    """

    def __init__(self, ontology_classification: Classification, *, classification_hash: str | None = None):
        if not isinstance(ontology_classification, Classification):
            raise UsageError("A ClassificationInstance is made from an ontology Classification.")
        self._ontology_classification = ontology_classification
        self._classification_hash = classification_hash or short_hash()
        self._frames: set[int] = set()
        self._raw: dict[str, Any] | None = None
        self._meta: dict[str, Any] = {}
        self._answers = AnswerStore()
        self._label_row: LabelRowV2 | None = None
        self.changed = True

    @classmethod
    def _from_wire(cls, ontology: Classification, raw: dict[str, Any], frames: list[int]) -> ClassificationInstance:
        instance = cls(ontology, classification_hash=raw["classificationHash"])
        instance._raw = raw
        instance._frames = set(frames)
        instance._answers = AnswerStore(raw.get("classifications") or [])
        instance.changed = False
        return instance

    def __repr__(self) -> str:
        return f"ClassificationInstance({self._ontology_classification.title!r}, classification_hash={self._classification_hash!r})"

    @property
    def classification_hash(self) -> str:
        return self._classification_hash

    @property
    def ontology_item(self) -> Classification:
        return self._ontology_classification

    @property
    def feature_hash(self) -> str:
        return self._ontology_classification.feature_node_hash

    @property
    def classification_name(self) -> str:
        return self._ontology_classification.title

    def is_global(self) -> bool:
        return self._ontology_classification.is_global

    def is_assigned_to_label_row(self) -> bool:
        return self._label_row is not None

    # -- metadata --------------------------------------------------------------------------
    _WIRE = {
        "created_at": "createdAt",
        "created_by": "createdBy",
        "last_edited_at": "lastEditedAt",
        "last_edited_by": "lastEditedBy",
        "confidence": "confidence",
        "manual_annotation": "manualAnnotation",
    }

    def _get(self, name: str) -> Any:
        if name in self._meta:
            return self._meta[name]
        return (self._raw or {}).get(self._WIRE[name])

    @property
    def created_at(self) -> datetime | None:
        return _date(self._get("created_at"))

    @property
    def created_by(self) -> str | None:
        return self._get("created_by")

    @property
    def last_edited_at(self) -> datetime | None:
        return _date(self._get("last_edited_at"))

    @property
    def last_edited_by(self) -> str | None:
        return self._get("last_edited_by")

    @property
    def confidence(self) -> float:
        value = self._get("confidence")
        return DEFAULT_CONFIDENCE if value is None else value

    @property
    def manual_annotation(self) -> bool:
        value = self._get("manual_annotation")
        return DEFAULT_MANUAL_ANNOTATION if value is None else value

    def _touch(self) -> None:
        self.changed = True
        if self._label_row is not None:
            self._label_row._mark_classifications_dirty()

    # -- frames ----------------------------------------------------------------------------
    def set_for_frames(
        self,
        frames: Frames = 0,
        *,
        overwrite: bool = False,
        created_at: datetime | None = None,
        created_by: str | None = None,
        confidence: float = DEFAULT_CONFIDENCE,
        manual_annotation: bool = DEFAULT_MANUAL_ANNOTATION,
        last_edited_at: datetime | None = None,
        last_edited_by: str | None = None,
    ) -> None:
        """Place the classification on ``frames`` (ignored for a global classification)."""
        numbers = [] if self.is_global() else frame_set(frames)
        taken = sorted(self._frames.intersection(numbers))
        if taken and not overwrite:
            raise UsageError(f"{self!r} is already on frame(s) {taken}; pass overwrite=True.")
        if self._label_row is not None:
            self._label_row._check_frames(numbers)
            self._label_row._check_classification_overlap(self, numbers)
        now = datetime.now(timezone.utc)
        self._meta.update(
            created_at=created_at or self.created_at or now,
            created_by=created_by if created_by is not None else self.created_by,
            confidence=confidence,
            manual_annotation=manual_annotation,
            last_edited_at=last_edited_at or now,
            last_edited_by=last_edited_by,
        )
        self._frames.update(numbers)
        self._touch()

    def remove_from_frames(self, frames: Frames) -> None:
        self._frames.difference_update(frame_set(frames))
        self._touch()

    def get_annotation(self, frame: int = 0) -> ClassificationAnnotation:
        if not self.is_global() and frame not in self._frames:
            raise UsageError(f"{self!r} is not on frame {frame}.")
        return ClassificationAnnotation(self, frame)

    def get_annotations(self) -> list[ClassificationAnnotation]:
        return [ClassificationAnnotation(self, f) for f in sorted(self._frames)]

    def get_annotation_frames(self) -> set[int]:
        return set(self._frames)

    # -- answers ---------------------------------------------------------------------------
    def set_answer(self, answer: Any, attribute: Attribute | None = None, overwrite: bool = False) -> None:
        """Answer the classification's question (or a nested attribute)."""
        if attribute is None and not isinstance(answer, list) and not hasattr(answer, "parent"):
            attribute = self._ontology_classification.attributes[0]
        attribute = resolve_attribute(self._ontology_classification, answer, attribute)
        self._answers.set(attribute, answer, overwrite)
        self._touch()

    def get_answer(self, attribute: Attribute | None = None) -> Any:
        """The answer to ``attribute`` (default: the classification's own question)."""
        return self._answers.get(attribute or self._ontology_classification.attributes[0])

    def delete_answer(self, attribute: Attribute | None = None) -> None:
        self._answers.delete(attribute or self._ontology_classification.attributes[0])
        self._touch()

    def is_valid(self) -> bool:
        return bool(self._answers.entries) and (self.is_global() or bool(self._frames))

    def to_wire(self) -> dict[str, Any]:
        """This instance's ``classification_answers`` entry (the entry read, when unchanged)."""
        if not self.changed and self._raw is not None:
            return self._raw
        out: dict[str, Any] = {
            "classifications": list(self._answers.entries),
            "classificationHash": self.classification_hash,
            "featureHash": self.feature_hash,
            "spaces": (self._raw or {}).get("spaces") or {},
            "range": ranges_of(self._frames),
            "createdBy": self.created_by,
            "createdAt": format_datetime(self.created_at) if self.created_at else None,
            "lastEditedBy": self.last_edited_by,
            "lastEditedAt": format_datetime(self.last_edited_at) if self.last_edited_at else None,
            "confidence": self.confidence,
            "manualAnnotation": self.manual_annotation,
        }
        for key, value in (self._raw or {}).items():
            out.setdefault(key, value)
        return out
