"""A pandas DataFrame shown one page at a time: sortable headers, page buttons, an Open button per row.

Only the visible page is turned into widget values: the table keeps a fixed set of row widgets
(``page_size`` of them) and refills them when the page, the sort or the data changes, so a table of
10,000 rows costs no more in the browser than a table of twenty.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any, Callable

import ipywidgets as widgets
import numpy as np
import pandas as pd
import traitlets

from ._common import Callbacks, StatusLine, css, escape

#: Rows per page unless the caller says otherwise.
DEFAULT_PAGE_SIZE = 20
#: Column width (CSS) when a column has no width of its own.
DEFAULT_COLUMN_WIDTH = "110px"
_SORT_MARKS = {True: " ▲", False: " ▼"}


def format_value(value: Any) -> str:
    """A cell's text: empty for missing values, dates to the minute, floats short, the rest as ``str``."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (float, np.floating)):
        return f"{value:g}"
    return str(getattr(value, "value", value))


class PagedTable(widgets.VBox):
    """A DataFrame as a paged, sortable table whose rows can be picked.

    State lives in traits: ``page`` (0-based), ``sort_by`` (a column or ``None`` for the data's own
    order) and ``ascending``. Picking a row (its Open button, or :meth:`pick`) calls the ``on_pick``
    callbacks with the row's index label in the DataFrame.

    Args:
        frame: the data (any index; its labels are what ``on_pick`` reports).
        columns: the columns shown, in order (default: all).
        widths: CSS widths of some columns.
        page_size: rows per page.
        name: a CSS-class stem for browser tests (``encord-nb-<name>-...``).

    Example:
        >>> table = PagedTable(pd.DataFrame({"title": ["b", "a", "c"]}), page_size=2)
        >>> table.sort_by = "title"
        >>> [row["title"] for row in table.page_records()]
        ['a', 'b']
    """

    page = traitlets.Int(0)
    sort_by = traitlets.Unicode(None, allow_none=True)
    ascending = traitlets.Bool(True)

    def __init__(
        self,
        frame: pd.DataFrame | None = None,
        *,
        columns: list[str] | None = None,
        widths: dict[str, str] | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        name: str = "table",
        status: StatusLine | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if page_size < 1:
            raise ValueError(f"page_size must be at least 1, got {page_size}")
        self.page_size = int(page_size)
        self.name = name
        self.widths = dict(widths or {})
        self.add_class(css(name))
        self._on_pick = Callbacks("pick", status)
        #: How many rows the last refresh formatted (never more than one page).
        self.rendered_rows = 0
        self.frame = pd.DataFrame()
        self.columns: list[str] = []
        self._order = np.arange(0)
        self._requested_columns = columns
        self._quiet = False

        self.header = widgets.HBox()
        self.header.add_class(css(f"{name}-header"))
        self.rows_box = widgets.VBox()
        self.previous_button = widgets.Button(description="◀ Previous", layout=widgets.Layout(width="110px"))
        self.next_button = widgets.Button(description="Next ▶", layout=widgets.Layout(width="110px"))
        self.previous_button.add_class(css(f"{name}-previous"))
        self.next_button.add_class(css(f"{name}-next"))
        self.page_label = widgets.HTML()
        self.page_label.add_class(css(f"{name}-page"))
        self.previous_button.on_click(lambda _: self.previous_page())
        self.next_button.on_click(lambda _: self.next_page())
        self._row_boxes: list[widgets.HBox] = []
        self._row_cells: list[list[widgets.HTML]] = []
        self._row_records: list[Any] = []
        self.children = [
            self.header,
            self.rows_box,
            widgets.HBox([self.previous_button, self.page_label, self.next_button],
                         layout=widgets.Layout(align_items="center")),
        ]
        self.observe(self._on_page, "page")
        self.observe(self._sort_changed, ["sort_by", "ascending"])
        self.set_frame(frame if frame is not None else pd.DataFrame(), columns)

    # ------------------------------------------------------------------ events

    def on_pick(self, callback: Callable[[Any], Any], remove: bool = False) -> None:
        """Call ``callback(index_label)`` when a row is picked."""
        self._on_pick.register(callback, remove)

    # ------------------------------------------------------------------ data

    def set_frame(self, frame: pd.DataFrame, columns: list[str] | None = None) -> None:
        """Show new data (keeping the sort column when it still exists) from its first page."""
        self.frame = frame
        wanted = columns if columns is not None else self._requested_columns
        self.columns = [c for c in (wanted if wanted is not None else list(frame.columns)) if c in frame.columns]
        self._build_grid()
        self._quiet = True  # one refresh below, not one per trait
        try:
            if self.sort_by is not None and self.sort_by not in frame.columns:
                self.sort_by = None
            self.page = 0
        finally:
            self._quiet = False
        self._order = self._sorted_order()
        self._label_headers()
        self._refresh()

    @property
    def page_count(self) -> int:
        """Pages of data (at least one, even when empty)."""
        return max(1, math.ceil(len(self.frame) / self.page_size))

    def ordered_index(self) -> list[Any]:
        """Every row's index label, in the shown order (all pages)."""
        return list(self.frame.index[self._order])

    def page_records(self) -> list[dict[str, Any]]:
        """The visible page's rows as dicts of the shown columns (plus ``"index"``)."""
        page = self._page_frame()
        return [{"index": label, **{c: row[c] for c in self.columns}} for label, row in page.iterrows()]

    def _sorted_order(self) -> np.ndarray:
        if self.sort_by is None or self.sort_by not in self.frame.columns or self.frame.empty:
            return np.arange(len(self.frame))
        column = self.frame[self.sort_by]
        if column.dtype == object:
            # Text sorts without case; mixed values sort by their text.
            key = column.map(lambda v: None if v is None else format_value(v).casefold())
        else:
            key = column
        ordered = key.reset_index(drop=True).sort_values(
            ascending=self.ascending, kind="stable", na_position="last"
        )
        return ordered.index.to_numpy()

    def _page_frame(self) -> pd.DataFrame:
        start = self.page * self.page_size
        return self.frame.iloc[self._order[start : start + self.page_size]]

    # ------------------------------------------------------------------ paging and sorting

    def next_page(self) -> None:
        """Show the next page (no-op on the last)."""
        if self.page + 1 < self.page_count:
            self.page += 1

    def previous_page(self) -> None:
        """Show the previous page (no-op on the first)."""
        if self.page > 0:
            self.page -= 1

    def sort(self, column: str | None, ascending: bool | None = None) -> None:
        """Sort by ``column`` (``None``: the data's own order); without ``ascending``, a second call flips it."""
        if column is not None and column not in self.frame.columns:
            raise KeyError(f"no column {column!r} to sort by; the table has {list(self.frame.columns)}")
        if ascending is None:
            ascending = not self.ascending if column == self.sort_by else True
        with self.hold_trait_notifications():
            self.sort_by = column
            self.ascending = ascending

    def _on_page(self, change) -> None:
        if self._quiet:
            return
        clamped = min(max(change["new"], 0), self.page_count - 1)
        if clamped != change["new"]:
            self.page = clamped
            return
        self._refresh()

    def _sort_changed(self, _change) -> None:
        if self._quiet:
            return
        self._order = self._sorted_order()
        self._label_headers()
        if self.page != 0:
            self.page = 0
        else:
            self._refresh()

    # ------------------------------------------------------------------ picking

    def pick(self, position: int) -> Any:
        """Pick the ``position``-th row of the visible page (as its Open button does); returns its index label."""
        if not 0 <= position < len(self._row_records):
            raise IndexError(f"row {position} is not on this page (it shows {len(self._row_records)} rows)")
        label = self._row_records[position]
        self._on_pick.fire(label)
        return label

    # ------------------------------------------------------------------ widgets

    def _width(self, column: str) -> str:
        return self.widths.get(column, DEFAULT_COLUMN_WIDTH)

    def _build_grid(self) -> None:
        """(Re)build header and row widgets when the shown columns change; otherwise keep them."""
        if getattr(self, "_grid_columns", None) == self.columns:
            return
        self._grid_columns = list(self.columns)
        spacer = widgets.HTML("", layout=widgets.Layout(width="70px"))
        buttons = []
        for column in self.columns:
            button = widgets.Button(description=column, layout=widgets.Layout(width=self._width(column)))
            button.add_class(css(f"{self.name}-sort"))
            button.on_click(lambda _, c=column: self.sort(c))
            buttons.append(button)
        self._header_buttons = dict(zip(self.columns, buttons))
        self.header.children = [spacer, *buttons]
        self._label_headers()
        self._row_boxes, self._row_cells = [], []
        for position in range(self.page_size):
            open_button = widgets.Button(description="Open", layout=widgets.Layout(width="70px"))
            open_button.add_class(css(f"{self.name}-open"))
            open_button.on_click(lambda _, p=position: self.pick(p))
            cells = [widgets.HTML(layout=widgets.Layout(width=self._width(c), overflow="hidden")) for c in self.columns]
            for cell in cells:
                cell.add_class(css(f"{self.name}-cell"))
            box = widgets.HBox([open_button, *cells], layout=widgets.Layout(align_items="center"))
            box.add_class(css(f"{self.name}-row"))
            self._row_boxes.append(box)
            self._row_cells.append(cells)
        self.rows_box.children = self._row_boxes

    def _label_headers(self) -> None:
        for column, button in getattr(self, "_header_buttons", {}).items():
            mark = _SORT_MARKS[self.ascending] if column == self.sort_by else ""
            button.description = column + mark

    def _refresh(self) -> None:
        page = self._page_frame()
        self._row_records = list(page.index)
        values = page[self.columns].to_numpy(dtype=object) if self.columns else np.empty((len(page), 0))
        self.rendered_rows = len(page)
        for position, (box, cells) in enumerate(zip(self._row_boxes, self._row_cells)):
            if position < len(page):
                for cell, value in zip(cells, values[position]):
                    text = format_value(value)
                    cell.value = f'<span title="{escape(text)}">{escape(text)}</span>'
                box.layout.display = None
            else:
                box.layout.display = "none"
        total = len(self.frame)
        first = self.page * self.page_size + 1 if total else 0
        last = min((self.page + 1) * self.page_size, total)
        self.page_label.value = (
            f"&nbsp;rows {first:,}–{last:,} of {total:,} · page {self.page + 1:,} of {self.page_count:,}&nbsp;"
        )
        self.previous_button.disabled = self.page == 0
        self.next_button.disabled = self.page + 1 >= self.page_count

    def to_html(self) -> str:
        """The visible page as an escaped HTML table (the static snapshot of a saved notebook)."""
        return self._page_frame()[self.columns].to_html(
            escape=True, index=False, na_rep="", formatters={c: format_value for c in self.columns}, border=0
        )
