"""Every operation of protocol reference §5, performed by the official SDK against the running server."""

from __future__ import annotations

import warnings
from datetime import datetime, timezone

import pytest
import requests
from workspace_fixture import (
    BOX_FEATURE,
    DATASET,
    GROUP,
    IMAGES,
    LABELLED_IMAGE_LABEL,
    PROJECT,
    QA_PROJECT,
    USER_EMAIL,
    VIDEO,
)

from encord_nb.server import serve

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from encord.objects import Object, ObjectInstance
    from encord.objects.coordinates import BoundingBoxCoordinates
    from encord.orm.label_row import AnnotationTaskStatus, LabelStatus, ShadowDataState
    from encord.workflow import AnnotationStage, FinalStage, ReviewStage


def _rows_by_hash(project, **filters):
    return {row.data_hash: row for row in project.list_label_rows_v2(**filters)}


def _add_box(row, x: float) -> None:
    box_class = row.ontology_structure.get_child_by_hash(BOX_FEATURE, type_=Object)
    instance = ObjectInstance(box_class)
    instance.set_for_frames(BoundingBoxCoordinates(height=0.1, width=0.1, top_left_x=x, top_left_y=0.2), frames=0)
    row.add_object_instance(instance)


def test_legacy_and_paged_project_listings(sdk_user, server):
    # Given two projects and one result per page, when listed both ways, then both arrive, with filters honoured.
    with pytest.warns(DeprecationWarning):
        legacy = sdk_user.get_projects(title_like="%workflow%")
    assert [p["project"]["project_hash"] for p in legacy] == [PROJECT]
    server.app.page_size = 1
    server.app.reset_request_counts()
    titles = [p.title for p in sdk_user.list_projects()]
    assert titles == ["Fixture workflow project", "Fixture QA project"]
    assert server.app.request_counts()["v2 list_projects"] == 2  # one request per page
    assert [p.title for p in sdk_user.list_projects(title_eq="Fixture QA project")] == ["Fixture QA project"]
    assert [p.title for p in sdk_user.list_projects(created_after=datetime(2024, 5, 15, tzinfo=timezone.utc))] == [
        "Fixture QA project"
    ]


def test_project_ontology_and_workflow(readonly_sdk_user):
    sdk_user = readonly_sdk_user
    project = sdk_user.get_project(PROJECT)
    stages = project.workflow.stages
    assert [type(s) for s in stages] == [AnnotationStage, ReviewStage, FinalStage]
    assert project.ontology_hash and len(project.ontology_structure.classifications) == 4
    qa = sdk_user.get_project(QA_PROJECT)
    assert qa.title == "Fixture QA project"


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({}, set(IMAGES) | {GROUP, VIDEO}),
        ({"data_hashes": [IMAGES[1], VIDEO]}, {IMAGES[1], VIDEO}),
        ({"label_hashes": [LABELLED_IMAGE_LABEL]}, {IMAGES[0]}),
        ({"edited_before": "2024-05-04"}, {IMAGES[0]}),
        ({"edited_after": "2024-05-04"}, set()),
        ({"label_statuses": [AnnotationTaskStatus.COMPLETED]}, set()),
        ({"data_title_eq": "clip.mp4"}, {VIDEO}),
        ({"data_title_like": "photo%"}, set(IMAGES)),
        ({"workflow_graph_node_title_eq": "Annotate"}, set(IMAGES) | {GROUP, VIDEO}),
        ({"workflow_graph_node_title_like": "Rev%"}, set()),
        ({"branch_name": "main"}, set(IMAGES) | {GROUP, VIDEO}),
        ({"include_all_label_branches": True}, set(IMAGES) | {GROUP, VIDEO}),
        ({"shadow_data_state": ShadowDataState.SHADOW_DATA}, set()),
        ({"shadow_data_state": ShadowDataState.NOT_SHADOW_DATA}, set(IMAGES) | {GROUP, VIDEO}),
    ],
    ids=lambda v: ",".join(v) if isinstance(v, dict) else None,
)
def test_list_label_rows_with_each_filter(readonly_sdk_user, filters, expected):
    project = readonly_sdk_user.get_project(PROJECT)
    assert set(_rows_by_hash(project, **filters)) == expected


def test_listing_carries_metadata_images_and_client_metadata(readonly_sdk_user):
    sdk_user = readonly_sdk_user
    project = sdk_user.get_project(PROJECT)
    rows = _rows_by_hash(project, include_images_data=True, include_client_metadata=True)
    labelled, video, group = rows[IMAGES[0]], rows[VIDEO], rows[GROUP]
    assert labelled.label_hash == LABELLED_IMAGE_LABEL and labelled.workflow_graph_node.title == "Annotate"
    assert video.label_hash is None and video.number_of_frames == 10
    assert [f.image_hash for f in group.get_frames_metadata()] and len(group.get_frames_metadata()) == 2
    assert labelled.client_metadata == {}
    qa_row = _rows_by_hash(sdk_user.get_project(QA_PROJECT))[IMAGES[0]]
    assert qa_row.label_status == LabelStatus.NOT_LABELLED


