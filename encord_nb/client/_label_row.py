"""``LabelRowV2``: one data unit's labels, read lazily, edited in place, saved as the SDK saves them.

Listing rows builds no labels at all. ``initialise_labels`` decodes the row's JSON once and checks the
row-level fields; a frame's objects are typed and built only when that frame is asked for, so the
first frame of a long video is in hand at about the cost of decoding its JSON. Saving writes back
every part that was not changed exactly as it was read.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Union

from encord_nb.exceptions import (
    LabelFormatError,
    ResponseValidationError,
    UnsafeSaveError,
    UsageError,
    WrongProjectTypeError,
)
from encord_nb.models import (
    AnnotationTaskStatus,
    DataType,
    FrameLabels,
    LabelRowMetadata,
    LabelStatus,
    LazyLabelRow,
    WorkflowGraphNode,
    parse_datetime,
    parse_label_row_lazy,
)

from ._answers import Frames, frame_set
from ._bundle import Bundle, BundleItem, run_now
from ._classification_instance import ClassificationInstance
from ._frame_records import read_frame
from ._frame_view import FrameView, FrameViewMetadata
from ._lazy_json import FRAME_KEYED_TYPES, decode_frames, decode_value, label_row_from_json
from ._object_instance import Annotation, ObjectInstance
from ._ontology import Classification, Object, OntologyStructure

if TYPE_CHECKING:
    from ._project import Project

#: Row types whose labels are keyed by frame number.
_FRAME_KEYED = {DataType(kind) for kind in FRAME_KEYED_TYPES}

RawLabels = Union[dict, bytes, str]


def _metadata_from_labels(labels: dict[str, Any]) -> dict[str, Any]:
    """Listing-style metadata made from a label-row dict (for rows built with ``from_labels_dict``)."""
    keys = ("label_hash", "branch_name", "created_at", "last_edited_at", "data_hash", "dataset_hash", "dataset_title",
            "data_title", "label_status", "annotation_task_status", "is_shadow_data")
    meta = {k: labels[k] for k in keys if k in labels and labels[k] is not None}
    meta["data_type"] = labels.get("data_type") or "image"
    units = list((labels.get("data_units") or {}).values())
    if units:
        first = units[0]
        meta.setdefault("width", first.get("width"))
        meta.setdefault("height", first.get("height"))
        meta["data_link"] = first.get("data_link")
        if first.get("data_fps") is not None:
            meta["frames_per_second"] = first["data_fps"]
        if first.get("data_duration") is not None:
            meta["duration"] = first["data_duration"]
        meta["file_type"] = first.get("data_type")
        labelled = [int(k) for k in (first.get("labels") or {}) if k.isdigit()]
        from_media = round(meta["frames_per_second"] * meta["duration"]) if "duration" in meta and "frames_per_second" in meta else 0
        meta["number_of_frames"] = max([from_media, len(units), *(f + 1 for f in labelled)])
    meta.setdefault("data_hash", labels.get("data_hash") or "")
    return meta


def read_payload(
    get_signed_url: bool,
    *,
    multi_request: bool,
    object_hashes: set[str] | None,
    classification_hashes: set[str] | None,
    include_reviews: bool,
    include_archived: bool | None = None,
) -> dict[str, Any]:
    """The payload of a ``labelrow`` GET, as the SDK writes it (feature filters as sorted lists or null)."""
    payload: dict[str, Any] = {
        "get_signed_url": get_signed_url,
        "multi_request": multi_request,
        "include_object_feature_hashes": sorted(object_hashes) if object_hashes is not None else None,
        "include_classification_feature_hashes": sorted(classification_hashes) if classification_hashes is not None else None,
        "include_reviews": include_reviews,
        "include_export_history": False,
    }
    if include_archived is not None:
        payload["include_archived"] = include_archived
    return payload


class LabelRowV2:
    """One data unit of a project (an image, an image group or a video) and its labels.

    Metadata (title, status, workflow stage, priority, ...) is there from the listing. Call
    :meth:`initialise_labels` (or use a bundle) before reading or writing labels, and :meth:`save`
    to write them back.

    Example:
        >>> row = project.list_label_rows_v2(data_title_eq="cat.jpg")[0]    # doctest: +SKIP
        >>> row.initialise_labels()                                           # doctest: +SKIP
        >>> [o.object_name for o in row.get_object_instances()]              # doctest: +SKIP
        ['Cat face']
    """

    def __init__(
        self,
        label_row_metadata: dict[str, Any] | LabelRowMetadata | None = None,
        project: Project | None = None,
        ontology: OntologyStructure | None = None,
    ):
        if isinstance(label_row_metadata, LabelRowMetadata):
            self._meta_raw: dict[str, Any] = label_row_metadata.model_dump(mode="json", exclude_unset=True)
            self._meta: LabelRowMetadata | None = label_row_metadata
        else:
            self._meta_raw = dict(label_row_metadata or {})
            self._meta = None
        self._project = project
        self._ontology_override = ontology

    # Label state exists only once labels are read: listing thousands of rows stays cheap.
    _raw: dict[str, Any] | None = None
    _lazy: LazyLabelRow | None = None
    _all_loaded = False
    _classifications_dirty = False
    _filtered = False
    _keyed = False
    _single_unit = False

    def _reset_labels(self) -> None:
        self._raw: dict[str, Any] | None = None
        self._lazy: LazyLabelRow | None = None
        self._objects: dict[str, ObjectInstance] = {}
        self._frame_order: dict[int, list[str]] = {}
        self._all_loaded = False
        self._classifications: dict[str, ClassificationInstance] = {}
        self._dirty_frames: set[int] = set()
        self._dirty_answers: set[str] = set()
        self._removed_objects: set[str] = set()
        self._classifications_dirty = False
        self._removed_classifications: set[str] = set()
        self._filtered = False
        self._decoded_frames: dict[int, Any] = {}

    def __repr__(self) -> str:
        state = "initialised" if self.is_labelling_initialised else "not initialised"
        return f"LabelRowV2({self.data_title!r}, data_hash={self.data_hash!r}, {state})"

    # -- metadata --------------------------------------------------------------------------
    @property
    def metadata_model(self) -> LabelRowMetadata:
        """The listing entry as a typed model (parsed on first use)."""
        if self._meta is None:
            try:
                self._meta = LabelRowMetadata.model_validate(self._meta_raw)
            except Exception as error:  # pydantic's ValidationError, named for the user
                raise ResponseValidationError(f"The listing entry of data {self._meta_raw.get('data_hash')!r} is malformed: {error}") from None
        return self._meta

    def _m(self, key: str, default: Any = None) -> Any:
        return self._meta_raw.get(key, default)

    @property
    def label_hash(self) -> str | None:
        return self._m("label_hash")

    @property
    def branch_name(self) -> str:
        return self._m("branch_name") or "main"

    @property
    def data_hash(self) -> str:
        return self._m("data_hash")

    @property
    def dataset_hash(self) -> str | None:
        return self._m("dataset_hash")

    @property
    def dataset_title(self) -> str | None:
        return self._m("dataset_title")

    @property
    def data_title(self) -> str | None:
        return self._m("data_title")

    @property
    def data_type(self) -> DataType:
        return self.metadata_model.data_type

    @property
    def file_type(self) -> str | None:
        return self._m("file_type")

    @property
    def client_metadata(self) -> dict | None:
        return self._m("client_metadata")

    @property
    def workflow_graph_node(self) -> WorkflowGraphNode | None:
        return self.metadata_model.workflow_graph_node

    def _refuse_on_workflow(self, name: str) -> None:
        if self._m("workflow_graph_node") is not None:
            raise WrongProjectTypeError(f"`{name}` belongs to manual-QA projects; this row is in a workflow (use workflow_graph_node).")

    @property
    def label_status(self) -> LabelStatus:
        self._refuse_on_workflow("label_status")
        return self.metadata_model.label_status

    @property
    def annotation_task_status(self) -> AnnotationTaskStatus | None:
        self._refuse_on_workflow("annotation_task_status")
        return self.metadata_model.annotation_task_status

    @property
    def is_shadow_data(self) -> bool:
        return bool(self._m("is_shadow_data", False))

    @property
    def created_at(self) -> datetime | None:
        value = self._m("created_at")
        return parse_datetime(value) if value else None

    @property
    def last_edited_at(self) -> datetime | None:
        value = self._m("last_edited_at")
        return parse_datetime(value) if value else None

    @property
    def number_of_frames(self) -> int:
        if self._lazy is not None and self.data_type == DataType.IMG_GROUP:
            return len(self._lazy.data_units)
        value = self._m("number_of_frames")
        if value is None and self._m("images_data"):
            return len(self._m("images_data"))
        return value if value is not None else 1

    @property
    def duration(self) -> float | None:
        return self._m("duration")

    @property
    def fps(self) -> float | None:
        return self._m("frames_per_second")

    @property
    def data_link(self) -> str | None:
        """The media link (signed when initialised with ``include_signed_url``); None for image groups."""
        if self._lazy is not None:
            if self.data_type == DataType.IMG_GROUP:
                return None
            unit = next(iter(self._lazy.data_units.values()), None)
            return unit.data_link if unit is not None else None
        return self._m("data_link")

    @property
    def width(self) -> int | None:
        return self._m("width")

    @property
    def height(self) -> int | None:
        return self._m("height")

    @property
    def audio_codec(self) -> str | None:
        return self._m("audio_codec")

    @property
    def audio_sample_rate(self) -> int | None:
        return self._m("audio_sample_rate")

    @property
    def audio_bit_depth(self) -> int | None:
        return self._m("audio_bit_depth")

    @property
    def audio_num_channels(self) -> int | None:
        return self._m("audio_num_channels")

    @property
    def backing_item_uuid(self) -> str | None:
        return self._m("backing_item_uuid")

    @property
    def task_uuid(self) -> str | None:
        return self._m("task_uuid")

    @property
    def priority(self) -> float | None:
        if self._m("workflow_graph_node") is None:
            raise WrongProjectTypeError("`priority` belongs to workflow projects; this row is in a manual-QA project.")
        return self._m("priority")

    @property
    def assigned_user_email(self) -> str | None:
        return self._m("assigned_user_email")

    @property
    def last_actioned_by_user_email(self) -> str | None:
        return self._m("last_actioned_by_user_email")

    @property
    def is_valid(self) -> bool:
        return bool(self._m("is_valid", True))

    @property
    def ontology_structure(self) -> OntologyStructure:
        if self._ontology_override is not None:
            return self._ontology_override
        if self._project is None:
            raise UsageError("This row has no project and no ontology: pass `ontology=` to LabelRowV2.")
        return self._project.ontology_structure

    @property
    def is_labelling_initialised(self) -> bool:
        return self._lazy is not None

    # -- initialisation ----------------------------------------------------------------------
    def _need_project(self) -> Project:
        if self._project is None:
            raise UsageError("This row was built without a project, so it cannot talk to the server.")
        return self._project

    def initialise_labels(
        self,
        include_object_feature_hashes: set[str] | None = None,
        include_classification_feature_hashes: set[str] | None = None,
        include_reviews: bool = False,
        include_archived: bool = False,
        overwrite: bool = False,
        bundle: Bundle | None = None,
        *,
        include_signed_url: bool = False,
    ) -> None:
        """Fetch the row's labels (creating an empty label row when the data has none yet).

        A row read with feature-hash filters holds only part of its labels, so :meth:`save` refuses it
        unless ``force=True``.

        Raises:
            UsageError: labels are already initialised and ``overwrite`` is False.
        """
        if self.is_labelling_initialised and not overwrite:
            raise UsageError(f"{self!r} already holds labels; pass overwrite=True to read them again (unsaved edits are lost).")
        project = self._need_project()
        filtered = include_object_feature_hashes is not None or include_classification_feature_hashes is not None

        def on_result(labels: dict[str, Any]) -> None:
            self._load(labels)
            self._filtered = filtered

        if self.label_hash is None:
            payload: dict[str, Any] = {"multi_request": True, "get_signed_url": include_signed_url, "branch_name": self.branch_name}
            kind, key = "create", self.data_hash
        else:
            payload = read_payload(
                include_signed_url,
                multi_request=True,
                object_hashes=include_object_feature_hashes,
                classification_hashes=include_classification_feature_hashes,
                include_reviews=include_reviews,
                include_archived=include_archived,
            )
            kind, key = "initialise", self.label_hash
        item = BundleItem(kind, key, payload, on_result)
        runner = project._label_runner(kind)
        if bundle is None:
            run_now(runner, item)
        else:
            bundle.add(("labelrow", kind, project.project_hash, json.dumps(payload, sort_keys=True)), runner, item)

    def from_labels_dict(self, label_row_dict: RawLabels) -> None:
        """Load labels from a label-row dict (or its JSON bytes/text), as ``initialise_labels`` would."""
        if isinstance(label_row_dict, str):
            label_row_dict = label_row_dict.encode()
        if isinstance(label_row_dict, (bytes, bytearray)):
            label_row_dict = label_row_from_json(bytes(label_row_dict))
        if not isinstance(label_row_dict, dict):
            raise LabelFormatError("a label row is a JSON object")
        if not self._meta_raw:
            self._meta_raw = _metadata_from_labels(label_row_dict)
            self._meta = None
        self._load(label_row_dict)

    def _load(self, labels: dict[str, Any]) -> None:
        lazy = parse_label_row_lazy(labels)
        self._reset_labels()
        self._raw = labels
        self._lazy = lazy
        kind = str(labels.get("data_type") or self._m("data_type") or "").lower()  # no need to validate metadata here
        self._keyed = kind in FRAME_KEYED_TYPES
        self._single_unit = self._keyed or kind == DataType.IMAGE.value
        # The label row carries the newest identity (a create gives the row its label hash).
        for key in ("label_hash", "created_at", "last_edited_at", "branch_name"):
            if labels.get(key) is not None and self._meta_raw.get(key) != labels[key]:
                self._meta_raw[key] = labels[key]
                self._meta = None
        ontology = self.ontology_structure
        frames_of = lazy.classification_frames() if lazy.classification_answers else {}
        for classification_hash, raw in (labels.get("classification_answers") or {}).items():
            feature_hash = raw.get("featureHash") if isinstance(raw, dict) else None
            element = ontology.find(feature_hash) if feature_hash else None
            if not isinstance(element, Classification):
                continue  # kept verbatim in the raw row, but not an instance of this ontology
            instance = ClassificationInstance._from_wire(element, raw, frames_of.get(classification_hash, []))
            instance._label_row = self
            self._classifications[classification_hash] = instance

    def _check_initialised(self) -> LazyLabelRow:
        if self._lazy is None:
            raise UsageError(f"{self!r} has no labels yet: call initialise_labels() (or initialise it through a bundle) first.")
        return self._lazy

    # -- frames ------------------------------------------------------------------------------
    def _is_frame_keyed(self) -> bool:
        return self._keyed if self._lazy is not None else self.data_type in _FRAME_KEYED

    def _unit_key_for_frame(self, frame: int) -> str | None:
        lazy = self._check_initialised()
        if self._single_unit:
            return next(iter(lazy.data_units), None)
        return next((key for key, unit in lazy.data_units.items() if unit.frame_index == frame), None)

    def _frame_numbers(self) -> list[int]:
        lazy = self._check_initialised()
        numbers: set[int] = set()
        for unit in lazy.data_units.values():
            if self._is_frame_keyed():
                numbers.update(int(k) for k in unit.labels if k.isdigit())
            else:
                numbers.add(unit.frame_index)
        return sorted(numbers)

    def _frame_source(self, frame: int) -> tuple[str | None, Any]:
        """The data unit key of a frame and its labels as held (encoded bytes or decoded JSON)."""
        lazy = self._check_initialised()
        key = self._unit_key_for_frame(frame)
        unit = lazy.data_units.get(key) if key is not None else None
        if unit is None:
            return key, None
        return key, (unit.labels.get(str(frame)) if self._keyed else (unit.labels or None))

    def _load_frame(self, frame: int) -> None:
        if frame not in self._frame_order:
            self._build_frame(frame, *self._frame_source(frame))

    def _build_frame(self, frame: int, key: str | None, value: Any) -> None:
        """Make (or extend) the object instances of one frame from its labels."""
        order: list[str] = []
        if value:
            where = f"data_units.{key}.labels" + (f".{frame}" if self._keyed else "")
            records = read_frame(value, label_hash=self.label_hash, where=where)
            find = self.ontology_structure.find
            objects = self._objects
            for record in records:
                object_hash = record.object_hash
                instance = objects.get(object_hash)
                if instance is None:
                    if object_hash in self._removed_objects:
                        continue
                    element = find(record.feature_hash)
                    if not isinstance(element, Object):
                        raise LabelFormatError(
                            "the object's feature hash is not an object of the project's ontology",
                            label_hash=self.label_hash,
                            object_hash=object_hash,
                            field=f"{where}.featureHash",
                        )
                    instance = ObjectInstance(element, object_hash=object_hash)
                    instance._label_row = self
                    instance._complete = self._all_loaded
                    instance._answers = None
                    instance._raw_answer = ((self._raw or {}).get("object_answers") or {}).get(object_hash)
                    objects[object_hash] = instance
                instance._frames[frame] = Annotation(instance, frame, record)
                order.append(object_hash)
        self._frame_order[frame] = order

    def _frame_value(self, frame: int) -> Any:
        """One frame's labels as decoded JSON (cached; frames kept encoded are decoded here)."""
        cached = self._decoded_frames.get(frame)
        if cached is None:
            cached = self._decoded_frames[frame] = decode_value(self._frame_source(frame)[1]) or {}
        return cached

    def _raw_object(self, frame: int, object_hash: str) -> dict[str, Any] | None:
        for obj in self._frame_value(frame).get("objects") or ():
            if isinstance(obj, dict) and obj.get("objectHash") == object_hash:
                return obj
        return None

    def _typed_object(self, frame: int, object_hash: str) -> Any:
        labels = self.frame_labels(frame)
        return next((o for o in labels.objects if o.object_hash == object_hash), None) if labels is not None else None

    def _frame_size(self, frame: int) -> tuple[int | None, int | None]:
        lazy = self._check_initialised()
        key = self._unit_key_for_frame(frame)
        unit = lazy.data_units.get(key) if key is not None else None
        if unit is None:
            return (None, None)
        return (unit.width or self.width, unit.height or self.height)

    def frame_labels(self, frame: int) -> FrameLabels | None:
        """One frame's labels as the typed wire models (what the renderers draw), validated on first use."""
        return self._check_initialised().frame_labels(frame)

    def _load_all_frames(self) -> None:
        if self._all_loaded:
            return
        lazy = self._check_initialised()
        if self._keyed:  # walk each unit's frames once instead of looking every frame up
            for key, unit in lazy.data_units.items():
                for frame, value in sorted((int(name), v) for name, v in unit.labels.items() if name.isdigit()):
                    if frame not in self._frame_order:
                        self._build_frame(frame, key, value)
        else:
            for frame in self._frame_numbers():
                self._load_frame(frame)
        self._all_loaded = True
        for instance in self._objects.values():
            instance._complete = True

    def _objects_on_frame(self, frame: int, filter_ontology_object: Object | None = None) -> list[ObjectInstance]:
        self._load_frame(frame)
        found = [self._objects[h] for h in self._frame_order[frame] if h in self._objects]
        if filter_ontology_object is not None:
            found = [o for o in found if o.feature_hash == filter_ontology_object.feature_node_hash]
        return found

    def _frame_info(self, frame: int) -> dict[str, Any]:
        if self._lazy is not None:
            key = self._unit_key_for_frame(frame)
            unit = self._lazy.data_units.get(key) if key is not None else None
            if unit is None:
                raise UsageError(f"{self!r} has no frame {frame}.")
            image_group = self.data_type == DataType.IMG_GROUP
            return {
                "image_hash": unit.data_hash,
                "image_title": unit.data_title,
                "file_type": unit.data_type,
                "width": unit.width if image_group or unit.width else self.width,
                "height": unit.height if image_group or unit.height else self.height,
                "data_link": unit.data_link,
            }
        if self.data_type == DataType.IMG_GROUP:
            images = self._m("images_data")
            if not images:
                raise UsageError("Frame facts of an image group need initialise_labels() or a listing with include_images_data=True.")
            image = next((i for i in images if i.get("index") == frame), None)
            if image is None:
                raise UsageError(f"{self!r} has no frame {frame}.")
            return {
                "image_hash": image.get("image_hash"),
                "image_title": image.get("title"),
                "file_type": image.get("file_type"),
                "width": image.get("width"),
                "height": image.get("height"),
                "data_link": None,
            }
        return {
            "image_hash": self.data_hash,
            "image_title": self.data_title,
            "file_type": self.file_type,
            "width": self.width,
            "height": self.height,
            "data_link": self._m("data_link"),
        }

    def _frame_number(self, frame: int | str) -> int:
        if isinstance(frame, str):
            number = self.get_frame_number(frame)
            if number is None:
                raise UsageError(f"{self!r} has no image {frame!r}.")
            return number
        return frame

    def get_frame_view(self, frame: int | str = 0) -> FrameView:
        """The view of one frame (a number, or an image hash of an image group)."""
        self._check_initialised()
        number = self._frame_number(frame)
        self._check_frames([number])
        return FrameView(self, number, self._frame_info(number))

    def get_frame_views(self) -> list[FrameView]:
        """A view per frame, in order."""
        self._check_initialised()
        return [FrameView(self, f, self._frame_info(f)) for f in range(self.number_of_frames)]

    def get_frame_metadata(self, frame: int | str = 0) -> FrameViewMetadata:
        """Facts about one frame; works before labels are initialised."""
        number = self._frame_number(frame)
        return FrameViewMetadata(self, number, self._frame_info(number))

    def get_frames_metadata(self) -> list[FrameViewMetadata]:
        return [self.get_frame_metadata(f) for f in range(self.number_of_frames)]

    def get_image_hash(self, frame_number: int) -> str | None:
        """The image hash of a frame of an image group (the data hash for images and videos)."""
        if self.data_type != DataType.IMG_GROUP:
            return self.data_hash
        try:
            return self._frame_info(frame_number)["image_hash"]
        except UsageError:
            return None

    def get_frame_number(self, image_hash: str) -> int | None:
        if self.data_type != DataType.IMG_GROUP:
            return 0 if image_hash == self.data_hash else None
        if self._lazy is not None:
            unit = self._lazy.data_units.get(image_hash)
            return unit.frame_index if unit is not None else None
        for image in self._m("images_data") or []:
            if image.get("image_hash") == image_hash:
                return image.get("index")
        return None

    def _check_frames(self, frames: Sequence[int]) -> None:
        limit = self.number_of_frames
        outside = [f for f in frames if f < 0 or f >= limit]
        if outside:
            raise UsageError(f"Frame(s) {outside} are outside {self!r}, which has {limit} frame(s).")

    # -- objects -------------------------------------------------------------------------------
    def get_object_instances(self, filter_ontology_object: Object | None = None, filter_frames: Frames | None = None) -> list[ObjectInstance]:
        """The row's objects, optionally only one ontology object and/or only some frames.

        With ``filter_frames`` only those frames are looked at (fast on long videos).
        """
        self._check_initialised()
        if filter_frames is not None:
            seen: dict[str, ObjectInstance] = {}
            for frame in frame_set(filter_frames):
                for instance in self._objects_on_frame(frame):
                    seen.setdefault(instance.object_hash, instance)
            found = list(seen.values())
        else:
            self._load_all_frames()
            found = list(self._objects.values())
        if filter_ontology_object is not None:
            found = [o for o in found if o.feature_hash == filter_ontology_object.feature_node_hash]
        return found

    def add_object_instance(self, object_instance: ObjectInstance, force: bool = True) -> None:
        """Add an object (with the frames it is set on) to the row.

        Raises:
            UsageError: the object belongs to another row, is not in this ontology, or its hash is taken
                and ``force`` is False.
        """
        self._check_initialised()
        if object_instance.is_assigned_to_label_row() and object_instance._label_row is not self:
            raise UsageError(f"{object_instance!r} already belongs to another label row; use a copy.")
        if self.ontology_structure.find(object_instance.feature_hash) is None:
            raise UsageError(f"{object_instance!r} is not an object of this project's ontology.")
        self._check_frames(sorted(object_instance._frames))
        self._load_all_frames()
        existing = self._objects.get(object_instance.object_hash)
        if existing is not None and existing is not object_instance:
            if not force:
                raise UsageError(f"The row already has an object with hash {object_instance.object_hash!r}; pass force=True to replace it.")
            self.remove_object(existing)
        object_instance._label_row = self
        object_instance._complete = True
        self._objects[object_instance.object_hash] = object_instance
        self._removed_objects.discard(object_instance.object_hash)
        for frame in object_instance._frames:
            self._object_added_to_frame(object_instance, frame)
        self._dirty_answers.add(object_instance.object_hash)

    def remove_object(self, object_instance: ObjectInstance) -> None:
        """Take an object (on every frame) off the row."""
        self._check_initialised()
        self._load_all_frames()
        if self._objects.get(object_instance.object_hash) is not object_instance:
            raise UsageError(f"{object_instance!r} is not on {self!r}.")
        for frame, annotation in list(object_instance._frames.items()):
            annotation._detach()
            self._object_removed_from_frame(object_instance, frame)
        del self._objects[object_instance.object_hash]
        self._removed_objects.add(object_instance.object_hash)
        self._dirty_answers.discard(object_instance.object_hash)
        object_instance._keep_dynamic_answers()
        object_instance._label_row = None

    def _object_added_to_frame(self, instance: ObjectInstance, frame: int) -> None:
        self._load_frame(frame)
        order = self._frame_order[frame]
        if instance.object_hash not in order:
            order.append(instance.object_hash)
        self._dirty_frames.add(frame)

    def _object_removed_from_frame(self, instance: ObjectInstance, frame: int) -> None:
        order = self._frame_order.get(frame)
        if order and instance.object_hash in order:
            order.remove(instance.object_hash)
        self._dirty_frames.add(frame)

    def _mark_frame_dirty(self, frame: int) -> None:
        self._dirty_frames.add(frame)

    def _mark_answers_dirty(self, instance: ObjectInstance) -> None:
        self._dirty_answers.add(instance.object_hash)

    def _raw_actions(self, object_hash: str) -> list[dict[str, Any]]:
        entry = ((self._raw or {}).get("object_actions") or {}).get(object_hash) or {}
        return list(entry.get("actions") or [])

    # -- classifications ---------------------------------------------------------------------
    def get_classification_instances(
        self, filter_ontology_classification: Classification | None = None, filter_frames: Frames | None = None
    ) -> list[ClassificationInstance]:
        """The row's classification instances, optionally of one kind and/or on some frames."""
        self._check_initialised()
        found = list(self._classifications.values())
        if filter_ontology_classification is not None:
            found = [c for c in found if c.feature_hash == filter_ontology_classification.feature_node_hash]
        if filter_frames is not None:
            wanted = set(frame_set(filter_frames))
            found = [c for c in found if c.is_global() or c._frames & wanted]
        return found

    def add_classification_instance(self, classification_instance: ClassificationInstance, force: bool = False) -> None:
        """Add a classification instance (placed with ``set_for_frames``) to the row."""
        self._check_initialised()
        if classification_instance.is_assigned_to_label_row() and classification_instance._label_row is not self:
            raise UsageError(f"{classification_instance!r} already belongs to another label row.")
        if self.ontology_structure.find(classification_instance.feature_hash) is None:
            raise UsageError(f"{classification_instance!r} is not a classification of this project's ontology.")
        self._check_frames(sorted(classification_instance._frames))
        if not force:
            self._check_classification_overlap(classification_instance, classification_instance._frames)
        classification_instance._label_row = self
        self._classifications[classification_instance.classification_hash] = classification_instance
        self._removed_classifications.discard(classification_instance.classification_hash)
        self._classifications_dirty = True

    def _check_classification_overlap(self, instance: ClassificationInstance, frames: Any) -> None:
        frames = set(frames)
        for other in self._classifications.values():
            if other is instance or other.feature_hash != instance.feature_hash:
                continue
            if other.is_global() or other._frames & frames:
                raise UsageError(f"{other!r} of the same classification already covers some of these frames.")

    def remove_classification(self, classification_instance: ClassificationInstance) -> None:
        self._check_initialised()
        if self._classifications.pop(classification_instance.classification_hash, None) is None:
            raise UsageError(f"{classification_instance!r} is not on {self!r}.")
        classification_instance._label_row = None
        self._removed_classifications.add(classification_instance.classification_hash)
        self._classifications_dirty = True

    def _mark_classifications_dirty(self) -> None:
        self._classifications_dirty = True

    # -- writing ----------------------------------------------------------------------------
    @property
    def has_unsaved_changes(self) -> bool:
        """True when objects or classifications changed since the labels were read."""
        if self._lazy is None:
            return False
        return bool(self._dirty_frames or self._dirty_answers or self._removed_objects or self._classifications_dirty)

    def _labels_dict(self) -> dict[str, Any]:
        """The label row as it would be saved (shares unchanged parts with what was read)."""
        self._check_initialised()
        raw = decode_frames(self._raw or {})
        if not self.has_unsaved_changes:
            return raw
        out = dict(raw)
        units = {key: dict(unit) for key, unit in (raw.get("data_units") or {}).items()}
        copied_labels: set[str] = set()
        keyed = self._is_frame_keyed()
        for frame in sorted(self._dirty_frames):
            key = self._unit_key_for_frame(frame)
            if key is None or key not in units:
                continue
            if key not in copied_labels:
                units[key]["labels"] = dict(units[key].get("labels") or {})
                copied_labels.add(key)
            labels = units[key]["labels"]
            objects = [self._objects[h]._frames[frame].to_wire() for h in self._frame_order.get(frame, []) if h in self._objects]
            if keyed:
                entry = dict(decode_value(labels.get(str(frame))) or {})
                entry["objects"] = objects
                entry.setdefault("classifications", [])
                if objects or entry["classifications"]:
                    labels[str(frame)] = entry
                else:
                    labels.pop(str(frame), None)
            else:
                labels["objects"] = objects
                labels.setdefault("classifications", [])
        if keyed:
            for key in copied_labels:
                labels = units[key]["labels"]
                units[key]["labels"] = {k: labels[k] for k in sorted(labels, key=lambda k: (not k.isdigit(), int(k) if k.isdigit() else 0, k))}
        out["data_units"] = units
        answers: dict[str, Any] = {}
        for object_hash, entry in (raw.get("object_answers") or {}).items():
            if object_hash in self._removed_objects and object_hash not in self._objects:
                continue
            instance = self._objects.get(object_hash)
            answers[object_hash] = instance.answers_to_wire() if instance is not None and object_hash in self._dirty_answers else entry
        for object_hash in self._dirty_answers:
            if object_hash not in answers and object_hash in self._objects:
                answers[object_hash] = self._objects[object_hash].answers_to_wire()
        out["object_answers"] = answers
        actions = {
            h: a for h, a in (raw.get("object_actions") or {}).items() if not (h in self._removed_objects and h not in self._objects)
        }
        for object_hash in self._dirty_answers:
            instance = self._objects.get(object_hash)
            changed = instance.actions_to_wire() if instance is not None else None
            if changed == []:
                actions.pop(object_hash, None)  # like the SDK: no entry for an object without dynamic answers
            elif changed is not None:
                actions[object_hash] = {**actions.get(object_hash, {}), "actions": changed, "objectHash": object_hash}
        out["object_actions"] = actions
        if self._classifications_dirty:
            classifications: dict[str, Any] = {}
            for classification_hash, entry in (raw.get("classification_answers") or {}).items():
                if classification_hash in self._removed_classifications:
                    continue
                instance = self._classifications.get(classification_hash)
                classifications[classification_hash] = instance.to_wire() if instance is not None else entry
            for classification_hash, instance in self._classifications.items():
                if classification_hash not in classifications:
                    classifications[classification_hash] = instance.to_wire()
            out["classification_answers"] = classifications
        return out

    def to_encord_dict(self) -> dict[str, Any]:
        """The label row in Encord's JSON form: what :meth:`save` sends (a copy the caller may change)."""
        return copy.deepcopy(self._labels_dict())

    def save(self, bundle: Bundle | None = None, validate_before_saving: bool = False, renumber_objects: bool = False, *, force: bool = False) -> None:
        """Write the labels to the server (replacing what is stored there).

        Raises:
            UnsafeSaveError: the row was read with feature-hash filters, so saving would delete the
                labels that were filtered out; re-initialise without filters or pass ``force=True``.
            UsageError: labels are not initialised.
        """
        self._check_initialised()
        if self._filtered and not force:
            raise UnsafeSaveError(
                f"{self!r} was read with feature-hash filters: saving it would delete the labels left out on the server. "
                "Call initialise_labels(overwrite=True) without filters, or save(force=True) if deleting them is intended."
            )
        if self.label_hash is None:
            raise UsageError(f"{self!r} has no label hash yet; initialise_labels() creates it.")
        project = self._need_project()
        labels = self._labels_dict()
        if renumber_objects:
            labels = copy.deepcopy(labels)
            for entry in (labels.get("object_answers") or {}).values():
                entry.pop("objectNumber", None)
        item = BundleItem("save", self.label_hash, {"labels": labels, "validate_before_saving": validate_before_saving})
        runner = project._label_runner("save")
        if bundle is None:
            run_now(runner, item)
        else:
            bundle.add(("labelrow", "save", project.project_hash), runner, item)

    # -- workflow --------------------------------------------------------------------------
    def workflow_complete(self, bundle: Bundle | None = None) -> None:
        """Move the row's task to the final stage of the workflow."""
        if self.label_hash is None:
            raise UsageError(f"{self!r} has no label yet, so there is no task to complete; initialise_labels() first.")
        self._workflow_action("complete", bundle)

    def workflow_reopen(self, bundle: Bundle | None = None) -> None:
        """Send the row's task back to the first annotation stage (nothing happens without a label)."""
        if self.label_hash is None:
            return
        self._workflow_action("reopen", bundle)

    def _workflow_action(self, action: str, bundle: Bundle | None) -> None:
        project = self._need_project()
        item = BundleItem(action, self.label_hash, None)  # type: ignore[arg-type]
        runner = project._label_runner(action)
        if bundle is None:
            run_now(runner, item)
        else:
            bundle.add(("labelworkflowgraphnode", action, project.project_hash), runner, item)

    def set_priority(self, priority: float, bundle: Bundle | None = None) -> None:
        """Set the priority (0..1) of the row's workflow task."""
        if self._m("workflow_graph_node") is None:
            raise WrongProjectTypeError("Priorities belong to workflow projects; this row is in a manual-QA project.")
        if isinstance(priority, bool) or not isinstance(priority, (int, float)) or not 0.0 <= priority <= 1.0:
            raise UsageError(f"A priority is a number from 0 to 1, got {priority!r}.")
        project = self._need_project()

        def on_result(_: Any) -> None:
            self._meta_raw["priority"] = float(priority)
            self._meta = None

        item = BundleItem("priority", self.data_hash, float(priority), on_result)
        runner = project._label_runner("priority")
        if bundle is None:
            run_now(runner, item)
        else:
            bundle.add(("priorities", project.project_hash), runner, item)

    def get_validation_errors(self) -> list[str] | None:
        """The server's validation errors of this row (None when it is valid)."""
        if self.is_valid or self.label_hash is None:
            return None
        project = self._need_project()
        state = project._transport.v2("GET", f"projects/{project.project_hash}/labels/{self.label_hash}/validation-state")
        return list(state.get("errors") or [])

    # -- media -------------------------------------------------------------------------------
    def _resign_media(self, image_hash: str | None = None) -> str:
        """A fresh signed URL of this row's media (one image of a group with ``image_hash``).

        For the media module: call when a link expired.
        """
        return self._need_project()._resign_media(self.data_hash, image_hash)
