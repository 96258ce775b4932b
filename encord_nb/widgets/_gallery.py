"""The object gallery: a paged grid of object crops across a project, with filters."""

from __future__ import annotations

from typing import Any, Callable, Sequence

import ipywidgets as widgets
import traitlets

from ._common import Callbacks, SnapshotMixin, StatusLine, css

#: Crops per gallery page.
DEFAULT_PAGE_SIZE = 24
#: Crops per grid row.
DEFAULT_COLUMNS = 6
#: Crop thumbnails are scaled to fit a square of this many pixels.
THUMBNAIL_SIZE = 128


class ObjectGallery(SnapshotMixin, widgets.VBox):
    """A paged grid of object crops across a project's label rows, filtered by class, attribute,
    confidence or annotator; clicking a crop opens the object in a frame explorer.

    Args:
        project: the client ``Project`` whose rows are searched.
        rows: the rows to search (default: every row of the project).
        explorer: a :class:`~encord_nb.widgets.FrameExplorer` that opens clicked crops.
        page_size: crops per page.
        columns: crops per grid row.

    Example:
        >>> gallery = ObjectGallery(project, explorer=explorer)      # doctest: +SKIP
        >>> gallery.class_name = "Coin"; gallery.min_confidence = 0.5  # doctest: +SKIP
        >>> len(gallery.items)                                       # doctest: +SKIP
        9
    """

    #: Only objects of this class ("" for all).
    class_name = traitlets.Unicode("")
    #: Only objects with an attribute answer containing this text, as ``name=value`` or just ``value``.
    attribute = traitlets.Unicode("")
    #: Only objects at or above this confidence.
    min_confidence = traitlets.Float(0.0)
    #: Only objects made by this annotator ("" for all).
    annotator = traitlets.Unicode("")
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
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.project = project
        self.explorer = explorer
        self.status = StatusLine("gallery-status")
        self._on_open = Callbacks("open", self.status)
        self.add_class(css("gallery"))

    def on_open(self, callback: Callable[[Any, int, str], Any], remove: bool = False) -> None:
        """Call ``callback(label_row, frame, object_hash)`` when a crop is clicked."""
        self._on_open.register(callback, remove)

    def open(self, index: int) -> None:
        """Open item ``index`` of the current page, as if its crop was clicked."""
        raise NotImplementedError
