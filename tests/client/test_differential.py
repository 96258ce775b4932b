"""Differential tests: each operation done by our client and by the official SDK, on two identical
copies of the demo workspace; the servers must receive the same requests (method, path, v1
query type and method, uid, payload, v2 query and body)."""

from __future__ import annotations

import warnings
from datetime import datetime, timezone

import pytest
from client_helpers import Received, quiet

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from encord.objects.coordinates import BoundingBoxCoordinates as SdkBox
    from encord.orm.label_row import AnnotationTaskStatus as SdkTaskStatus

from encord_nb.client import BoundingBoxCoordinates, Object, ReviewStage
from encord_nb.models import AnnotationTaskStatus

BOX_TITLE = "Cat face"


def assert_same(ours: list[Received], sdk: list[Received]) -> None:
    assert [r.operation for r in ours] == [r.operation for r in sdk]
    for mine, theirs in zip(ours, sdk):
        assert mine.uid == theirs.uid, mine.operation
        assert mine.payload == theirs.payload, mine.operation
        assert mine.query == theirs.query, mine.operation


def both(ours_call, sdk_call, recorder, sdk_server):
    """Run one operation on each side; return what each server received during it."""
    recorder.take()
    sdk_server.recorder.take()
    ours_result = ours_call()
    sdk_result = quiet(sdk_call)
    return ours_result, sdk_result, recorder.take(), sdk_server.recorder.take()


def test_project_listings_and_get_project_send_the_same_requests(ours, sdk, recorder, sdk_server, demo):
    # Given both clients, when they list projects (legacy and paged, with filters) and open one,
    # then the servers received the same calls and both see the same projects.
    when = datetime(2020, 1, 1, tzinfo=timezone.utc)
    mine, theirs, got, want = both(
        lambda: [p.title for p in ours.list_projects(title_like="%QA%", created_after=when)],
        lambda: [p.title for p in sdk.list_projects(title_like="%QA%", created_after=when)],
        recorder, sdk_server,
    )
    assert mine == theirs and len(mine) == 2
    assert_same(got, want)
    mine, theirs, got, want = both(
        lambda: quiet(ours.get_projects, title_eq="Demo: manual QA"),
        lambda: sdk.get_projects(title_eq="Demo: manual QA"),
        recorder, sdk_server,
    )
    assert [p["project"]["project_hash"] for p in mine] == [p["project"]["project_hash"] for p in theirs] == [demo.manual_qa]
    assert_same(got, want)
    mine, theirs, got, want = both(
        lambda: ours.get_project(demo.visual_qa), lambda: sdk.get_project(demo.visual_qa), recorder, sdk_server
    )
    assert (mine.title, mine.description, mine.ontology_hash) == (theirs.title, theirs.description, theirs.ontology_hash)
    assert [s.title for s in mine.workflow.stages] == [s.title for s in theirs.workflow.stages]
    assert len(mine.ontology_structure.objects) == len(theirs.ontology_structure.objects)
    assert_same(got, want)


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"data_title_like": "c%"},
        {"data_title_eq": "coins.png", "include_images_data": True, "include_client_metadata": True},
        {"edited_before": "2030-01-01", "edited_after": datetime(2020, 1, 1, tzinfo=timezone.utc)},
        {"workflow_graph_node_title_eq": "Review", "include_workflow_graph_node": False},
        {"workflow_graph_node_title_like": "Ann%", "include_all_label_branches": True, "branch_name": "main"},
    ],
)
def test_label_row_listing_sends_every_filter_as_the_sdk(ours, sdk, recorder, sdk_server, demo, filters):
    project, sdk_project = ours.get_project(demo.visual_qa), quiet(sdk.get_project, demo.visual_qa)
    mine, theirs, got, want = both(
        lambda: project.list_label_rows_v2(**filters), lambda: sdk_project.list_label_rows_v2(**filters), recorder, sdk_server
    )
    assert [(r.data_hash, r.label_hash, r.data_title) for r in mine] == [(r.data_hash, r.label_hash, r.data_title) for r in theirs]
    assert_same(got, want)


