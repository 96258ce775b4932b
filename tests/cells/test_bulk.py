"""bulk() and undo() against the embedded server: request counts, per-row outcomes, exact restores."""

from __future__ import annotations

import json
import time

import pandas as pd
import pytest

from encord_nb.cells import ActionLog, BulkPreview, BulkResult, bulk, has_object, undo
from encord_nb.exceptions import UsageError

from .helpers import server_state, write_requests


def _drop_low_coins(row):
    """The user's transform: drop every Coin box under 0.7 confidence."""
    for instance in row.get_object_instances():
        if instance.ontology_item.name == "Coin" and instance.get_annotations()[0].confidence < 0.7:
            row.remove_object(instance)


def test_priorities_on_1000_rows_take_exactly_ten_requests(cells_server, make_project):
    # Given a 1,000-row project
    project = make_project(rows=1000)
    # When every row gets priority 0.9 in bundles of 100
    cells_server.app.reset_request_counts()
    result = bulk(project, "priority", priority=0.9, bundle_size=100, dry_run=False, progress=False)
    # Then the server got exactly 10 priority requests, and every row has the new priority
    assert cells_server.app.request_counts()["v2 set_priorities"] == 10
    assert result.counts() == {"done": 1000}
    assert {i.priority for i in cells_server.store.list_label_rows(project.project_hash)} == {0.9}


def test_priority_from_a_function_of_the_row_and_bad_values_are_skipped(cells_server, make_project):
    project = make_project(rows=6)

    def by_title(row):
        number = int(row.data_title.split("-")[1].split(".")[0])
        return 1.5 if number == 5 else number / 10

    result = bulk(project, "priority", priority=by_title, dry_run=False, progress=False)
    stored = {i.data_title: i.priority for i in cells_server.store.list_label_rows(project.project_hash)}
    assert stored["synthetic-000003.png"] == pytest.approx(0.3)
    assert stored["synthetic-000005.png"] == 0.5  # untouched
    skipped = result[result.outcome == "skipped"]
    assert skipped.data_title.tolist() == ["synthetic-000005.png"]
    assert "outside 0..1" in skipped.reason.iloc[0]


def test_bulk_complete_reports_the_row_someone_else_moved_and_completes_the_rest(cells_server, make_project, tmp_path):
    # Given a preview of completing 30 rows
    project = make_project(rows=30)
    preview = bulk(project, "complete", bundle_size=10)
    assert isinstance(preview, BulkPreview) and preview.changes == 30
    # And, before it is confirmed, someone else completes one of them
    moved = cells_server.store.list_label_rows(project.project_hash)[13]
    cells_server.store.complete_task(project.project_hash, moved.data_hash, user_email="someone@example.com")
    # When the preview runs
    cells_server.app.reset_request_counts()
    result = preview.run(progress=False, log_dir=tmp_path)
    # Then the other 29 are complete, the one failed with the server's reason, and the log holds the 29
    failed = result[result.outcome == "failed"]
    assert result.counts() == {"done": 29, "failed": 1}
    assert failed.label_hash.tolist() == [moved.label_hash]
    assert "already complete" in failed.reason.iloc[0]
    # three merged requests, and the refused one sent again item by item
    assert cells_server.app.request_counts()["v1 labelworkflowgraphnode POST"] == 3 + 10
    stages = {i.data_hash: i.stage_title for i in cells_server.store.list_label_rows(project.project_hash)}
    assert set(stages.values()) == {"Complete"}
    logged = ActionLog.read(result.log.path)
    assert len(logged) == 29 and moved.label_hash not in {r["label_hash"] for r in logged}
    assert cells_server.store.get_task(project.project_hash, moved.data_hash).last_actioned_by_email == "someone@example.com"


@pytest.mark.parametrize(
    ("action", "params"),
    [
        ("complete", {}),
        ("priority", {"priority": 0.1}),
        ("assign", {"assignee": "annotator@example.com"}),
        ("transform", {"fn": _drop_low_coins}),
    ],
)
def test_a_dry_run_changes_nothing_on_the_server(cells_server, make_project, action, params):
    # Given a project and its state at the server
    project = make_project(rows=12)
    before = server_state(cells_server.store, project.project_hash)
    cells_server.app.reset_request_counts()
    # When an action is previewed (the default)
    preview = bulk(project, action, **params)
    # Then rows would change, yet the server got no writing request and its state is the same
    assert preview.changes > 0
    assert write_requests(cells_server) == {}
    assert server_state(cells_server.store, project.project_hash) == before


