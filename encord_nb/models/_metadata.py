"""Label-row metadata: one entry of a project's label-row listing (upper-case data types)."""

from __future__ import annotations

from typing import Annotated, Any, Union

from pydantic import BeforeValidator, Field, PlainSerializer

from ._base import WireModel
from ._enums import AnnotationTaskStatus, DataType, LabelStatus, Tolerant


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _upper(value: Union[DataType, str]) -> str:
    return (value.value if isinstance(value, DataType) else value).upper()


#: The listing spells data types upper-case (``"IMG_GROUP"``); the model holds the same DataType as the blurb.
UpperDataType = Annotated[Tolerant[DataType], BeforeValidator(_lower), PlainSerializer(_upper, return_type=str)]


class WorkflowGraphNode(WireModel):
    """The workflow stage a row's task sits in now (join on ``uuid`` with the project's stages)."""

    uuid: str
    title: str | None = None


class ImageData(WireModel):
    """Size and type of one image of an image group (listing with ``include_images_data``)."""

    index: int | None = None
    title: str | None = None
    file_type: str | None = None
    height: int | None = None
    width: int | None = None
    image_hash: str | None = None


class RowIdentity(WireModel):
    """Fields a label row's listing entry and its full blurb share: identity, dates and statuses."""

    label_hash: str | None = None
    branch_name: str = "main"
    created_at: str | None = None
    last_edited_at: str | None = None
    data_hash: str
    dataset_hash: str | None = None
    dataset_title: str | None = None
    data_title: str | None = None
    label_status: Tolerant[LabelStatus] | None = None
    annotation_task_status: Tolerant[AnnotationTaskStatus] | None = None


class LabelRowMetadata(RowIdentity):
    """One row of a project's listing: identity, status and media facts, without the labels.

    ``label_hash`` is ``None`` for a row never labelled. A row belongs to a workflow project exactly
    when ``workflow_graph_node`` is set.

    Example:
        >>> m = LabelRowMetadata(data_hash="d", data_type="IMG_GROUP", label_status="NOT_LABELLED")
        >>> m.data_type, m.model_dump(mode="json", exclude_unset=True)["data_type"]
        (<DataType.IMG_GROUP: 'img_group'>, 'IMG_GROUP')
    """

    data_type: UpperDataType
    data_link: str | None = None
    workflow_graph_node: WorkflowGraphNode | None = None
    is_shadow_data: bool = False
    number_of_frames: int | None = None
    duration: float | None = None
    frames_per_second: float | None = None
    width: int | None = None
    height: int | None = None
    group_hash: str | None = None
    task_uuid: str | None = None
    priority: float | None = None
    client_metadata: dict[str, Any] | None = None
    images_data: list[ImageData] | None = None
    file_type: str | None = None
    is_valid: bool = True
    backing_item_uuid: str | None = None
    assigned_user_email: str | None = None
    last_actioned_by_user_email: str | None = None
    spaces: dict[str, Any] | None = Field(default=None)

    @property
    def is_workflow(self) -> bool:
        """True when the row belongs to a workflow project."""
        return self.workflow_graph_node is not None
