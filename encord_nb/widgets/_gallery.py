"""The object gallery: a paged grid of object crops across a project, with filters."""

from __future__ import annotations

import io
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import ipywidgets as widgets
import traitlets
from ipyevents import Event
from PIL import Image

from encord_nb.render import Annotation, PillowPainter, crop_box, encode_image

from ._common import Callbacks, SnapshotMixin, StatusLine, css, escape
from ._frame_source import RowFrames, prefetch_pool

#: Crops per gallery page.
DEFAULT_PAGE_SIZE = 24
#: Crops per grid row.
DEFAULT_COLUMNS = 6
#: Crop thumbnails are scaled to fit a square of this many pixels.
THUMBNAIL_SIZE = 128
#: Crops are at least this many frame pixels on each side (a point alone is not recognisable).
MIN_CROP_SIDE = 64
#: Rows searched when no rows are given (labels of every row are read when the gallery opens).
DEFAULT_ROW_LIMIT = 500
#: Outlines drawn on crops (no fill, no labels: the crop itself is the subject).
CROP_PAINTER = PillowPainter(fill_opacity=0.0, mask_opacity=0.3, show_labels=False)
ALL = ""


@dataclass(frozen=True)
class GalleryItem:
    """One object in the gallery: the row, the first frame it appears on, and how it is drawn there."""

    frames: RowFrames
    frame: int
    annotation: Annotation

    @property
    def row(self) -> Any:
        """The ``LabelRowV2`` the object belongs to."""
        return self.frames.row

    @property
    def caption(self) -> str:
        """Class, confidence of model labels, and the row title (plain text)."""
        a = self.annotation
        text = a.class_name if a.manual and a.confidence >= 1.0 else f"{a.class_name} {a.confidence:.2f}"
        return f"{text} · {self.frames.title}" + (f" #{self.frame}" if self.frames.frame_count > 1 else "")


def _matches_attribute(annotation: Annotation, query: str) -> bool:
    query = query.strip().lower()
    if not query:
        return True
    if "=" in query:
        name, _, value = (part.strip() for part in query.partition("="))
        return any(k.lower() == name and value in v.lower() for k, v in annotation.attributes.items())
    return any(query in k.lower() or query in v.lower() for k, v in annotation.attributes.items())


def collect_items(sources: Sequence[RowFrames]) -> list[GalleryItem]:
    """Every object of these rows once, at the first frame it appears on, in row then frame order."""
    items: list[GalleryItem] = []
    for source in sources:
        seen: set[str] = set()
        frames = sorted({f for unit in source.labels.data_units.values() for f in unit.frame_numbers()})
        for frame in frames:
            for annotation in source.annotations(frame):
                if annotation.object_hash not in seen:
                    seen.add(annotation.object_hash)
                    items.append(GalleryItem(source, frame, annotation))
    return items


