"""Workflow stages of a project, their tasks, task actions, label reviews and task issues.

Stages come from the project record; tasks are listed per stage (``GET .../stages/{uuid}/tasks``,
paged). Actions (assign, release, submit, approve, reject) and review actions are sent as the SDK
sends them, one request each or merged through a bundle per stage.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from encord_nb.exceptions import UsageError
from encord_nb.models import LabelReviewStatus, StageType, WorkflowTaskStatus, parse_datetime
from encord_nb.models import Workflow as WorkflowModel
from encord_nb.models import WorkflowStage as WorkflowStageModel

from ._bundle import Bundle, BundleItem, run_now

if TYPE_CHECKING:
    from ._transport import Transport


def _as_list(value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple, set)):
        return [str(v.value if hasattr(v, "value") else v) for v in value]
    return [str(value.value if hasattr(value, "value") else value)]


def _date(value: Any) -> datetime | None:
    return parse_datetime(value) if isinstance(value, str) else value


# -- issues --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssueComment:
    content: str
    author_email: str
    created_at: datetime | None


@dataclass(frozen=True)
class Issue:
    """A comment thread on a task: on the whole file, one frame, or a point of a frame.

    ``type`` is ``"dataUnit"``, ``"frame"`` or ``"frameCoordinate"``.
    """

    type: str
    uuid: str
    data_uuid: str
    comments: list[IssueComment]
    frame_index: int | None = None
    x: float | None = None
    y: float | None = None
    resolved: bool = False
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


class TaskIssues:
    """Issues of one task's data unit (``task.issues``).

    Example:
        >>> task.issues.add_frame_issue(3, "box too loose", issue_tags=[])  # doctest: +SKIP
    """

    def __init__(self, transport: Transport, project_hash: str, data_hash: str):
        self._transport = transport
        self._project_hash = project_hash
        self._data_hash = data_hash

    def __repr__(self) -> str:
        return f"TaskIssues(data_hash={self._data_hash!r})"

    def _add(self, anchor: dict[str, Any], comment: str, issue_tags: Sequence[str]) -> None:
        if not isinstance(comment, str) or not comment.strip():
            raise UsageError("An issue needs a non-empty comment.")
        body = {"issues": [{"anchor": anchor, "comment": comment, "issueTags": list(issue_tags)}]}
        self._transport.v2("POST", f"projects/{self._project_hash}/issues", json=body)

    def add_file_issue(self, comment: str, issue_tags: Sequence[str] = ()) -> None:
        """An issue about the whole data unit."""
        self._add({"type": "dataUnit", "dataUuid": self._data_hash}, comment, issue_tags)

    def add_frame_issue(self, frame_index: int, comment: str, issue_tags: Sequence[str] = ()) -> None:
        """An issue about one frame."""
        self._add({"type": "frame", "dataUuid": self._data_hash, "frameIndex": frame_index}, comment, issue_tags)

    def add_coordinate_issue(self, frame_index: int, x: float, y: float, comment: str, issue_tags: Sequence[str] = ()) -> None:
        """An issue pinned to a point (fractions of the frame) of one frame."""
        anchor = {"type": "frameCoordinate", "dataUuid": self._data_hash, "frameIndex": frame_index, "x": x, "y": y}
        self._add(anchor, comment, issue_tags)

    def list(self) -> Iterator[Issue]:
        """Every issue of the data unit."""
        for raw in self._transport.v2_pages(f"projects/{self._project_hash}/issues", {"dataUnitId": self._data_hash}):
            coordinate = raw.get("coordinate") or {}
            yield Issue(
                type=raw.get("type", ""),
                uuid=raw.get("uuid", ""),
                data_uuid=raw.get("dataUuid", ""),
                comments=[
                    IssueComment(c.get("content", ""), c.get("authorEmail", ""), _date(c.get("createdAt")))
                    for c in raw.get("comments") or []
                ],
                frame_index=raw.get("frameIndex"),
                x=coordinate.get("x"),
                y=coordinate.get("y"),
                resolved=any(r.get("isResolved") for r in raw.get("resolutionHistory") or []),
                raw=raw,
            )


# -- tasks ---------------------------------------------------------------------------------------


class _StageClient:
    """What a stage's tasks need to act: the transport and where the stage lives."""

    def __init__(self, transport: Transport, project_hash: str, stage_uuid: str):
        self.transport = transport
        self.project_hash = project_hash
        self.stage_uuid = stage_uuid

    def _actions_runner(self, items: Sequence[BundleItem]) -> list[Any]:
        path = f"projects/{self.project_hash}/workflow/stages/{self.stage_uuid}/actions"
        self.transport.v2("POST", path, json=[i.payload for i in items], retryable=False)
        return [None] * len(items)

    def act(self, action: dict[str, Any], bundle: Bundle | None) -> None:
        item = BundleItem(f"task {action['action'].lower()}", action["taskUuid"], action)
        if bundle is None:
            run_now(self._actions_runner, item)
        else:
            bundle.add(("stage actions", self.project_hash, self.stage_uuid), self._actions_runner, item)