def test_label_status_and_hash_filters(ours, sdk, recorder, sdk_server, demo):
    project, sdk_project = ours.get_project(demo.manual_qa), quiet(sdk.get_project, demo.manual_qa)
    hashes = [r.data_hash for r in project.list_label_rows_v2()][:2]
    labels = [r.label_hash for r in project.list_label_rows_v2()][:1]
    mine, theirs, got, want = both(
        lambda: project.list_label_rows_v2(data_hashes=hashes, label_hashes=labels, label_statuses=[AnnotationTaskStatus.QUEUED]),
        lambda: sdk_project.list_label_rows_v2(data_hashes=hashes, label_hashes=labels, label_statuses=[SdkTaskStatus.QUEUED]),
        recorder, sdk_server,
    )
    assert [r.data_hash for r in mine] == [r.data_hash for r in theirs]
    assert_same(got, want)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"include_signed_url": True, "include_reviews": True},
        {"include_object_feature_hashes": {"FcatFace"}, "include_classification_feature_hashes": set()},
    ],
)
def test_initialise_labels_reads_and_creates_like_the_sdk(ours, sdk, recorder, sdk_server, demo, options):
    # Given every row of the workflow project (labelled and unlabelled), when each side initialises
    # them one by one, then the same GET and PUT calls arrive and the same objects come back.
    rows = ours.get_project(demo.visual_qa).list_label_rows_v2()
    sdk_rows = quiet(sdk.get_project, demo.visual_qa).list_label_rows_v2()

    def initialise(items):
        for row in items:
            row.initialise_labels(**options)

    _, _, got, want = both(lambda: initialise(rows), lambda: initialise(sdk_rows), recorder, sdk_server)
    assert {r.query_method for r in got} == {"GET", "PUT"}
    assert_same(got, want)
    for mine, theirs in zip(rows, sdk_rows):
        assert sorted(o.object_hash for o in mine.get_object_instances()) == sorted(
            o.object_hash for o in theirs.get_object_instances()
        )


def test_bundled_initialise_merges_like_the_sdk(ours, sdk, recorder, sdk_server, demo):
    project = ours.get_project(demo.visual_qa)
    rows = project.list_label_rows_v2()
    sdk_project = quiet(sdk.get_project, demo.visual_qa)
    sdk_rows = sdk_project.list_label_rows_v2()

    def ours_bundle():
        with project.create_bundle(bundle_size=3) as bundle:
            for row in rows:
                row.initialise_labels(bundle=bundle)

    def sdk_bundle():
        with sdk_project.create_bundle(bundle_size=3) as bundle:
            for row in sdk_rows:
                row.initialise_labels(bundle=bundle)

    recorder.take()
    ours_bundle()
    got = recorder.take()
    sdk_server.recorder.take()
    quiet(sdk_bundle)
    want = sdk_server.recorder.take()
    assert len(got) == len(want) > 1
    assert sorted((r.query_method, tuple(r.uid)) for r in got) == sorted((r.query_method, tuple(r.uid)) for r in want)
    assert all(row.is_labelling_initialised for row in rows)


def _add_box(row, box_class, x: float):
    instance = box_class.create_instance()
    coordinates = (BoundingBoxCoordinates if isinstance(box_class, Object) else SdkBox)(
        height=0.1, width=0.2, top_left_x=x, top_left_y=0.3
    )
    instance.set_for_frames(coordinates, frames=0, confidence=0.5, created_by="tester@example.com")
    row.add_object_instance(instance)
    return instance


def test_save_sends_the_same_call_and_each_reads_what_the_other_saved(ours, sdk_here, recorder, demo):
    # Given one row, when ours adds a box and saves, then the SDK reads that box back, and when the SDK
    # adds another and saves, ours reads both back with their coordinates and metadata.
    project = ours.get_project(demo.visual_qa)
    row = next(r for r in project.list_label_rows_v2() if r.data_title == "camera.png")
    row.initialise_labels()
    box_class = project.ontology_structure.get_child_by_title(BOX_TITLE, type_=Object)
    recorder.take()
    mine = _add_box(row, box_class, 0.1)
    row.save()
    (call,) = recorder.take()
    assert call.operation == ("POST", "/public", "labelrow", "POST")
    assert call.uid == [row.label_hash] and call.payload["multi_request"] is True
    assert call.payload["validate_before_saving"] is False

    sdk_project = quiet(sdk_here.get_project, demo.visual_qa)
    sdk_row = next(r for r in sdk_project.list_label_rows_v2() if r.data_title == "camera.png")
    quiet(sdk_row.initialise_labels)
    (seen,) = sdk_row.get_object_instances()
    annotation = seen.get_annotation(0)
    assert seen.object_hash == mine.object_hash
    assert (annotation.coordinates.top_left_x, annotation.coordinates.width) == (0.1, 0.2)
    assert (annotation.confidence, annotation.created_by) == (0.5, "tester@example.com")

    sdk_box = sdk_project.ontology_structure.get_child_by_title(BOX_TITLE)
    theirs = _add_box(sdk_row, sdk_box, 0.6)
    recorder.take()
    quiet(sdk_row.save)
    (sdk_call,) = recorder.take()
    assert sdk_call.operation == call.operation and sdk_call.uid == call.uid
    assert set(sdk_call.payload) == set(call.payload)

    again = next(r for r in project.list_label_rows_v2() if r.data_title == "camera.png")
    again.initialise_labels()
    found = {o.object_hash: o.get_annotation(0) for o in again.get_object_instances()}
    assert set(found) == {mine.object_hash, theirs.object_hash}
    assert found[theirs.object_hash].coordinates == BoundingBoxCoordinates(0.1, 0.2, 0.6, 0.3)
    assert found[mine.object_hash].created_by == "tester@example.com"


