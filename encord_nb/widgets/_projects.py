"""The projects explorer: every project a client can see, searchable; picking one shows its summary and rows.

The summary of a picked project is its ontology legend (shape and colour of every class), its workflow
stages with task counts, status counts, its datasets and two small charts; below it the project's label
rows open in a :class:`~encord_nb.widgets.LabelRowsExplorer`.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import ipywidgets as widgets
import pandas as pd
import traitlets

from encord_nb.exceptions import UsageError
from encord_nb.render import palette_colour, parse_colour

from ._charts import bar_chart_png
from ._common import Callbacks, SnapshotMixin, StatusLine, css, escape, png_data_uri, run_action
from ._label_rows import LabelRowsExplorer, plain, read, workflow_stages
from ._table import DEFAULT_PAGE_SIZE, PagedTable

#: Row counts are fetched for at most this many projects up front (the rest when picked).
MAX_COUNTED_PROJECTS = 50
#: Parallel listings while counting rows per project.
ROW_COUNT_WORKERS = 4
PROJECT_COLUMNS = ("title", "type", "created", "rows", "description")
PROJECT_WIDTHS = {"title": "240px", "created": "140px", "rows": "60px", "description": "320px"}
#: Legends longer than this many classes flow into two columns.
LEGEND_ROWS = 8
#: A glyph per ontology shape for the legend.
SHAPE_GLYPHS = {
    "bounding_box": "▭", "rotatable_bounding_box": "◇", "polygon": "⬠", "polyline": "∿",
    "point": "•", "skeleton": "☍", "bitmask": "▦", "audio": "♪", "text": "T",
}


def project_record(project: Any, rows: int | None = None) -> dict[str, Any]:
    """One table row of a project's metadata."""
    created = read(project, "created_at")
    return {
        "title": read(project, "title", ""),
        "type": plain(read(project, "project_type")),
        "created": pd.Timestamp(created) if created else None,
        "rows": rows,
        "description": read(project, "description", ""),
        "project_hash": str(read(project, "project_hash", "")),
    }


def row_count(project: Any) -> int | None:
    """How many label rows the project has (``None`` when listing them fails)."""
    try:
        return len(project.list_label_rows_v2())
    except Exception:  # a count is a nicety; the project is still listed
        return None


def safe_colour(text: Any, name: str) -> str:
    """An ontology colour as ``#rrggbb`` (never raw text in CSS); a palette colour when it is no colour."""
    try:
        rgb = parse_colour(str(text)) if text else palette_colour(name)
    except UsageError:
        rgb = palette_colour(name)
    return "#%02x%02x%02x" % rgb


def ontology_legend_html(structure: Any) -> str:
    """The legend of an ontology: a swatch, a shape glyph and the name of every object class, then classifications."""
    items = []
    for item in read(structure, "objects", []):
        name = read(item, "name", "")
        shape = str(plain(read(item, "shape", "")))
        colour = safe_colour(read(item, "color") or read(item, "colour"), name)
        glyph = SHAPE_GLYPHS.get(shape, "?")
        items.append(
            f"<li class='{css('legend-item')}'><span style='display:inline-block;width:12px;height:12px;"
            f"background:{colour};margin-right:6px;vertical-align:middle'></span>"
            f"<span style='color:{colour};font-weight:bold'>{escape(glyph)}</span> {escape(name)} "
            f"<small style='color:#666'>({escape(shape.replace('_', ' '))})</small></li>"
        )
    classifications = [read(c, "title") or read(read(c, "attributes", [None])[0], "name", "")
                       for c in read(structure, "classifications", [])]
    columns = 2 if len(items) > LEGEND_ROWS else 1
    parts = [f"<b>Ontology</b><ul style='list-style:none;padding-left:0;margin:2px 0;columns:{columns}'>"
             f"{''.join(items)}</ul>"]
    if classifications:
        parts.append("<b>Classifications</b>: " + ", ".join(escape(c) for c in classifications if c))
    return f"<div class='{css('ontology-legend')}'>{''.join(parts)}</div>"