class WorkflowTask:
    """A task of a workflow stage: one data unit waiting for work there."""

    def __init__(self, client: _StageClient, raw: dict[str, Any]):
        self._client = client
        self.raw = raw
        self.uuid: str = raw["uuid"]
        self.created_at = _date(raw.get("createdAt"))
        self.updated_at = _date(raw.get("updatedAt"))
        self.data_hash: str | None = raw.get("dataHash")
        self.data_title: str | None = raw.get("dataTitle")
        self.assignee: str | None = raw.get("assignee")
        self.label_branch_name: str | None = raw.get("labelBranchName")
        status = raw.get("status")
        try:
            self.status: WorkflowTaskStatus | str | None = WorkflowTaskStatus(status) if status else None
        except ValueError:
            self.status = status

    def __repr__(self) -> str:
        return f"{type(self).__name__}(uuid={self.uuid!r}, data_title={self.data_title!r}, status={self.status!r})"

    @property
    def issues(self) -> TaskIssues:
        return TaskIssues(self._client.transport, self._client.project_hash, self.data_hash or "")

    def _act(self, action: str, bundle: Bundle | None, **fields: Any) -> None:
        payload: dict[str, Any] = {"taskUuid": self.uuid, "action": action}
        payload.update({k: v for k, v in fields.items() if v is not None})
        self._client.act(payload, bundle)

    def assign(self, assignee: str, *, bundle: Bundle | None = None) -> None:
        """Give the task to a user (by e-mail)."""
        self._act("ASSIGN", bundle, assignee=assignee)

    def release(self, *, bundle: Bundle | None = None) -> None:
        """Take the task from its assignee."""
        self._act("RELEASE", bundle)


class AnnotationTask(WorkflowTask):
    """A task of an annotation stage."""

    def submit(self, *, assignee: str | None = None, retain_assignee: bool = False, bundle: Bundle | None = None) -> None:
        """Send the labels on to the next stage."""
        self._act("SUBMIT", bundle, resolveLabelReviews=True, assignee=assignee, retainAssignee=retain_assignee)


class LabelReview:
    """A review of one label (object or classification) inside a review task."""

    def __init__(self, task: ReviewTask, raw: dict[str, Any]):
        self._task = task
        self.raw = raw
        self.uuid: str = raw.get("reviewUuid") or raw.get("uuid", "")
        self.label_type: str | None = raw.get("labelType")
        self.label_id: str | None = raw.get("labelId")
        try:
            self.status: LabelReviewStatus | str | None = LabelReviewStatus(raw.get("status"))
        except ValueError:
            self.status = raw.get("status")

    def __repr__(self) -> str:
        return f"LabelReview(uuid={self.uuid!r}, label_id={self.label_id!r}, status={self.status!r})"

    def _act(self, action: str, bundle: Bundle | None, **fields: Any) -> None:
        client, task_uuid = self._task._client, self._task.uuid
        payload: dict[str, Any] = {"reviewUuid": self.uuid, "action": action}
        payload.update({k: v for k, v in fields.items() if v is not None})
        path = f"projects/{client.project_hash}/workflow/stages/{client.stage_uuid}/tasks/{task_uuid}/reviews/actions"

        def runner(items: Sequence[BundleItem]) -> list[Any]:
            client.transport.v2("POST", path, json=[i.payload for i in items], retryable=False)
            return [None] * len(items)

        item = BundleItem(f"review {action.lower()}", self.uuid, payload)
        if bundle is None:
            run_now(runner, item)
        else:
            bundle.add(("review actions", client.project_hash, client.stage_uuid, task_uuid), runner, item)

    def approve(self, *, bundle: Bundle | None = None) -> None:
        self._act("APPROVE", bundle)

    def reject(self, *, comment: str | None = None, issue_tags: list[str] | None = None, bundle: Bundle | None = None) -> None:
        self._act("REJECT", bundle, comment=comment, commentTags=issue_tags)

    def reopen(self, *, bundle: Bundle | None = None) -> None:
        self._act("REOPEN", bundle)


class ReviewTask(WorkflowTask):
    """A task of a review stage."""

    def approve(self, *, assignee: str | None = None, retain_assignee: bool = False, bundle: Bundle | None = None) -> None:
        """Accept the labels: the task moves on to the next stage."""
        self._act("APPROVE", bundle, approveLabelReviews=True, assignee=assignee, retainAssignee=retain_assignee)

    def reject(self, *, assignee: str | None = None, retain_assignee: bool = False, bundle: Bundle | None = None) -> None:
        """Send the labels back to annotation."""
        self._act("REJECT", bundle, rejectLabelReviews=True, assignee=assignee, retainAssignee=retain_assignee)

    def get_label_reviews(self) -> Iterator[LabelReview]:
        """The per-label reviews of this task."""
        client = self._client
        path = f"projects/{client.project_hash}/workflow/stages/{client.stage_uuid}/tasks/{self.uuid}/reviews"
        for raw in client.transport.v2_pages(path):
            yield LabelReview(self, raw)