def test_workflow_complete_reopen_and_priority_like_the_sdk(ours, sdk, recorder, sdk_server, demo):
    title = "rocket.jpg"
    row = next(r for r in ours.get_project(demo.visual_qa).list_label_rows_v2() if r.data_title == title)
    sdk_row = next(r for r in quiet(sdk.get_project, demo.visual_qa).list_label_rows_v2() if r.data_title == title)
    project = ours.get_project(demo.visual_qa)

    def listed():
        return next(r for r in project.list_label_rows_v2() if r.data_title == title)

    checks = [
        (lambda r: r.set_priority(0.3), lambda: listed().priority == 0.3),
        (lambda r: r.workflow_complete(), lambda: listed().workflow_graph_node.title == "Complete"),
        (lambda r: r.workflow_reopen(), lambda: listed().workflow_graph_node.title == "Annotate"),
    ]
    for action, check in checks:
        _, _, got, want = both(lambda: action(row), lambda: action(sdk_row), recorder, sdk_server)
        assert len(got) == 1
        assert_same(got, want)
        assert check()


def test_bundled_saves_priorities_and_completions_like_the_sdk(ours, sdk, recorder, sdk_server, demo):
    titles = ("coffee.png", "coins.png", "retina.jpg")

    def run(client, bundle_rows):
        project = quiet(client.get_project, demo.visual_qa)
        rows = [r for r in project.list_label_rows_v2() if r.data_title in titles]
        with project.create_bundle() as bundle:
            for row in rows:
                row.set_priority(0.9, bundle=bundle)
            for row in rows:
                row.workflow_complete(bundle=bundle)
        return rows

    recorder.take()
    run(ours, titles)
    got = recorder.take()
    sdk_server.recorder.take()
    quiet(run, sdk, titles)
    want = sdk_server.recorder.take()
    got_actions = [r for r in got if r.path != "/public" or r.query_type != "labelrowmetadata"]
    want_actions = [r for r in want if r.path != "/public" or r.query_type != "labelrowmetadata"]
    got_actions = [r for r in got_actions if "ontologies" not in r.path and not r.path.endswith(demo.visual_qa)]
    want_actions = [r for r in want_actions if "ontologies" not in r.path and not r.path.endswith(demo.visual_qa)]
    assert len(got_actions) == 2
    assert_same(got_actions, want_actions)


def test_get_data_datasets_and_label_logs_like_the_sdk(ours, sdk, recorder, sdk_server, demo):
    project, sdk_project = ours.get_project(demo.visual_qa), quiet(sdk.get_project, demo.visual_qa)
    rows = project.list_label_rows_v2()
    video = next(r for r in rows if r.data_type.value == "video")
    group = next(r for r in rows if r.data_type.value == "img_group")
    for data_hash in (video.data_hash, group.data_hash):
        mine, theirs, got, want = both(
            lambda: project.get_data(data_hash, get_signed_url=True),
            lambda: sdk_project.get_data(data_hash, get_signed_url=True),
            recorder, sdk_server,
        )
        assert_same(got, want)
        assert (mine[0] is None) == (theirs[0] is None)
        assert [i.image_hash for i in mine[1] or []] == [i["image_hash"] for i in theirs[1] or []]
    mine, theirs, got, want = both(project.list_datasets, lambda: list(sdk_project.list_datasets()), recorder, sdk_server)
    assert [d.dataset_hash for d in mine] == [str(d.dataset_hash) for d in theirs]
    assert_same(got, want)
    mine, theirs, got, want = both(
        lambda: quiet(project.get_label_logs, data_hash=video.data_hash, after=datetime(2020, 1, 1, tzinfo=timezone.utc)),
        lambda: sdk_project.get_label_logs(data_hash=video.data_hash, after=datetime(2020, 1, 1, tzinfo=timezone.utc)),
        recorder, sdk_server,
    )
    assert [log.log_hash for log in mine] == [log.log_hash for log in theirs]
    assert_same(got, want)