def task_status_counts(project: Any) -> dict[str, int]:
    """Workflow tasks per status over the stages that list tasks (``{}`` without a workflow)."""
    counts: Counter[str] = Counter()
    for stage in workflow_stages(project):
        if not hasattr(stage, "get_tasks"):
            continue  # stages without task listings have nothing to count
        # Tasks of the final stage carry no status of their own: they are done.
        fallback = "COMPLETED" if str(plain(read(stage, "stage_type", ""))).upper() == "DONE" else "unknown"
        for task in stage.get_tasks():
            counts[str(plain(read(task, "status")) or fallback)] += 1
    return dict(sorted(counts.items()))


def datasets_html(project: Any) -> str:
    """The project's datasets as an escaped list."""
    try:
        datasets = list(project.list_datasets())
    except Exception:  # older servers list no datasets; the summary goes on without them
        datasets = []
    items = "".join(
        f"<li>{escape(read(d, 'title', ''))} <small style='color:#666'>{escape(plain(read(d, 'dataset_hash', '')))}"
        "</small></li>"
        for d in datasets
    )
    return f"<div class='{css('project-datasets')}'><b>Datasets</b><ul style='margin:2px 0'>{items}</ul></div>"


class ProjectsExplorer(SnapshotMixin, widgets.VBox):
    """The projects a client can see, searchable; picking one shows its summary and its label rows.

    State lives in traits: ``search`` (part of a title or description, any case) and ``selected`` (the
    picked project's hash). The picked project's label rows are in ``label_rows`` (a
    :class:`LabelRowsExplorer`), whose picked rows open in a frame explorer.

    Args:
        client: an ``EncordUserClient`` of this package or of the official SDK.
        page_size: projects per page.
        count_rows: list every project's label rows to show how many it has (one listing per
            project, for the first :data:`MAX_COUNTED_PROJECTS`; turn off for large workspaces).

    Example:
        >>> projects = ProjectsExplorer(encord_nb.connect())     # doctest: +SKIP
        >>> projects.search = "visual"; projects.pick(0)          # doctest: +SKIP
        >>> projects.label_rows.table.page_records()[0]["title"]  # doctest: +SKIP
        'astronaut.png'
    """

    search = traitlets.Unicode("")
    selected = traitlets.Unicode(None, allow_none=True)

    def __init__(self, client: Any, *, page_size: int = DEFAULT_PAGE_SIZE, count_rows: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.client = client
        self.count_rows = count_rows
        self.add_class(css("projects"))
        self.status_line = StatusLine("projects-status")
        self._on_pick = Callbacks("pick", self.status_line)
        #: The picked project (``None`` before a pick) and its label-rows explorer.
        self.project: Any = None
        self.label_rows: LabelRowsExplorer | None = None
        self.projects: list[Any] = []
        self._all = pd.DataFrame(columns=[*PROJECT_COLUMNS, "project_hash"])
        self._charts: list[bytes] = []

        self.search_box = widgets.Text(placeholder="part of a title or description", description="Search",
                                       continuous_update=True, layout=widgets.Layout(width="360px"))
        self.search_box.add_class(css("project-search"))
        traitlets.link((self.search_box, "value"), (self, "search"))
        self.table = PagedTable(columns=list(PROJECT_COLUMNS), widths=PROJECT_WIDTHS, page_size=page_size,
                                name="projects-table", status=self.status_line)
        self.table.on_pick(self._picked)
        self.summary = widgets.VBox()
        self.summary.add_class(css("project-summary"))
        self.rows_area = widgets.VBox()
        self.rows_area.add_class(css("project-rows"))
        self.children = [widgets.HTML("<b>Projects</b>"), self.search_box, self.table, self.status_line,
                         self.summary, self.rows_area]
        self.observe(self._on_search, "search")
        self.refresh()

    # ------------------------------------------------------------------ events

    def on_pick(self, callback: Callable[[Any], Any], remove: bool = False) -> None:
        """Call ``callback(project)`` when a project is picked and its summary is shown."""
        self._on_pick.register(callback, remove)

    # ------------------------------------------------------------------ listing

    def refresh(self) -> None:
        """List the projects again (errors are shown in the status line)."""
        projects = run_action(self.status_line, "Listing projects", lambda: list(self.client.list_projects()))
        if projects is None:
            return
        self.projects = projects
        counted = projects[:MAX_COUNTED_PROJECTS] if self.count_rows else []
        with ThreadPoolExecutor(ROW_COUNT_WORKERS) as pool:
            counts = list(pool.map(row_count, counted))
        counts += [None] * (len(projects) - len(counted))
        self._all = pd.DataFrame.from_records(
            [project_record(p, n) for p, n in zip(projects, counts)], columns=[*PROJECT_COLUMNS, "project_hash"]
        )
        self._all["rows"] = self._all["rows"].astype("Int64")
        self.status_line.ok(f"{len(projects):,} projects")
        self._show_matches()

    def _on_search(self, _change) -> None:
        self._show_matches()

    def _show_matches(self) -> None:
        needle = self.search.strip().casefold()
        frame = self._all
        if needle:
            text = frame["title"].fillna("").str.casefold() + "\n" + frame["description"].fillna("").str.casefold()
            frame = frame[text.str.contains(needle, regex=False)]
        self.table.set_frame(frame)

    # ------------------------------------------------------------------ picking

    def pick(self, position: int) -> Any:
        """Pick the ``position``-th project of the visible page (as its Open button does); returns the project."""
        self.table.pick(position)
        return self.project

    def open_project(self, project_hash: str) -> Any:
        """Show the summary and label rows of the project with this hash; returns the project (``None`` on error)."""
        project = run_action(self.status_line, "Opening the project", lambda: self.client.get_project(project_hash))
        if project is None:
            return None
        self.project = project
        self.selected = str(project_hash)
        rows = run_action(self.status_line, "Listing its label rows", lambda: LabelRowsExplorer(project))
        self.label_rows = rows
        self.rows_area.children = [rows] if rows is not None else []
        run_action(self.status_line, "Summarising the project", lambda: self._summarise(project),
                   f"Opened {read(project, 'title', project_hash)}")
        self._on_pick.fire(project)
        return project

    def _picked(self, index: Any) -> None:
        self.open_project(self._all.loc[index, "project_hash"])

    def _summarise(self, project: Any) -> None:
        stage_counts = self.label_rows.stage_counts() if self.label_rows is not None else {}
        status_counts = task_status_counts(project) if stage_counts else (
            self.label_rows.status_counts() if self.label_rows is not None else {}
        )
        self._charts = [bar_chart_png(counts, title) for counts, title in
                        [(stage_counts, "Tasks per stage"), (status_counts, "Tasks per status")] if counts]
        stages = "".join(f"<li>{escape(stage)}: {count}</li>" for stage, count in stage_counts.items())
        statuses = "".join(f"<li>{escape(status)}: {count}</li>" for status, count in status_counts.items())
        facts = (
            f"<div class='{css('project-facts')}'><b>{escape(read(project, 'title', ''))}</b> "
            f"<small>({escape(plain(read(project, 'project_type', '')))})</small>"
            f"<p style='margin:2px 0'>{escape(read(project, 'description', ''))}</p>"
            + (f"<b>Workflow stages</b><ul style='margin:2px 0' class='{css('project-stages')}'>{stages}</ul>"
               if stages else "")
            + (f"<b>Statuses</b><ul style='margin:2px 0' class='{css('project-statuses')}'>{statuses}</ul>"
               if statuses else "")
            + "</div>"
        )
        legend = widgets.HTML(ontology_legend_html(project.ontology_structure),
                              layout=widgets.Layout(min_width="260px"))
        charts = [widgets.Image(value=png, format="png") for png in self._charts]
        for chart in charts:
            chart.add_class(css("project-chart"))
        self.summary.children = [
            widgets.HBox(
                [widgets.VBox([widgets.HTML(facts), widgets.HTML(datasets_html(project))],
                              layout=widgets.Layout(min_width="260px", padding="0 12px 0 0")),
                 legend],
                layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"),
            ),
            widgets.HBox(charts, layout=widgets.Layout(flex_flow="row wrap")),
        ]

    # ------------------------------------------------------------------ snapshot

    def snapshot_png(self) -> bytes | None:
        return self._charts[0] if self._charts else None

    def snapshot_caption(self) -> str:
        picked = f"; picked: {read(self.project, 'title', '')}" if self.project is not None else ""
        return f"{len(self.projects):,} projects{picked}"

    def snapshot(self) -> dict[str, Any]:
        data = super().snapshot()
        data["text/html"] += self.table.to_html()
        if len(self._charts) > 1:
            data["text/html"] += "".join(f'<img src="{png_data_uri(png)}"/>' for png in self._charts[1:])
        return data