class FinalStageTask(WorkflowTask):
    """A task that reached a final (done) stage."""


# -- stages --------------------------------------------------------------------------------------


class WorkflowStage:
    """One stage of a project's workflow. ``get_tasks`` lists its tasks with the SDK's filters."""

    stage_type: StageType | str
    _task_class: type[WorkflowTask] = WorkflowTask

    def __init__(self, transport: Transport, project_hash: str, model: WorkflowStageModel):
        self._client = _StageClient(transport, project_hash, model.uuid)
        self.model = model
        self.uuid = model.uuid
        self.title = model.title
        self.stage_type = model.stage_type

    def __repr__(self) -> str:
        kind = getattr(self.stage_type, "value", self.stage_type)
        return f"{type(self).__name__}(stage_type={kind}, uuid={self.uuid!r}, title={self.title!r})"

    def get_tasks(
        self,
        *,
        assignee: str | list[str] | None = None,
        data_hash: str | list[str] | None = None,
        dataset_hash: str | list[str] | None = None,
        data_title: str | None = None,
        status: Any = None,
    ) -> Iterator[WorkflowTask]:
        """The stage's tasks, filtered like the SDK (assignee e-mails, data/dataset hashes, title, status)."""
        params = {
            "userEmails": _as_list(assignee),
            "dataHashes": _as_list(data_hash),
            "datasetHashes": _as_list(dataset_hash),
            "dataTitleContains": data_title,
            "statuses": _as_list(status),
        }
        path = f"projects/{self._client.project_hash}/workflow/stages/{self.uuid}/tasks"
        for raw in self._client.transport.v2_pages(path, params):
            yield self._task_class(self._client, raw)


class AnnotationStage(WorkflowStage):
    """An annotation stage; its tasks are :class:`AnnotationTask` (assign, release, submit)."""

    _task_class = AnnotationTask


class ReviewStage(WorkflowStage):
    """A review stage; its tasks are :class:`ReviewTask` (assign, release, approve, reject, label reviews)."""

    _task_class = ReviewTask


class FinalStage(WorkflowStage):
    """A final (done) stage; its tasks only record where the data ended."""

    _task_class = FinalStageTask


class ConsensusAnnotationStage(WorkflowStage):
    """A consensus annotation stage (its tasks act like annotation tasks)."""

    _task_class = AnnotationTask


class ConsensusReviewStage(WorkflowStage):
    """A consensus review stage (its tasks act like review tasks)."""

    _task_class = ReviewTask


class AgentStage(WorkflowStage):
    """An agent stage (automation); its tasks can be listed."""


_STAGE_CLASS = {
    StageType.ANNOTATION: AnnotationStage,
    StageType.REVIEW: ReviewStage,
    StageType.DONE: FinalStage,
    StageType.CONSENSUS_ANNOTATION: ConsensusAnnotationStage,
    StageType.CONSENSUS_REVIEW: ConsensusReviewStage,
    StageType.AGENT: AgentStage,
}


class Workflow:
    """A project's workflow: its stages in order (router nodes are left out, as in the SDK).

    Example:
        >>> review = project.workflow.get_stage(name="Review", type_=ReviewStage)   # doctest: +SKIP
        >>> for task in review.get_tasks(status=["NEW"]):                             # doctest: +SKIP
        ...     task.approve()
    """

    def __init__(self, transport: Transport, project_hash: str, model: WorkflowModel):
        self.model = model
        self.stages: list[WorkflowStage] = [
            _STAGE_CLASS[s.stage_type](transport, project_hash, s) for s in model.stages if s.stage_type in _STAGE_CLASS
        ]

    def __repr__(self) -> str:
        return f"Workflow({[s.title for s in self.stages]})"

    def get_stage(self, *, name: str | None = None, uuid: str | None = None, type_: type[WorkflowStage] | None = None) -> WorkflowStage:
        """The stage with this title or uuid (optionally checked to be of ``type_``)."""
        if (name is None) == (uuid is None):
            raise UsageError("Pass exactly one of `name` or `uuid` to get_stage.")
        for stage in self.stages:
            if (name is not None and stage.title == name) or (uuid is not None and str(stage.uuid) == str(uuid)):
                if type_ is not None and not isinstance(stage, type_):
                    raise UsageError(f"Stage {stage.title!r} is a {type(stage).__name__}, not a {type_.__name__}.")
                return stage
        raise UsageError(f"The workflow has no stage {name or uuid!r}; stages: {[s.title for s in self.stages]}.")
