"""The review panel: workflow actions on the label row a frame explorer shows."""

from __future__ import annotations

from typing import Any, Callable

import ipywidgets as widgets
import traitlets

from ._common import Callbacks, SnapshotMixin, StatusLine, css, escape

#: Issue tags offered when rejecting or filing an issue (users can type others).
DEFAULT_ISSUE_TAGS = ("wrong class", "loose box", "missing label", "bad attribute")
#: Stage kinds where approve and reject apply.
REVIEW_STAGE_TYPES = ("REVIEW", "CONSENSUS_REVIEW")


def is_workflow_project(project: Any) -> bool:
    """Whether ``project`` (ours or the SDK's) runs a workflow, so its rows have stage tasks to act on."""
    if project is None:
        return False
    kind = getattr(project, "project_type", "")
    return str(getattr(kind, "value", kind)).lower() == "workflow"


def _stage_type_name(stage: Any) -> str:
    kind = getattr(stage, "stage_type", "")
    return str(getattr(kind, "value", kind) or "").upper()


class ReviewPanel(SnapshotMixin, widgets.VBox):
    """Approve, reject, complete, reopen, prioritise and file issues for one label row's workflow task.

    The panel follows ``label_row``: approve and reject are enabled when the row is in a review stage,
    complete, reopen and priority in any workflow project. Every action is confirmed in the status line
    and kept in :attr:`actions`; a failure is shown there instead of being raised. In issue mode
    (:attr:`issue_mode`, key ``i`` in the frame explorer) a click on the frame files an issue pinned to
    that point, with the comment and tags typed here.

    Args:
        project: the client ``Project`` the row belongs to (its workflow gives the stage tasks).
        label_row: the ``LabelRowV2`` to act on (set :attr:`label_row` later to follow another row).

    Example:
        >>> panel = ReviewPanel(project, label_row=row)          # doctest: +SKIP
        >>> panel.reject(comment="box too loose", issue_tags=["loose box"])   # doctest: +SKIP
        True
        >>> panel.status.text                                    # doctest: +SKIP
        'Rejected coffee.png (box too loose)'
    """

    #: Whether clicking the frame files a coordinate issue (the frame explorer honours it).
    issue_mode = traitlets.Bool(False)
    #: The name of the stage the row is in now ("" outside workflow projects).
    stage_name = traitlets.Unicode("")
    #: The kind of that stage: ANNOTATION, REVIEW, DONE, ... ("" outside workflow projects).
    stage_type = traitlets.Unicode("")

    def __init__(self, project: Any, label_row: Any = None, **kwargs):
        super().__init__(**kwargs)
        self.project = project
        self.status = StatusLine("review-status")
        self._on_action = Callbacks("action", self.status)
        #: Each successful action as ``(action, data_title, detail)``, oldest first.
        self.actions: list[tuple[str, str, str]] = []
        self.add_class(css("review-panel"))
        self._label_row: Any = None
        self._node: Any = None  # the row's workflow stage as last read (actions move it on the server)
        self._reviews: dict[str, list[str]] | None = None
        self._build()
        if label_row is not None:
            self.label_row = label_row
        else:
            self._update_buttons()

    # ------------------------------------------------------------------ layout

    def _button(self, label: str, name: str, tooltip: str, action: Callable[[], Any], style: str = "") -> widgets.Button:
        button = widgets.Button(description=label, tooltip=tooltip, button_style=style)
        button.add_class(css(name))
        button.on_click(lambda _: action())
        return button

    def _build(self) -> None:
        self.stage_label = widgets.HTML()
        self.stage_label.add_class(css("review-stage"))
        self.approve_button = self._button("Approve", "approve", "Approve the review task (a)", self.approve, "success")
        self.reject_button = self._button(
            "Reject", "reject", "Reject the review task with the comment and tags (r)",
            lambda: self.reject(self.comment.value, self.tags.value), "danger",
        )
        self.complete_button = self._button("Complete", "complete", "Move the task to the complete stage", self.complete)
        self.reopen_button = self._button("Reopen", "reopen", "Send the task back to annotation", self.reopen)
        self.priority = widgets.FloatSlider(
            0.5, min=0.0, max=1.0, step=0.05, description="Priority", continuous_update=False
        )
        self.priority.add_class(css("priority"))
        self.priority_button = self._button(
            "Set priority", "set-priority", "Set the task priority", lambda: self.set_priority(self.priority.value)
        )
        self.comment = widgets.Text(placeholder="comment for reject or issue", description="Comment")
        self.comment.add_class(css("review-comment"))
        self.tags = widgets.TagsInput(allowed_tags=list(DEFAULT_ISSUE_TAGS), allow_duplicates=False)
        self.tags.add_class(css("issue-tags"))
        self.issue_toggle = widgets.ToggleButton(False, description="Issue mode", tooltip="Click the frame to file an issue (i)")
        self.issue_toggle.add_class(css("issue-mode"))
        traitlets.link((self.issue_toggle, "value"), (self, "issue_mode"))
        self.children = [
            self.stage_label,
            widgets.HBox([self.approve_button, self.reject_button, self.complete_button, self.reopen_button,
                          self.issue_toggle], layout=widgets.Layout(flex_flow="row wrap")),
            widgets.HBox([self.comment, self.tags], layout=widgets.Layout(flex_flow="row wrap")),
            widgets.HBox([self.priority, self.priority_button]),
            self.status,
        ]

    # ------------------------------------------------------------------ row and stage

    @property
    def label_row(self) -> Any:
        """The ``LabelRowV2`` the panel acts on."""
        return self._label_row

    @label_row.setter
    def label_row(self, row: Any) -> None:
        self._label_row = row
        node = getattr(row, "workflow_graph_node", None) if row is not None else None
        self._set_stage(node)
        try:
            priority = getattr(row, "priority", None) if row is not None else None
        except Exception:  # the official SDK's rows refuse ``priority`` outside workflow projects
            priority = None
        if isinstance(priority, (int, float)):
            self.priority.value = float(priority)

    def _set_stage(self, node: Any) -> None:
        self._node = node
        self._reviews = None
        if node is None:
            self.stage_name, self.stage_type = "", ""
        else:
            self.stage_name = str(getattr(node, "title", "") or "")
            stage = self._stage(node)
            self.stage_type = _stage_type_name(stage) if stage is not None else ""
        self._update_buttons()

    def _workflow(self) -> Any:
        return getattr(self.project, "workflow", None)

    def _stage(self, node: Any) -> Any:
        workflow = self._workflow()
        if workflow is None or node is None:
            return None
        uuid = str(getattr(node, "uuid", ""))
        return next((s for s in workflow.stages if str(s.uuid) == uuid), None)

    def _update_buttons(self) -> None:
        in_workflow = self._label_row is not None and bool(self.stage_name)
        in_review = self.stage_type in REVIEW_STAGE_TYPES
        self.approve_button.disabled = self.reject_button.disabled = not in_review
        for button in (self.complete_button, self.reopen_button, self.priority_button, self.issue_toggle):
            button.disabled = not in_workflow
        if self._label_row is None:
            self.stage_label.value = "<i>No row.</i>"
        elif not in_workflow:
            self.stage_label.value = "<i>Not in a workflow stage.</i>"
        else:
            self.stage_label.value = (
                f"Stage: <b>{escape(self.stage_name)}</b> ({escape(self.stage_type.lower() or 'unknown')})"
            )

    def refresh(self) -> None:
        """Read the row's stage from the server again (after an action moved it)."""
        row = self._label_row
        if row is None:
            return
        listed = self.project.list_label_rows_v2(data_hashes=[row.data_hash])
        fresh = next((r for r in listed if r.branch_name == row.branch_name), None)
        self._set_stage(getattr(fresh, "workflow_graph_node", None))

    def label_reviews(self) -> dict[str, list[str]]:
        """Review verdicts per object hash in the row's review task (empty outside review stages).

        Read once per row and stage; a failure to read them is shown and leaves the map empty.
        """
        if self._reviews is None:
            self._reviews = {}
            if self._label_row is not None and self.stage_type in REVIEW_STAGE_TYPES:
                try:
                    for review in self._task().get_label_reviews():
                        status = getattr(review.status, "value", review.status)
                        self._reviews.setdefault(str(review.label_id), []).append(str(status))
                except Exception as error:  # the card shows no reviews; the panel says why
                    self.status.failure(f"Reading the label reviews of {self._title()}", error)
        return self._reviews

    # ------------------------------------------------------------------ actions

    def on_action(self, callback: Callable[[str, Any], Any], remove: bool = False) -> None:
        """Call ``callback(action, label_row)`` after each successful action (``"approve"``, ``"reject"``, ...)."""
        self._on_action.register(callback, remove)

    def _title(self) -> str:
        return str(getattr(self._label_row, "data_title", "") or getattr(self._label_row, "data_hash", "row"))

    def _task(self) -> Any:
        """The row's task in its current stage (every stage kind offers ``get_tasks(data_hash=...)``)."""
        stage = self._stage(self._node)
        if stage is None:
            raise LookupError(f"{self._title()} is not in a workflow stage with tasks")
        tasks = list(stage.get_tasks(data_hash=self._label_row.data_hash))
        if not tasks:
            raise LookupError(f"no task for {self._title()} in stage {self.stage_name!r}")
        return tasks[0]

    def _act(self, action: str, verb: str, work: Callable[[], Any], detail: str = "", move: bool = True) -> bool:
        if self._label_row is None:
            self.status.error(f"{verb}: no row selected")
            return False
        try:
            work()
        except Exception as error:  # shown in the panel, never raised into the event loop
            self.status.failure(f"{verb} {self._title()}", error)
            return False
        self.actions.append((action, self._title(), detail))
        message = f"{verb} {self._title()}" + (f" ({detail})" if detail else "")
        if move:
            try:
                self.refresh()
                message += f": now in {self.stage_name or 'no stage'}"
            except Exception as error:  # the action went through; only the stage display is stale
                message += f" (stage not refreshed: {type(error).__name__})"
        self.status.ok(message)
        self._on_action.fire(action, self._label_row)
        return True

    def _refuse_outside_review(self, verb: str) -> bool:
        if self.stage_type not in REVIEW_STAGE_TYPES:
            self.status.error(f"{verb}: {self._title()} is not in a review stage (stage: {self.stage_name or 'none'})")
            return True
        return False

    def approve(self) -> bool:
        """Approve the row's review task; ``True`` when it went through."""
        if self._refuse_outside_review("Approve"):
            return False
        return self._act("approve", "Approved", lambda: self._task().approve())

    def reject(self, comment: str = "", issue_tags: list[str] | tuple[str, ...] = ()) -> bool:
        """Reject the row's review task; a ``comment`` (with ``issue_tags``) is filed as an issue on the row."""
        if self._refuse_outside_review("Reject"):
            return False

        def work() -> None:
            task = self._task()
            if comment:
                task.issues.add_file_issue(comment, list(issue_tags))
            task.reject()

        return self._act("reject", "Rejected", work, comment)

    def complete(self) -> bool:
        """Move the row's task to the workflow's complete stage."""
        return self._act("complete", "Completed", lambda: self._label_row.workflow_complete())

    def reopen(self) -> bool:
        """Send the row's task back to the first annotation stage."""
        return self._act("reopen", "Reopened", lambda: self._label_row.workflow_reopen())

    def set_priority(self, priority: float) -> bool:
        """Set the task priority (0..1)."""
        value = float(priority)
        return self._act(
            "priority", "Set priority of", lambda: self._label_row.set_priority(value), f"{value:.2f}", move=False
        )

    def add_issue(self, frame: int, x: float, y: float, comment: str | None = None, issue_tags=None) -> bool:
        """File an issue pinned to normalised point ``(x, y)`` of ``frame`` (comment and tags default to the fields)."""
        text = comment if comment is not None else self.comment.value
        tags = list(issue_tags if issue_tags is not None else self.tags.value)
        if not text:
            self.status.error("Issue: type a comment first, then click the frame")
            return False
        return self._act(
            "issue",
            "Filed issue on",
            lambda: self._task().issues.add_coordinate_issue(frame, x, y, text, tags),
            f"frame {frame}, at {x:.3f}, {y:.3f}: {text}",
            move=False,
        )

    def snapshot_caption(self) -> str:
        if self._label_row is None:
            return "Review panel (no row)"
        stage = f"stage {self.stage_name}" if self.stage_name else "no workflow stage"
        last = f"; last action: {self.status.text}" if self.actions else ""
        return f"Review of {self._title()}: {stage}{last}"

    def press_key(self, key: str) -> None:
        """Review keys: ``a`` approve, ``r`` reject with the typed comment and tags, ``i`` toggle issue mode."""
        if key == "a":
            self.approve()
        elif key == "r":
            self.reject(self.comment.value, self.tags.value)
        elif key == "i":
            self.issue_mode = not self.issue_mode
            self.status.info("Issue mode on: click the frame to file an issue" if self.issue_mode else "Issue mode off")
