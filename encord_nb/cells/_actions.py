"""The bulk actions: what each one would change on a row (its plan) and the client call that does it.

Every action plans a row without sending anything: it reads the row's current state from the listing
(stage, status, priority, assignee) or, for a label transform, runs the user's function on the row's
labels in memory and diffs the JSON. A row the action does not apply to is planned as a skip with
the reason. Sending is :meth:`Action.submit`: the client call with ``bundle=...``, so a whole chunk
of rows goes out as merged requests.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from numbers import Real
from typing import Any

from encord_nb.exceptions import UsageError
from encord_nb.widgets._common import describe_error

from ._view import ProjectView, row_state
from ._labels import LabelDiff, diff_labels, scrub_links

__all__ = ["ACTIONS", "Action", "RowPlan", "make_action"]


@dataclass
class RowPlan:
    """One row's planned change (or the reason it is skipped).

    Attributes:
        row: the client's label row.
        before: the row's state now (the fields the action touches).
        after: the state the action leads to (None for a skip).
        skip: why the row is left alone, or None when it will change.
        diff: for label transforms, the objects and classifications added, removed and changed.
        task: for stage actions, the row's workflow task.
        value: the action's per-row value (a priority, the label JSON to restore, ...).
    """

    row: Any
    before: dict[str, Any]
    after: dict[str, Any] | None = None
    skip: str | None = None
    diff: LabelDiff | None = None
    task: Any = None
    value: Any = None

    @property
    def key(self) -> str:
        return self.row.label_hash or self.row.data_hash


def _skip(row: Any, before: dict[str, Any], reason: str) -> RowPlan:
    return RowPlan(row, before, skip=reason)


class Action:
    """Base of the bulk actions. Subclasses name themselves, the state fields they show, and how to plan and send.

    Attributes:
        name: the action's name in ``bulk(project, name, ...)``.
        fields: the row-state fields the preview shows as current and new state.
        needs_labels: the rows' labels are loaded before planning.
        needs_task: the rows' workflow tasks are looked up before planning.
    """

    name = ""
    fields: tuple[str, ...] = ("stage", "status")
    needs_labels = False
    needs_task = False
    #: The parameters the action takes.
    accepts: tuple[str, ...] = ()

    def __init__(self, **params: Any):
        unknown = sorted(set(params) - set(self.accepts))
        if unknown:
            takes = ", ".join(self.accepts) or "no parameters"
            raise UsageError(f"bulk action {self.name!r} does not take {', '.join(unknown)} (it takes {takes}).")
        self.params = params

    def plan(self, row: Any, view: ProjectView) -> RowPlan:  # pragma: no cover - abstract
        raise NotImplementedError

    def submit(self, plan: RowPlan, bundle: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def follow_up(self, plan: RowPlan, view: ProjectView) -> None:
        """Work after the row's bundled call succeeded (e.g. a review comment); failures are reported as notes."""

    def state(self, row: Any) -> dict[str, Any]:
        full = row_state(row)
        return {key: full[key] for key in self.fields}


def _not_workflow(view: ProjectView) -> str | None:
    return None if view.is_workflow else "the project has no workflow (a manual-QA project)"


class Complete(Action):
    """Move rows to the workflow's final (DONE) stage."""

    name = "complete"
    fields = ("stage", "status", "priority", "assignee")

    def plan(self, row: Any, view: ProjectView) -> RowPlan:
        before = self.state(row)
        reason = _not_workflow(view)
        if reason is None and row.label_hash is None:
            reason = "no label row yet (nothing to complete)"
        if reason is None and view.is_complete(row, before):
            reason = "already complete"
        if reason:
            return _skip(row, before, reason)
        done = view.stage_of_type("DONE")
        return RowPlan(row, before, {"stage": done.title, "status": "COMPLETED", "priority": None, "assignee": None})

    def submit(self, plan: RowPlan, bundle: Any) -> None:
        plan.row.workflow_complete(bundle=bundle)


