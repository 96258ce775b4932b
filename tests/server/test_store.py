"""The workspace store: records in and out, all-or-nothing saves, a killed writer loses nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from encord_nb.exceptions import InvalidRequestError, NotFoundError
from encord_nb.server.store import Store

ROOT = Path(__file__).resolve().parents[2]
STAGES = [
    {"title": "Annotate", "stage_type": "ANNOTATION"},
    {"title": "Review", "stage_type": "REVIEW"},
    {"title": "Complete", "stage_type": "DONE"},
]


def _workspace(folder: Path, units: int = 2) -> tuple[Store, str, list[str]]:
    store = Store(folder / "ws.sqlite")
    store.put_ontology("ont00001", "Shapes", {"objects": [], "classifications": []})
    store.put_dataset("dset0001", "Photos")
    project = store.put_project("proj0001", "Project", ontology_hash="ont00001", stages=STAGES).project_hash
    store.add_dataset_to_project(project, "dset0001")
    data = []
    for i in range(units):
        store.put_data_unit(
            f"data000{i}", dataset_hash="dset0001", title=f"photo{i}.png", data_type="IMAGE",
            media=[{"file": f"images/photo{i}.png", "mime_type": "image/png", "width": 40, "height": 30}],
        )
        data.append(f"data000{i}")
    return store, project, data


def test_unlabelled_units_are_listed_then_created_saved_and_read_back(tmp_path):
    # Given a project with two images and no labels
    store, project, (first, second) = _workspace(tmp_path)
    listing = store.list_label_rows(project)
    assert [(i.data_title, i.label_hash, i.label_status, i.stage_title) for i in listing] == [
        ("photo0.png", None, "NOT_LABELLED", "Annotate"),
        ("photo1.png", None, "NOT_LABELLED", "Annotate"),
    ]
    # When one gets a label row and its labels are saved
    row = store.create_label_row(project, first)
    assert store.create_label_row(project, first).label_hash == row.label_hash  # idempotent
    assert row.blurb["data_units"][first]["width"] == 40
    saved = dict(row.blurb, object_answers={"abc": {"objectHash": "abc", "classifications": []}})
    store.save_label_row(row.label_hash, saved, label_status="LABELLED", edited_at="2024-05-01 10:00:00")
    # Then the stored blurb is what was saved and the listing shows the new state
    again = store.get_label_row(row.label_hash, project_hash=project)
    assert again.blurb == saved
    info = store.list_label_rows(project, data_hashes=[first])[0]
    assert (info.label_hash, info.label_status, info.last_edited_at.isoformat()) == (
        row.label_hash, "LABELLED", "2024-05-01T10:00:00+00:00"
    )
    assert [i.data_hash for i in store.list_label_rows(project, include_uninitialised=False)] == [first]
    assert [i.data_hash for i in store.list_label_rows(project, edited_after="2024-04-30T00:00:00+00:00")] == [first]
    assert store.find_label_row(project, second) is None


def test_users_keys_and_unknown_hashes(tmp_path):
    store, project, _ = _workspace(tmp_path)
    # Given a user with a registered key, when the key is looked up in any case, then the owner is found
    store.add_user("me@example.com", public_key_hex="AB" * 32)
    assert store.user_for_key("ab" * 32).email == "me@example.com"
    assert store.user_for_key("cd" * 32) is None
    with pytest.raises(InvalidRequestError, match="64 hex"):
        store.add_public_key("me@example.com", "abc")
    # Unknown hashes are NotFound errors that name the hash
    with pytest.raises(NotFoundError, match="nope"):
        store.get_project("nope")
    with pytest.raises(NotFoundError, match="missing-label"):
        store.get_label_row("missing-label")


def test_workflow_moves_priorities_reviews_issues_and_logs(tmp_path):
    store, project, (first, second) = _workspace(tmp_path)
    row = store.create_label_row(project, first)
    # When the task is completed, then it sits in the DONE stage without priority or assignee
    store.update_task(project, first, assignee_email="a@example.com", priority=0.9)
    done = store.complete_task(project, first)
    stages = {s.stage_type: s.uuid for s in store.get_project(project).stages}
    assert (done.stage_uuid, done.priority, done.assignee_email) == (stages["DONE"], None, None)
    # When it is reopened, then it is back in the first annotation stage
    assert store.reopen_task(project, first).stage_uuid == stages["ANNOTATION"]
    store.set_priorities(project, [(second, 0.25)])
    assert store.get_task(project, second).priority == 0.25
    with pytest.raises(InvalidRequestError, match="between 0.0 and 1.0"):
        store.set_priorities(project, [(second, 3.0)])
    # Reviews, issues with threads, and label logs are kept
    store.add_review(project, row.label_hash, status="REJECTED", object_hash="obj1", comment="off")
    assert [(r.status, r.object_hash) for r in store.list_reviews(project, label_hash=row.label_hash)] == [
        ("REJECTED", "obj1")
    ]
    issue = store.add_issue(project, first, kind="coordinate", frame=0, x=0.5, y=0.25, comment="look here")
    store.comment_on_issue(issue.issue_uuid, "fixed")
    store.resolve_issue(issue.issue_uuid)
    [stored] = store.list_issues(project, data_hash=first)
    assert ([c.text for c in stored.comments], stored.resolved, stored.x) == (["look here", "fixed"], True, 0.5)
    store.add_user("a@example.com")
    store.add_label_log(project, first, user_email="a@example.com", action=1, created_at="2024-01-01 00:00:00")
    assert len(store.list_label_logs(project, data_hash=first, after=1704067200)) == 1
    assert store.list_label_logs(project, after="2024-01-02 00:00:00") == []


def test_a_save_with_one_bad_row_changes_nothing(tmp_path):
    # Given two saved rows
    store, project, (first, second) = _workspace(tmp_path)
    one, two = store.create_label_row(project, first), store.create_label_row(project, second)
    before = store.get_label_row(one.label_hash).blurb_json
    # When a save names a row that does not exist
    with pytest.raises(NotFoundError):
        store.save_label_rows(project, {one.label_hash: {"changed": True}, "missing": {"changed": True}})
    # Then the good row of that save was not written either
    assert store.get_label_row(one.label_hash).blurb_json == before
    assert store.get_label_row(two.label_hash).label_status == "LABEL_IN_PROGRESS"


_WRITER = """
import sys, time
from encord_nb.server.store import Store
store = Store(sys.argv[1])
with store.transaction():
    store.save_label_row(sys.argv[2], {"objects": ["x" * 1000] * 20000})
    print("saving", flush=True)
    time.sleep(60)
