"""The label-rows explorer driven through its traits, filter widgets and buttons, against the demo server."""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter

import pytest

from encord_nb.demo import build_synthetic
from encord_nb.server import serve
from encord_nb.widgets import FrameExplorer, LabelRowsExplorer

from .conftest import XSS_TITLE, connect

MANUAL_QA = "Demo: manual QA"


def shown_titles(explorer: LabelRowsExplorer) -> list[str]:
    return [record["title"] for record in explorer.table.page_records()]


def stage_of(row) -> str:
    return row.workflow_graph_node.title


def click(button) -> None:
    button.click()


@pytest.fixture()
def manual_qa(demo_client, demo_workspace):
    return demo_client.get_project(demo_workspace.projects[MANUAL_QA])


def test_lists_every_row_of_the_project_on_pages(visual_qa, rows_by_title):
    # Given the visual-QA project, when its rows open three to a page
    explorer = LabelRowsExplorer(visual_qa, page_size=3)

    # Then every row is listed once, the first page shows three, and the page line counts them all
    assert sorted(r.data_title for r in explorer.rows) == sorted(rows_by_title)
    assert explorer.table.rendered_rows == 3
    assert len(set(shown_titles(explorer))) == 3
    assert f"of {len(rows_by_title)}" in explorer.table.page_label.value
    assert explorer.status_line.text == f"{len(rows_by_title)} label rows"

    # When Next is clicked to the last page, then it shows the remainder and hides the spare row widgets
    seen = list(shown_titles(explorer))
    while not explorer.table.next_button.disabled:
        click(explorer.table.next_button)
        seen += shown_titles(explorer)
    assert sorted(seen) == sorted(rows_by_title)
    remainder = len(rows_by_title) % 3 or 3
    hidden = [box for box in explorer.table.rows_box.children if box.layout.display == "none"]
    assert len(hidden) == 3 - remainder


def test_stage_filter_lists_only_that_stage_from_the_server(visual_qa, rows_by_title):
    # Given the explorer, when the stage dropdown picks "Review"
    explorer = LabelRowsExplorer(visual_qa)
    assert "Review" in explorer.stage_dropdown.options[2]
    explorer.stage_dropdown.value = "Review"

    # Then the trait follows, the server is asked for that stage, and only its rows are listed
    assert explorer.stage == "Review"
    assert explorer.list_arguments() == {"workflow_graph_node_title_eq": "Review"}
    expected = sorted(t for t, r in rows_by_title.items() if stage_of(r) == "Review")
    assert expected and sorted(r.data_title for r in explorer.rows) == expected
    assert sorted(shown_titles(explorer)) == expected

    # When the filter is cleared, then every row is back
    explorer.stage_dropdown.value = ""
    assert explorer.stage == "" and len(explorer.rows) == len(rows_by_title)
    explorer.set_filters(stage="Review")
    explorer.set_filters(stage=None)  # code may say "any" with None too
    assert explorer.stage_dropdown.label == "any stage" and len(explorer.rows) == len(rows_by_title)


def test_title_search_and_edited_range_are_server_side_filters(visual_qa, rows_by_title):
    explorer = LabelRowsExplorer(visual_qa)

    # When a part of a title is searched (any case), then only titles containing it are listed
    explorer.search_box.value = "CO"
    assert explorer.list_arguments() == {"data_title_like": "%CO%"}
    expected = sorted(t for t in rows_by_title if "co" in t.lower())
    assert expected and sorted(r.data_title for r in explorer.rows) == expected

    # When the edited range is one day, then exactly the rows last edited on that day are listed
    edited = Counter(r.last_edited_at.date() for r in rows_by_title.values() if r.last_edited_at)
    day = edited.most_common(1)[0][0]
    explorer.set_filters(title_search="", edited_after=day, edited_before=day)
    on_day = sorted(t for t, r in rows_by_title.items() if r.last_edited_at and r.last_edited_at.date() == day)
    assert sorted(r.data_title for r in explorer.rows) == on_day

    # When the range ends before anything was edited, then nothing is listed and the table says so
    explorer.set_filters(edited_after=None, edited_before=min(edited) - dt.timedelta(days=1))
    assert explorer.rows == [] and explorer.table.rendered_rows == 0
    assert "of 0" in explorer.table.page_label.value


