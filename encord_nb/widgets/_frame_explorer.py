"""The frame explorer: one label row's frames with overlays, click-to-inspect, zoom, compare and review keys."""

from __future__ import annotations

import io
from collections import OrderedDict
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import ipywidgets as widgets
import traitlets
from ipyevents import Event
from PIL import Image

from encord_nb.render import (
    Annotation,
    ColourBy,
    ComparePainter,
    PillowPainter,
    Style,
    SvgPainter,
    crop_box,
    encode_image,
    object_at,
)

from ._common import Callbacks, SnapshotMixin, StatusLine, css, escape
from ._frame_source import RowFrames, prefetch_pool
from ._review import ReviewPanel, is_workflow_project

#: Widest frame sent to the browser (pixels); larger frames are scaled down before encoding.
DEFAULT_DISPLAY_WIDTH = 800
#: Deepest zoom: the view is never narrower than this fraction of the frame.
MAX_ZOOM = 16.0
#: Zoom step of one wheel notch.
WHEEL_ZOOM_STEP = 1.25
#: At most one wheel event per this many milliseconds reaches the kernel.
WHEEL_THROTTLE_MS = 60
#: Drawn frames are at most this many pixels on the long side (deep zooms show enlarged pixels).
MAX_CANVAS_SIDE = 4096
#: A press and release further apart than this (display pixels) is a drag, not a click.
DRAG_THRESHOLD_PX = 4
#: Frames fetched ahead on each side of the shown one.
PREFETCH_FRAMES_AHEAD = 2
PREFETCH_FRAMES_BEHIND = 1
#: Encoded frame photos kept, so overlay changes and steps back send no new picture work.
PHOTO_CACHE_SIZE = 16
#: Milliseconds between frames when playing.
PLAY_INTERVAL_MS = 200
#: Keys ``1``..``9`` toggle the first nine classes.
CLASS_KEYS = "123456789"
FULL_VIEW = (0.0, 0.0, 1.0, 1.0)
NO_COMPARISON = ("no comparison", "")
#: The overlay layer sits on the photo in one grid cell; clicks go through it to the photo's events.
OVERLAY_CSS = (
    f"<style>.{css('frame-overlay')}{{pointer-events:none}}"
    f".{css('frame-overlay')} svg{{display:block;width:100%;height:auto}}</style>"
)


@dataclass(frozen=True)
class _View:
    """How the shown part of a frame maps to the screen."""

    #: Canvas pixels per frame pixel: overlays are drawn at this scale (deep zooms draw them larger).
    scale: float
    #: The size overlays are drawn at.
    canvas: tuple[int, int]
    #: The part of the canvas shown, ``(x, y, width, height)`` in canvas pixels.
    box: tuple[float, float, float, float]
    #: The size on screen.
    shown: tuple[int, int]


def _normalised_position(event: dict[str, Any], display_size: tuple[int, int]) -> tuple[float, float] | None:
    """Where a mouse event happened on the shown picture, as 0..1 fractions of its width and height.

    The picture may be drawn scaled (CSS), so the browser's element-relative position is divided by the
    element's rendered size; ``dataX``/``dataY`` (picture pixels) are the fallback.
    """
    width, height = event.get("boundingRectWidth"), event.get("boundingRectHeight")
    if width and height and "relativeX" in event and "relativeY" in event:
        u, v = float(event["relativeX"]) / float(width), float(event["relativeY"]) / float(height)
    elif "dataX" in event and "dataY" in event and display_size[0] and display_size[1]:
        u, v = float(event["dataX"]) / display_size[0], float(event["dataY"]) / display_size[1]
    else:
        return None
    return min(max(u, 0.0), 1.0), min(max(v, 0.0), 1.0)