def test_undo_restores_priorities_exactly(cells_server, make_project, tmp_path):
    project = make_project(rows=25)
    before = server_state(cells_server.store, project.project_hash)
    result = bulk(project, "priority", priority=lambda row: 0.05, dry_run=False, bundle_size=7, log_dir=tmp_path,
                  progress=False)
    assert server_state(cells_server.store, project.project_hash) != before
    # When the log file is undone
    reverted = undo(result.log.path, project, progress=False)
    # Then every row is back exactly as it was
    assert reverted.counts() == {"done": 25}
    assert server_state(cells_server.store, project.project_hash) == before


def test_label_transform_drops_exactly_the_low_confidence_boxes(cells_server, make_project):
    # Given a project, and what its rows hold at the server
    project = make_project(rows=10, seed=7)
    stored = {i.label_hash: cells_server.store.get_label_row(i.label_hash).blurb
              for i in cells_server.store.list_label_rows(project.project_hash)}

    def objects(blurb):
        unit = next(iter(blurb["data_units"].values()))
        return {o["objectHash"]: o for o in unit["labels"]["objects"]}

    expected_gone = {
        h: {k for k, o in objects(b).items() if o["name"] == "Coin" and o["confidence"] < 0.7} for h, b in stored.items()
    }
    assert any(expected_gone.values()) and not all(expected_gone.values())
    # When the transform runs
    result = bulk(project, "transform", fn=_drop_low_coins, dry_run=False, progress=False)
    # Then rows with low boxes were saved and the others skipped as unchanged
    done = set(result[result.outcome == "done"].label_hash)
    assert done == {h for h, gone in expected_gone.items() if gone}
    assert set(result[result.outcome == "skipped"].reason) == {"no change"}
    for label_hash, old in stored.items():
        new = cells_server.store.get_label_row(label_hash).blurb
        kept_before = {k: o for k, o in objects(old).items() if k not in expected_gone[label_hash]}
        # exactly the expected objects are gone, every other object is byte-for-byte what it was
        assert objects(new) == kept_before
        assert new["object_answers"] == {k: v for k, v in old["object_answers"].items() if k in kept_before}
        assert new["classification_answers"] == old["classification_answers"]
        assert new.get("object_actions", {}) == {k: v for k, v in old.get("object_actions", {}).items() if k in kept_before}


def test_transform_preview_lists_each_rows_removed_objects(make_project):
    project = make_project(rows=5, seed=7)
    preview = bulk(project, "transform", fn=_drop_low_coins)
    changed = preview[preview.plan == "change"]
    assert all(name.startswith("Coin (") for names in changed.removed for name in names)
    assert changed.added.map(len).sum() == 0 and changed.changed.map(len).sum() == 0


def test_undo_after_a_transform_restores_the_labels_exactly(cells_server, make_project):
    project = make_project(rows=8, seed=7)
    before = server_state(cells_server.store, project.project_hash)
    result = bulk(project, "transform", fn=_drop_low_coins, dry_run=False, progress=False)
    assert result.counts()["done"] > 0
    reverted = undo(result, progress=False)
    assert set(reverted.outcome) == {"done"}
    assert server_state(cells_server.store, project.project_hash) == before


def test_undo_skips_rows_changed_since_and_says_what_cannot_be_undone(cells_server, make_project):
    project = make_project(rows=4)
    result = bulk(project, "priority", priority=0.2, dry_run=False, progress=False)
    # someone else re-prioritises one row after the run
    first = cells_server.store.list_label_rows(project.project_hash)[0]
    cells_server.store.set_priorities(project.project_hash, [(first.data_hash, 0.99)])
    reverted = undo(result, progress=False)
    assert reverted.counts() == {"done": 3, "skipped": 1}
    assert "priority changed since the run" in reverted[reverted.outcome == "skipped"].reason.iloc[0]
    assert cells_server.store.get_task(project.project_hash, first.data_hash).priority == 0.99


