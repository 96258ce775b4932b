"""Enumerations of the Encord JSON, and a way to keep values this code does not know yet.

Status-like fields use :data:`Tolerant` so that a value the platform adds later is kept as its raw
string (and written back unchanged) instead of failing the whole document.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, TypeVar, Union

from pydantic import Field

E = TypeVar("E", bound=Enum)

#: ``Tolerant[SomeEnum]``: the enum member when the value is known, otherwise the raw string.
Tolerant = Annotated[Union[E, str], Field(union_mode="left_to_right")]


class DataType(str, Enum):
    """What a label row labels. The blurb spells these lower-case; listings upper-case.

    Example:
        >>> DataType("img_group") is DataType.IMG_GROUP
        True
    """

    VIDEO = "video"
    IMG_GROUP = "img_group"
    DICOM = "dicom"
    IMAGE = "image"
    DICOM_STUDY = "dicom_study"
    NIFTI = "nifti"
    AUDIO = "audio"
    TIME_SERIES = "time_series"
    PLAIN_TEXT = "plain_text"
    PDF = "pdf"
    GROUP = "group"
    SCENE = "scene"


class LabelStatus(str, Enum):
    """Labelling progress of a row in a manual-QA project."""

    NOT_LABELLED = "NOT_LABELLED"
    LABEL_IN_PROGRESS = "LABEL_IN_PROGRESS"
    LABELLED = "LABELLED"
    REVIEW_IN_PROGRESS = "REVIEW_IN_PROGRESS"
    REVIEWED = "REVIEWED"
    REVIEWED_TWICE = "REVIEWED_TWICE"


class AnnotationTaskStatus(str, Enum):
    """Task state of a row in a manual-QA project (not the workflow task states)."""

    QUEUED = "QUEUED"
    ASSIGNED = "ASSIGNED"
    IN_REVIEW = "IN_REVIEW"
    RETURNED = "RETURNED"
    COMPLETED = "COMPLETED"


class ProjectType(str, Enum):
    """Whether a project runs a workflow graph or the older manual QA."""

    WORKFLOW = "workflow"
    MANUAL_QA = "manual_qa"


class ProjectStatus(str, Enum):
    """Lifecycle state of a project."""

    NOT_STARTED = "notStarted"
    IN_PROGRESS = "inProgress"
    IN_REVIEW = "inReview"
    PAUSED = "paused"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    ARCHIVED = "archived"


class StageType(str, Enum):
    """Kind of a workflow stage (graph node)."""

    ANNOTATION = "ANNOTATION"
    REVIEW = "REVIEW"
    USER_ROUTER = "USER_ROUTER"
    PERCENTAGE_ROUTER = "PERCENTAGE_ROUTER"
    CONSENSUS_ANNOTATION = "CONSENSUS_ANNOTATION"
    CONSENSUS_REVIEW = "CONSENSUS_REVIEW"
    DONE = "DONE"
    AGENT = "AGENT"


class WorkflowTaskStatus(str, Enum):
    """State of a workflow task in an annotation, review or agent stage (union of their values)."""

    NEW = "NEW"
    ASSIGNED = "ASSIGNED"
    RELEASED = "RELEASED"
    SKIPPED = "SKIPPED"
    REOPENED = "REOPENED"
    COMPLETED = "COMPLETED"


class LabelReviewStatus(str, Enum):
    """State of one per-label review inside a review task."""

    NEW = "NEW"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    RESOLVED = "RESOLVED"
    REOPENED = "REOPENED"


class Shape(str, Enum):
    """Geometry kind of an ontology object and of its frame objects."""

    BOUNDING_BOX = "bounding_box"
    ROTATABLE_BOUNDING_BOX = "rotatable_bounding_box"
    POLYGON = "polygon"
    POLYLINE = "polyline"
    POINT = "point"
    SKELETON = "skeleton"
    BITMASK = "bitmask"
    AUDIO = "audio"
    TIME_RANGE = "time_range"
    TEXT = "text"
    CUBOID = "cuboid"
    CUBOID_2D = "cuboid_2d"
    CIRCLE = "circle"
    ELLIPSE = "ellipse"
    SEGMENTATION = "segmentation"


class AttributeType(str, Enum):
    """Kind of an ontology attribute, which decides the shape of its answers."""

    RADIO = "radio"
    CHECKLIST = "checklist"
    TEXT = "text"
    NUMERIC = "numeric"


class Visibility(str, Enum):
    """Visibility of one skeleton vertex."""

    VISIBLE = "visible"
    INVISIBLE = "invisible"
    OCCLUDED = "occluded"
    SELF_OCCLUDED = "selfOccluded"