def info_card_html(annotation: Annotation, frame_object: Any, frame: int, task_reviews: Sequence[str] = ()) -> str:
    """The HTML info card of one object (``task_reviews``: verdicts of the row's review task); all text escaped."""
    rows = [
        ("Class", annotation.class_name),
        ("Object hash", annotation.object_hash),
        ("Shape", getattr(annotation.shape, "value", annotation.shape)),
        ("Frame", frame),
        ("Confidence", f"{annotation.confidence:.2f}"),
        ("Source", "manual" if annotation.manual else "model"),
        ("Created by", annotation.created_by or getattr(frame_object, "created_by", None) or "unknown"),
        ("Created at", getattr(frame_object, "created_at", None) or ""),
        ("Last edited by", getattr(frame_object, "last_edited_by", None) or ""),
        ("Last edited at", getattr(frame_object, "last_edited_at", None) or ""),
    ]
    rows += [(f"• {name}", value) for name, value in annotation.attributes.items()]
    reviews = [*(getattr(frame_object, "reviews", None) or []), *task_reviews]
    rows.append(("Reviews", len(reviews) if reviews else "none"))
    for review in reviews:
        if isinstance(review, dict):
            who = review.get("reviewedBy") or review.get("reviewed_by") or review.get("createdBy") or ""
            verdict = review.get("approved", review.get("status", ""))
            rows.append(("  review", f"{who} {verdict}".strip()))
        else:
            rows.append(("  review", str(review)))
    body = "".join(
        f"<tr><th style='text-align:left;padding-right:8px;white-space:nowrap'>{escape(k)}</th><td>{escape(v)}</td></tr>"
        for k, v in rows
        if v != ""
    )
    swatch = "#%02x%02x%02x" % annotation.colour
    return (
        f"<div class='{css('info-card-body')}'><div style='border-left:6px solid {swatch};padding-left:6px'>"
        f"<b>{escape(annotation.class_name)}</b></div><table style='font-size:12px;line-height:1.3'>{body}</table></div>"
    )


