"""``undo(log)``: reverse a logged bulk run as far as the API allows, and say what it cannot reverse.

Each logged row is checked first: when its state on the server is no longer what the run left
(someone changed it since), it is skipped, never overwritten. What can be reversed:

* ``priority``: the old priority is set again (a row that had none cannot get "none" back);
* ``complete``: the row is reopened and its old priority set again (reopening marks a task
  ``RETURNED`` in the first annotation stage; when it was elsewhere the result says so);
* ``reopen``: the row is completed again;
* ``assign`` / ``release``: the old assignee is assigned again, or the task released;
* ``transform``: the labels logged before the run are saved back.

Review decisions (``approve`` / ``reject``) cannot be taken back through the API.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from encord_nb.exceptions import UsageError
from encord_nb.widgets._common import describe_error

from ._actions import Action, Assign, Complete, Release, Reopen, RowPlan, SetPriority
from ._bulk import RESULT_COLUMNS, BulkResult, _check_bundle_size, _initialise_labels, format_state
from ._view import ProjectView, row_state
from ._labels import label_items
from ._log import ActionLog
from ._progress import Progress, ProgressArg
from ._run import DEFAULT_BUNDLE_SIZE, RowOutcome, execute

__all__ = ["undo"]

_FINAL = ("approve", "reject")


class _RestoreLabels(Action):
    """Save a row's logged labels back (the row's labels are loaded, replaced and saved)."""

    name = "restore labels"
    fields = ("labels",)

    def submit(self, plan: RowPlan, bundle: Any) -> None:
        plan.row.from_labels_dict(plan.value)
        plan.row.save(bundle=bundle)


class _SetPriorityBack(SetPriority):
    def __init__(self) -> None:  # the value comes with each row's plan
        Action.__init__(self)


class _AssignBack(Assign):
    def __init__(self) -> None:
        Action.__init__(self)


#: The one action per logged action that reverses it (a second step may follow: see ``_steps``).
_STEP_ACTIONS: dict[str, Action] = {
    "reopen": Reopen(),
    "complete": Complete(),
    "priority": _SetPriorityBack(),
    "assign": _AssignBack(),
    "release": Release(),
    "restore labels": _RestoreLabels(),
}


@dataclass
class _Undo:
    """One logged row: what to send (steps of action name and value), or why not, and notes."""

    record: dict[str, Any]
    row: Any = None
    steps: list[tuple[str, Any]] | None = None
    outcome: str = ""
    reason: str = ""
    notes: list[str] | None = None


def _as_log(log: Any) -> tuple[ActionLog, Any]:
    if isinstance(log, BulkResult):
        return log.log, log.project
    if isinstance(log, ActionLog):
        return log, None
    if isinstance(log, (str, os.PathLike)):
        return ActionLog.read(log), None
    raise UsageError("undo() takes a BulkResult, an ActionLog or the path of a .jsonl action log.")


def _key(record_or_row: Any) -> str:
    if isinstance(record_or_row, dict):
        return record_or_row.get("label_hash") or record_or_row["data_hash"]
    return record_or_row.label_hash or record_or_row.data_hash


def _drift(record: dict[str, Any], row: Any) -> str | None:
    """Why the row's state now is not what the run left, or None when it still is."""
    after = record.get("after") or {}
    if record["action"] == "transform":
        left = set(label_items(after.get("labels") or {}))
        now = set(label_items(row.to_encord_dict()))
        return None if left == now else "its labels changed since the run"
    now = row_state(row)
    for field, value in after.items():
        if field == "status" and now.get("status") is None:
            continue  # the row hides its status (workflow rows of the SDK): the stage says enough
        if field == "priority" and value is not None and now.get(field) is not None:
            if abs(float(now[field]) - float(value)) < 1e-9:
                continue
        if now.get(field) != value:
            return f"its {field} changed since the run (now {now.get(field)!r}, the run left {value!r})"
    return None