def test_review_decisions_with_comments_and_their_undo(cells_server, make_project):
    # Given rows waiting in the Review stage
    project = make_project(rows=4)
    store, ph = cells_server.store, project.project_hash
    review = next(s for s in store.get_project(ph).stages if s.stage_type == "REVIEW")
    infos = store.list_label_rows(ph)
    for info in infos[:3]:
        store.update_task(ph, info.data_hash, stage_uuid=review.uuid, annotation_task_status="IN_REVIEW")
    # When they are rejected with a comment
    result = bulk(project, "reject", where={"stage": "Review"}, comment="Boxes too loose", dry_run=False,
                  progress=False)
    # Then the three went back to Annotate, each with the comment as an issue; the fourth was never chosen
    assert result.counts() == {"done": 3}
    assert {store.get_task(ph, i.data_hash).stage_uuid for i in infos[:3]} != {review.uuid}
    comments = [c.text for i in infos[:3] for issue in store.list_issues(ph, data_hash=i.data_hash) for c in issue.comments]
    assert comments == ["Boxes too loose"] * 3
    # And undo says a review decision cannot be taken back
    reverted = undo(result, progress=False)
    assert set(reverted.outcome) == {"cannot"}


def test_assign_then_undo_restores_assignees(cells_server, make_project):
    project = make_project(rows=5)
    before = server_state(cells_server.store, project.project_hash)
    result = bulk(project, "assign", assignee="annotator@example.com", dry_run=False, progress=False)
    assert result.counts() == {"done": 5}
    assert {i.assignee_email for i in cells_server.store.list_label_rows(project.project_hash)} == {"annotator@example.com"}
    released = bulk(project, "release", where={"title": "synthetic-00000[0-1]*"}, dry_run=False, progress=False)
    assert released.counts() == {"done": 2}
    undo(released, progress=False)
    undo(result, progress=False)
    assert server_state(cells_server.store, project.project_hash) == before


def test_selection_from_an_explorer_table_and_unknown_hashes(make_project):
    project = make_project(rows=6)
    rows = project.list_label_rows_v2()
    table = pd.DataFrame({"label_hash": [rows[1].label_hash, rows[4].label_hash, "not-a-hash"]})
    preview = bulk(project, "complete", where=table)
    assert preview.label_hash.tolist() == [rows[1].label_hash, rows[4].label_hash, "not-a-hash"]
    assert preview.plan.tolist() == ["change", "change", "skip"]
    assert "not in the project's listing" in preview.reason.iloc[2]
    result = preview.run(progress=False)
    assert result.outcome.tolist() == ["done", "done", "skipped"] and result.label_hash.iloc[2] == "not-a-hash"


def test_where_over_labels_loads_labels_and_picks_matching_rows(make_project):
    project = make_project(rows=8, seed=7)
    preview = bulk(project, "priority", where={"labels": has_object("Coin", confidence_below=0.55)}, priority=1.0)
    low = []
    for row in project.list_label_rows_v2():
        row.initialise_labels()
        if any(o.ontology_item.name == "Coin" and o.get_annotations()[0].confidence < 0.55
               for o in row.get_object_instances()):
            low.append(row.label_hash)
    assert sorted(preview.label_hash) == sorted(low) and 0 < len(low) < 8


def test_rate_limits_are_waited_out_as_the_server_asks(cells_server, make_project):
    # Given a server that refuses every second request with Retry-After: 1
    project = make_project(rows=6)
    preview = bulk(project, "complete", bundle_size=2)
    cells_server.app.rate_limit.turn_on(every=2, retry_after_s=1)
    try:
        started = time.monotonic()
        result = preview.run(progress=False)
        waited = time.monotonic() - started
    finally:
        cells_server.app.rate_limit.turn_off()
    # Then every row is done in the end, after waiting at least what the server asked
    assert result.counts() == {"done": 6}
    assert waited >= 1.0
    assert {i.stage_title for i in cells_server.store.list_label_rows(project.project_hash)} == {"Complete"}


