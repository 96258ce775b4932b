"""``bulk()``: choose rows, preview what an action would change, then (only when asked) do it in bundles.

The one code path: :func:`plan_bulk` lists and plans (nothing is sent but reads), :meth:`BulkPreview.run`
sends the planned changes and returns a :class:`BulkResult`. ``bulk(dry_run=False)`` is plan then run;
the widget form calls the same two steps.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from encord_nb.exceptions import UsageError
from encord_nb.widgets._common import describe_error

from ._actions import Action, RowPlan, make_action
from ._view import ProjectView
from ._labels import label_items
from ._log import ActionLog, describe_params
from ._progress import Progress, ProgressArg
from ._run import DEFAULT_BUNDLE_SIZE, RowOutcome, bundle_outcomes, execute
from ._selection import Where, as_where

__all__ = ["BulkPlan", "BulkPreview", "BulkResult", "bulk", "format_state", "plan_bulk"]

#: Columns of every preview table, in order (label transforms add ``added``, ``removed``, ``changed``).
PREVIEW_COLUMNS = ("label_hash", "data_hash", "data_title", "action", "plan", "reason", "current", "new")
#: Columns of every result table, in order.
RESULT_COLUMNS = ("label_hash", "data_hash", "data_title", "action", "outcome", "reason", "before", "after")
_DIFF_COLUMNS = ("added", "removed", "changed")
_MISSING = "not in the project's listing (unknown hash, or left out by the other filters)"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def format_state(state: dict[str, Any] | None) -> str:
    """A row state as one short cell: ``Annotate · priority 0.5 · unassigned``; labels as counts.

    A status the row does not show (workflow rows hide the legacy task status) is left out.
    """
    if state is None:
        return ""
    parts = []
    for key, value in state.items():
        if key == "labels":
            kinds = [kind for kind, _ in label_items(value or {})]
            parts.append(f"{_count(kinds.count('object'), 'object')}, "
                         f"{_count(kinds.count('classification'), 'classification')}")
        elif key == "status":
            if value is not None:
                parts.append(str(value))
        elif key == "stage":
            parts.append("no stage" if value is None else str(value))
        elif key == "priority":
            parts.append("no priority" if value is None else f"priority {value:g}")
        elif key == "assignee":
            parts.append("unassigned" if value is None else f"assigned to {value}")
        else:
            parts.append(f"{key} {value}")
    return " · ".join(parts)


def _check_bundle_size(bundle_size: int) -> int:
    if isinstance(bundle_size, bool) or not isinstance(bundle_size, int) or bundle_size < 1:
        raise UsageError(f"bundle_size must be a positive whole number of rows, got {bundle_size!r}.")
    return bundle_size


def _chunks(items: Sequence[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _initialise_labels(project: Any, rows: Sequence[Any], bundle_size: int) -> dict[str, str]:
    """Load the rows' labels, ``bundle_size`` rows per request; the reason for each row that failed."""
    failed: dict[str, str] = {}
    for chunk in _chunks(rows, bundle_size):
        bundle = project.create_bundle(bundle_size=bundle_size)
        plans = [RowPlan(row, {}) for row in chunk]
        for plan in plans:
            plan.row.initialise_labels(bundle=bundle)
        for key, error in bundle_outcomes(bundle, plans).items():
            if error is not None:
                failed[key] = f"labels could not be read: {describe_error(error)}"
    return failed


class BulkPreview(pd.DataFrame):
    """The preview of a bulk action: one row per chosen label row, what would change, or why it is skipped.

    Nothing has been changed on the server. :meth:`run` makes the planned changes (once) and returns
    a :class:`BulkResult`. Columns: ``label_hash``, ``data_hash``, ``data_title``, ``action``, ``plan``
    (``change`` or ``skip``), ``reason``, ``current``, ``new``; a label transform adds ``added``,
    ``removed`` and ``changed`` (the objects and classifications, by name and hash).

    Example:
        >>> preview = bulk(project, "priority", where={"stage": "Annotate"}, priority=0.9)  # doctest: +SKIP
        >>> preview.plan.value_counts()                                                      # doctest: +SKIP
        >>> result = preview.run()                                                           # doctest: +SKIP
    """

    _metadata = ["bulk_plan"]

    @property
    def _constructor(self):  # slices and copies are plain DataFrames: only the preview itself can run
        return pd.DataFrame

    @property
    def changes(self) -> int:
        """How many rows would change."""
        return 0 if self.empty else int((self["plan"] == "change").sum())

    def run(self, *, progress: ProgressArg = None, log_dir: str | os.PathLike | None = None) -> BulkResult:
        """Make the previewed changes (rows that changed meanwhile are reported failed with the server's reason)."""
        return self.bulk_plan.run(progress=progress, log_dir=log_dir)