def test_status_filter_in_a_project_without_workflow(manual_qa):
    # Given the manual-QA project (no stages), when its rows open
    everything = manual_qa.list_label_rows_v2()
    explorer = LabelRowsExplorer(manual_qa)
    assert explorer.stage_dropdown.layout.display == "none" and explorer.status_dropdown.layout.display is None

    # When the status dropdown picks COMPLETED, then only completed rows are listed
    explorer.status_dropdown.value = "COMPLETED"
    expected = sorted(r.data_title for r in everything if r.annotation_task_status.value == "COMPLETED")
    assert expected and sorted(r.data_title for r in explorer.rows) == expected
    assert {record["status"] for record in explorer.table.page_records()} == {"COMPLETED"}
    assert explorer.status_counts() == {"COMPLETED": len(expected)}


def test_header_click_sorts_and_a_second_click_reverses(visual_qa, rows_by_title):
    explorer = LabelRowsExplorer(visual_qa, page_size=4)
    by_priority = sorted((r.priority for r in rows_by_title.values() if r.priority is not None))
    priority_header = next(b for b in explorer.table.header.children[1:] if b.description == "priority")

    # When the priority header is clicked, then the page shows the lowest priorities and the header is marked
    click(priority_header)
    assert [rec["priority"] for rec in explorer.table.page_records()] == by_priority[:4]
    assert priority_header.description == "priority ▲"

    # When it is clicked again, then the order reverses
    click(priority_header)
    assert [rec["priority"] for rec in explorer.table.page_records()] == by_priority[::-1][:4]
    assert explorer.table.sort_by == "priority" and explorer.table.ascending is False
    assert priority_header.description == "priority ▼"


def test_picking_a_row_opens_it_in_the_frame_explorer(visual_qa):
    explorer = LabelRowsExplorer(visual_qa)
    explorer.table.sort("title")
    picked = []
    explorer.on_pick(picked.append)
    explorer.on_pick(lambda row: 1 / 0)

    # When the second row's Open button is clicked
    open_button = explorer.table.rows_box.children[1].children[0]
    click(open_button)

    # Then that row shows its first frame in a frame explorer below, stepping in the table's order
    second = sorted(explorer.rows, key=lambda r: r.data_title.casefold())[1]
    frames = explorer.frame_explorer
    assert isinstance(frames, FrameExplorer) and explorer.frame_area.children == (frames,)
    assert frames.label_row is second and frames.frame == 0 and frames.displayed is not None
    assert [r.data_title for r in frames.rows] == sorted((r.data_title for r in explorer.rows), key=str.casefold)
    assert explorer.selected == str(second.data_hash)

    # And the callbacks ran; the failing one is reported in the status line, not raised
    assert picked == [second]
    assert "ZeroDivisionError" in explorer.status_line.text

    # When another row is picked in the same order, then the same frame explorer shows it
    third = explorer.pick(2)
    assert explorer.frame_explorer is frames and frames.label_row is third


def test_count_objects_adds_a_column_per_class(visual_qa):
    explorer = LabelRowsExplorer(visual_qa, page_size=4)
    explorer.table.sort("title")

    # When objects are counted on the first page
    click(explorer.count_button)

    # Then each class found has a "# class" column whose values are that row's objects of the class
    count_columns = [c for c in explorer.table.columns if c.startswith("# ")]
    assert count_columns
    for record in explorer.table.page_records():
        row = explorer.rows[record["index"]]
        hashes = {}
        for unit in row.to_encord_dict()["data_units"].values():
            frames = unit["labels"].values() if "objects" not in unit["labels"] else [unit["labels"]]
            for frame in frames:
                for obj in frame["objects"]:
                    hashes[obj["objectHash"]] = obj["name"]
        expected = Counter(hashes.values())
        shown = {c[2:]: record[c] for c in count_columns if record[c] is not None and record[c] == record[c]}
        assert {k: v for k, v in shown.items() if v} == dict(expected), record["title"]
    # The sort and the page survive the new columns
    assert explorer.table.sort_by == "title" and explorer.table.page == 0


