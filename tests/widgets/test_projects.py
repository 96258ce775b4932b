"""The projects explorer driven through its search box, table and buttons, against the demo server."""

from __future__ import annotations

import io
from collections import Counter
from types import SimpleNamespace

import pandas as pd
from PIL import Image

from encord_nb.widgets import LabelRowsExplorer, ProjectsExplorer
from encord_nb.widgets._projects import ontology_legend_html

from .conftest import VISUAL_QA


def titles(explorer: ProjectsExplorer) -> list[str]:
    return [record["title"] for record in explorer.table.page_records()]


def open_row_of(explorer: ProjectsExplorer, title: str) -> None:
    position = titles(explorer).index(title)
    explorer.table.rows_box.children[position].children[0].click()


def test_lists_every_project_with_type_created_and_row_count(demo_client):
    # Given the demo client, when the projects explorer opens
    explorer = ProjectsExplorer(demo_client)

    # Then each project the client lists is a row with its type, creation time and label-row count
    projects = {p.title: p for p in demo_client.list_projects()}
    records = {r["title"]: r for r in explorer.table.page_records()}
    assert sorted(records) == sorted(projects)
    for title, record in records.items():
        project = projects[title]
        assert record["type"] == project.project_type.value
        assert record["created"] == project.created_at
        assert record["rows"] == len(project.list_label_rows_v2())
    assert explorer.status_line.text == f"{len(projects)} projects"


def test_search_matches_title_or_description_in_any_case(demo_client):
    explorer = ProjectsExplorer(demo_client)
    everything = sorted(titles(explorer))

    # When the search box holds part of one title in other case, then only that project is listed
    explorer.search_box.value = "VISUAL"
    assert explorer.search == "VISUAL" and titles(explorer) == [VISUAL_QA]

    # When it holds a word of a description only, then the projects described so are listed
    described = sorted(p.title for p in demo_client.list_projects() if "workflow" in (p.description or "").lower())
    explorer.search = "workflow"
    assert described and sorted(titles(explorer)) == described

    # When it is cleared, then every project is back; when nothing matches, the table is empty
    explorer.search = ""
    assert sorted(titles(explorer)) == everything
    explorer.search = "no such project"
    assert titles(explorer) == [] and explorer.table.rendered_rows == 0


def test_picking_a_project_shows_its_summary_and_label_rows(demo_client, demo_workspace):
    explorer = ProjectsExplorer(demo_client)
    picked = []
    explorer.on_pick(picked.append)

    # When the visual-QA project's Open button is clicked
    open_row_of(explorer, VISUAL_QA)

    # Then it is the selected project, and the callback saw it
    project = explorer.project
    assert explorer.selected == demo_workspace.projects[VISUAL_QA] == str(project.project_hash)
    assert [p.title for p in picked] == [VISUAL_QA]

    # And the legend names every class with its ontology colour
    legend = explorer.summary.children[0].children[1].value
    for item in project.ontology_structure.objects:
        assert item.name in legend and item.color.lower() in legend
    assert legend.count("encord-nb-legend-item") == len(project.ontology_structure.objects)

    # And the stages carry the counts of the rows in them, and the datasets are named
    rows = project.list_label_rows_v2()
    per_stage = Counter(r.workflow_graph_node.title for r in rows)
    facts = explorer.summary.children[0].children[0].children[0].value
    for stage in project.workflow.stages:
        assert f"<li>{stage.title}: {per_stage.get(stage.title, 0)}</li>" in facts
    datasets = explorer.summary.children[0].children[0].children[1].value
    assert all(d.title in datasets for d in project.list_datasets())

    # And two charts are real PNG pictures
    charts = explorer.summary.children[1].children
    assert len(charts) == 2
    assert all(Image.open(io.BytesIO(chart.value)).format == "PNG" for chart in charts)

    # And its label rows are open below, all of them
    assert isinstance(explorer.label_rows, LabelRowsExplorer)
    assert explorer.rows_area.children == (explorer.label_rows,)
    assert sorted(r.data_title for r in explorer.label_rows.rows) == sorted(r.data_title for r in rows)


def test_picking_a_row_of_the_picked_project_opens_its_frames(demo_client):
    explorer = ProjectsExplorer(demo_client)
    open_row_of(explorer, VISUAL_QA)

    # When a label row is picked below, then its first frame is shown
    row = explorer.label_rows.pick(0)
    assert explorer.label_rows.frame_explorer.label_row is row
    assert explorer.label_rows.frame_explorer.displayed is not None


def test_project_without_workflow_counts_statuses(demo_client, demo_workspace):
    explorer = ProjectsExplorer(demo_client)
    explorer.open_project(demo_workspace.projects["Demo: manual QA"])
    statuses = Counter(r.annotation_task_status.value for r in explorer.project.list_label_rows_v2())
    facts = explorer.summary.children[0].children[0].children[0].value
    assert "Workflow stages" not in facts
    for status, count in statuses.items():
        assert f"<li>{status}: {count}</li>" in facts


def test_an_unknown_project_hash_is_reported_in_the_widget(demo_client):
    explorer = ProjectsExplorer(demo_client)
    assert explorer.open_project("00000000-0000-4000-8000-000000000000") is None
    assert explorer.status_line.text.startswith("Opening the project failed:")
    assert explorer.project is None and explorer.summary.children == ()


def test_legend_escapes_names_and_never_puts_raw_colour_text_in_css():
    # Given an ontology whose names and colours try to inject markup and CSS
    evil = SimpleNamespace(
        objects=[SimpleNamespace(name="<script>alert(1)</script>", shape="polygon", color="red;background:url(x)"),
                 SimpleNamespace(name="Cat", shape="bounding_box", color="#D33115")],
        classifications=[SimpleNamespace(title="<b>bold</b>")],
    )
    html = ontology_legend_html(evil)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "url(x)" not in html and "#d33115" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_snapshot_shows_the_table_and_the_picked_project_chart(demo_client):
    explorer = ProjectsExplorer(demo_client)
    assert "image/png" not in explorer.snapshot()
    open_row_of(explorer, VISUAL_QA)
    bundle = explorer._repr_mimebundle_()
    assert Image.open(io.BytesIO(__import__("base64").b64decode(bundle["image/png"]))).format == "PNG"
    assert VISUAL_QA in bundle["text/html"] and "<table" in bundle["text/html"]


def test_row_counts_can_be_left_out_for_large_workspaces(demo_client):
    explorer = ProjectsExplorer(demo_client, count_rows=False)
    records = explorer.table.page_records()
    assert len(records) == len(list(demo_client.list_projects()))
    assert all(pd.isna(r["rows"]) for r in records)  # missing, not zero
