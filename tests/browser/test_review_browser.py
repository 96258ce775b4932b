"""Review in JupyterLab and chromium: approving a task in the explorer moves the row on, on the server."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from test_explorers import workspace_with_hostile_row
from test_frame_explorer import explorer_setup_cell

pytestmark = pytest.mark.browser


def test_approving_in_the_browser_moves_the_row_to_the_next_stage(lab, demo_workspace, tmp_path):
    # Given the coffee photo, waiting in the review stage, in a frame explorer with its review panel
    workspace = workspace_with_hostile_row(demo_workspace, tmp_path)
    name = lab.write_notebook("review.ipynb", [
        explorer_setup_cell(workspace, demo_workspace),
        "explorer = FrameExplorer(rows['coffee.png'], project=project)\nexplorer",
    ])  # fmt: skip
    page = lab.open_notebook(name)
    lab.run_all(page)
    stage = lab.widget(page, "encord-nb-review-stage")
    expect(stage).to_contain_text("Review")
    approve = lab.widget(page, "encord-nb-approve")
    lab.screenshot(page, "in-review", show=approve)

    # When the user clicks "Approve"
    lab.click(approve)

    # Then the panel confirms it, and the server has the row in the complete stage
    status = lab.widget(page, "encord-nb-review-status")
    expect(status).to_have_text("Approved coffee.png: now in Complete")
    expect(stage).to_contain_text("Complete")
    fresh = lab.run_python(page, (
        "fresh = project.list_label_rows_v2(data_hashes=[rows['coffee.png'].data_hash])[0]\n"
        "print(fresh.workflow_graph_node.title)"
    ))  # fmt: skip
    assert fresh.strip() == "Complete"
    expect(approve).to_be_disabled()
    lab.screenshot(page, "approved", show=status)
    assert not lab.page_errors, lab.page_errors