def _steps(item: _Undo, view: ProjectView) -> None:
    """Fill ``item.steps`` and notes for a logged row, or mark it as one that cannot be reversed."""
    record, before = item.record, item.record.get("before") or {}
    action, notes = record["action"], []
    if action in _FINAL:
        item.outcome, item.reason = "cannot", f"a review decision ({action}) cannot be taken back through the API"
        return
    if action == "priority":
        if before.get("priority") is None:
            item.outcome, item.reason = "cannot", "the row had no priority before; the API cannot clear one"
            return
        item.steps = [("priority", float(before["priority"]))]
    elif action == "complete":
        item.steps = [("reopen", None)]
        if before.get("priority") is not None:
            item.steps.append(("priority", float(before["priority"])))
        if before.get("assignee") is not None:
            item.steps.append(("assign", before["assignee"]))
        first = view.stage_of_type("ANNOTATION").title
        if before.get("stage") != first:
            notes.append(f"reopened into {first!r}, not {before.get('stage')!r}: the API reopens into the first annotation stage")
        notes.append("the task is marked returned, as every reopened task is")
    elif action == "reopen":
        item.steps = [("complete", None)]
    elif action == "assign":
        item.steps = [("release", None)] if before.get("assignee") is None else [("assign", before["assignee"])]
    elif action == "release":
        item.steps = [("assign", before["assignee"])]
    elif action == "transform":
        item.steps = [("restore labels", before.get("labels"))]
    else:
        item.outcome, item.reason = "cannot", f"unknown action {action!r} in the log"
        return
    item.notes = notes


def _plan_step(name: str, value: Any, row: Any, view: ProjectView) -> RowPlan:
    action = _STEP_ACTIONS[name]
    task = view.task_of(row) if action.needs_task else None
    return RowPlan(row, {}, {}, task=task, value=value)


def undo(
    log: Any,
    project: Any = None,
    *,
    dry_run: bool = False,
    bundle_size: int = DEFAULT_BUNDLE_SIZE,
    progress: ProgressArg = None,
    log_dir: str | os.PathLike | None = None,
) -> BulkResult:
    """Reverse what a logged bulk run changed, as far as the API allows.

    Args:
        log: the run's :class:`BulkResult`, its :class:`ActionLog`, or the path of its ``.jsonl`` file.
        project: the client's ``Project`` (taken from a ``BulkResult`` when not given).
        dry_run: True to only report what would be reversed.
        bundle_size: rows per bundle.
        progress: as for :func:`~encord_nb.cells.bulk`.
        log_dir: a folder for the undo's own action log.

    Returns:
        A :class:`BulkResult`: ``done`` (with a note when the old state could be only partly restored),
        ``skipped`` (changed since the run), ``failed`` (the server's error), ``cannot`` (no API reverses
        it), or, in a dry run, ``would undo`` with the steps it would send.

    Example:
        >>> result = bulk(project, "priority", priority=0.9, dry_run=False, log_dir="logs")   # doctest: +SKIP
        >>> undo("logs/20240305-101500-priority-1a2b3c.jsonl", project)                       # doctest: +SKIP
    """
    bundle_size = _check_bundle_size(bundle_size)
    actions_log, known_project = _as_log(log)
    project = project if project is not None else known_project
    if project is None:
        raise UsageError("undo() needs the project: undo(log, project).")
    view = ProjectView(project)
    hashes = {r.get("project_hash") for r in actions_log}
    if hashes - {view.project_hash}:
        raise UsageError(f"This log is of project {sorted(hashes)[0]}, not {view.project_hash}: pass that project.")

    items: list[_Undo] = []
    latest: dict[str, _Undo] = {}
    for record in actions_log:  # a row logged twice is reversed from its last record only
        item = _Undo(record)
        if _key(record) in latest:
            earlier = latest[_key(record)]
            earlier.outcome, earlier.reason = "skipped", "a later record of this row is reversed instead"
        latest[_key(record)] = item
        items.append(item)
    live = [i for i in latest.values() if not i.outcome]
    data_hashes = sorted({i.record["data_hash"] for i in live})
    rows = {_key(r): r for r in project.list_label_rows_v2(data_hashes=data_hashes)} if data_hashes else {}
    for item in live:
        item.row = rows.get(_key(item.record))
        if item.row is None:
            item.outcome, item.reason = "skipped", "the row is no longer in the project's listing"
    labelled = [i.row for i in live if i.row is not None and i.record["action"] == "transform"]
    failed = _initialise_labels(project, labelled, bundle_size) if labelled else {}
    for item in live:
        if item.outcome:
            continue
        if _key(item.row) in failed:
            item.outcome, item.reason = "failed", failed[_key(item.row)]
            continue
        _steps(item, view)
        drift = None if item.outcome else _drift(item.record, item.row)
        if drift:
            item.outcome, item.reason, item.steps = "skipped", f"not reversed: {drift}", None

    todo = [i for i in live if not i.outcome and i.steps]
    undo_log = ActionLog.create(log_dir, "undo") if not dry_run else ActionLog()
    if dry_run:
        for item in todo:
            item.outcome, item.reason = "would undo", "; ".join([", ".join(n for n, _ in item.steps), *(item.notes or [])])
    else:
        _run_steps(project, view, todo, bundle_size, Progress(progress, len(todo), description="undo"), undo_log)

    result = BulkResult(pd.DataFrame.from_records([_result_row(i) for i in items], columns=list(RESULT_COLUMNS)))
    result.log = undo_log
    result.project = project
    return result