def test_bad_calls_are_refused_before_anything_is_sent(make_project):
    project = make_project(rows=2)
    with pytest.raises(UsageError, match="choose one of"):
        bulk(project, "delete")
    with pytest.raises(UsageError, match="between 0.0 and 1.0"):
        bulk(project, "priority", priority=3)
    with pytest.raises(UsageError, match="does not take comment"):
        bulk(project, "complete", comment="x")
    with pytest.raises(UsageError, match="bundle_size"):
        bulk(project, "complete", bundle_size=0)
    with pytest.raises(UsageError, match="predicate"):
        bulk(project, "complete", where=lambda row: row.no_such_field)
    with pytest.raises(UsageError, match=r"initialise_labels.*where=\{'labels'"):
        bulk(project, "complete", where=lambda row: len(row.get_object_instances()) > 1)
    assert bulk(project, "complete", where={"labels": lambda row: len(row.get_object_instances()) > 1}).changes == 2


def test_a_preview_runs_once(make_project):
    project = make_project(rows=2)
    preview = bulk(project, "complete")
    assert isinstance(preview.run(progress=False), BulkResult)
    with pytest.raises(UsageError, match="already run"):
        preview.run(progress=False)


def test_logs_hold_no_media_links(cells_server, make_project, tmp_path):
    project = make_project(rows=3, seed=7)
    result = bulk(project, "transform", fn=_drop_low_coins, dry_run=False, log_dir=tmp_path, progress=False)
    text = result.log.path.read_text()
    assert result.log.path.exists() and "signature" not in text and "http" not in text
    assert all(json.loads(line)["before"]["labels"]["label_hash"] for line in text.splitlines())




def _frames(blurb):
    """Every frame's label dict of a stored row."""
    for unit in blurb["data_units"].values():
        labels = unit.get("labels") or {}
        yield from ([labels] if "objects" in labels or "classifications" in labels else labels.values())


def _drop_low_boxes(row):
    """Drop every bounding box with a frame under 0.5 confidence (whole track)."""
    for instance in row.get_object_instances():
        shape = getattr(instance.ontology_item.shape, "value", instance.ontology_item.shape)
        if shape == "bounding_box" and min(a.confidence for a in instance.get_annotations()) < 0.5:
            row.remove_object(instance)


def test_transform_on_the_demo_rows_keeps_every_other_object_attribute_and_classification(cells_server, user_client):
    # Given the demo project, with every other box (and a few frames of video tracks) made low-confidence
    store = cells_server.store
    project_hash = cells_server.demo.projects["Demo: visual QA"]
    before, low = {}, set()
    for info in store.list_label_rows(project_hash):
        if info.label_hash is None:
            continue
        blurb = store.get_label_row(info.label_hash).blurb
        boxes = sorted({o["objectHash"] for f in _frames(blurb) for o in f.get("objects", []) if o["shape"] == "bounding_box"})
        for index, frame in enumerate(_frames(blurb)):
            for obj in frame.get("objects", []):
                if obj["objectHash"] in boxes[::2] and index % 3 == 0:
                    obj["confidence"] = 0.3
                    low.add(obj["objectHash"])
        store.save_label_row(info.label_hash, blurb, project_hash=project_hash)
        before[info.label_hash] = blurb
    assert len(low) >= 5
    # When the transform runs
    result = bulk(user_client.get_project(project_hash), "transform", fn=_drop_low_boxes, dry_run=False, progress=False)
    assert result.counts()["done"] >= 3
    # Then each saved row is exactly its old self minus the low boxes: every other object on every frame,
    # every attribute answer, dynamic answer and classification is as it was
    for label_hash, old in before.items():
        expected = json.loads(json.dumps(old))
        for frame in _frames(expected):
            frame["objects"] = [o for o in frame.get("objects", []) if o["objectHash"] not in low]
        for key in ("object_answers", "object_actions"):
            expected[key] = {h: v for h, v in expected.get(key, {}).items() if h not in low}
        new = store.get_label_row(label_hash).blurb
        assert list(_frames(new)) == list(_frames(expected)), label_hash
        for key in ("object_answers", "object_actions", "classification_answers"):
            assert new.get(key, {}) == expected.get(key, {}), (label_hash, key)