def test_a_failing_listing_is_shown_and_the_explorer_keeps_working(visual_qa):
    explorer = LabelRowsExplorer(visual_qa)
    listed = len(explorer.rows)

    # When the server refuses a filter (an unknown branch is fine; a broken project call is not)
    original = visual_qa.list_label_rows_v2
    visual_qa.list_label_rows_v2 = lambda **kwargs: (_ for _ in ()).throw(RuntimeError("server said no"))
    explorer.title_search = "x"

    # Then the failure is in the status line and the old rows stay
    assert "Listing label rows failed: RuntimeError: server said no" == explorer.status_line.text
    assert len(explorer.rows) == listed

    # When the project answers again, then the next change lists as usual
    visual_qa.list_label_rows_v2 = original
    explorer.title_search = ""
    assert len(explorer.rows) == listed


def test_user_text_is_escaped_in_cells_and_snapshot(private_demo, demo_workspace):
    # Given a workspace with a row titled like an HTML injection
    server, _path, client = private_demo
    project = client.get_project(demo_workspace.projects["Demo: visual QA"])
    explorer = LabelRowsExplorer(project)
    explorer.search_box.value = "onerror"

    # Then its cell shows the title as text, and the static snapshot escapes it too
    assert [r.data_title for r in explorer.rows] == [XSS_TITLE]
    cell = explorer.table.rows_box.children[0].children[1]
    assert "&lt;img src=x onerror=alert(1)&gt;" in cell.value and "<img" not in cell.value
    bundle = explorer._repr_mimebundle_()
    assert "&lt;img src=x onerror=alert(1)&gt;" in bundle["text/html"] and "<img src=x" not in bundle["text/html"]


def test_snapshot_carries_a_chart_and_the_visible_page(visual_qa):
    explorer = LabelRowsExplorer(visual_qa, page_size=3)
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["image/png"] and "<table" in bundle["text/html"]
    assert bundle["text/html"].count("<tr") == 1 + 3  # header and one page
    assert sum(explorer.stage_counts().values()) == len(explorer.rows)


@pytest.fixture(scope="module")
def big_project(tmp_path_factory, demo_workspace, demo_key_text):
    """A copy of the demo workspace with a synthetic 10,000-row project, served for this module."""
    target = tmp_path_factory.mktemp("big") / "ws"
    shutil.copytree(demo_workspace.path, target, ignore=shutil.ignore_patterns("*.lock"))
    synthetic = build_synthetic(target, rows=10_000, objects_per_frame=0, seed=3)
    with serve(target) as server:
        yield connect(server, demo_key_text).get_project(synthetic.project_hash)


def test_ten_thousand_rows_render_one_page_whatever_the_sort_or_page(big_project):
    # Given a 10,000-row project opened 25 rows to a page
    explorer = LabelRowsExplorer(big_project, page_size=25)
    assert len(explorer.rows) == 10_000
    assert len(explorer.table.rows_box.children) == 25 and explorer.table.rendered_rows == 25

    # When it is sorted by title descending and moved to page 200
    explorer.table.sort("title", ascending=False)
    explorer.table.page = 200
    titles = sorted((r.data_title for r in explorer.rows), reverse=True)

    # Then only that page was rendered, and it holds exactly the rows pandas' full sort puts there
    assert explorer.table.rendered_rows == 25 and len(explorer.table.rows_box.children) == 25
    assert shown_titles(explorer) == titles[200 * 25 : 201 * 25]
    assert "page 201 of 400" in explorer.table.page_label.value


def test_columns_follow_the_project_type(visual_qa, manual_qa):
    # A workflow project shows stages (its rows have no task status); a manual-QA project the reverse
    assert "stage" in LabelRowsExplorer(visual_qa).table.columns
    assert "status" not in LabelRowsExplorer(visual_qa).table.columns
    manual = LabelRowsExplorer(manual_qa).table.columns
    assert "status" in manual and "stage" not in manual
