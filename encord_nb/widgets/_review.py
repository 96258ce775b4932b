"""The review panel: workflow actions on the label row a frame explorer shows."""

from __future__ import annotations

from typing import Any, Callable

import ipywidgets as widgets
import traitlets

from ._common import Callbacks, StatusLine, css

#: Issue tags offered when rejecting or filing an issue (users can type others).
DEFAULT_ISSUE_TAGS = ("wrong class", "loose box", "missing label", "bad attribute")


class ReviewPanel(widgets.VBox):
    """Approve, reject, complete, reopen, prioritise and file issues for one label row's workflow task.

    The panel follows ``label_row``: its buttons are enabled for what the row's stage allows (approve and
    reject in a review stage, complete and reopen in any workflow project). Every action is confirmed in
    the status line and kept in :attr:`actions`; a failure is shown there instead of being raised.

    Args:
        project: the client ``Project`` the row belongs to (its workflow gives the stage tasks).
        label_row: the ``LabelRowV2`` to act on (set :attr:`label_row` later to follow another row).

    Example:
        >>> panel = ReviewPanel(project, label_row=row)          # doctest: +SKIP
        >>> panel.reject(comment="box too loose", issue_tags=["loose box"])   # doctest: +SKIP
        >>> panel.status.text                                    # doctest: +SKIP
        'Rejected coffee.png: box too loose'
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
        self._label_row = None
        if label_row is not None:
            self.label_row = label_row

    @property
    def label_row(self) -> Any:
        """The ``LabelRowV2`` the panel acts on."""
        return self._label_row

    @label_row.setter
    def label_row(self, row: Any) -> None:
        self._label_row = row

    def on_action(self, callback: Callable[[str, Any], Any], remove: bool = False) -> None:
        """Call ``callback(action, label_row)`` after each successful action (``"approve"``, ``"reject"``, ...)."""
        self._on_action.register(callback, remove)

    def approve(self) -> bool:
        """Approve the row's review task; ``True`` when it went through."""
        raise NotImplementedError

    def reject(self, comment: str = "", issue_tags: list[str] | tuple[str, ...] = ()) -> bool:
        """Reject the row's review task, filing ``comment`` with ``issue_tags`` as an issue on the row."""
        raise NotImplementedError

    def complete(self) -> bool:
        """Move the row's task to the workflow's complete stage."""
        raise NotImplementedError

    def reopen(self) -> bool:
        """Send the row's task back to the first annotation stage."""
        raise NotImplementedError

    def set_priority(self, priority: float) -> bool:
        """Set the task priority (0..1)."""
        raise NotImplementedError

    def add_issue(self, frame: int, x: float, y: float, comment: str = "", issue_tags=()) -> bool:
        """File an issue pinned to normalised point ``(x, y)`` of ``frame``."""
        raise NotImplementedError