def test_initialise_labels_without_and_with_signed_urls(sdk_user, workspace_copy):
    # Given the labelled photo, when initialised plainly, then its box is read and the link is a storage reference.
    project = sdk_user.get_project(PROJECT)
    row = _rows_by_hash(project)[IMAGES[0]]
    row.initialise_labels()
    assert [o.object_hash for o in row.get_object_instances()] == ["obj00001"]
    assert not row.data_link.startswith("http")
    # When initialised with signed URLs, then the link fetches exactly the photo's bytes.
    row.initialise_labels(include_signed_url=True, overwrite=True)
    reply = requests.get(row.data_link, timeout=10)
    assert reply.status_code == 200
    assert reply.content == (workspace_copy.path / "media" / "photos" / "photo0.jpg").read_bytes()
    # And an unlabelled video takes the create path and still gets a fetchable link.
    video = _rows_by_hash(project)[VIDEO]
    video.initialise_labels(include_signed_url=True)
    assert video.label_hash is not None
    assert requests.get(video.data_link, headers={"Range": "bytes=0-9"}, timeout=10).status_code == 206
    group = _rows_by_hash(project)[GROUP]
    group.initialise_labels(include_signed_url=True)
    assert [requests.get(v.data_link, timeout=10).status_code for v in group.get_frame_views()] == [200, 200]


def test_save_survives_a_server_restart(sdk_user, server, workspace_copy, sdk_client_class):
    # Given an edited row, when saved and the server restarted, then the new object is read back.
    row = _rows_by_hash(sdk_user.get_project(PROJECT))[IMAGES[1]]
    row.initialise_labels()
    _add_box(row, 0.4)
    row.save()
    server.stop()
    with serve(workspace_copy.path) as again:
        user = sdk_client_class.create_with_ssh_private_key(workspace_copy.key_file.read_text(), domain=again.domain)
        fresh = _rows_by_hash(user.get_project(PROJECT))[IMAGES[1]]
        fresh.initialise_labels()
        boxes = [o.get_annotation(0).coordinates for o in fresh.get_object_instances()]
        assert [b.top_left_x for b in boxes] == [0.4]
        assert boxes and fresh.get_object_instances()[0].get_annotation(0).created_by == USER_EMAIL


def test_workflow_complete_and_reopen_move_rows(sdk_user):
    project = sdk_user.get_project(PROJECT)
    row = _rows_by_hash(project)[IMAGES[0]]
    row.workflow_complete()
    assert _rows_by_hash(project)[IMAGES[0]].workflow_graph_node.title == "Complete"
    assert IMAGES[0] in _rows_by_hash(project, workflow_graph_node_title_eq="Complete")
    row.workflow_reopen()
    assert _rows_by_hash(project)[IMAGES[0]].workflow_graph_node.title == "Annotate"


def test_set_priority(sdk_user):
    project = sdk_user.get_project(PROJECT)
    _rows_by_hash(project)[IMAGES[2]].set_priority(0.9)
    assert _rows_by_hash(project)[IMAGES[2]].priority == 0.9


def test_bundle_of_fifty_initialisations_and_saves(sdk_user, server):
    # Given 50 unlabelled images, when initialised and saved in bundles, then one create and one save request go out.
    store = server.store
    with store.transaction():
        hashes = [f"00000000-0000-4000-8000-00000000{5000 + i:04d}" for i in range(50)]
        for i, h in enumerate(hashes):
            store.put_data_unit(h, dataset_hash=DATASET, title=f"bulk{i:02d}.jpg", data_type="IMAGE",
                                media=[{"file": "photos/photo0.jpg", "mime_type": "image/jpeg", "width": 64, "height": 48}])
    project = sdk_user.get_project(PROJECT)
    rows = [r for r in project.list_label_rows_v2(data_title_like="bulk%")]
    assert len(rows) == 50
    server.app.reset_request_counts()
    with project.create_bundle() as bundle:
        for row in rows:
            row.initialise_labels(bundle=bundle)
    for i, row in enumerate(rows):
        _add_box(row, i / 100)
    with project.create_bundle() as bundle:
        for row in rows:
            row.save(bundle=bundle)
    counts = server.app.request_counts()
    assert counts == {"v1 labelrow PUT": 1, "v1 labelrow POST": 1}
    saved = {row.data_hash: row for row in project.list_label_rows_v2(data_title_like="bulk%")}
    check = saved[hashes[7]]
    check.initialise_labels()
    assert [o.get_annotation(0).coordinates.top_left_x for o in check.get_object_instances()] == [0.07]


def test_get_data_datasets_and_label_logs(sdk_user):
    project = sdk_user.get_project(PROJECT)
    video, images = project.get_data(VIDEO, get_signed_url=True)
    assert images is None and requests.get(video["file_link"], timeout=10).status_code == 200
    _, group_images = project.get_data(GROUP)
    assert [i["title"] for i in group_images] == ["a.png", "b.png"]
    assert [(str(d.dataset_hash), d.title) for d in project.list_datasets()] == [(DATASET, "Fixture dataset")]
    with pytest.warns(DeprecationWarning):
        logs = project.get_label_logs(data_hash=IMAGES[0])
    assert [(log.identifier, log.user_email) for log in logs] == [("obj00001", USER_EMAIL)]


def test_storage_items_single_and_bundled(sdk_user):
    project = sdk_user.get_project(PROJECT)
    rows = _rows_by_hash(project)
    item = rows[VIDEO].get_storage_item(get_signed_urls=True)
    assert item.name == "clip.mp4" and item.frame_count == 10
    assert requests.get(item.get_signed_url(), headers={"Range": "bytes=0-3"}, timeout=10).status_code == 206
    with project.create_bundle() as bundle:
        for row in rows.values():
            row.initialise_storage_item(get_signed_url=True, bundle=bundle)
    assert rows[GROUP].get_storage_item().item_type.value == "imageGroup"
    assert requests.get(rows[IMAGES[0]].get_storage_item().get_signed_url(), timeout=10).status_code == 200


def test_bearer_token_client_works(sdk_user, server, sdk_client_class):
    token = sdk_user.get_bearer_token()
    user = sdk_client_class.create_with_bearer_token(token, domain=server.domain)
    assert user.get_project(PROJECT).title == "Fixture workflow project"
    assert len(list(user.get_project(PROJECT).list_label_rows_v2())) == len(IMAGES) + 2
