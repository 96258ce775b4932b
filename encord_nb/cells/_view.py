"""What the cells need from a project, read once through the client: rows, stages, tasks, comments.

Everything the helper cells ask of the client core goes through here, so the rest of the layer reads
plain values (stage titles and types, task by data hash) and not the client's object model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from encord_nb.exceptions import UsageError, WrongProjectTypeError

__all__ = ["ProjectView", "StageInfo", "maybe", "row_state"]


def _name(value: Any) -> str | None:
    """An enum's value (or a plain string) upper-cased; None stays None."""
    if value is None:
        return None
    return str(getattr(value, "value", value)).upper()


def maybe(owner: Any, attribute: str) -> Any:
    """A property, or None where the project type refuses it (rows refuse ``annotation_task_status``
    on workflow projects and ``priority`` on manual-QA ones; manual-QA projects have no ``workflow``)."""
    try:
        return getattr(owner, attribute)
    except Exception as error:  # the SDK raises its own WrongProjectTypeError, our client ours
        if isinstance(error, WrongProjectTypeError) or type(error).__name__ == "WrongProjectTypeError":
            return None
        raise


def row_state(row: Any) -> dict[str, Any]:
    """The workflow state of a listed row: stage title, task status, priority and assignee."""
    node = getattr(row, "workflow_graph_node", None)
    return {
        "stage": getattr(node, "title", None),
        "status": _name(maybe(row, "annotation_task_status")),
        "priority": maybe(row, "priority"),
        "assignee": maybe(row, "assigned_user_email"),
    }


@dataclass(frozen=True)
class StageInfo:
    """One workflow stage: its uuid, title, type (``ANNOTATION``, ``REVIEW``, ``DONE``, ...) and position."""

    uuid: str
    title: str
    stage_type: str
    position: int
    stage: Any = None


class ProjectView:
    """The project as the bulk actions see it: its workflow stages and (fetched once, on demand) stage tasks.

    Example:
        >>> view = ProjectView(project)                                  # doctest: +SKIP
        >>> view.stage_of_type("DONE").title                             # doctest: +SKIP
        'Complete'
    """

    def __init__(self, project: Any):
        self.project = project
        self._stages: list[StageInfo] | None = None
        self._tasks: dict[str, dict[str, Any]] = {}

    @property
    def project_hash(self) -> str:
        return str(self.project.project_hash)

    @property
    def stages(self) -> list[StageInfo]:
        if self._stages is None:
            found = list(getattr(maybe(self.project, "workflow"), "stages", None) or [])
            self._stages = [
                StageInfo(str(s.uuid), str(s.title), _name(getattr(s, "stage_type", None)) or "", i, s)
                for i, s in enumerate(found)
            ]
        return self._stages

    @property
    def is_workflow(self) -> bool:
        return bool(self.stages)

    def stage_of_type(self, stage_type: str) -> StageInfo:
        """The first stage of a type; a :class:`UsageError` when the workflow has none."""
        for stage in self.stages:
            if stage.stage_type == stage_type:
                return stage
        raise UsageError(f"The project's workflow has no {stage_type} stage.")

    def is_complete(self, row: Any, state: dict[str, Any]) -> bool:
        """True when the row's task is done (in the DONE stage, or with status COMPLETED)."""
        stage = self.stage_of_row(row)
        return state.get("status") == "COMPLETED" or (stage is not None and stage.stage_type == "DONE")

    def stage_of_row(self, row: Any) -> StageInfo | None:
        node = getattr(row, "workflow_graph_node", None)
        uuid = str(getattr(node, "uuid", "") or "")
        return next((s for s in self.stages if s.uuid == uuid), None)

    def next_stage(self, stage: StageInfo | None) -> StageInfo:
        """The stage after ``stage`` in workflow order (itself when it is the last)."""
        later = [s for s in self.stages if stage is not None and s.position > stage.position]
        return later[0] if later else (stage or self.stage_of_type("DONE"))

    def load_tasks(self, rows: Sequence[Any]) -> None:
        """Fetch the tasks of every stage the rows sit in, once per stage."""
        for stage in {self.stage_of_row(r) for r in rows} - {None}:
            if stage.uuid not in self._tasks and stage.stage_type != "DONE":
                self._tasks[stage.uuid] = {str(t.data_hash): t for t in stage.stage.get_tasks()}

    def forget_tasks(self) -> None:
        """Drop the fetched tasks (after rows moved between stages)."""
        self._tasks.clear()

    def task_of(self, row: Any) -> Any:
        stage = self.stage_of_row(row)
        if stage is None:
            return None
        if stage.uuid not in self._tasks:
            self.load_tasks([row])
        return self._tasks.get(stage.uuid, {}).get(str(row.data_hash))

    def add_comment(self, row: Any, comment: str) -> None:
        """Leave a comment on the row's data unit (an issue on the whole file, as reviewers do in the editor)."""
        task = self.task_of(row)
        issues = getattr(task, "issues", None)
        if issues is None:
            raise UsageError("This client cannot add comments to tasks.")
        issues.add_file_issue(comment, [])
