"""The review panel acting on workflow tasks of a private copy of the demo workspace."""

from __future__ import annotations

import pytest

from encord_nb.client import EncordUserClient, RequestsSettings
from encord_nb.server import open_store
from encord_nb.widgets import FrameExplorer, ReviewPanel

from .conftest import VISUAL_QA


@pytest.fixture()
def demo(private_demo):
    server, workspace, client = private_demo
    project_hash = next(p for p in client.list_projects() if p.title == VISUAL_QA).project_hash
    project = client.get_project(project_hash)
    rows = {r.data_title: r for r in project.list_label_rows_v2()}
    return server, workspace, project, rows


def stage_on_server(workspace, project, row) -> str:
    """The title of the stage the server has the row's task in now."""
    store = open_store(workspace)
    try:
        task = store.get_task(project.project_hash, row.data_hash)
        return next(s.title for s in store.get_project(project.project_hash).stages if s.uuid == task.stage_uuid)
    finally:
        store.close()


def server_task(workspace, project, row):
    store = open_store(workspace)
    try:
        return store.get_task(project.project_hash, row.data_hash)
    finally:
        store.close()


def server_issues(workspace, project, row):
    store = open_store(workspace)
    try:
        return store.list_issues(project.project_hash, data_hash=row.data_hash)
    finally:
        store.close()


def test_approving_a_review_task_moves_the_row_on(demo):
    _, workspace, project, rows = demo
    done = []
    panel = ReviewPanel(project, rows["coffee.png"])
    panel.on_action(lambda action, row: done.append((action, row.data_title)))
    # Given a row in the review stage, approve and reject are offered
    assert panel.stage_type == "REVIEW" and not panel.approve_button.disabled and not panel.reject_button.disabled
    # When "Approve" is clicked
    panel.approve_button.click()
    # Then the server moved the task to the complete stage, and the panel says so and records it
    assert stage_on_server(workspace, project, rows["coffee.png"]) == "Complete"
    assert panel.status.history[-1].level == "ok"
    assert panel.status.text == "Approved coffee.png: now in Complete"
    assert panel.actions == [("approve", "coffee.png", "")] and done == [("approve", "coffee.png")]
    # And approve is no longer offered for the completed row
    assert panel.stage_name == "Complete" and panel.approve_button.disabled


def test_rejecting_files_the_comment_as_an_issue(demo):
    _, workspace, project, rows = demo
    panel = ReviewPanel(project, rows["coins.png"])
    panel.comment.value = "coin 3 box is <too> loose"
    panel.tags.value = ["loose box"]
    panel.reject_button.click()
    assert stage_on_server(workspace, project, rows["coins.png"]) == "Annotate"
    issue = server_issues(workspace, project, rows["coins.png"])[-1]
    assert (issue.kind, issue.comments[0].text, issue.tags) == ("file", "coin 3 box is <too> loose", ("loose box",))
    assert panel.status.text == "Rejected coins.png (coin 3 box is <too> loose): now in Annotate"
    assert "&lt;too&gt;" in panel.status.value


def test_review_actions_outside_a_review_stage_are_refused_in_the_panel(demo):
    _, workspace, project, rows = demo
    panel = ReviewPanel(project, rows["rocket.jpg"])
    assert panel.stage_type == "ANNOTATION" and panel.approve_button.disabled
    # When approve is asked for anyway (e.g. by a key), nothing is sent and the panel explains
    assert panel.approve() is False
    assert panel.status.history[-1].level == "error" and "not in a review stage" in panel.status.text
    assert stage_on_server(workspace, project, rows["rocket.jpg"]) == "Annotate"


def test_complete_reopen_and_priority(demo):
    _, workspace, project, rows = demo
    panel = ReviewPanel(project, rows["rocket.jpg"])
    panel.complete_button.click()
    assert stage_on_server(workspace, project, rows["rocket.jpg"]) == "Complete"
    assert panel.status.text == "Completed rocket.jpg: now in Complete"
    panel.reopen_button.click()
    assert stage_on_server(workspace, project, rows["rocket.jpg"]) == "Annotate"
    panel.priority.value = 0.35
    panel.priority_button.click()
    assert server_task(workspace, project, rows["rocket.jpg"]).priority == pytest.approx(0.35)
    assert [a[0] for a in panel.actions] == ["complete", "reopen", "priority"]


def test_issue_mode_click_files_a_coordinate_issue(demo, ipyevent):
    _, workspace, project, rows = demo
    explorer = FrameExplorer(rows["coffee.png"], project=project)
    panel = explorer.review_panel
    panel.comment.value = "handle not labelled"
    # When "i" turns issue mode on and the user clicks a quarter across, half down the frame
    ipyevent(explorer.events, "keydown", key="i")
    assert panel.issue_mode and panel.issue_toggle.value
    width, height = explorer.displayed.size
    ipyevent(explorer.events, "click", relativeX=width / 4, relativeY=height / 2,
             boundingRectWidth=width, boundingRectHeight=height)
    # Then an issue pinned to that point of frame 0 is on the server, and nothing was selected
    issue = server_issues(workspace, project, rows["coffee.png"])[-1]
    assert (issue.kind, issue.comments[0].text) == ("coordinate", "handle not labelled")
    assert (issue.frame, issue.x, issue.y) == (0, pytest.approx(0.25), pytest.approx(0.5))
    assert explorer.selected is None and "Filed issue on coffee.png" in panel.status.text


def test_review_keys_in_the_frame_explorer(demo, ipyevent):
    _, workspace, project, rows = demo
    explorer = FrameExplorer(rows=[rows["coffee.png"], rows["retina.jpg"]], project=project)
    assert "stage: Review" in explorer.title.value
    ipyevent(explorer.events, "keydown", key="a")
    assert stage_on_server(workspace, project, rows["coffee.png"]) == "Complete"
    assert explorer.review_panel.stage_name == "Complete" and "stage: Complete" in explorer.title.value
    assert "Approved coffee.png: now in Complete" == explorer.review_panel.status.text


def test_a_server_failure_is_shown_not_raised(demo, demo_key_text):
    server, _, project, _ = demo
    # Given a client that does not retry (so the failure comes at once)
    impatient = EncordUserClient.create_with_ssh_private_key(
        demo_key_text, domain=server.domain, requests_settings=RequestsSettings(max_retries=0, connection_retries=0)
    )
    project = impatient.get_project(project.project_hash)
    panel = ReviewPanel(project, next(r for r in project.list_label_rows_v2() if r.data_title == "coffee.png"))
    server.stop()
    # When the server is gone, clicking approve does not raise
    panel.approve_button.click()
    # Then the panel shows the failure (no signed links or keys in it) and records no action
    assert panel.status.history[-1].level == "error"
    assert panel.status.text.startswith("Approved coffee.png failed: ")
    assert panel.actions == []


def test_only_workflow_projects_get_a_review_panel(demo_client, demo_workspace, rows_by_title):
    manual = demo_client.get_project(demo_workspace.projects["Demo: manual QA"])
    manual_row = next(r for r in manual.list_label_rows_v2() if r.label_hash)
    assert FrameExplorer(manual_row, project=manual).review_panel is None
    visual = FrameExplorer(rows_by_title["coffee.png"], project=demo_client.get_project(demo_workspace.projects[VISUAL_QA]))
    assert visual.review_panel is not None and visual.review_panel in visual.children