class Reopen(Action):
    """Send completed rows back to the first annotation stage."""

    name = "reopen"
    fields = ("stage", "status", "priority", "assignee")

    def plan(self, row: Any, view: ProjectView) -> RowPlan:
        before = self.state(row)
        reason = _not_workflow(view)
        if reason is None and not view.is_complete(row, before):
            reason = f"not complete (in stage {before['stage']}); reopen applies to completed rows"
        if reason:
            return _skip(row, before, reason)
        first = view.stage_of_type("ANNOTATION")
        after = {"stage": first.title, "status": "RETURNED", "priority": before["priority"], "assignee": before["assignee"]}
        return RowPlan(row, before, after)

    def submit(self, plan: RowPlan, bundle: Any) -> None:
        plan.row.workflow_reopen(bundle=bundle)


def _priority_problem(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, Real) or math.isnan(float(value)):
        return f"priority {value!r} is not a number"
    if not 0.0 <= float(value) <= 1.0:
        return f"priority {value!r} is outside 0..1"
    return None


class SetPriority(Action):
    """Set rows' workflow priority to a constant or to ``priority(row)``."""

    name = "priority"
    fields = ("priority",)
    accepts = ("priority",)

    def __init__(self, priority: float | Callable[[Any], float] | None = None, **params: Any):
        if priority is None:
            raise UsageError("bulk(project, 'priority', priority=...) needs a priority: a number in 0..1 or a function of the row.")
        if not callable(priority):
            problem = _priority_problem(priority)
            if problem:
                raise UsageError(f"Cannot set {problem}: priorities lie between 0.0 and 1.0.")
        super().__init__(priority=priority, **params)

    def plan(self, row: Any, view: ProjectView) -> RowPlan:
        before = self.state(row)
        reason = _not_workflow(view)
        if reason:
            return _skip(row, before, reason)
        if view.is_complete(row, row_state(row)):
            return _skip(row, before, "complete rows have no priority")
        wanted = self.params["priority"]
        if callable(wanted):
            try:
                wanted = wanted(row)
            except Exception as error:  # one bad row must not stop the others
                return _skip(row, before, f"priority function raised {describe_error(error)}")
            problem = _priority_problem(wanted)
            if problem:
                return _skip(row, before, f"priority function gave {problem}")
        value = float(wanted)
        if before["priority"] is not None and math.isclose(before["priority"], value):
            return _skip(row, before, f"priority is already {value:g}")
        return RowPlan(row, before, {"priority": value}, value=value)

    def submit(self, plan: RowPlan, bundle: Any) -> None:
        plan.row.set_priority(plan.value, bundle=bundle)


class _StageAction(Action):
    """An action on the row's workflow task in its current stage."""

    needs_task = True
    stage_types: tuple[str, ...] = ("ANNOTATION", "REVIEW")

    def plan(self, row: Any, view: ProjectView) -> RowPlan:
        before = self.state(row)
        reason = _not_workflow(view)
        stage = view.stage_of_row(row)
        if reason is None and (stage is None or stage.stage_type not in self.stage_types):
            where = f"in stage {stage.title!r} ({stage.stage_type})" if stage else "in no workflow stage"
            reason = f"{where}; {self.name} applies to {' or '.join(self.stage_types)} stages"
        task = None if reason else view.task_of(row)
        if reason is None and task is None:
            reason = f"no task for this row in stage {stage.title!r}"
        if reason:
            return _skip(row, before, reason)
        return self.plan_task(row, view, before, task)

    def plan_task(self, row: Any, view: ProjectView, before: dict, task: Any) -> RowPlan:  # pragma: no cover
        raise NotImplementedError


class _ReviewDecision(_StageAction):
    stage_types = ("REVIEW",)
    fields = ("stage", "status", "assignee")
    accepts = ("comment",)
    decision = ""

    def __init__(self, comment: str | None = None, **params: Any):
        if comment is not None and (not isinstance(comment, str) or not comment.strip()):
            raise UsageError(f"bulk(project, {self.name!r}, comment=...) takes a non-empty text.")
        super().__init__(comment=comment, **params)

    def submit(self, plan: RowPlan, bundle: Any) -> None:
        getattr(plan.task, self.decision)(bundle=bundle)

    def follow_up(self, plan: RowPlan, view: ProjectView) -> None:
        if self.params.get("comment"):
            view.add_comment(plan.row, self.params["comment"])


