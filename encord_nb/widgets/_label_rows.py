"""The label-rows explorer: a project's label rows as a paged, sortable, filterable table.

Filters (stage, status, title search, edited range, branch) go to the server through
``project.list_label_rows_v2``; sorting, paging and the object-count columns happen here, on a pandas
DataFrame. Picking a row opens it in the :class:`~encord_nb.widgets.FrameExplorer`.

Works with this package's client and with the official SDK's ``Project`` alike: rows are read through
the properties both share, and a property that a project type refuses (the SDK raises on
``label_status`` in workflow projects) reads as empty.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections import Counter
from typing import Any, Callable

import ipywidgets as widgets
import pandas as pd
import traitlets

from encord_nb.models import AnnotationTaskStatus

from ._charts import bar_chart_png
from ._common import Callbacks, SnapshotMixin, StatusLine, css, escape, run_action
from ._frame_explorer import FrameExplorer
from ._table import DEFAULT_PAGE_SIZE, PagedTable

#: Prefix of the object-count columns (one per ontology class), e.g. ``"# Cat face"``.
COUNT_PREFIX = "# "
#: The branch every project has; no ``branch_name`` filter is sent for it.
MAIN_BRANCH = "main"
#: Columns of the table, in order, and their widths.
ROW_COLUMNS = ("title", "type", "stage", "status", "priority", "frames", "edited", "assignee", "branch")
ROW_WIDTHS = {"title": "220px", "type": "90px", "frames": "70px", "priority": "80px", "edited": "140px",
              "assignee": "160px", "branch": "80px"}
_ANY = "any"


def read(obj: Any, name: str, default: Any = None) -> Any:
    """``obj.name``, a dict's ``obj[name]``, or ``default`` when the object has none or refuses to say."""
    if isinstance(obj, dict):
        return obj.get(name, default)
    try:
        value = getattr(obj, name)
    except Exception:  # SDK properties raise for project types they do not apply to
        return default
    return default if value is None else value


def plain(value: Any) -> Any:
    """Enums as their value, UUIDs as text; everything else unchanged."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def row_stage(row: Any) -> str | None:
    """The title of the workflow stage a row is in (``None`` outside workflow projects)."""
    node = read(row, "workflow_graph_node")
    return None if node is None else read(node, "title")


def row_status(row: Any) -> str | None:
    """The row's annotation task status, else its label status (``None`` when it has neither)."""
    status = read(row, "annotation_task_status") or read(row, "label_status")
    return None if status is None else str(plain(status))


def row_record(row: Any) -> dict[str, Any]:
    """One table row of a ``LabelRowV2``'s metadata (no labels needed)."""
    priority = read(row, "priority")
    return {
        "title": read(row, "data_title", ""),
        "type": plain(read(row, "data_type")),
        "stage": row_stage(row),
        "status": row_status(row),
        "priority": float(priority) if priority is not None else None,
        "frames": read(row, "number_of_frames"),
        "created": read(row, "created_at"),
        "edited": read(row, "last_edited_at"),
        "assignee": read(row, "assigned_user_email"),
        "branch": read(row, "branch_name", MAIN_BRANCH),
        "label_hash": plain(read(row, "label_hash")),
        "data_hash": plain(read(row, "data_hash")),
    }


def object_counts(row: Any) -> Counter[str]:
    """Objects per class name of an initialised row (tracks counted once, whatever their frames)."""
    counts: Counter[str] = Counter()
    for instance in row.get_object_instances():
        item = read(instance, "ontology_item")
        counts[read(item, "name") or read(item, "title") or "?"] += 1
    return counts


def workflow_stages(project: Any) -> list[Any]:
    """The project's workflow stages (empty for projects without a workflow)."""
    workflow = read(project, "workflow")
    return list(read(workflow, "stages", [])) if workflow is not None else []


def _day_start(day: dt.date | None) -> dt.datetime | None:
    return None if day is None else dt.datetime.combine(day, dt.time(), tzinfo=dt.timezone.utc)


