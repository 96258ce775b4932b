"""The frame explorer: one label row's frames with overlays, click-to-inspect, zoom, compare and review keys."""

from __future__ import annotations

from typing import Any, Callable, Sequence

import ipywidgets as widgets
import traitlets

from ._common import Callbacks, SnapshotMixin, StatusLine, css

#: Widest frame sent to the browser (pixels); larger frames are scaled down before encoding.
DEFAULT_DISPLAY_WIDTH = 800


class FrameExplorer(SnapshotMixin, widgets.VBox):
    """A label row's frames with overlays, for visual label QA.

    Shows the frame image with the row's objects drawn over it, a frame slider and play button (videos,
    image groups), per-class visibility toggles, a confidence threshold, colour-by, and a comparison with
    another label branch. Clicking the image selects the topmost object under the pointer and shows its
    info card; the mouse wheel zooms at the pointer, dragging pans, ``c`` crops to the labels and ``0``
    resets the view. Keys: ``←``/``→`` frames, ``↑``/``↓`` (or ``p``/``n``) rows, ``1``..``9`` toggle
    classes, ``a`` approve, ``r`` reject, ``i`` issue mode (review keys need a workflow project).

    State lives in traits (``frame``, ``row_index``, ``selected``, ``hidden_classes``, ``min_confidence``,
    ``colour_by``, ``compare_branch``, ``mismatches_only``, ``viewport``), so code can drive it and
    ``observe`` it like a user would.

    Args:
        label_row: the ``LabelRowV2`` to show first (or ``None``: show ``rows[0]``, or nothing yet).
        rows: the rows ``next_row``/``previous_row`` step through (defaults to ``[label_row]``).
        project: the client ``Project`` (enables the review panel and branch comparison).
        frame: the first frame shown.
        display_width: the widest frame sent to the browser, in pixels.
        review: show the review panel when the project has a workflow.

    Example:
        >>> project = client.get_project(project_hash)                # doctest: +SKIP
        >>> rows = project.list_label_rows_v2()                       # doctest: +SKIP
        >>> explorer = FrameExplorer(rows=rows, project=project)      # doctest: +SKIP
        >>> explorer.frame = 3; explorer.select_at(120, 80)           # doctest: +SKIP
        >>> explorer.selected                                         # doctest: +SKIP
        'a1b2c3d4'
    """

    #: The frame shown (0-based).
    frame = traitlets.Int(0)
    #: Index of the shown row in ``rows``.
    row_index = traitlets.Int(0)
    #: Object hash of the selected object, or ``None``.
    selected = traitlets.Unicode(None, allow_none=True)
    #: Class names not drawn.
    hidden_classes = traitlets.Tuple()
    #: Objects below this confidence are not drawn.
    min_confidence = traitlets.Float(0.0)
    #: What decides colours: ontology, class, instance, annotator or source.
    colour_by = traitlets.Unicode("ontology")
    #: Label branch compared with the shown one (``None``: no comparison).
    compare_branch = traitlets.Unicode(None, allow_none=True)
    #: In comparison mode, leave true positives out.
    mismatches_only = traitlets.Bool(False)
    #: The part of the frame in view, normalised ``(x0, y0, x1, y1)``.
    viewport = traitlets.Tuple((0.0, 0.0, 1.0, 1.0))

    def __init__(
        self,
        label_row: Any = None,
        *,
        rows: Sequence[Any] | None = None,
        project: Any = None,
        frame: int = 0,
        display_width: int = DEFAULT_DISPLAY_WIDTH,
        review: bool = True,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.status = StatusLine("frame-status")
        self._on_frame = Callbacks("frame_change", self.status)
        self._on_select = Callbacks("select", self.status)
        self._on_row = Callbacks("row_change", self.status)
        self.add_class(css("frame-explorer"))

    # ------------------------------------------------------------------ events

    def on_frame_change(self, callback: Callable[[int], Any], remove: bool = False) -> None:
        """Call ``callback(frame)`` whenever another frame is shown."""
        self._on_frame.register(callback, remove)

    def on_select(self, callback: Callable[[Any], Any], remove: bool = False) -> None:
        """Call ``callback(annotation_or_None)`` when an object is selected (or the selection cleared)."""
        self._on_select.register(callback, remove)

    def on_row_change(self, callback: Callable[[Any], Any], remove: bool = False) -> None:
        """Call ``callback(label_row)`` when another row is shown."""
        self._on_row.register(callback, remove)

    # ------------------------------------------------------------------ navigation

    def show_row(self, row: Any, frame: int = 0) -> None:
        """Show ``row`` (added to ``rows`` if it is not there) at ``frame``."""
        raise NotImplementedError

    def next_row(self) -> None:
        """Show the next row of ``rows``."""
        raise NotImplementedError

    def previous_row(self) -> None:
        """Show the previous row of ``rows``."""
        raise NotImplementedError

    def select_at(self, x: float, y: float) -> Any:
        """Select the topmost visible object at frame pixel ``(x, y)``; returns its annotation or ``None``."""
        raise NotImplementedError

    def zoom_at(self, x: float, y: float, factor: float) -> None:
        """Zoom by ``factor`` (>1 in, <1 out) keeping frame pixel ``(x, y)`` under the pointer."""
        raise NotImplementedError

    def crop_to_labels(self) -> None:
        """Zoom to the box around the visible objects of this frame."""
        raise NotImplementedError

    def reset_view(self) -> None:
        """Show the whole frame."""
        raise NotImplementedError