class BulkResult(pd.DataFrame):
    """What a bulk run (or an undo) did: one row per label row with its ``outcome`` and ``reason``.

    ``outcome`` is ``done``, ``skipped`` (the reason says why) or ``failed`` (the reason holds the
    error); an undo also reports ``cannot`` for changes that cannot be reversed. ``before`` and
    ``after`` show the row's state. ``log`` is the :class:`ActionLog` of the rows that changed; pass it
    (or its file) to :func:`~encord_nb.cells.undo`.

    Example:
        >>> result = bulk(project, "complete", where={"stage": "Review"}, dry_run=False)   # doctest: +SKIP
        >>> result[result.outcome == "failed"]                                               # doctest: +SKIP
    """

    _metadata = ["log", "project"]

    @property
    def _constructor(self):
        return pd.DataFrame

    def counts(self) -> dict[str, int]:
        """Rows per outcome, e.g. ``{"done": 998, "failed": 1, "skipped": 1}``."""
        return {} if self.empty else {str(k): int(v) for k, v in self["outcome"].value_counts().sort_index().items()}


class BulkPlan:
    """Planned changes of one action over chosen rows; made by :func:`plan_bulk`, run once by :meth:`run`."""

    def __init__(
        self,
        project: Any,
        view: ProjectView,
        action: Action,
        where: Where,
        plans: list[RowPlan],
        bundle_size: int,
        log_dir: str | os.PathLike | None,
        missing: Sequence[str] = (),
    ):
        self.project = project
        self.view = view
        self.action = action
        self.where = where
        self.plans = plans
        self.bundle_size = bundle_size
        self.log_dir = log_dir
        self.missing = list(missing)
        self._ran = False

    def preview(self) -> BulkPreview:
        records = []
        for plan in self.plans:
            record = {
                "label_hash": plan.row.label_hash,
                "data_hash": plan.row.data_hash,
                "data_title": plan.row.data_title,
                "action": self.action.name,
                "plan": "skip" if plan.skip else "change",
                "reason": plan.skip or "",
                "current": format_state(plan.before),
                "new": format_state(plan.after) if plan.after is not None else "",
            }
            if self.action.needs_labels:
                diff = plan.diff
                for column in _DIFF_COLUMNS:
                    record[column] = list(getattr(diff, column)) if diff else []
            records.append(record)
        for key in self.missing:
            record = dict.fromkeys(PREVIEW_COLUMNS, "")
            record.update(label_hash=key, data_hash=None, data_title=None, action=self.action.name, plan="skip",
                          reason=_MISSING)
            if self.action.needs_labels:
                record.update({c: [] for c in _DIFF_COLUMNS})
            records.append(record)
        columns = list(PREVIEW_COLUMNS) + (list(_DIFF_COLUMNS) if self.action.needs_labels else [])
        preview = BulkPreview(pd.DataFrame.from_records(records, columns=columns))
        preview.bulk_plan = self
        return preview

    def _record(self, run_id: str, outcome: RowOutcome) -> dict[str, Any]:
        plan = outcome.plan
        return {
            "run": run_id,
            "project_hash": self.view.project_hash,
            "action": self.action.name,
            "params": describe_params(self.action.params),
            "label_hash": plan.row.label_hash,
            "data_hash": plan.row.data_hash,
            "data_title": plan.row.data_title,
            "before": plan.before,
            "after": plan.after,
        }

    def run(self, *, progress: ProgressArg = None, log_dir: str | os.PathLike | None = None) -> BulkResult:
        if self._ran:
            raise UsageError("This preview has already run; call bulk() again for a fresh preview.")
        self._ran = True
        log = ActionLog.create(log_dir if log_dir is not None else self.log_dir, self.action.name)
        run_id = uuid.uuid4().hex[:12]
        to_send = [p for p in self.plans if p.skip is None]
        meter = Progress(progress, len(to_send), description=self.action.name)

        def write(outcomes: list[RowOutcome]) -> None:
            log.append(self._record(run_id, o) for o in outcomes if o.done)

        outcomes = execute(
            self.project, self.action, to_send, view=self.view, bundle_size=self.bundle_size, progress=meter,
            on_chunk=write,
        )
        by_key = {o.plan.key: o for o in outcomes}
        records = []
        for plan in self.plans:
            outcome = by_key.get(plan.key) if plan.skip is None else None
            if plan.skip is not None:
                state, reason = "skipped", plan.skip
            elif outcome is not None and outcome.done:
                state, reason = "done", outcome.note or ""
            else:
                state, reason = "failed", describe_error(outcome.error) if outcome else "not sent"
            done = state == "done"
            records.append(
                {
                    "label_hash": plan.row.label_hash,
                    "data_hash": plan.row.data_hash,
                    "data_title": plan.row.data_title,
                    "action": self.action.name,
                    "outcome": state,
                    "reason": reason,
                    "before": format_state(plan.before),
                    "after": format_state(plan.after if done else plan.before),
                }
            )
        for key in self.missing:
            records.append({**dict.fromkeys(RESULT_COLUMNS, ""), "label_hash": key, "data_hash": None, "data_title": None,
                            "action": self.action.name, "outcome": "skipped", "reason": _MISSING})
        result = BulkResult(pd.DataFrame.from_records(records, columns=list(RESULT_COLUMNS)))
        result.log = log
        result.project = self.project
        return result