"""


def test_a_writer_killed_mid_save_leaves_the_previous_labels(tmp_path):
    # Given a saved label row
    store, project, (first, _) = _workspace(tmp_path)
    row = store.create_label_row(project, first)
    store.save_label_row(row.label_hash, {"version": 1})
    store.close()
    # When another process starts a big save and is killed before it commits
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(tmp_path / "ws.sqlite"), row.label_hash],
        stdout=subprocess.PIPE, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert writer.stdout.readline().strip() == b"saving"
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        writer.stdout.close()
    # Then the database is sound and the previous labels are there, unchanged
    reopened = Store(tmp_path / "ws.sqlite")
    assert reopened.integrity_check() == "ok"
    assert reopened.get_label_row(row.label_hash).blurb == {"version": 1}
    # and it takes new saves again
    reopened.save_label_row(row.label_hash, {"version": 2})
    assert reopened.get_label_row(row.label_hash).blurb == {"version": 2}
    reopened.close()


def test_threads_save_and_read_at_the_same_time(tmp_path):
    # Given eight rows
    store, project, data = _workspace(tmp_path, units=8)
    rows = [store.create_label_row(project, d).label_hash for d in data]
    errors: list[BaseException] = []

    def work(label_hash: str) -> None:
        try:
            for version in range(20):
                store.save_label_row(label_hash, {"version": version})
                assert len(store.list_label_rows(project)) == 8
        except BaseException as error:  # collected for the main thread
            errors.append(error)

    # When eight threads save and list at once
    threads = [threading.Thread(target=work, args=(h,)) for h in rows]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then every save landed
    assert errors == []
    assert [json.loads(store.get_label_row(h).blurb_json)["version"] for h in rows] == [19] * 8
    store.close()


def test_connections_of_finished_threads_are_closed(tmp_path):
    # Given a store used from many short-lived threads (as a threaded WSGI server does)
    store, project, _ = _workspace(tmp_path)

    def request() -> None:
        store.list_label_rows(project)

    before = len(os.listdir("/proc/self/fd"))
    for _ in range(60):
        thread = threading.Thread(target=request)
        thread.start()
        thread.join()
    # Then their connections do not pile up as open files
    assert len(os.listdir("/proc/self/fd")) < before + 10
    store.close()