def test_stage_tasks_actions_reviews_and_issues_like_the_sdk(ours, sdk, recorder, sdk_server, demo):
    # Given the review stage, when each side lists tasks with filters, assigns, reviews labels,
    # files issues and approves, then the servers received the same calls.
    def act(client):
        project = quiet(client.get_project, demo.visual_qa)
        stage = project.workflow.get_stage(name="Review")
        (coffee,) = list(stage.get_tasks(data_title="coffee"))
        coffee.assign("reviewer@example.com")
        coffee.release()
        reviewed = [(t, list(t.get_label_reviews())) for t in stage.get_tasks()]
        task, reviews = next((t, r) for t, r in reviewed if r)
        reviews[0].reject(comment="too loose")
        task.issues.add_frame_issue(0, "look here", ["box"])
        task.issues.add_coordinate_issue(0, 0.5, 0.25, "and here", [])
        task.issues.add_file_issue("whole image", [])
        task.approve()
        annotate = project.workflow.get_stage(name="Annotate")
        (new_task,) = list(annotate.get_tasks(data_title="camera"))
        new_task.submit()
        return [len(reviews)]

    recorder.take()
    mine = act(ours)
    got = recorder.take()
    sdk_server.recorder.take()
    theirs = quiet(act, sdk)
    want = sdk_server.recorder.take()
    assert mine == theirs
    assert isinstance(ours.get_project(demo.visual_qa).workflow.get_stage(name="Review"), ReviewStage)
    assert_same(got, want)


def test_a_new_object_is_saved_in_the_sdk_wire_form(ours, sdk, recorder, sdk_server, demo):
    # Given the same box (same hash, metadata and dates) added on each side, when each saves, then the
    # saved frame object and its answers entry are identical, key for key.
    when = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)

    def add_and_save(client, box_type):
        project = quiet(client.get_project, demo.visual_qa)
        row = next(r for r in project.list_label_rows_v2() if r.data_title == "camera.png")
        quiet(row.initialise_labels)
        box_class = project.ontology_structure.get_child_by_title(BOX_TITLE)
        instance = type(box_class.create_instance())(box_class, object_hash="fixed001")
        instance.set_for_frames(
            box_type(height=0.1, width=0.2, top_left_x=0.3, top_left_y=0.4), frames=0,
            created_at=when, created_by="me@example.com", last_edited_at=when, last_edited_by="me@example.com",
            confidence=0.8, manual_annotation=False,
        )
        row.add_object_instance(instance)
        quiet(row.save)

    recorder.take()
    add_and_save(ours, BoundingBoxCoordinates)
    (mine,) = [r for r in recorder.take() if r.query_method == "POST" and r.query_type == "labelrow"]
    sdk_server.recorder.take()
    add_and_save(sdk, SdkBox)
    (theirs,) = [r for r in sdk_server.recorder.take() if r.query_method == "POST" and r.query_type == "labelrow"]

    def saved(call):
        (label,) = call.payload["labels"]
        (unit,) = label["data_units"].values()
        return unit["labels"]["objects"], label["object_answers"]

    assert saved(mine) == saved(theirs)


def test_deprecated_get_label_row_sends_what_the_sdk_sends(ours, sdk, recorder, sdk_server, demo):
    # Given a labelled row, when each side fetches it the deprecated way, then the same call arrives
    # and both get the same row back.
    project, sdk_project = ours.get_project(demo.visual_qa), quiet(sdk.get_project, demo.visual_qa)
    label_hash = next(r.label_hash for r in project.list_label_rows_v2() if r.label_hash)

    mine, theirs, got, want = both(
        lambda: quiet(project.get_label_row, label_hash), lambda: quiet(sdk_project.get_label_row, label_hash),
        recorder, sdk_server,
    )
    assert mine["label_hash"] == label_hash and mine["data_units"]
    assert theirs["label_hash"] == label_hash
    assert mine["data_units"].keys() == theirs["data_units"].keys()
    assert_same(got, want)
