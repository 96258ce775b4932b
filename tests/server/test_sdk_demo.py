"""The official SDK over the demo workspace: every row of every project reads, links and fetches."""

from __future__ import annotations

import shutil
import warnings

import pytest
import requests

from encord_nb.server import open_store, serve

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from encord.workflow import AnnotationStage


def _object_count(blurb: dict) -> int:
    """Distinct object instances of a stored row (a video object appears once per frame it is on)."""
    hashes = set()
    for unit in blurb["data_units"].values():
        labels = unit.get("labels") or {}
        frames = [labels] if "objects" in labels else list(labels.values())
        hashes.update(o["objectHash"] for frame in frames for o in frame.get("objects", []))
    return len(hashes)


@pytest.fixture()
def demo_user(demo_server, demo_key_text, sdk_client_class):
    return sdk_client_class.create_with_ssh_private_key(demo_key_text, domain=demo_server.domain)


def test_demo_projects_list_and_open(demo_user, demo_server):
    stored = {p.project_hash: p for p in demo_server.store.list_projects()}
    listed = {str(p.project_hash): p.title for p in demo_user.list_projects()}
    assert listed == {h: p.title for h, p in stored.items()}
    for project_hash, project in stored.items():
        opened = demo_user.get_project(project_hash)
        assert opened.ontology_structure.objects
        if project.project_type == "workflow":
            assert [s.title for s in opened.workflow.stages] == [s.title for s in project.stages]


def test_every_demo_row_initialises_and_its_media_fetches(demo_user, demo_server):
    # Given every label row of every demo project (all branches), when initialised with signed URLs,
    # then its objects match the stored labels and every media link fetches the stored file's bytes.
    store = demo_server.store
    for project in store.list_projects():
        sdk_project = demo_user.get_project(project.project_hash)
        rows = sdk_project.list_label_rows_v2(include_all_label_branches=True)
        infos = store.list_label_rows(project.project_hash, include_all_branches=True)
        assert sorted((r.data_hash, r.branch_name) for r in rows) == sorted((i.data_hash, i.branch_name) for i in infos)
        labelled = [r for r in rows if r.label_hash is not None]
        with sdk_project.create_bundle() as bundle:
            for row in labelled:
                row.initialise_labels(include_signed_url=True, bundle=bundle)
        for row in labelled:
            stored = store.get_label_row(row.label_hash)
            assert len(row.get_object_instances()) == _object_count(stored.blurb), row.data_title
            media = store.media_of(row.data_hash)
            links = [v.data_link for v in row.get_frame_views()] if len(media) > 1 else [row.data_link]
            for link, item in zip(links, media):
                reply = requests.get(link, timeout=10)
                assert reply.status_code == 200 and reply.content == item.path.read_bytes(), item.title


def test_demo_edit_save_and_workflow_on_a_copy(demo_workspace, demo_key_text, sdk_client_class, tmp_path):
    folder = tmp_path / "demo"
    shutil.copytree(demo_workspace.path, folder)
    with serve(folder) as server:
        user = sdk_client_class.create_with_ssh_private_key(demo_key_text, domain=server.domain)
        project_hash = next(p.project_hash for p in server.store.list_projects() if p.project_type == "workflow")
        project = user.get_project(project_hash)
        annotate = project.workflow.get_stage(type_=AnnotationStage, name=project.workflow.stages[0].title)
        task = next(iter(annotate.get_tasks()))
        task.issues.add_coordinate_issue(0, 0.5, 0.5, "look here", issue_tags=[])
        row = next(r for r in project.list_label_rows_v2() if r.data_hash == str(task.data_hash))
        row.initialise_labels()
        before = len(row.get_object_instances())
        if before:
            row.remove_object(row.get_object_instances()[0])
        row.save()
        row.workflow_complete()
    with serve(folder) as again:
        user = sdk_client_class.create_with_ssh_private_key(demo_key_text, domain=again.domain)
        project = user.get_project(project_hash)
        fresh = next(r for r in project.list_label_rows_v2() if r.data_hash == str(task.data_hash))
        fresh.initialise_labels()
        assert len(fresh.get_object_instances()) == max(before - 1, 0)
        assert fresh.workflow_graph_node.title == project.workflow.stages[-1].title
        with open_store(folder) as store:
            issues = store.list_issues(project_hash, data_hash=str(task.data_hash))
        assert [i.kind for i in issues][-1] == "coordinate"
