"""The projects and label-rows explorers in JupyterLab and chromium: they render, clicking a row shows its
first frame, sorting/filtering/paging work from the page, and a hostile data title renders as text."""

from __future__ import annotations

import shutil

import pytest
from lab_harness import ARTIFACTS_DIR
from playwright.sync_api import expect

from encord_nb.server import open_store

pytestmark = pytest.mark.browser

VISUAL_QA = "Demo: visual QA"
XSS_TITLE = "<img src=x onerror=alert(1)>"


def workspace_with_hostile_row(demo_workspace, tmp_path):
    """A private copy of the demo workspace whose visual-QA dataset also holds an image titled :data:`XSS_TITLE`."""
    target = tmp_path / "demo"
    shutil.copytree(demo_workspace.path, target, ignore=shutil.ignore_patterns("*.lock"))
    store = open_store(target)
    try:
        project = next(p for p in store.list_projects() if p.title == VISUAL_QA)
        dataset = store.list_project_datasets(project.project_hash)[0]
        store.put_data_unit(
            "0d0c0b0a-0000-4000-8000-00000000b0b0", dataset_hash=dataset.dataset_hash, title=XSS_TITLE,
            data_type="IMAGE",
            media=[{"file": "images/chelsea.png", "mime_type": "image/png", "width": 451, "height": 300}],
        )
    finally:
        store.close()
    return target


def setup_cell(workspace, demo_workspace) -> str:
    """The first cell: serve the workspace copy and sign in to it with our client."""
    return f"""
import encord_nb
from encord_nb.client import EncordUserClient
from encord_nb.server import serve
server = serve({str(workspace)!r})
client = EncordUserClient.create_with_ssh_private_key(open({str(workspace / demo_workspace.key_path.name)!r}).read(),
                                                      domain=server.domain)
"""


def table_row(page, table: str, text: str):
    """The row of table ``table`` (``"projects-table"`` or ``"rows"``) whose text contains ``text``."""
    return page.locator(f".encord-nb-{table}-row", has_text=text)


def test_projects_explorer_opens_a_project_and_a_row_shows_its_first_frame(lab, demo_workspace, tmp_path):
    # Given a notebook that explores the client of a workspace with a hostile data title
    workspace = workspace_with_hostile_row(demo_workspace, tmp_path)
    name = lab.write_notebook("projects_explorer.ipynb", [
        setup_cell(workspace, demo_workspace),
        "projects = encord_nb.explore(client)\nprojects",
    ])  # fmt: skip
    page = lab.open_notebook(name)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    lab.run_all(page)

    # Then the projects render as table rows, one per project
    explorer = lab.widget(page, "encord-nb-projects")
    expect(page.locator(".encord-nb-projects-table-row:visible")).to_have_count(len(demo_workspace.projects))
    expect(table_row(page, "projects-table", VISUAL_QA)).to_contain_text("workflow")
    lab.screenshot(page, "projects", show=explorer)

    # When the visual-QA project is opened, then its summary, legend, charts and label rows show
    lab.click(table_row(page, "projects-table", VISUAL_QA).locator(".encord-nb-projects-table-open"))
    summary = lab.widget(page, "encord-nb-project-summary")
    expect(summary).to_contain_text("Workflow stages")
    expect(page.locator(".encord-nb-legend-item", has_text="Cat face")).to_be_visible()
    expect(page.locator(".encord-nb-project-chart")).to_have_count(2)
    rows = lab.widget(page, "encord-nb-label-rows")
    expect(page.locator(".encord-nb-rows-row:visible")).to_have_count(11)
    lab.screenshot(page, "project-opened", show=summary)

    # And the hostile title is text in its cell: no element was made from it, no script ran
    hostile = table_row(page, "rows", "onerror=alert(1)")
    expect(hostile).to_have_count(1)
    expect(hostile.locator(".encord-nb-rows-cell").first).to_have_text(XSS_TITLE)
    assert rows.locator("img[src='x']").count() == 0
    lab.screenshot(page, "hostile-title-as-text", show=hostile)

    # When the chelsea.png row is opened, then the frame explorer shows its first frame
    lab.click(table_row(page, "rows", "chelsea.png").locator(".encord-nb-rows-open"))
    image = lab.widget(page, "encord-nb-frame-image")
    expect(lab.widget(page, "encord-nb-frame-title")).to_contain_text("chelsea.png")
    expect(lab.widget(page, "encord-nb-frame-title")).to_contain_text("frame 1/1")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert image.evaluate("img => img.naturalWidth") == 451
    assert lab.run_python(page, "print(projects.label_rows.frame_explorer.label_row.data_title)").strip() == "chelsea.png"
    lab.screenshot(page, "first-frame", show=image)
    assert dialogs == [] and not [e for e in lab.page_errors if "alert" in e]


def test_label_rows_table_sorts_filters_and_pages_from_the_page(lab, demo_workspace, tmp_path):
    # Given a notebook exploring the visual-QA project four rows to a page
    workspace = workspace_with_hostile_row(demo_workspace, tmp_path)
    name = lab.write_notebook("label_rows_explorer.ipynb", [
        setup_cell(workspace, demo_workspace),
        f"project = client.get_project({demo_workspace.projects[VISUAL_QA]!r})\n"
        "rows = encord_nb.explore(project, page_size=4)\nrows",
    ])  # fmt: skip
    page = lab.open_notebook(name)
    lab.run_all(page)
    explorer = lab.widget(page, "encord-nb-label-rows")
    page_line = lab.widget(page, "encord-nb-rows-page")
    expect(page_line).to_contain_text("rows 1–4 of 11")
    lab.screenshot(page, "rows", show=explorer)

    # When the title header is clicked twice, then the table is sorted by title, descending
    title_header = page.locator(".encord-nb-rows-sort", has_text="title")
    lab.click(title_header)
    expect(title_header).to_have_text("title ▲")
    lab.click(title_header)
    expect(title_header).to_have_text("title ▼")
    expected = lab.run_python(page, "print(sorted((r.data_title for r in rows.rows), key=str.casefold, reverse=True)[0])")
    expect(page.locator(".encord-nb-rows-row").first.locator(".encord-nb-rows-cell").first).to_have_text(expected.strip())
    lab.screenshot(page, "sorted-by-title", show=explorer)

    # When Next is clicked, then the second page shows
    lab.click(lab.widget(page, "encord-nb-rows-next"))
    expect(page_line).to_contain_text("rows 5–8 of 11")

    # When a title is searched, then the server lists only matching rows
    search = page.locator(".encord-nb-filter-title input")
    search.fill("co")
    search.press("Enter")
    expect(page_line).to_contain_text("of 3")
    expect(page.locator(".encord-nb-rows-row:visible")).to_have_count(3)
    assert lab.run_python(page, "print(sorted(r.data_title for r in rows.rows))").strip() == (
        "['coffee.png', 'coins.png', 'kitchen-coins-launch-cat']"
    )
    lab.screenshot(page, "searched", show=explorer)

    # When a listed row is opened, then its first frame shows below
    lab.click(table_row(page, "rows", "coins.png").locator(".encord-nb-rows-open"))
    expect(lab.widget(page, "encord-nb-frame-title")).to_contain_text("coins.png")
    image = lab.widget(page, "encord-nb-frame-image")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    lab.screenshot(page, "opened-row", show=image)
    # The table with the opened row below it, on its own (the README's tour shows this picture)
    page.set_viewport_size({"width": 1280, "height": 1400})
    explorer.screenshot(path=str(ARTIFACTS_DIR / lab.test_name / "label-rows-and-frame.png"))