def plan_bulk(
    project: Any,
    action: str | Action,
    where: Any = None,
    *,
    bundle_size: int = DEFAULT_BUNDLE_SIZE,
    log_dir: str | os.PathLike | None = None,
    **params: Any,
) -> BulkPlan:
    """List the chosen rows and plan the action on each; reads only, changes nothing."""
    bundle_size = _check_bundle_size(bundle_size)
    chosen = make_action(action, params)
    selection = as_where(where)
    view = ProjectView(project)
    rows = [r for r in project.list_label_rows_v2(**selection.listing_filters()) if selection.matches_listing(r)]
    missing: list[str] = []
    if selection.hashes is not None:
        seen = {r.label_hash for r in rows} | {r.data_hash for r in rows}
        missing = [h for h in dict.fromkeys(selection.hashes) if h not in seen]
    if selection.row is not None:
        rows = [r for r in rows if _holds(selection.row, r, over_labels=False)]
    early: list[RowPlan] = []
    if selection.needs_labels or chosen.needs_labels:
        # Loading labels of a row that has none would create one on the server: such rows are skipped.
        unlabelled = [r for r in rows if r.label_hash is None]
        rows = [r for r in rows if r.label_hash is not None]
        failed = _initialise_labels(project, rows, bundle_size)
        early += [RowPlan(r, {}, skip=failed[r.label_hash]) for r in rows if r.label_hash in failed]
        rows = [r for r in rows if r.label_hash not in failed]
        if chosen.needs_labels:
            early += [RowPlan(r, {}, skip="no labels yet") for r in unlabelled]
    if selection.labels is not None:
        rows = [r for r in rows if _holds(selection.labels, r, over_labels=True)]
    if chosen.needs_task:
        view.load_tasks(rows)
    plans = early + [chosen.plan(r, view) for r in rows]
    # Listing order (data title, then hash), so previews and results read the same way.
    plans.sort(key=lambda p: (p.row.data_title or "", p.row.data_hash or ""))
    return BulkPlan(project, view, chosen, selection, plans, bundle_size, log_dir, missing)


def _holds(predicate: Any, row: Any, *, over_labels: bool) -> bool:
    try:
        return bool(predicate(row))
    except Exception as error:
        name = getattr(predicate, "__name__", "predicate")
        hint = "" if over_labels else " A predicate that reads labels goes in where={'labels': ...}."
        raise UsageError(
            f"The `where` predicate {name} failed on row {row.data_title!r} ({row.label_hash or row.data_hash}): "
            f"{describe_error(error)}.{hint} Nothing was changed."
        ) from error


def bulk(
    project: Any,
    action: str | Action,
    where: Any = None,
    *,
    dry_run: bool = True,
    bundle_size: int = DEFAULT_BUNDLE_SIZE,
    progress: ProgressArg = None,
    log_dir: str | os.PathLike | None = None,
    **params: Any,
) -> BulkPreview | BulkResult:
    """Apply one action to many label rows: previewed by default, done in bundles when ``dry_run=False``.

    Args:
        project: the client's ``Project``.
        action: ``"complete"``, ``"reopen"``, ``"priority"`` (``priority=`` a number or a function of the
            row), ``"approve"`` / ``"reject"`` (``comment=`` optional), ``"assign"`` (``assignee=``),
            ``"release"``, or ``"transform"`` (``fn=`` edits a row's labels in place; the row is saved).
        where: which rows: None (all), a dict or :class:`Where` of filters (``stage``, ``status``,
            ``title`` glob, ``edited_after``/``edited_before``, ``branch``, ``hashes``, ``row`` and
            ``labels`` predicates), a predicate, a list of hashes, or an explorer's DataFrame.
        dry_run: True (the default) returns a :class:`BulkPreview` and changes nothing.
        bundle_size: rows per bundle (one merged request per operation per bundle).
        progress: None (a bar in a notebook), False, a callable ``(done, total)``, or an ``IntProgress``.
        log_dir: a folder for the JSON-lines action log (kept in memory when None).

    Returns:
        The preview (dry run) or a :class:`BulkResult` with each row's outcome and the action log.

    Example:
        >>> preview = bulk(project, "complete", where={"stage": "Review", "title": "cat-*"})   # doctest: +SKIP
        >>> result = preview.run(log_dir="bulk-logs")                                         # doctest: +SKIP
        >>> undo(result.log)                                                                  # doctest: +SKIP
    """
    plan = plan_bulk(project, action, where, bundle_size=bundle_size, log_dir=log_dir, **params)
    preview = plan.preview()
    if dry_run:
        return preview
    return plan.run(progress=progress)