class FrameExplorer(SnapshotMixin, widgets.VBox):
    """A label row's frames with overlays, for visual label QA.

    Shows the frame's photo with the row's objects in a vector layer over it (SVG: changing what is drawn
    sends a few kilobytes, not a new picture, and outlines stay sharp when zoomed), a frame slider and play button (videos,
    image groups), per-class visibility toggles, a confidence threshold, colour-by, and a comparison with
    another label branch. Clicking the image selects the topmost object under the pointer and shows its
    info card (clicking again selects the object beneath); the mouse wheel zooms at the pointer, dragging
    pans, ``c`` crops to the labels and ``0`` (or Escape) resets the view. Keys: ``←``/``→`` frames,
    ``↑``/``↓`` (or ``p``/``n``) rows, ``1``..``9`` toggle classes, ``a`` approve, ``r`` reject, ``i``
    issue mode (review keys need a workflow project). Neighbouring frames and rows are fetched ahead.

    State lives in traits (``frame``, ``row_index``, ``selected``, ``hidden_classes``, ``min_confidence``,
    ``colour_by``, ``compare_branch``, ``mismatches_only``, ``viewport``), so code can drive it and
    ``observe`` it like a user would.

    Args:
        label_row: the ``LabelRowV2`` to show first (or ``None``: show ``rows[0]``, or nothing yet).
        rows: the rows ``next_row``/``previous_row`` step through (defaults to ``[label_row]``).
        project: the client ``Project`` (enables the review panel and branch comparison).
        frame: the first frame shown.
        display_width: the widest frame sent to the browser, in pixels.
        review: show the review panel (workflow projects only).

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
    colour_by = traitlets.Unicode(ColourBy.ONTOLOGY.value)
    #: Label branch compared with the shown one (``None``: no comparison).
    compare_branch = traitlets.Unicode(None, allow_none=True)
    #: In comparison mode, leave true positives out.
    mismatches_only = traitlets.Bool(False)
    #: The part of the frame in view, normalised ``(x0, y0, x1, y1)``.
    viewport = traitlets.Tuple(FULL_VIEW)

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
        self.project = project
        self.display_width = int(display_width)
        self.rows: list[Any] = list(rows) if rows is not None else []
        if label_row is not None and not any(r is label_row for r in self.rows):
            self.rows.insert(0, label_row)
        self.status = StatusLine("frame-status")
        self._on_frame = Callbacks("frame_change", self.status)
        self._on_select = Callbacks("select", self.status)
        self._on_row = Callbacks("row_change", self.status)
        self.add_class(css("frame-explorer"))

        self.frames: RowFrames | None = None
        self._view: _View | None = None
        self._displayed: Image.Image | None = None
        #: Opened rows (or their opening in the background), by ``id`` of the row object.
        self._row_sources: dict[int, RowFrames | Future] = {}
        self._compare_sources: dict[tuple[str, str], RowFrames | None] = {}
        self._photos: OrderedDict[tuple, bytes] = OrderedDict()
        self._canvas_scale = 1.0
        self._press: tuple[float, float] | None = None
        self._dragged = False
        self._syncing = False

        self._build_widgets(review)
        self._wire()
        if self.rows:
            start = next((i for i, r in enumerate(self.rows) if r is label_row), 0)
            self._load_row(start, frame)

    # ------------------------------------------------------------------ layout

    def _build_widgets(self, review: bool) -> None:
        self.title = widgets.HTML()
        self.title.add_class(css("frame-title"))
        # Photo and overlay share one grid cell, without the widgets' usual margins, so they cover each other.
        self.image = widgets.Image(
            format="jpeg", layout=widgets.Layout(max_width="100%", height="auto", grid_area="frame", margin="0")
        )
        self.image.add_class(css("frame-image"))
        self.overlay = widgets.HTML(layout=widgets.Layout(grid_area="frame", margin="0"))
        self.overlay.add_class(css("frame-overlay"))
        self.stage = widgets.GridBox([self.image, self.overlay], layout=widgets.Layout(grid_template_areas='"frame"'))
        self.stage.add_class(css("frame-stage"))
        self.info_card = widgets.HTML("<i>Click an object to inspect it.</i>")
        self.info_card.add_class(css("info-card"))

        self.slider = widgets.IntSlider(0, 0, 0, description="Frame", continuous_update=False)
        self.slider.add_class(css("frame-slider"))
        self.play = widgets.Play(interval=PLAY_INTERVAL_MS, min=0, max=0)
        self.play.add_class(css("frame-play"))
        self.prev_row_button = widgets.Button(description="◀ Row", tooltip="Previous row (↑ or p)")
        self.next_row_button = widgets.Button(description="Row ▶", tooltip="Next row (↓ or n)")
        self.prev_row_button.add_class(css("previous-row"))
        self.next_row_button.add_class(css("next-row"))

        self.colour_dropdown = widgets.Dropdown(options=[c.value for c in ColourBy], description="Colour by")
        self.confidence_slider = widgets.FloatSlider(
            0.0, min=0.0, max=1.0, step=0.05, description="Min conf.", continuous_update=False
        )
        self.confidence_slider.add_class(css("confidence"))
        self.compare_dropdown = widgets.Dropdown(options=[NO_COMPARISON], description="Compare")
        self.compare_dropdown.add_class(css("compare"))
        self.mismatches_box = widgets.Checkbox(False, description="Mismatches only", indent=False)
        self.crop_button = widgets.Button(description="Crop to labels", tooltip="c")
        self.reset_button = widgets.Button(description="Reset view", tooltip="0")
        self.crop_button.add_class(css("crop"))
        self.reset_button.add_class(css("reset-view"))

        self.class_toggles = widgets.HBox(layout=widgets.Layout(flex_flow="row wrap"))
        self.class_toggles.add_class(css("class-toggles"))
        self.show_all_button = widgets.Button(description="Show all")
        self.hide_all_button = widgets.Button(description="Hide all")
        self.show_all_button.add_class(css("show-all"))
        self.hide_all_button.add_class(css("hide-all"))
        self._toggles: dict[str, widgets.ToggleButton] = {}

        self.review_panel: ReviewPanel | None = None
        if review and is_workflow_project(self.project):
            self.review_panel = ReviewPanel(self.project)
            self.review_panel.on_action(self._after_review_action)

        self.events = Event(
            source=self.image,
            watched_events=["click", "mousedown", "mouseup", "keydown"],
            prevent_default_action=True,
        )
        self.events.on_dom_event(self._handle_event)
        # Touchpads send wheel events in bursts: throttled, each one is a zoom step the kernel can keep up with.
        self.wheel_events = Event(
            source=self.image,
            watched_events=["wheel"],
            prevent_default_action=True,
            throttle_or_debounce="throttle",
            wait=WHEEL_THROTTLE_MS,
        )
        self.wheel_events.on_dom_event(self._handle_event)

        navigation = widgets.HBox([self.play, self.slider, self.prev_row_button, self.next_row_button])
        view = widgets.HBox(
            [self.stage, self.info_card],
            layout=widgets.Layout(align_items="flex-start"),
        )
        self.info_card.layout = widgets.Layout(min_width="220px", max_width="320px", padding="0 0 0 8px")
        controls = widgets.HBox(
            [self.colour_dropdown, self.confidence_slider, self.compare_dropdown, self.mismatches_box,
             self.crop_button, self.reset_button],
            layout=widgets.Layout(flex_flow="row wrap"),
        )
        classes = widgets.HBox([self.class_toggles, self.show_all_button, self.hide_all_button],
                               layout=widgets.Layout(flex_flow="row wrap"))
        keys = "Keys over the image: ← → frames · ↑ ↓ rows · 1–9 classes · c crop to labels · 0 reset view"
        if self.review_panel is not None:
            keys += " · a approve · r reject · i issue mode"
        self.help = widgets.HTML(f"<small>{escape(keys)} · wheel zooms · drag pans · click inspects</small>")
        self.help.add_class(css("frame-help"))
        children = [self.title, navigation, view, self.help, controls, classes]
        if self.review_panel is not None:
            children.append(self.review_panel)
        children.append(self.status)
        self.children = children

    def _wire(self) -> None:
        traitlets.link((self.play, "value"), (self.slider, "value"))
        traitlets.link((self.slider, "value"), (self, "frame"))
        traitlets.link((self.confidence_slider, "value"), (self, "min_confidence"))
        traitlets.link((self.colour_dropdown, "value"), (self, "colour_by"))
        # A dropdown shows ``None`` as "nothing selected", so "no comparison" is "" there and None here.
        traitlets.link(
            (self.compare_dropdown, "value"), (self, "compare_branch"),
            transform=(lambda shown: shown or None, lambda branch: branch or ""),
        )
        traitlets.link((self.mismatches_box, "value"), (self, "mismatches_only"))
        self.observe(self._show_new_frame, "frame")
        self.observe(self._show_new_row, "row_index")
        self.observe(self._look_changed, ["min_confidence", "colour_by", "compare_branch", "mismatches_only"])
        self.observe(self._hidden_changed, "hidden_classes")
        self.observe(self._redraw_view, "viewport")
        self.observe(self._redraw_selection, "selected")
        self.prev_row_button.on_click(lambda _: self.previous_row())
        self.next_row_button.on_click(lambda _: self.next_row())
        self.crop_button.on_click(lambda _: self.crop_to_labels())
        self.reset_button.on_click(lambda _: self.reset_view())
        self.show_all_button.on_click(lambda _: self.show_all_classes())
        self.hide_all_button.on_click(lambda _: self.hide_all_classes())

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

    # ------------------------------------------------------------------ rows

    @property
    def label_row(self) -> Any:
        """The ``LabelRowV2`` shown (``None`` before the first)."""
        return self.frames.row if self.frames is not None else None

    def show_row(self, row: Any, frame: int = 0) -> None:
        """Show ``row`` (added to ``rows`` if it is not there) at ``frame``."""
        index = next((i for i, r in enumerate(self.rows) if r is row), None)
        if index is None:
            self.rows.append(row)
            index = len(self.rows) - 1
        self._load_row(index, frame)

    def next_row(self) -> None:
        """Show the next row of ``rows``."""
        if self.row_index + 1 < len(self.rows):
            self.row_index += 1

    def previous_row(self) -> None:
        """Show the previous row of ``rows``."""
        if self.row_index > 0:
            self.row_index -= 1

    def _show_new_row(self, change) -> None:
        if not self._syncing:
            self._load_row(change["new"], 0)

    def _source_for(self, index: int) -> RowFrames:
        row = self.rows[index]
        found = self._row_sources.get(id(row))
        if isinstance(found, Future):
            try:
                found = found.result()
            except Exception:  # prefetch failures are retried here, where they are shown
                found = None
        if found is None:
            found = RowFrames(row)
        self._row_sources[id(row)] = found
        return found

    def _load_row(self, index: int, frame: int = 0) -> None:
        if not 0 <= index < len(self.rows):
            return
        try:
            source = self._source_for(index)
        except Exception as error:
            self.status.failure(f"Opening row {index + 1}", error)
            return
        self.frames = source
        self._photos.clear()
        last = source.frame_count - 1
        self._syncing = True
        try:
            self.row_index = index
            self.selected = None
            self.viewport = FULL_VIEW
            self.play.max = self.slider.max = last
            self.frame = source.clamp(frame)
        finally:
            self._syncing = False
        self.slider.layout.visibility = self.play.layout.visibility = "visible" if last > 0 else "hidden"
        self.prev_row_button.disabled = index == 0
        self.next_row_button.disabled = index == len(self.rows) - 1
        self._build_class_toggles(source)
        self.info_card.value = "<i>Click an object to inspect it.</i>"
        self._render_safely()
        # After the picture, so the first frame waits for neither the workflow nor the branch listing.
        if self.review_panel is not None:
            self.review_panel.label_row = source.row
        self._refresh_compare_options()
        self._update_title()
        self._on_row.fire(source.row)
        self._prefetch_rows(index)

    def _prefetch_rows(self, index: int) -> None:
        for neighbour in (index + 1, index - 1):
            if 0 <= neighbour < len(self.rows) and id(self.rows[neighbour]) not in self._row_sources:
                row = self.rows[neighbour]
                self._row_sources[id(row)] = prefetch_pool().submit(self._warm_row, row)

    @staticmethod
    def _warm_row(row: Any) -> RowFrames:
        source = RowFrames(row)
        source.image(0)
        return source

    # ------------------------------------------------------------------ frames

    def _show_new_frame(self, change) -> None:
        if self._syncing or self.frames is None:
            return
        clamped = self.frames.clamp(change["new"])
        if clamped != change["new"]:
            self.frame = clamped
            return
        self.selected = None
        self._render_safely()
        self._on_frame.fire(self.frame)

    def next_frame(self, step: int = 1) -> None:
        """Show the frame ``step`` frames later (earlier for negative steps), staying within the row."""
        if self.frames is not None:
            self.frame = self.frames.clamp(self.frame + step)

    # ------------------------------------------------------------------ classes

    def _build_class_toggles(self, source: RowFrames) -> None:
        names = source.class_names()
        if list(self._toggles) == names:
            return
        self._toggles = {}
        for position, name in enumerate(names):
            key = CLASS_KEYS[position] if position < len(CLASS_KEYS) else ""
            toggle = widgets.ToggleButton(
                value=name not in self.hidden_classes,
                description=name,
                tooltip=f"Show or hide {name}" + (f" ({key})" if key else ""),
                layout=widgets.Layout(width="auto"),
            )
            toggle.add_class(css("class-toggle"))
            toggle.observe(self._toggle_changed, "value")
            self._toggles[name] = toggle
        self.class_toggles.children = list(self._toggles.values())

    def _toggle_changed(self, _change) -> None:
        if self._syncing:
            return
        self.hidden_classes = tuple(name for name, toggle in self._toggles.items() if not toggle.value)

    def _hidden_changed(self, _change) -> None:
        self._syncing = True
        try:
            for name, toggle in self._toggles.items():
                toggle.value = name not in self.hidden_classes
        finally:
            self._syncing = False
        self._render_safely()

    def toggle_class(self, name: str) -> None:
        """Hide ``name`` if it is shown, show it if it is hidden."""
        hidden = list(self.hidden_classes)
        self.hidden_classes = tuple(h for h in hidden if h != name) if name in hidden else (*hidden, name)

    def show_all_classes(self) -> None:
        """Draw every class."""
        self.hidden_classes = ()

    def hide_all_classes(self) -> None:
        """Draw no class."""
        self.hidden_classes = tuple(self._toggles)

    # ------------------------------------------------------------------ look and compare

    def _look_changed(self, _change) -> None:
        if not self._syncing:
            self._render_safely()

    def style(self) -> Style:
        """The overlay style the controls describe now."""
        return Style(
            colour_by=self.colour_by,
            hidden_classes=frozenset(self.hidden_classes),
            min_confidence=self.min_confidence,
        )

    def _refresh_compare_options(self) -> None:
        branches: list[str] = []
        row = self.label_row
        if self.project is not None and row is not None:
            try:
                listed = self.project.list_label_rows_v2(data_hashes=[row.data_hash], include_all_label_branches=True)
                # Rows of a branch without labels are only listed, not there to compare with.
                branches = sorted({r.branch_name for r in listed if r.label_hash and r.branch_name != row.branch_name})
            except Exception as error:
                self.status.failure("Listing label branches", error)
        current = self.compare_branch
        self._syncing = True
        try:
            self.compare_dropdown.options = [NO_COMPARISON, *[(b, b) for b in branches]]
            self.compare_dropdown.value = current if current in branches else ""
        finally:
            self._syncing = False

    @traitlets.validate("compare_branch")
    def _known_branch(self, proposal) -> str | None:
        branch = proposal["value"] or None
        offered = [value for _, value in self.compare_dropdown.options if value]
        if branch is not None and branch not in offered:
            title = self.frames.title if self.frames is not None else "this row"
            choices = ", ".join(offered) or "none"
            raise traitlets.TraitError(f"no label branch {branch!r} for {title} to compare with (branches: {choices})")
        return branch

    def _compare_source(self) -> RowFrames | None:
        branch, row = self.compare_branch, self.label_row
        if not branch or row is None or self.project is None:
            return None
        key = (row.data_hash, branch)
        if key not in self._compare_sources:
            listed = self.project.list_label_rows_v2(data_hashes=[row.data_hash], branch_name=branch)
            other = next((r for r in listed if r.branch_name == branch and r.label_hash), None)
            self._compare_sources[key] = RowFrames(other) if other is not None else None
        return self._compare_sources[key]

    # ------------------------------------------------------------------ drawing

    def visible_annotations(self) -> list[Annotation]:
        """The objects drawn on the shown frame (the shown branch's, then the compared branch's)."""
        if self.frames is None:
            return []
        style = self.style()
        shown = style.visible(self.frames.annotations(self.frame))
        other = self._compare_source()
        if other is not None:
            shown += style.visible(other.annotations(self.frame))
        return shown

    def _base_size(self, picture: Image.Image) -> tuple[int, int]:
        width, height = picture.size
        shown_width = min(self.display_width, width)
        return shown_width, max(1, round(height * shown_width / width))

    def _view_of(self, picture: Image.Image) -> _View:
        shown = self._base_size(picture)
        x0, y0, x1, y1 = self.viewport
        scale = min(shown[0] / (picture.width * (x1 - x0)), MAX_CANVAS_SIDE / max(picture.size))
        cw, ch = max(1, round(picture.width * scale)), max(1, round(picture.height * scale))
        return _View(scale, (cw, ch), (x0 * cw, y0 * ch, (x1 - x0) * cw, (y1 - y0) * ch), shown)

    def _marks(self, canvas: tuple[int, int]) -> tuple[Style, list[Annotation], str | None]:
        """What to draw on the shown frame at ``canvas`` size: the style, the objects and the selection."""
        style = self.style()
        annotations = self.frames.annotations(self.frame)
        other = self._compare_source()
        if other is None:
            return style, annotations, self.selected
        compare = ComparePainter(style, mismatches_only=self.mismatches_only)
        return compare.overlay_style, compare.outcomes(annotations, other.annotations(self.frame), *canvas), None

    def _photo(self, picture: Image.Image, view: _View) -> bytes:
        """The shown part of the frame's photo as JPEG (remembered: overlay changes send no new photo)."""
        key = (id(self.frames), self.frame, self.viewport, view.shown)
        found = self._photos.get(key)
        if found is not None:
            self._photos.move_to_end(key)
            return found
        x0, y0, x1, y1 = self.viewport
        region = (x0 * picture.width, y0 * picture.height, x1 * picture.width, y1 * picture.height)
        if region != (0, 0, *picture.size) or view.shown != picture.size:
            picture = picture.resize(view.shown, Image.Resampling.BILINEAR, box=region)
        found = self._photos[key] = encode_image(picture, "JPEG")
        while len(self._photos) > PHOTO_CACHE_SIZE:
            self._photos.popitem(last=False)
        return found

    def render(self) -> None:
        """Show the frame now: its photo in ``image`` and its overlays in the ``overlay`` layer above it."""
        if self.frames is None:
            return
        picture = self.frames.image(self.frame)
        view = self._view_of(picture)
        style, annotations, selected = self._marks(view.canvas)
        overlay = SvgPainter(style).draw(view.canvas, annotations, selected=selected, view=view.box, display_size=view.shown)
        self.image.value = self._photo(picture, view)
        self.overlay.value = OVERLAY_CSS + overlay
        self._view, self._canvas_scale, self._displayed = view, view.scale, None
        self._update_title()
        self._prefetch_frames()

    @property
    def displayed(self) -> Image.Image | None:
        """The picture shown now with its overlays drawn in (what a snapshot shows), or ``None`` before the first.

        The browser lays the overlay layer over the photo; this draws the same marks into the picture
        with the Pillow painter, on first use after each change.
        """
        view = self._view
        if view is None or self.frames is None:
            return None
        if self._displayed is None:
            picture = self.frames.image(self.frame)
            style, annotations, selected = self._marks(view.canvas)
            base = picture if view.canvas == picture.size else picture.resize(view.canvas, Image.Resampling.BILINEAR)
            canvas = PillowPainter(style).draw(base, annotations, selected=selected)
            if self.viewport != FULL_VIEW:
                x, y, w, h = view.box
                canvas = canvas.crop((round(x), round(y), round(x + w), round(y + h)))
            if canvas.size != view.shown:
                canvas = canvas.resize(view.shown, Image.Resampling.BILINEAR)
            self._displayed = canvas
        return self._displayed

    def _render_safely(self) -> None:
        try:
            self.render()
        except Exception as error:  # a broken frame is reported; the explorer stays usable
            self.status.failure(f"Showing frame {self.frame}", error)

    def _prefetch_frames(self) -> None:
        if self.frames is None or self.frames.frame_count <= 1:
            return
        ahead = range(self.frame + 1, self.frame + 1 + PREFETCH_FRAMES_AHEAD)
        behind = range(self.frame - 1, self.frame - 1 - PREFETCH_FRAMES_BEHIND, -1)
        self.frames.prefetch([*ahead, *behind])

    def _update_title(self) -> None:
        source = self.frames
        if source is None:
            return
        annotations = source.annotations(self.frame)
        drawn = len(self.style().visible(annotations))
        parts = [f"<b>{escape(source.title)}</b>"]
        if len(self.rows) > 1:
            parts.append(f"row {self.row_index + 1}/{len(self.rows)}")
        parts.append(f"frame {self.frame + 1}/{source.frame_count}")
        parts.append(f"{drawn} of {len(annotations)} objects shown")
        # The review panel knows the stage after its own actions; the row keeps the one it was listed with.
        node = getattr(source.row, "workflow_graph_node", None)
        stage = self.review_panel.stage_name if self.review_panel is not None else getattr(node, "title", "")
        if stage:
            parts.append(f"stage: {escape(stage)}")
        if self.viewport != FULL_VIEW:
            parts.append(f"zoom {1 / (self.viewport[2] - self.viewport[0]):.1f}×")
        self.title.value = " · ".join(parts)

    # ------------------------------------------------------------------ selection

    def _frame_size(self) -> tuple[int, int]:
        return self.frames.image(self.frame).size if self.frames is not None else (0, 0)

    def select_at(self, x: float, y: float) -> Annotation | None:
        """Select the topmost visible object at frame pixel ``(x, y)``; returns its annotation or ``None``."""
        if self.frames is None:
            return None
        width, height = self._frame_size()
        return self._select_normalised(x / width, y / height)

    def objects_at(self, nx: float, ny: float) -> list[Annotation]:
        """Every visible object under normalised frame point ``(nx, ny)``, topmost first (as drawn unselected)."""
        picture = self.frames.image(self.frame)
        scale = self._canvas_scale
        cw, ch = max(1, round(picture.width * scale)), max(1, round(picture.height * scale))
        x, y = min(int(nx * cw), cw - 1), min(int(ny * ch), ch - 1)
        line_width = self.style().line_width_for(cw, ch)
        remaining, found = self.visible_annotations(), []
        while True:
            hit = object_at(remaining, x, y, cw, ch, line_width=line_width)
            if hit is None:
                return found
            found.append(hit)
            remaining = [a for a in remaining if a is not hit]

    def _select_normalised(self, nx: float, ny: float) -> Annotation | None:
        # The top object is picked; clicking the selected object again picks the one beneath it.
        stack = self.objects_at(nx, ny)
        hashes = [a.object_hash for a in stack]
        hit = None
        if stack:
            position = hashes.index(self.selected) + 1 if self.selected in hashes else 0
            hit = stack[position % len(stack)]
        self.selected = hit.object_hash if hit is not None else None
        self._show_card(hit)
        self._on_select.fire(hit)
        return hit

    def select_object(self, object_hash: str | None) -> Annotation | None:
        """Select the object ``object_hash`` on the shown frame (``None`` clears); returns its annotation."""
        hit = next((a for a in self.visible_annotations() if a.object_hash == object_hash), None)
        self.selected = hit.object_hash if hit is not None else None
        self._show_card(hit)
        self._on_select.fire(hit)
        return hit

    def _redraw_selection(self, _change) -> None:
        if not self._syncing:
            self._render_safely()

    def _show_card(self, hit: Annotation | None) -> None:
        if hit is None:
            self.info_card.value = "<i>No object here.</i>"
            return
        frame_object = self.frames.frame_object(self.frame, hit.object_hash) if self.frames else None
        if frame_object is None:
            other = self._compare_source()
            frame_object = other.frame_object(self.frame, hit.object_hash) if other else None
        verdicts = self.review_panel.label_reviews().get(hit.object_hash, []) if self.review_panel else []
        self.info_card.value = info_card_html(hit, frame_object, self.frame, verdicts)

    # ------------------------------------------------------------------ zoom and pan

    def _aspect(self) -> float:
        width, height = self._frame_size()
        return width / height if height else 1.0

    def zoom_at(self, x: float, y: float, factor: float) -> None:
        """Zoom by ``factor`` (>1 in, <1 out) keeping frame pixel ``(x, y)`` where it is on screen."""
        width, height = self._frame_size()
        if not width:
            return
        self._zoom_normalised(x / width, y / height, factor)

    def _zoom_normalised(self, nx: float, ny: float, factor: float) -> None:
        x0, y0, x1, y1 = self.viewport
        size = min(max((x1 - x0) / factor, 1.0 / MAX_ZOOM), 1.0)
        u, v = (nx - x0) / (x1 - x0), (ny - y0) / (y1 - y0)
        new_x0, new_y0 = nx - u * size, ny - v * size
        self.viewport = self._clamp_view((new_x0, new_y0, new_x0 + size, new_y0 + size))

    @staticmethod
    def _clamp_view(view: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = view
        w, h = min(x1 - x0, 1.0), min(y1 - y0, 1.0)
        x0 = min(max(x0, 0.0), 1.0 - w)
        y0 = min(max(y0, 0.0), 1.0 - h)
        return (x0, y0, x0 + w, y0 + h)

    def pan(self, dx: float, dy: float) -> None:
        """Move the view by ``(dx, dy)`` frame fractions (positive: the picture moves left and up)."""
        x0, y0, x1, y1 = self.viewport
        self.viewport = self._clamp_view((x0 + dx, y0 + dy, x1 + dx, y1 + dy))

    def crop_to_labels(self) -> None:
        """Zoom to the box around the visible objects of this frame."""
        if self.frames is None:
            return
        width, height = self._frame_size()
        boxes = [b for b in (crop_box(a, width, height) for a in self.visible_annotations()) if b is not None]
        if not boxes:
            self.status.info("No visible objects to crop to")
            return
        x0, y0 = min(b[0] for b in boxes) / width, min(b[1] for b in boxes) / height
        x1, y1 = max(b[2] for b in boxes) / width, max(b[3] for b in boxes) / height
        size = min(max(x1 - x0, y1 - y0, 1.0 / MAX_ZOOM), 1.0)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        self.viewport = self._clamp_view((cx - size / 2, cy - size / 2, cx + size / 2, cy + size / 2))

    def reset_view(self) -> None:
        """Show the whole frame."""
        self.viewport = FULL_VIEW

    def _redraw_view(self, _change) -> None:
        if not self._syncing:
            self._render_safely()

    # ------------------------------------------------------------------ browser events

    def _handle_event(self, event: dict[str, Any]) -> None:
        try:
            self._dispatch(event)
        except Exception as error:  # an event must never take the widget down
            self.status.failure(f"Handling {event.get('type', 'an event')}", error)

    def _dispatch(self, event: dict[str, Any]) -> None:
        kind = event.get("type")
        if kind == "keydown":
            self.press_key(str(event.get("key", "")))
            return
        if self.frames is None or self._view is None:
            return
        where = _normalised_position(event, self._view.shown)
        if where is None:
            return
        x0, y0, x1, y1 = self.viewport
        nx, ny = x0 + where[0] * (x1 - x0), y0 + where[1] * (y1 - y0)
        if kind == "mousedown":
            self._press, self._dragged = where, False
        elif kind == "mouseup" and self._press is not None:
            du, dv = where[0] - self._press[0], where[1] - self._press[1]
            self._press = None
            width, height = self._view.shown
            if max(abs(du) * width, abs(dv) * height) > DRAG_THRESHOLD_PX:
                self._dragged = True
                self.pan(-du * (x1 - x0), -dv * (y1 - y0))
        elif kind == "click":
            if self._dragged:
                self._dragged = False
                return
            self._click(nx, ny)
        elif kind == "wheel":
            delta = float(event.get("deltaY", 0) or 0)
            if delta:
                self._zoom_normalised(nx, ny, WHEEL_ZOOM_STEP if delta < 0 else 1 / WHEEL_ZOOM_STEP)

    def _click(self, nx: float, ny: float) -> None:
        panel = self.review_panel
        if panel is not None and panel.issue_mode:
            panel.add_issue(self.frame, nx, ny)
            return
        self._select_normalised(nx, ny)

    def press_key(self, key: str) -> None:
        """Act on a key as if it was pressed over the image (see the class docstring for the keys)."""
        if key == "ArrowRight":
            self.next_frame(1)
        elif key == "ArrowLeft":
            self.next_frame(-1)
        elif key in ("ArrowDown", "n"):
            self.next_row()
        elif key in ("ArrowUp", "p"):
            self.previous_row()
        elif key == "c":
            self.crop_to_labels()
        elif key in ("0", "Escape"):
            self.reset_view()
        elif key in CLASS_KEYS and key:
            names = list(self._toggles)
            position = CLASS_KEYS.index(key)
            if position < len(names):
                self.toggle_class(names[position])
        elif self.review_panel is not None and key in ("a", "r", "i"):
            self.review_panel.press_key(key)

    def _after_review_action(self, _action: str, _row: Any) -> None:
        self._update_title()

    # ------------------------------------------------------------------ static fallback

    def snapshot_png(self) -> bytes | None:
        if self.displayed is None:
            return None
        buffer = io.BytesIO()
        self.displayed.save(buffer, "PNG", compress_level=1)
        return buffer.getvalue()

    def snapshot_caption(self) -> str:
        if self.frames is None:
            return "Frame explorer (no row)"
        return f"{self.frames.title}, frame {self.frame + 1}/{self.frames.frame_count}"