def _run_steps(project: Any, view: ProjectView, todo: Sequence[_Undo], bundle_size: int, meter: Progress,
               undo_log: ActionLog) -> None:
    """Send step 1 of every row, then step 2 of the rows whose step 1 went through, and so on."""
    failed: dict[int, str] = {}
    depth = max((len(i.steps or []) for i in todo), default=0)
    for index in range(depth):
        if index:
            _refresh_rows(project, view, [i for i in todo if id(i) not in failed and index < len(i.steps or [])])
        groups: dict[str, list[tuple[_Undo, RowPlan]]] = {}
        for item in todo:
            if id(item) in failed or index >= len(item.steps or []):
                continue
            name, value = item.steps[index]
            groups.setdefault(name, []).append((item, _plan_step(name, value, item.row, view)))
        for name, pairs in groups.items():
            outcomes: list[RowOutcome] = execute(
                project, _STEP_ACTIONS[name], [plan for _, plan in pairs], view=view, bundle_size=bundle_size,
                progress=Progress(False, len(pairs)), on_chunk=lambda _: None,
            )
            for (item, _), outcome in zip(pairs, outcomes):
                if not outcome.done:
                    failed[id(item)] = describe_error(outcome.error)
    for item in todo:
        if id(item) in failed:
            item.outcome, item.reason = "failed", failed[id(item)]
        else:
            item.outcome, item.reason = "done", "; ".join(item.notes or [])
            record = item.record
            undo_log.append([{**{k: record.get(k) for k in ("project_hash", "label_hash", "data_hash", "data_title")},
                              "action": f"undo {record['action']}", "run": record.get("run"),
                              "before": record.get("after"), "after": record.get("before")}])
    meter.advance(len(todo))


def _refresh_rows(project: Any, view: ProjectView, items: Sequence[_Undo]) -> None:
    """Read the rows again after a step moved them (their stage and tasks are now elsewhere)."""
    if not items:
        return
    view.forget_tasks()
    fresh = {_key(r): r for r in project.list_label_rows_v2(data_hashes=sorted({i.record["data_hash"] for i in items}))}
    for item in items:
        item.row = fresh.get(_key(item.row), item.row)


def _result_row(item: _Undo) -> dict[str, Any]:
    record = item.record
    return {
        "label_hash": record.get("label_hash"),
        "data_hash": record.get("data_hash"),
        "data_title": record.get("data_title"),
        "action": f"undo {record['action']}",
        "outcome": item.outcome,
        "reason": item.reason,
        "before": format_state(record.get("after")),
        "after": format_state(record.get("before") if item.outcome == "done" else record.get("after")),
    }