def test_undo_of_complete_reopens_restores_priority_and_assignee_and_says_what_differs(cells_server, make_project):
    # Given rows with priorities and an assignee, completed in bulk
    project = make_project(rows=4)
    store, ph = cells_server.store, project.project_hash
    infos = store.list_label_rows(ph)
    store.update_task(ph, infos[0].data_hash, priority=0.85, assignee_email="annotator@example.com",
                      annotation_task_status="ASSIGNED")
    result = bulk(project, "complete", dry_run=False, progress=False)
    assert result.counts() == {"done": 4}
    # When a dry run of the undo is asked first, then nothing changes and each row says what would be sent
    preview = undo(result, dry_run=True, progress=False)
    assert set(preview.outcome) == {"would undo"}
    assert preview.reason.iloc[0].startswith("reopen, priority, assign")
    assert {i.stage_title for i in store.list_label_rows(ph)} == {"Complete"}
    # When it is undone for real
    reverted = undo(result, progress=False)
    # Then every row is back in Annotate with its old priority and assignee, and the result says the
    # task is now marked returned
    assert reverted.counts() == {"done": 4}
    assert all("marked returned" in reason for reason in reverted.reason)
    now = {i.data_hash: i for i in store.list_label_rows(ph)}
    assert {i.stage_title for i in now.values()} == {"Annotate"}
    assert (now[infos[0].data_hash].priority, now[infos[0].data_hash].assignee_email) == (0.85, "annotator@example.com")
    assert {now[i.data_hash].priority for i in infos[1:]} == {0.5}


def test_listing_filters_reach_the_server(cells_server, make_project):
    # Given rows in different stages, statuses and edit times
    project = make_project(rows=6)
    store, ph = cells_server.store, project.project_hash
    infos = store.list_label_rows(ph)
    review = next(s for s in store.get_project(ph).stages if s.stage_type == "REVIEW")
    for info in infos[:3]:
        store.update_task(ph, info.data_hash, stage_uuid=review.uuid, annotation_task_status="IN_REVIEW")
    store.update_task(ph, infos[0].data_hash, annotation_task_status="ASSIGNED", assignee_email="reviewer@example.com")
    store.save_label_row(infos[5].label_hash, store.get_label_row(infos[5].label_hash).blurb, project_hash=ph,
                         edited_at="2025-06-01 12:00:00")
    cells_server.app.reset_request_counts()
    # When rows are chosen by stage and status, or by edit time
    by_stage = bulk(project, "complete", where={"stage": "Rev*", "status": ["IN_REVIEW"]})
    by_time = bulk(project, "complete", where={"edited_after": "2025-01-01T00:00:00", "edited_before": "2026-01-01"})
    # Then the server did the filtering (one listing each) and the previews hold exactly those rows
    assert cells_server.app.request_counts()["v1 labelrowmetadata GET"] == 2
    assert sorted(by_stage.data_hash) == sorted(i.data_hash for i in infos[1:3])
    assert by_time.data_hash.tolist() == [infos[5].data_hash]


def test_workflow_actions_on_a_manual_qa_project_are_skipped_with_the_reason(cells_server, user_client):
    project = user_client.get_project(cells_server.demo.projects["Demo: manual QA"])
    before = server_state(cells_server.store, project.project_hash)
    result = bulk(project, "complete", dry_run=False, progress=False)
    assert set(result.outcome) == {"skipped"}
    assert set(result.reason) == {"the project has no workflow (a manual-QA project)"}
    assert server_state(cells_server.store, project.project_hash) == before


def test_rows_filtered_in_the_label_rows_explorer_can_be_acted_on(cells_server, make_project):
    # Given the label-rows explorer filtered to some titles
    from encord_nb.widgets import LabelRowsExplorer

    project = make_project(rows=8)
    explorer = LabelRowsExplorer(project, open_frames=False)
    explorer.title_search = "synthetic-00000%"
    explorer.refresh()
    picked = explorer.dataframe().head(3)
    # When its table is the bulk selection
    result = bulk(project, "priority", where=picked, priority=0.25, dry_run=False, progress=False)
    # Then exactly those rows changed
    assert sorted(result.data_hash) == sorted(picked.data_hash)
    changed = {i.data_hash for i in cells_server.store.list_label_rows(project.project_hash) if i.priority == 0.25}
    assert changed == set(picked.data_hash)
