"""Views of one frame of a label row: what is on it (``FrameView``) and what it is (``FrameViewMetadata``)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from ._coordinates import Coordinates
from ._ontology import Classification, Object

if TYPE_CHECKING:
    from ._classification_instance import ClassificationInstance
    from ._label_row import LabelRowV2
    from ._object_instance import ObjectInstance


class FrameViewMetadata:
    """Facts about one frame (one image of a group, one video frame) that need no labels.

    Example:
        >>> meta = row.get_frame_metadata(0)   # doctest: +SKIP
        >>> meta.image_hash, meta.width, meta.height  # doctest: +SKIP
    """

    def __init__(self, label_row: LabelRowV2, frame: int, info: dict[str, Any]):
        self._label_row = label_row
        self._frame = frame
        self._info = info

    def __repr__(self) -> str:
        return f"{type(self).__name__}(frame={self._frame}, image_hash={self.image_hash!r})"

    @property
    def frame(self) -> int:
        return self._frame

    @property
    def frame_number(self) -> int:
        return self._frame

    @property
    def image_hash(self) -> str:
        return self._info["image_hash"]

    @property
    def image_title(self) -> str:
        return self._info.get("image_title") or ""

    @property
    def file_type(self) -> str | None:
        return self._info.get("file_type")

    @property
    def width(self) -> int | None:
        return self._info.get("width")

    @property
    def height(self) -> int | None:
        return self._info.get("height")

    @property
    def data_link(self) -> str | None:
        return self._info.get("data_link")

    @property
    def metadata(self) -> None:
        """DICOM slice metadata in the SDK; always None here (images and videos only)."""
        return None


class FrameView(FrameViewMetadata):
    """One frame of an initialised label row: its image facts and the labels on it.

    On a long video only this frame's objects are built, so stepping through frames stays fast.

    Example:
        >>> view = row.get_frame_view(3)                                # doctest: +SKIP
        >>> [o.object_hash for o in view.get_object_instances()]       # doctest: +SKIP
    """

    def get_object_instances(self, filter_ontology_object: Object | None = None) -> list[ObjectInstance]:
        """The objects on this frame, in the order the row lists them."""
        return self._label_row._objects_on_frame(self._frame, filter_ontology_object)

    def get_classification_instances(self, filter_ontology_classification: Classification | None = None) -> list[ClassificationInstance]:
        """The classifications on this frame (global ones included)."""
        return self._label_row.get_classification_instances(filter_ontology_classification, filter_frames=self._frame)

    def add_object_instance(
        self,
        object_instance: ObjectInstance,
        coordinates: Coordinates,
        *,
        overwrite: bool = False,
        created_at: datetime | None = None,
        created_by: str | None = None,
        last_edited_at: datetime | None = None,
        last_edited_by: str | None = None,
        confidence: float | None = None,
        manual_annotation: bool | None = None,
    ) -> None:
        """Put an object on this frame, adding it to the row when it is not there yet."""
        object_instance.set_for_frames(
            coordinates,
            self._frame,
            overwrite=overwrite,
            created_at=created_at,
            created_by=created_by,
            last_edited_at=last_edited_at,
            last_edited_by=last_edited_by,
            confidence=confidence,
            manual_annotation=manual_annotation,
        )
        if not object_instance.is_assigned_to_label_row():
            self._label_row.add_object_instance(object_instance)

    def add_classification_instance(self, classification_instance: ClassificationInstance, *, overwrite: bool = False, **metadata: Any) -> None:
        """Put a classification on this frame, adding it to the row when it is not there yet."""
        classification_instance.set_for_frames(self._frame, overwrite=overwrite, **metadata)
        if not classification_instance.is_assigned_to_label_row():
            self._label_row.add_classification_instance(classification_instance)
