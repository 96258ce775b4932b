"""The client core: the official SDK's API, speaking the Encord wire protocol.

Sign in with :class:`EncordUserClient`, open a :class:`Project`, list its :class:`LabelRowV2` rows,
initialise their labels (one by one or merged through a :class:`Bundle`), read and edit
:class:`ObjectInstance` and :class:`ClassificationInstance` objects frame by frame, save, and act on
the workflow. Names and arguments follow the SDK, so SDK snippets run unchanged.

Example:
    >>> from encord_nb.client import EncordUserClient
    >>> client = EncordUserClient.create_with_ssh_private_key(
    ...     ssh_private_key_path="~/.ssh/encord_ed25519")                     # doctest: +SKIP
    >>> project = client.get_project("<project hash>")                       # doctest: +SKIP
    >>> row = project.list_label_rows_v2()[0]                                # doctest: +SKIP
    >>> row.initialise_labels()                                              # doctest: +SKIP
    >>> row.get_frame_view(0).get_object_instances()                         # doctest: +SKIP
"""

from ._answers import AnswerForFrames, Range
from ._bundle import Bundle, BundleReport, ItemOutcome
from ._classification_instance import ClassificationAnnotation, ClassificationInstance
from ._constants import (
    BACKOFF_FACTOR_S,
    BUNDLE_LIMIT,
    CONNECT_TIMEOUT_S,
    CONNECTION_RETRIES,
    DEFAULT_DOMAIN,
    MAX_BACKOFF_S,
    MAX_RETRIES,
    MAX_RETRY_AFTER_S,
    READ_TIMEOUT_S,
    RETRY_STATUSES,
)
from ._coordinates import (
    BitmaskCoordinates,
    BoundingBoxCoordinates,
    OtherCoordinates,
    PointCoordinate,
    PolygonCoordinates,
    PolylineCoordinates,
    RotatableBoundingBoxCoordinates,
    SkeletonCoordinate,
    SkeletonCoordinates,
)
from ._frame_view import FrameView, FrameViewMetadata
from ._label_row import LabelRowV2
from ._object_instance import Annotation, ObjectInstance
from ._ontology import (
    Attribute,
    ChecklistAttribute,
    Classification,
    FlatOption,
    NestableOption,
    NumericAttribute,
    Object,
    OntologyStructure,
    Option,
    RadioAttribute,
    TextAttribute,
)
from ._project import DataImage, DataVideo, LabelLog, Project, ProjectDataset
from ._transport import BearerAuth, RequestsSettings, SshKeyAuth
from ._user_client import EncordUserClient
from ._workflow import (
    AgentStage,
    AnnotationStage,
    AnnotationTask,
    ConsensusAnnotationStage,
    ConsensusReviewStage,
    FinalStage,
    FinalStageTask,
    Issue,
    IssueComment,
    LabelReview,
    ReviewStage,
    ReviewTask,
    TaskIssues,
    Workflow,
    WorkflowStage,
    WorkflowTask,
)

__all__ = [
    "BACKOFF_FACTOR_S",
    "BUNDLE_LIMIT",
    "CONNECTION_RETRIES",
    "CONNECT_TIMEOUT_S",
    "DEFAULT_DOMAIN",
    "MAX_BACKOFF_S",
    "MAX_RETRIES",
    "MAX_RETRY_AFTER_S",
    "READ_TIMEOUT_S",
    "RETRY_STATUSES",
    "AgentStage",
    "Annotation",
    "AnnotationStage",
    "AnnotationTask",
    "Attribute",
    "BearerAuth",
    "BitmaskCoordinates",
    "BoundingBoxCoordinates",
    "Bundle",
    "BundleReport",
    "ChecklistAttribute",
    "Classification",
    "ClassificationAnnotation",
    "ClassificationInstance",
    "ConsensusAnnotationStage",
    "ConsensusReviewStage",
    "DataImage",
    "DataVideo",
    "EncordUserClient",
    "FinalStage",
    "FinalStageTask",
    "FlatOption",
    "FrameView",
    "FrameViewMetadata",
    "Issue",
    "IssueComment",
    "ItemOutcome",
    "LabelLog",
    "LabelReview",
    "LabelRowV2",
    "NestableOption",
    "NumericAttribute",
    "Object",
    "ObjectInstance",
    "OntologyStructure",
    "Option",
    "OtherCoordinates",
    "PointCoordinate",
    "PolygonCoordinates",
    "PolylineCoordinates",
    "Project",
    "ProjectDataset",
    "RadioAttribute",
    "AnswerForFrames",
    "Range",
    "RequestsSettings",
    "ReviewStage",
    "ReviewTask",
    "RotatableBoundingBoxCoordinates",
    "SkeletonCoordinate",
    "SkeletonCoordinates",
    "SshKeyAuth",
    "TaskIssues",
    "TextAttribute",
    "Workflow",
    "WorkflowStage",
    "WorkflowTask",
]
