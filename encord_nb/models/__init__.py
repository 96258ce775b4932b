"""Wire models: pydantic v2 models of the Encord JSON, pure data, no I/O.

Reading is tolerant (extra keys kept, legacy forms accepted); writing is faithful (a document read
and dumped with :func:`dump_label_row` or ``model_dump(mode="json", exclude_unset=True)`` gives back
equal JSON). Geometry stays normalised 0..1; :func:`to_pixels` is the one conversion to pixels.

Two ways to read a label row: :func:`parse_label_row` types every frame in one pass;
:func:`parse_label_row_lazy` keeps frames raw and types one frame when it is asked for (long videos).
Dumps leave out fields that were never set, so pass every field you want written when building
models in code (e.g. ``confidence`` and ``manual_annotation`` of a new object).

Example:
    >>> from encord_nb.models import parse_label_row, to_pixels
    >>> row = parse_label_row(open("label_row_image.json", "rb").read())     # doctest: +SKIP
    >>> box = row.frame_labels(0).objects[0].coordinates                       # doctest: +SKIP
    >>> to_pixels(box, 451, 300)                                               # doctest: +SKIP
    (135, 30, 284, 180)
"""

from ._answers import (
    AttributeAnswer,
    ClassificationAnswer,
    DynamicAnswer,
    FrameClassification,
    FrameRange,
    ObjectActions,
    ObjectAnswer,
    OptionAnswer,
    merge_attribute_answers,
)
from ._dates import format_datetime, parse_datetime
from ._enums import (
    AnnotationTaskStatus,
    AttributeType,
    DataType,
    LabelReviewStatus,
    LabelStatus,
    ProjectStatus,
    ProjectType,
    Shape,
    StageType,
    Visibility,
    WorkflowTaskStatus,
)
from ._geometry import (
    BitmaskCoordinates,
    BoundingBox,
    PointCoordinates,
    PolygonCoordinates,
    PolylineCoordinates,
    RotatableBoundingBox,
    SkeletonCoordinates,
    SkeletonVertex,
    Vertex,
    to_pixels,
)
from ._label_row import (
    DataUnit,
    LabelRowBlurb,
    LazyDataUnit,
    LazyLabelRow,
    dump_label_row,
    parse_label_row,
    parse_label_row_lazy,
)
from ._metadata import ImageData, LabelRowMetadata, WorkflowGraphNode
from ._objects import (
    AnyFrameObject,
    BitmaskObject,
    BoundingBoxObject,
    FrameLabels,
    FrameObject,
    OtherShapeObject,
    PointObject,
    PolygonObject,
    PolylineObject,
    RotatableBoundingBoxObject,
    SkeletonObject,
)
from ._ontology import (
    OntologyAttribute,
    OntologyClassification,
    OntologyObject,
    OntologyOption,
    OntologyStructure,
    SkeletonTemplate,
    SkeletonTemplateVertex,
    parse_ontology,
)
from ._project import ProjectModel, Workflow, WorkflowPathway, WorkflowStage, WorkflowTask
from ._rle import rle_decode, rle_encode

__all__ = [
    "AnnotationTaskStatus",
    "AnyFrameObject",
    "AttributeAnswer",
    "AttributeType",
    "BitmaskCoordinates",
    "BitmaskObject",
    "BoundingBox",
    "BoundingBoxObject",
    "ClassificationAnswer",
    "DataType",
    "DataUnit",
    "DynamicAnswer",
    "FrameClassification",
    "FrameLabels",
    "FrameObject",
    "FrameRange",
    "ImageData",
    "LabelReviewStatus",
    "LabelRowBlurb",
    "LabelRowMetadata",
    "LabelStatus",
    "LazyDataUnit",
    "LazyLabelRow",
    "ObjectActions",
    "ObjectAnswer",
    "OntologyAttribute",
    "OntologyClassification",
    "OntologyObject",
    "OntologyOption",
    "OntologyStructure",
    "OptionAnswer",
    "OtherShapeObject",
    "PointCoordinates",
    "PointObject",
    "PolygonCoordinates",
    "PolygonObject",
    "PolylineCoordinates",
    "PolylineObject",
    "ProjectModel",
    "ProjectStatus",
    "ProjectType",
    "RotatableBoundingBox",
    "RotatableBoundingBoxObject",
    "Shape",
    "SkeletonCoordinates",
    "SkeletonObject",
    "SkeletonTemplate",
    "SkeletonTemplateVertex",
    "SkeletonVertex",
    "StageType",
    "Vertex",
    "Visibility",
    "Workflow",
    "WorkflowGraphNode",
    "WorkflowPathway",
    "WorkflowStage",
    "WorkflowTask",
    "WorkflowTaskStatus",
    "dump_label_row",
    "format_datetime",
    "merge_attribute_answers",
    "parse_datetime",
    "parse_label_row",
    "parse_label_row_lazy",
    "parse_ontology",
    "rle_decode",
    "rle_encode",
    "to_pixels",
]
