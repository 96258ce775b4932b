"""``BulkForm``: the bulk action as a widget: filters, action, preview, confirm, progress, result.

The form only gathers arguments: previewing calls :func:`plan_bulk` (what ``bulk()`` calls) and
confirming calls the preview's ``run`` (what ``bulk(dry_run=False)`` calls), so the form and the
function send the same requests and give the same tables.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets
import pandas as pd

from encord_nb.exceptions import UsageError
from encord_nb.widgets._common import StatusLine, css, run_action

from ._actions import ACTIONS
from ._bulk import BulkPreview, BulkResult, plan_bulk
from ._view import ProjectView
from ._run import DEFAULT_BUNDLE_SIZE
from ._selection import selection_hashes

__all__ = ["BulkForm"]

#: Rows a preview or result table shows in the form (the DataFrames keep them all).
TABLE_ROWS_SHOWN = 200
_ANY = "(any)"
_STATUSES = ("QUEUED", "ASSIGNED", "IN_REVIEW", "RETURNED", "COMPLETED")


def _table_html(frame: pd.DataFrame | None) -> str:
    """A DataFrame as escaped HTML (user text such as titles is escaped by ``to_html``)."""
    if frame is None:
        return ""
    shown = frame.head(TABLE_ROWS_SHOWN)
    more = len(frame) - len(shown)
    note = f"<p>… and {more} more rows (the DataFrame has them all).</p>" if more > 0 else ""
    return shown.to_html(index=False, escape=True, classes=css("bulk-table"), border=0) + note


class BulkForm(widgets.VBox):
    """A form for :func:`~encord_nb.cells.bulk`: pick rows and an action, preview, then confirm.

    Args:
        project: the client's ``Project``.
        selection: optional rows picked in an explorer (hashes or a DataFrame); "only the selection"
            limits the action to them.
        transforms: named label-transform functions offered for the ``transform`` action.
        predicates: named ``where`` predicates (e.g. ``{"low cats": has_object("Cat face", confidence_below=0.5)}``).
        log_dir: the default action-log folder.

    Attributes:
        preview: the last :class:`BulkPreview` (None before the first preview).
        result: the last :class:`BulkResult` (None before the first confirmed run).

    Example:
        >>> form = BulkForm(project, transforms={"drop low boxes": drop_low})     # doctest: +SKIP
        >>> form                                                                  # doctest: +SKIP
    """

    def __init__(
        self,
        project: Any,
        *,
        selection: Any = None,
        transforms: Mapping[str, Callable[[Any], Any]] | None = None,
        predicates: Mapping[str, Callable[[Any], bool]] | None = None,
        log_dir: str | os.PathLike | None = None,
    ):
        self.project = project
        self.transforms = dict(transforms or {})
        self.predicates = dict(predicates or {})
        self.selection = None if selection is None else selection_hashes(selection)
        self.preview: BulkPreview | None = None
        self.result: BulkResult | None = None
        stages = [s.title for s in ProjectView(project).stages]

        self.stage = widgets.Dropdown(options=[_ANY, *stages], value=_ANY, description="Stage")
        self.status = widgets.Dropdown(options=[_ANY, *_STATUSES], value=_ANY, description="Status")
        self.title = widgets.Text(value="", description="Title", placeholder="glob, e.g. cat-*.jpg")
        self.edited_after = widgets.Text(value="", description="Edited after", placeholder="2024-03-01")
        self.edited_before = widgets.Text(value="", description="Edited before", placeholder="2024-04-01")
        self.branch = widgets.Text(value="", description="Branch", placeholder="main")
        self.predicate = widgets.Dropdown(options=[_ANY, *self.predicates], value=_ANY, description="Where")
        count = len(self.selection) if self.selection is not None else 0
        self.only_selection = widgets.Checkbox(
            value=self.selection is not None, description=f"only the selection ({count} rows)",
            disabled=self.selection is None,
        )

        self.action = widgets.Dropdown(options=list(ACTIONS), value="complete", description="Action")
        self.priority = widgets.BoundedFloatText(value=0.5, min=0.0, max=1.0, step=0.05, description="Priority")
        self.assignee = widgets.Text(value="", description="Assignee", placeholder="user@example.com")
        self.comment = widgets.Textarea(value="", description="Comment")
        self.transform = widgets.Dropdown(options=list(self.transforms), description="Transform")
        self.bundle_size = widgets.BoundedIntText(value=DEFAULT_BUNDLE_SIZE, min=1, max=1000, description="Bundle size")
        self.log_dir = widgets.Text(value="" if log_dir is None else str(log_dir), description="Log folder")

        self.preview_button = widgets.Button(description="Preview", icon="eye")
        self.confirm_button = widgets.Button(description="Confirm", icon="check", button_style="danger", disabled=True)
        self.progress = widgets.IntProgress(value=0, min=0, max=1, description="Progress")
        self.status_line = StatusLine("bulk-status")
        self.preview_table = widgets.HTML()
        self.result_table = widgets.HTML()
        for name, widget in (("bulk-preview", self.preview_table), ("bulk-result", self.result_table),
                             ("bulk-confirm", self.confirm_button), ("bulk-preview-button", self.preview_button)):
            widget.add_class(css(name))

        self._params = widgets.VBox()
        self.action.observe(self._show_params, names="value")
        for widget in (self.stage, self.status, self.title, self.edited_after, self.edited_before, self.branch,
                       self.predicate, self.only_selection, self.action, self.priority, self.assignee, self.comment,
                       self.transform, self.bundle_size):
            widget.observe(self._stale, names="value")
        self.preview_button.on_click(lambda _: self.run_preview())
        self.confirm_button.on_click(lambda _: self.run_confirmed())
        self._show_params()

        filters = widgets.VBox([self.stage, self.status, self.title, self.edited_after, self.edited_before,
                                self.branch, self.predicate, self.only_selection])
        action = widgets.VBox([self.action, self._params, self.bundle_size, self.log_dir])
        super().__init__([
            widgets.HBox([filters, action]),
            widgets.HBox([self.preview_button, self.confirm_button, self.progress]),
            self.status_line,
            self.preview_table,
            self.result_table,
        ])
        self.add_class(css("bulk-form"))

    # -- the arguments ---------------------------------------------------------------------------
    def where(self) -> dict[str, Any]:
        """The ``where`` the form stands for (what ``bulk(where=...)`` would get)."""
        out: dict[str, Any] = {}
        if self.stage.value != _ANY:
            out["stage"] = self.stage.value
        if self.status.value != _ANY:
            out["status"] = self.status.value
        for key, widget in (("title", self.title), ("edited_after", self.edited_after),
                            ("edited_before", self.edited_before), ("branch", self.branch)):
            if widget.value.strip():
                out[key] = widget.value.strip()
        if self.predicate.value != _ANY:
            predicate = self.predicates[self.predicate.value]
            out["labels" if getattr(predicate, "needs_labels", False) else "row"] = predicate
        if self.only_selection.value and self.selection is not None:
            out["hashes"] = list(self.selection)
        return out

    def params(self) -> dict[str, Any]:
        """The action's parameters (what ``bulk(..., **params)`` would get)."""
        action = self.action.value
        if action == "priority":
            return {"priority": float(self.priority.value)}
        if action == "assign":
            return {"assignee": self.assignee.value.strip()}
        if action in ("approve", "reject") and self.comment.value.strip():
            return {"comment": self.comment.value.strip()}
        if action == "transform":
            if not self.transforms:
                raise UsageError("This form has no transforms to offer: BulkForm(project, transforms={'name': function}).")
            return {"fn": self.transforms[self.transform.value]}
        return {}

    # -- behaviour -------------------------------------------------------------------------------
    def _show_params(self, *_: Any) -> None:
        shown = {"priority": [self.priority], "assign": [self.assignee], "approve": [self.comment],
                 "reject": [self.comment], "transform": [self.transform]}
        self._params.children = shown.get(self.action.value, [])

    def _stale(self, *_: Any) -> None:
        """Any change to the form invalidates the preview: confirming must run what was shown."""
        if self.preview is not None:
            self.preview = None
            self.confirm_button.disabled = True
            self.status_line.info("The form changed: preview again before confirming.")

    def run_preview(self) -> BulkPreview | None:
        """Plan the action for the form's rows and show the preview (nothing is changed)."""
        self.confirm_button.disabled = True
        self.result, self.result_table.value = None, ""

        def work() -> BulkPreview:
            plan = plan_bulk(self.project, self.action.value, self.where(),
                             bundle_size=int(self.bundle_size.value), **self.params())
            return plan.preview()

        preview = run_action(self.status_line, "Preview", work)
        self.preview = preview
        self.preview_table.value = _table_html(preview)
        if preview is not None:
            self.progress.value, self.progress.max = 0, max(preview.changes, 1)
            self.status_line.ok(
                f"Preview: {preview.changes} of {len(preview)} rows would change. Nothing has been changed yet."
            )
            self.confirm_button.disabled = preview.changes == 0
        return preview

    def run_confirmed(self) -> BulkResult | None:
        """Make the previewed changes, with the progress bar, and show each row's outcome."""
        preview = self.preview
        if preview is None:
            self.status_line.error("Preview first: the form runs only what it has shown.")
            return None
        self.confirm_button.disabled = True
        log_dir = self.log_dir.value.strip() or None
        result = run_action(self.status_line, "Bulk run", lambda: preview.run(progress=self.progress, log_dir=log_dir))
        self.preview = None
        self.result = result
        self.result_table.value = _table_html(result)
        if result is not None:
            counts = ", ".join(f"{n} {k}" for k, n in result.counts().items()) or "nothing to do"
            where = f"; log: {result.log.path}" if result.log.path else ""
            if "failed" in result.counts():
                self.status_line.error(f"Bulk {self.action.value}: {counts}{where}")
            else:
                self.status_line.ok(f"Bulk {self.action.value}: {counts}{where}")
        return result
