"""Workflow tasks move between stages, reviews and issues are kept, and media links can be re-signed."""

from __future__ import annotations

import requests

from encord_nb.client import AnnotationStage, FinalStage, ReviewStage
from encord_nb.models import LabelReviewStatus, WorkflowTaskStatus


def _stage(project, name, kind):
    return project.workflow.get_stage(name=name, type_=kind)


def test_submit_approve_and_reject_move_tasks(ours, demo):
    # Given an annotation task, when submitted it reaches review; when approved there it is complete;
    # and a rejected review task goes back to annotation.
    project = ours.get_project(demo.visual_qa)
    annotate, review, done = (_stage(project, n, k) for n, k in (("Annotate", AnnotationStage), ("Review", ReviewStage), ("Complete", FinalStage)))
    (task,) = annotate.get_tasks(data_title="camera")
    task.submit()
    (in_review,) = review.get_tasks(data_title="camera")
    assert in_review.data_hash == task.data_hash
    in_review.approve()
    assert [t.data_hash for t in done.get_tasks(data_title="camera")] == [task.data_hash]
    (coffee,) = review.get_tasks(data_title="coffee")
    coffee.reject()
    back = list(annotate.get_tasks(data_title="coffee"))
    assert [t.data_hash for t in back] == [coffee.data_hash] and back[0].status == WorkflowTaskStatus.REOPENED


def test_assign_release_and_filters(ours, demo):
    project = ours.get_project(demo.visual_qa)
    annotate = _stage(project, "Annotate", AnnotationStage)
    (task,) = annotate.get_tasks(data_title="hubble")
    task.assign("someone@example.com")
    assert [t.uuid for t in annotate.get_tasks(assignee="someone@example.com")] == [task.uuid]
    assert [t.uuid for t in annotate.get_tasks(status=[WorkflowTaskStatus.ASSIGNED], data_hash=task.data_hash)] == [task.uuid]
    task.release()
    assert list(annotate.get_tasks(assignee="someone@example.com")) == []


def test_label_reviews_and_issues(ours, demo):
    project = ours.get_project(demo.visual_qa)
    review = _stage(project, "Review", ReviewStage)
    task, reviews = next((t, list(t.get_label_reviews())) for t in review.get_tasks() if list(t.get_label_reviews()))
    reviews[0].approve()
    assert next(r for r in task.get_label_reviews() if r.uuid == reviews[0].uuid).status == LabelReviewStatus.APPROVED
    task.issues.add_coordinate_issue(0, 0.25, 0.75, "edge is off", ["box"])
    task.issues.add_file_issue("check the whole image")
    issues = list(task.issues.list())
    point = next(i for i in issues if i.type == "frameCoordinate" and i.comments[0].content == "edge is off")
    assert (point.frame_index, point.x, point.y) == (0, 0.25, 0.75)
    assert any(i.type == "dataUnit" and i.comments[0].content == "check the whole image" for i in issues)


def test_expired_links_can_be_resigned_for_every_media_kind(reader, shared_server):
    # Given a video, an image and an image of a group, when re-signed, then each link serves its bytes.
    _, demo = shared_server
    project = reader.get_project(demo.visual_qa)
    rows = project.list_label_rows_v2()
    video = next(r for r in rows if r.data_type.value == "video")
    image = next(r for r in rows if r.data_type.value == "image")
    group = next(r for r in rows if r.data_type.value == "img_group")
    group.initialise_labels()
    second = group.get_frame_view(1).image_hash
    urls = [video._resign_media(), image._resign_media(), group._resign_media(second), project._resign_media(image.data_hash)]
    session = reader._session
    for url in urls:
        reply = session.get(url, timeout=10)
        assert reply.status_code == 200 and len(reply.content) > 100
    assert len(set(urls[:3])) == 3