def thumbnail(annotation: Annotation, painted: Image.Image, size: int = THUMBNAIL_SIZE) -> Image.Image:
    """The object's crop (with some context) of a painted frame, fitted into a ``size`` square."""
    width, height = painted.size
    x0, y0, x1, y1 = crop_box(annotation, width, height) or (0, 0, width, height)
    # Points and thin lines get enough surroundings to be recognisable.
    side_x, side_y = max(x1 - x0, min(MIN_CROP_SIDE, width)), max(y1 - y0, min(MIN_CROP_SIDE, height))
    x0 = min(max((x0 + x1 - side_x) // 2, 0), width - side_x)
    y0 = min(max((y0 + y1 - side_y) // 2, 0), height - side_y)
    region = painted.crop((x0, y0, x0 + side_x, y0 + side_y))
    scale = size / max(region.size)
    fitted = (max(1, round(region.width * scale)), max(1, round(region.height * scale)))
    return region.resize(fitted, Image.Resampling.BILINEAR)


class ObjectGallery(SnapshotMixin, widgets.VBox):
    """A paged grid of object crops across a project's label rows, filtered by class, attribute,
    confidence or annotator; clicking a crop opens the object in a frame explorer.

    Args:
        project: the client ``Project`` whose rows are searched.
        rows: the rows to search (default: the labelled rows of the project's main branch, at most ``row_limit``).
        explorer: a :class:`~encord_nb.widgets.FrameExplorer` that opens clicked crops.
        page_size: crops per page.
        columns: crops per grid row.
        row_limit: most rows read when ``rows`` is not given (the status line says when more exist).

    Example:
        >>> gallery = ObjectGallery(project, explorer=explorer)      # doctest: +SKIP
        >>> gallery.class_name = "Coin"; gallery.min_confidence = 0.5  # doctest: +SKIP
        >>> len(gallery.items)                                       # doctest: +SKIP
        9
    """

    #: Only objects of this class ("" for all).
    class_name = traitlets.Unicode(ALL)
    #: Only objects with an attribute answer containing this text, as ``name=value`` or just ``value``.
    attribute = traitlets.Unicode("")
    #: Only objects at or above this confidence.
    min_confidence = traitlets.Float(0.0)
    #: Only objects made by this annotator ("" for all).
    annotator = traitlets.Unicode(ALL)
    #: The page shown (0-based).
    page = traitlets.Int(0)

    def __init__(
        self,
        project: Any,
        *,
        rows: Sequence[Any] | None = None,
        explorer: Any = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        columns: int = DEFAULT_COLUMNS,
        row_limit: int = DEFAULT_ROW_LIMIT,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.project = project
        self.row_limit = row_limit
        self.explorer = explorer
        self.page_size = max(1, int(page_size))
        self.columns = max(1, int(columns))
        self.status = StatusLine("gallery-status")
        self._on_open = Callbacks("open", self.status)
        self.add_class(css("gallery"))
        #: Every object found, before filtering.
        self.all_items: list[GalleryItem] = []
        #: The objects that pass the filters, in order.
        self.items: list[GalleryItem] = []
        #: The page's thumbnails as shown (for the static snapshot).
        self.thumbnails: list[Image.Image] = []
        self._events: list[Event] = []
        self._build()
        try:
            self._load(rows)
        except Exception as error:  # shown in the widget: a notebook cell should still display it
            self.status.failure("Loading the project's objects", error)
        self._apply_filters()
        self.observe(self._filters_changed, ["class_name", "attribute", "min_confidence", "annotator"])
        self.observe(lambda _: self._show_page(), "page")

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        self.class_dropdown = widgets.Dropdown(options=[("all classes", ALL)], description="Class")
        self.class_dropdown.add_class(css("gallery-class"))
        self.attribute_text = widgets.Text(placeholder="name=value or text", description="Attribute",
                                           continuous_update=False)
        self.attribute_text.add_class(css("gallery-attribute"))
        self.confidence_slider = widgets.FloatSlider(0.0, min=0.0, max=1.0, step=0.05, description="Min conf.",
                                                     continuous_update=False)
        self.annotator_dropdown = widgets.Dropdown(options=[("all annotators", ALL)], description="Annotator")
        self.annotator_dropdown.add_class(css("gallery-annotator"))
        traitlets.link((self.class_dropdown, "value"), (self, "class_name"))
        traitlets.link((self.attribute_text, "value"), (self, "attribute"))
        traitlets.link((self.confidence_slider, "value"), (self, "min_confidence"))
        traitlets.link((self.annotator_dropdown, "value"), (self, "annotator"))
        self.previous_button = widgets.Button(description="◀ Page")
        self.next_button = widgets.Button(description="Page ▶")
        self.previous_button.add_class(css("gallery-previous"))
        self.next_button.add_class(css("gallery-next"))
        self.previous_button.on_click(lambda _: self._step_page(-1))
        self.next_button.on_click(lambda _: self._step_page(1))
        self.page_label = widgets.HTML()
        self.page_label.add_class(css("gallery-page"))
        self.grid = widgets.GridBox(
            layout=widgets.Layout(grid_template_columns=f"repeat({self.columns}, {THUMBNAIL_SIZE + 16}px)",
                                  grid_gap="6px")
        )
        self.grid.add_class(css("gallery-grid"))
        filters = widgets.HBox([self.class_dropdown, self.attribute_text, self.confidence_slider,
                                self.annotator_dropdown], layout=widgets.Layout(flex_flow="row wrap"))
        pager = widgets.HBox([self.previous_button, self.page_label, self.next_button])
        self.children = [filters, pager, self.grid, self.status]

    # ------------------------------------------------------------------ data

    def _load(self, rows: Sequence[Any] | None) -> None:
        given = rows is not None
        # Rows never labelled hold no objects (and reading them must not create label rows).
        rows = [r for r in (rows if given else self.project.list_label_rows_v2()) if r.label_hash]
        if not given and len(rows) > self.row_limit:
            self.status.info(f"Showing objects of the first {self.row_limit} of {len(rows)} labelled rows "
                             "(pass rows= or row_limit= to choose)")
            rows = rows[: self.row_limit]
        self._initialise(rows)
        futures: list[Future] = [prefetch_pool().submit(RowFrames, row) for row in rows]
        sources = []
        for row, future in zip(rows, futures):
            try:
                sources.append(future.result())
            except Exception as error:  # one broken row must not hide the others
                self.status.failure(f"Reading {getattr(row, 'data_title', 'a row')}", error)
        self.all_items = collect_items(sources)
        names = sorted({i.annotation.class_name for i in self.all_items})
        people = sorted({i.annotation.created_by for i in self.all_items if i.annotation.created_by})
        self.class_dropdown.options = [("all classes", ALL), *[(n, n) for n in names]]
        self.annotator_dropdown.options = [("all annotators", ALL), *[(p, p) for p in people]]

    def _initialise(self, rows: list[Any]) -> None:
        """Initialise the rows' labels in one bundled request when the client offers bundles."""
        waiting = [r for r in rows if not r.is_labelling_initialised]
        create_bundle = getattr(self.project, "create_bundle", None)
        if not waiting or create_bundle is None:
            return
        with create_bundle() as bundle:
            for row in waiting:
                row.initialise_labels(include_signed_url=True, bundle=bundle)

    def _filters_changed(self, _change) -> None:
        self._apply_filters()

    def _apply_filters(self) -> None:
        self.items = [
            item
            for item in self.all_items
            if (not self.class_name or item.annotation.class_name == self.class_name)
            and item.annotation.confidence >= self.min_confidence
            and (not self.annotator or item.annotation.created_by == self.annotator)
            and _matches_attribute(item.annotation, self.attribute)
        ]
        if self.page != 0:
            self.page = 0  # the observer shows it
        else:
            self._show_page()

    # ------------------------------------------------------------------ pages

    @property
    def page_count(self) -> int:
        """Pages of the filtered objects (at least one, possibly empty)."""
        return max(1, -(-len(self.items) // self.page_size))

    def page_items(self) -> list[GalleryItem]:
        """The objects on the shown page."""
        start = self.page * self.page_size
        return self.items[start : start + self.page_size]

    def _step_page(self, step: int) -> None:
        self.page = min(max(self.page + step, 0), self.page_count - 1)

    def _show_page(self) -> None:
        if not 0 <= self.page < self.page_count:
            self.page = min(max(self.page, 0), self.page_count - 1)
            return
        items = self.page_items()
        for item in items:  # fetch the page's pictures concurrently, then crop them in order
            item.frames.prefetch([item.frame])
        cells, thumbs = [], []
        painted: dict[tuple[int, int], Image.Image] = {}  # each frame is outlined once for all its crops
        for events in self._events:
            events.close()
        self._events = []
        for old in self.grid.children:  # the previous page's widgets are closed, not leaked
            for child in old.children:
                child.close()
            old.close()
        for position, item in enumerate(items):
            try:
                key = (id(item.frames), item.frame)
                if key not in painted:
                    picture = item.frames.image(item.frame)
                    painted[key] = CROP_PAINTER.draw(picture, item.frames.annotations(item.frame))
                thumb = thumbnail(item.annotation, painted[key])
            except Exception as error:  # a missing picture leaves a hole, the page still shows
                self.status.failure(f"Cropping {item.caption}", error)
                thumb = Image.new("RGB", (THUMBNAIL_SIZE // 2, THUMBNAIL_SIZE // 2), (200, 200, 200))
            thumbs.append(thumb)
            cells.append(self._cell(position, item, thumb))
        self.thumbnails = thumbs
        self.grid.children = cells
        self.previous_button.disabled = self.page == 0
        self.next_button.disabled = self.page >= self.page_count - 1
        self.page_label.value = (
            f"page {self.page + 1}/{self.page_count} · {len(self.items)} of {len(self.all_items)} objects"
        )

    def _cell(self, position: int, item: GalleryItem, thumb: Image.Image) -> widgets.Widget:
        picture = widgets.Image(value=encode_image(thumb, "JPEG"), format="jpeg")
        picture.add_class(css("gallery-crop"))
        events = Event(source=picture, watched_events=["click"])
        events.on_dom_event(lambda _event, p=position: self.open_item(p))
        self._events.append(events)
        button = widgets.Button(description=item.caption, tooltip=f"Open {item.caption}",
                                layout=widgets.Layout(width=f"{THUMBNAIL_SIZE + 8}px"))
        button.add_class(css("gallery-open"))
        button.on_click(lambda _b, p=position: self.open_item(p))
        caption = widgets.HTML(f"<small>{escape(item.annotation.created_by or '')}</small>")
        return widgets.VBox([picture, button, caption])

    # ------------------------------------------------------------------ opening

    def on_open(self, callback: Callable[[Any, int, str], Any], remove: bool = False) -> None:
        """Call ``callback(label_row, frame, object_hash)`` when a crop is clicked."""
        self._on_open.register(callback, remove)

    def open_item(self, index: int) -> None:
        """Open item ``index`` of the current page, as if its crop was clicked."""
        items = self.page_items()
        if not 0 <= index < len(items):
            self.status.error(f"No object {index + 1} on this page")
            return
        item = items[index]
        if self.explorer is not None:
            try:
                self.explorer.show_row(item.row, item.frame)
                self.explorer.select_object(item.annotation.object_hash)
            except Exception as error:  # shown here; the gallery stays usable
                self.status.failure(f"Opening {item.caption}", error)
                return
        self.status.ok(f"Opened {item.caption}")
        self._on_open.fire(item.row, item.frame, item.annotation.object_hash)

    # ------------------------------------------------------------------ static fallback

    def snapshot_png(self) -> bytes | None:
        if not self.thumbnails:
            return None
        cell = THUMBNAIL_SIZE + 4
        rows = -(-len(self.thumbnails) // self.columns)
        sheet = Image.new("RGB", (cell * min(self.columns, len(self.thumbnails)), cell * rows), (255, 255, 255))
        for i, thumb in enumerate(self.thumbnails):
            sheet.paste(thumb, ((i % self.columns) * cell + 2, (i // self.columns) * cell + 2))
        buffer = io.BytesIO()
        sheet.save(buffer, "PNG", compress_level=1)
        return buffer.getvalue()

    def snapshot_caption(self) -> str:
        return f"Object gallery: page {self.page + 1}/{self.page_count}, {len(self.items)} objects"
