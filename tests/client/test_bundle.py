"""Bundles: merged requests split at bundle_size, one run only, item-by-item fallback with a report."""

from __future__ import annotations

import pytest

from encord_nb.client import Bundle, LabelRowV2
from encord_nb.exceptions import BundleError, BundleExecutedError, NotFoundError, UsageError


def _labelled(project):
    return [r for r in project.list_label_rows_v2() if r.label_hash is not None]


def test_bundle_merges_and_splits_at_bundle_size(ours, demo, recorder):
    # Given 5+ labelled rows, when initialised through a bundle of size 2, then ceil(n/2) GET requests.
    project = ours.get_project(demo.visual_qa)
    rows = _labelled(project)
    recorder.take()
    with project.create_bundle(bundle_size=2) as bundle:
        for row in rows:
            row.initialise_labels(bundle=bundle)
        assert not any(r.is_labelling_initialised for r in rows)  # nothing is sent inside the block
    sent = recorder.take()
    assert [len(r.uid) for r in sent] == [2] * (len(rows) // 2) + ([1] if len(rows) % 2 else [])
    assert all(r.is_labelling_initialised for r in rows)
    assert bundle.report.requests == len(sent) and len(bundle.report.succeeded) == len(rows)


def test_a_bundle_runs_once(ours, demo):
    project = ours.get_project(demo.visual_qa)
    row = _labelled(project)[0]
    bundle = project.create_bundle()
    row.initialise_labels(bundle=bundle)
    bundle.execute()
    with pytest.raises(BundleExecutedError):
        bundle.execute()
    with pytest.raises(BundleExecutedError):
        row.initialise_labels(overwrite=True, bundle=bundle)
    with pytest.raises(BundleExecutedError):
        with bundle:
            pass
    with pytest.raises(UsageError):
        Bundle(bundle_size=0)


def test_a_failing_block_sends_nothing(ours, demo, recorder):
    project = ours.get_project(demo.visual_qa)
    rows = _labelled(project)
    recorder.take()
    with pytest.raises(RuntimeError):
        with project.create_bundle() as bundle:
            for row in rows:
                row.initialise_labels(bundle=bundle)
            raise RuntimeError("stop")
    assert recorder.take() == [] and not any(r.is_labelling_initialised for r in rows)


def test_a_refused_merge_is_retried_item_by_item(ours, demo, recorder):
    # Given a bundle whose merged request the server refuses (one label hash does not exist),
    # when it runs, then the good rows are still initialised and the report names the bad one.
    project = ours.get_project(demo.visual_qa)
    rows = _labelled(project)[:3]
    ghost_hash = "00000000-0000-4000-8000-00000000dead"
    ghost = LabelRowV2({**rows[0]._meta_raw, "label_hash": ghost_hash, "data_hash": "00000000-0000-4000-8000-00000000beef"}, project)
    recorder.take()
    bundle = project.create_bundle()
    for row in [rows[0], ghost, *rows[1:]]:
        row.initialise_labels(bundle=bundle)
    with pytest.raises(BundleError, match="1 of 4") as caught:
        bundle.execute()
    report = caught.value.report
    assert [o.key for o in report.failed] == [ghost_hash]
    assert isinstance(report.failed[0].error, NotFoundError)
    assert all(r.is_labelling_initialised for r in rows) and not ghost.is_labelling_initialised
    assert [len(r.uid) for r in recorder.take()] == [4, 1, 1, 1, 1]


def test_saves_and_workflow_actions_merge_per_kind(ours, demo, recorder):
    project = ours.get_project(demo.visual_qa)
    rows = [r for r in _labelled(project) if r.workflow_graph_node.title != "Complete"][:3]
    with project.create_bundle() as bundle:
        for row in rows:
            row.initialise_labels(bundle=bundle)
    recorder.take()
    with project.create_bundle() as bundle:
        for row in rows:
            row.save(bundle=bundle)
            row.set_priority(0.25, bundle=bundle)
            row.workflow_complete(bundle=bundle)
    sent = recorder.take()
    assert [(r.path, r.query_type) for r in sent] == [
        ("/public", "labelrow"),
        (f"/v2/public/projects/{demo.visual_qa}/priorities", None),
        ("/public", "labelworkflowgraphnode"),
    ]
    assert sent[0].uid == [r.label_hash for r in rows] and len(sent[0].payload["labels"]) == 3
    assert sent[1].payload == {"priorities": [[r.data_hash, 0.25] for r in rows]}
    done = {r.data_hash: r for r in project.list_label_rows_v2()}
    assert all(done[r.data_hash].workflow_graph_node.title == "Complete" for r in rows)