class Approve(_ReviewDecision):
    """Approve rows' review tasks (their labels move on to the next stage)."""

    name = "approve"
    decision = "approve"

    def plan_task(self, row: Any, view: ProjectView, before: dict, task: Any) -> RowPlan:
        target = view.next_stage(view.stage_of_row(row))
        status = "COMPLETED" if target.stage_type == "DONE" else ("IN_REVIEW" if target.stage_type == "REVIEW" else "QUEUED")
        return RowPlan(row, before, {"stage": target.title, "status": status, "assignee": None}, task=task)


class Reject(_ReviewDecision):
    """Reject rows' review tasks (their labels go back to the first annotation stage)."""

    name = "reject"
    decision = "reject"

    def plan_task(self, row: Any, view: ProjectView, before: dict, task: Any) -> RowPlan:
        first = view.stage_of_type("ANNOTATION")
        return RowPlan(row, before, {"stage": first.title, "status": "RETURNED", "assignee": None}, task=task)


class Assign(_StageAction):
    """Assign rows' tasks (annotation or review) to a user."""

    name = "assign"
    fields = ("assignee",)
    accepts = ("assignee",)

    def __init__(self, assignee: str | None = None, **params: Any):
        if not isinstance(assignee, str) or "@" not in assignee:
            raise UsageError("bulk(project, 'assign', assignee='user@example.com') needs the user's email.")
        super().__init__(assignee=assignee, **params)

    def plan_task(self, row: Any, view: ProjectView, before: dict, task: Any) -> RowPlan:
        if before["assignee"] == self.params["assignee"]:
            return _skip(row, before, f"already assigned to {self.params['assignee']}")
        return RowPlan(row, before, {"assignee": self.params["assignee"]}, task=task, value=self.params["assignee"])

    def submit(self, plan: RowPlan, bundle: Any) -> None:
        plan.task.assign(plan.value, bundle=bundle)


class Release(_StageAction):
    """Release rows' tasks from whoever holds them."""

    name = "release"
    fields = ("assignee",)

    def plan_task(self, row: Any, view: ProjectView, before: dict, task: Any) -> RowPlan:
        if before["assignee"] is None:
            return _skip(row, before, "not assigned to anyone")
        return RowPlan(row, before, {"assignee": None}, task=task)

    def submit(self, plan: RowPlan, bundle: Any) -> None:
        plan.task.release(bundle=bundle)


class Transform(Action):
    """Change rows' labels with a user function ``fn(row)`` (it edits the row in place) and save them."""

    name = "transform"
    fields = ("labels",)
    needs_labels = True
    accepts = ("fn",)

    def __init__(self, fn: Callable[[Any], Any] | None = None, **params: Any):
        if not callable(fn):
            raise UsageError("bulk(project, 'transform', fn=...) needs a function that edits a label row in place.")
        super().__init__(fn=fn, **params)

    def state(self, row: Any) -> dict[str, Any]:
        return {"labels": scrub_links(row.to_encord_dict())}

    def plan(self, row: Any, view: ProjectView) -> RowPlan:
        if row.label_hash is None and not getattr(row, "is_labelling_initialised", True):
            return _skip(row, {"labels": None}, "no labels")
        before = self.state(row)
        try:
            self.params["fn"](row)
        except Exception as error:  # one bad row must not stop the others; the row is not saved
            return _skip(row, before, f"transform raised {describe_error(error)}")
        after = self.state(row)
        diff = diff_labels(before["labels"], after["labels"])
        if diff.empty:
            return RowPlan(row, before, skip="no change", diff=diff)
        return RowPlan(row, before, after, diff=diff)

    def submit(self, plan: RowPlan, bundle: Any) -> None:
        plan.row.save(bundle=bundle)


ACTIONS: dict[str, type[Action]] = {
    cls.name: cls for cls in (Complete, Reopen, SetPriority, Approve, Reject, Assign, Release, Transform)
}
_ALIASES = {"set_priority": "priority", "set-priority": "priority"}


def make_action(action: str | Action, params: dict[str, Any]) -> Action:
    """The action named ``action`` with its parameters checked (a :class:`UsageError` says what is missing)."""
    if isinstance(action, Action):
        if params:
            raise UsageError("Pass parameters to the Action object, not to bulk(), when giving an Action.")
        return action
    name = _ALIASES.get(str(action).lower(), str(action).lower())
    cls = ACTIONS.get(name)
    if cls is None:
        raise UsageError(f"Unknown bulk action {action!r}: choose one of {', '.join(ACTIONS)}.")
    return cls(**params)