class LabelRowsExplorer(SnapshotMixin, widgets.VBox):
    """A project's label rows in a paged, sortable table, with the server's filters; picking one opens it.

    State lives in traits: the filters ``stage``, ``status`` (``""`` for any), ``title_search``,
    ``edited_after``, ``edited_before`` (dates, inclusive) and ``branch``, and ``selected`` (the data
    hash of the picked row: label hashes appear only once a row has labels). Changing a filter lists
    the rows again from the server; sorting and paging (``table.sort``, ``table.page``) happen locally
    and only the visible page is rendered. :meth:`count_objects` adds
    one ``"# <class>"`` column per ontology class for initialised rows.

    Args:
        project: a ``Project`` of this package's client or of the official SDK.
        page_size: rows per page.
        open_frames: open picked rows in a frame explorer below the table.

    Example:
        >>> rows = LabelRowsExplorer(client.get_project(project_hash))   # doctest: +SKIP
        >>> rows.stage = "Review"; rows.table.sort("priority", ascending=False)  # doctest: +SKIP
        >>> rows.pick(0).data_title                                        # doctest: +SKIP
        'coins.png'
    """

    stage = traitlets.Unicode("")
    status = traitlets.Unicode("")
    title_search = traitlets.Unicode("")
    edited_after = traitlets.Any(None, allow_none=True)
    edited_before = traitlets.Any(None, allow_none=True)
    branch = traitlets.Unicode(MAIN_BRANCH)
    selected = traitlets.Unicode(None, allow_none=True)

    def __init__(self, project: Any, *, page_size: int = DEFAULT_PAGE_SIZE, open_frames: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.project = project
        self.open_frames = open_frames
        self.add_class(css("label-rows"))
        self.status_line = StatusLine("label-rows-status")
        self._on_pick = Callbacks("pick", self.status_line)
        #: The rows the server listed for the current filters, in its order.
        self.rows: list[Any] = []
        #: The frame explorer of the last picked row (``None`` before a pick).
        self.frame_explorer: FrameExplorer | None = None
        self._counts: dict[int, Counter[str]] = {}
        self._listing = 0  # bumped per listing: a frame explorer over an older listing is replaced
        self._explorer_key: tuple = ()
        self._suspended = False
        self.stages = [read(s, "title") for s in workflow_stages(project)]

        self.title = widgets.HTML(f"<b>Label rows of {escape(read(project, 'title', ''))}</b>")
        self.title.add_class(css("label-rows-title"))
        # Workflow projects have stages and no task status; other projects the other way round.
        self.shown_columns = [c for c in ROW_COLUMNS if c != ("status" if self.stages else "stage")]
        self.table = PagedTable(columns=self.shown_columns, widths=ROW_WIDTHS, page_size=page_size,
                                name="rows", status=self.status_line)
        self.table.on_pick(self._picked)
        self.frame_area = widgets.VBox()
        self.frame_area.add_class(css("label-rows-frame-area"))
        self.children = [self.title, self._build_filters(), self.table, self.status_line, self.frame_area]
        self.observe(self._filters_changed,
                     ["stage", "status", "title_search", "edited_after", "edited_before", "branch"])
        self.refresh()

    # ------------------------------------------------------------------ layout

    def _build_filters(self) -> widgets.Widget:
        self.stage_dropdown = widgets.Dropdown(options=[(f"{_ANY} stage", ""), *[(s, s) for s in self.stages]],
                                               description="Stage", layout=widgets.Layout(width="220px"))
        self.status_dropdown = widgets.Dropdown(
            options=[(f"{_ANY} status", ""), *[(s.value, s.value) for s in AnnotationTaskStatus]],
            description="Status", layout=widgets.Layout(width="220px"),
        )
        self.search_box = widgets.Text(placeholder="part of a data title", description="Title",
                                       continuous_update=False, layout=widgets.Layout(width="260px"))
        self.after_picker = widgets.DatePicker(description="Edited from", layout=widgets.Layout(width="250px"))
        self.before_picker = widgets.DatePicker(description="to", layout=widgets.Layout(width="200px"))
        self.branch_box = widgets.Combobox(value=MAIN_BRANCH, options=self._branches(), description="Branch",
                                           continuous_update=False, layout=widgets.Layout(width="220px"))
        self.count_button = widgets.Button(description="Count objects on page", layout=widgets.Layout(width="auto"),
                                           tooltip="Load the labels of the rows on this page and count their objects")
        self.reload_button = widgets.Button(description="Reload", tooltip="List the rows again from the server")
        for widget, name in [(self.stage_dropdown, "filter-stage"), (self.status_dropdown, "filter-status"),
                             (self.search_box, "filter-title"), (self.after_picker, "filter-edited-after"),
                             (self.before_picker, "filter-edited-before"), (self.branch_box, "filter-branch"),
                             (self.count_button, "count-objects"), (self.reload_button, "reload-rows")]:
            widget.add_class(css(name))
        for widget, trait in [(self.stage_dropdown, "stage"), (self.status_dropdown, "status"),
                              (self.search_box, "title_search"), (self.after_picker, "edited_after"),
                              (self.before_picker, "edited_before"), (self.branch_box, "branch")]:
            traitlets.link((widget, "value"), (self, trait))
        self.count_button.on_click(lambda _: self.count_objects())
        self.reload_button.on_click(lambda _: self.refresh())
        # Stages exist only in workflow projects; the task status filter only outside them.
        (self.status_dropdown if self.stages else self.stage_dropdown).layout.display = "none"
        layout = widgets.Layout(flex_flow="row wrap")
        return widgets.VBox([
            widgets.HBox([self.stage_dropdown, self.status_dropdown, self.search_box, self.branch_box], layout=layout),
            widgets.HBox([self.after_picker, self.before_picker, self.count_button, self.reload_button], layout=layout),
        ])

    def _branches(self) -> list[str]:
        try:
            names = list(self.project.list_branches())
        except Exception:  # not every server lists branches; typing a name still works
            names = []
        return sorted({MAIN_BRANCH, *map(str, names)})

    # ------------------------------------------------------------------ events

    def on_pick(self, callback: Callable[[Any], Any], remove: bool = False) -> None:
        """Call ``callback(label_row)`` when a row is picked."""
        self._on_pick.register(callback, remove)

    # ------------------------------------------------------------------ listing

    def list_arguments(self) -> dict[str, Any]:
        """The keyword arguments the current filters send to ``project.list_label_rows_v2``."""
        arguments: dict[str, Any] = {}
        if self.stage:
            arguments["workflow_graph_node_title_eq"] = self.stage
        if self.status:
            arguments["label_statuses"] = [AnnotationTaskStatus(self.status)]
        if self.title_search.strip():
            arguments["data_title_like"] = f"%{self.title_search.strip()}%"
        if self.edited_after is not None:
            arguments["edited_after"] = _day_start(self.edited_after)
        if self.edited_before is not None:
            arguments["edited_before"] = _day_start(self.edited_before + dt.timedelta(days=1))
        if self.branch and self.branch != MAIN_BRANCH:
            arguments["branch_name"] = self.branch
        return arguments

    def set_filters(self, **filters: Any) -> None:
        """Change several filters with one listing, e.g. ``set_filters(stage="Review", title_search="co")``."""
        unknown = set(filters) - {"stage", "status", "title_search", "edited_after", "edited_before", "branch"}
        if unknown:
            raise TypeError(f"unknown label-row filters {sorted(unknown)}")
        self._suspended = True
        try:
            for name, value in filters.items():
                setattr(self, name, "" if value is None and name in ("stage", "status", "title_search") else value)
        finally:
            self._suspended = False
        self.refresh()

    def _filters_changed(self, _change) -> None:
        if not self._suspended:
            self.refresh()

    def refresh(self) -> None:
        """List the rows again with the current filters (errors are shown in the status line)."""
        def work():
            return list(self.project.list_label_rows_v2(**self.list_arguments()))

        rows = run_action(self.status_line, "Listing label rows", work)
        if rows is None:
            return
        self.rows = rows
        self._counts = {}
        self._listing += 1
        self.status_line.ok(f"{len(rows):,} label rows")
        self.table.set_frame(self.dataframe())

    def dataframe(self) -> pd.DataFrame:
        """The listed rows as a DataFrame (index: position in ``rows``), with object counts where counted."""
        frame = pd.DataFrame.from_records([row_record(r) for r in self.rows],
                                          columns=[*ROW_COLUMNS, "created", "label_hash", "data_hash"])
        for column in ("created", "edited"):  # one conversion per column, not per row
            frame[column] = pd.to_datetime(frame[column], utc=True, errors="coerce", format="mixed")
        classes = sorted({name for counts in self._counts.values() for name in counts})
        for name in classes:
            frame[COUNT_PREFIX + name] = pd.array(
                [self._counts[i][name] if i in self._counts else None for i in range(len(self.rows))], dtype="Int64"
            )
        return frame

    # ------------------------------------------------------------------ object counts

    def count_objects(self, positions: list[int] | None = None) -> None:
        """Load the labels of some rows (default: the visible page) and add their object counts as columns."""
        wanted = positions if positions is not None else [r["index"] for r in self.table.page_records()]

        def work():
            for position in wanted:
                row = self.rows[position]
                if not read(row, "is_labelling_initialised", False):
                    row.initialise_labels(include_signed_url=True)  # the frame explorer draws them later
                self._counts[position] = object_counts(row)

        run_action(self.status_line, "Counting objects", work, f"Counted objects in {len(wanted)} rows")
        self._refresh_counts()  # rows counted before a failure still show

    def _refresh_counts(self) -> None:
        for position, row in enumerate(self.rows):
            if position not in self._counts and read(row, "is_labelling_initialised", False):
                self._counts[position] = object_counts(row)
        frame = self.dataframe()
        columns = [*self.shown_columns, *[c for c in frame.columns if c.startswith(COUNT_PREFIX)]]
        page, sort_by, ascending = self.table.page, self.table.sort_by, self.table.ascending
        self.table.set_frame(frame, columns)
        self.table.sort(sort_by, ascending)
        self.table.page = page

    # ------------------------------------------------------------------ picking

    def pick(self, position: int) -> Any:
        """Pick the ``position``-th row of the visible page (as its Open button does); returns the label row."""
        return self.rows[self.table.pick(position)]

    def _picked(self, index: int) -> None:
        row = self.rows[index]
        self.selected = str(plain(read(row, "data_hash")))
        if self.open_frames:
            self._open(row)
        self._on_pick.fire(row)

    def _open(self, row: Any) -> None:
        order = self.table.ordered_index()
        key = (self._listing, tuple(order))
        if self.frame_explorer is not None and self._explorer_key == key:
            self.frame_explorer.show_row(row)
            return
        # A new listing or order gets a new explorer: its row stepping follows the table's order.
        ordered = [self.rows[i] for i in order]
        explorer = run_action(self.status_line, "Opening the frame explorer",
                              lambda: FrameExplorer(row, rows=ordered, project=self.project),
                              f"Opened {read(row, 'data_title', 'the row')}")
        if explorer is not None:
            self.frame_explorer = explorer
            self._explorer_key = key
            self.frame_area.children = [explorer]

    # ------------------------------------------------------------------ snapshot

    def stage_counts(self) -> dict[str, int]:
        """Listed rows per workflow stage (stages in workflow order, empty ones included)."""
        counts = Counter(row_stage(r) for r in self.rows)
        return {stage: counts.get(stage, 0) for stage in self.stages} | {
            str(s): n for s, n in counts.items() if s is not None and s not in self.stages
        }

    def status_counts(self) -> dict[str, int]:
        """Listed rows per task status (rows without one left out)."""
        counts = Counter(row_status(r) for r in self.rows)
        return {str(s): n for s, n in sorted(counts.items(), key=lambda item: str(item[0])) if s is not None}

    def snapshot_png(self) -> bytes | None:
        counts = self.stage_counts() if self.stages else self.status_counts()
        if not counts:
            return None
        return bar_chart_png(counts, "Rows per stage" if self.stages else "Rows per status")

    def snapshot_caption(self) -> str:
        return f"{read(self.project, 'title', '')}: {len(self.rows):,} label rows"

    def snapshot(self) -> dict[str, Any]:
        data = super().snapshot()
        data["text/html"] += self.table.to_html()
        return data
