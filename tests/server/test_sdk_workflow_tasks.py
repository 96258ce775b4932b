"""Workflow stage tasks, label reviews and issues, driven by the official SDK."""

from __future__ import annotations

import warnings

from workspace_fixture import GROUP, IMAGES, PROJECT, USER_EMAIL, VIDEO

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from encord.issues.issue_client import CoordinateIssue, FileIssue, FrameIssue
    from encord.workflow import AnnotationStage, FinalStage, ReviewStage
    from encord.workflow.stages.annotation import AnnotationTaskStatus
    from encord.workflow.stages.review import LabelReviewStatus, ReviewTaskStatus


def _stages(project):
    workflow = project.workflow
    return (
        workflow.get_stage(name="Annotate", type_=AnnotationStage),
        workflow.get_stage(name="Review", type_=ReviewStage),
        workflow.get_stage(name="Complete", type_=FinalStage),
    )


def test_annotation_tasks_list_with_filters(sdk_user):
    annotate, _, _ = _stages(sdk_user.get_project(PROJECT))
    tasks = list(annotate.get_tasks())
    assert {str(t.data_hash) for t in tasks} == set(IMAGES) | {GROUP, VIDEO}
    assert {t.status for t in tasks} == {AnnotationTaskStatus.NEW}
    assert [str(t.data_hash) for t in annotate.get_tasks(data_hash=VIDEO)] == [VIDEO]
    assert [t.data_title for t in annotate.get_tasks(data_title="photo1")] == ["photo1.jpg"]
    assert list(annotate.get_tasks(assignee="nobody@example.com")) == []


def test_submit_approve_and_reject_move_tasks_between_stages(sdk_user):
    project = sdk_user.get_project(PROJECT)
    annotate, review, complete = _stages(project)
    by_hash = {str(t.data_hash): t for t in annotate.get_tasks()}
    by_hash[IMAGES[0]].assign(USER_EMAIL)
    assert [t.status for t in annotate.get_tasks(data_hash=IMAGES[0])] == [AnnotationTaskStatus.ASSIGNED]
    for data_hash in (IMAGES[0], IMAGES[1]):
        by_hash[data_hash].submit()
    in_review = {str(t.data_hash): t for t in review.get_tasks()}
    assert set(in_review) == {IMAGES[0], IMAGES[1]}
    assert {t.status for t in in_review.values()} <= {ReviewTaskStatus.NEW, ReviewTaskStatus.ASSIGNED}
    in_review[IMAGES[0]].approve()
    in_review[IMAGES[1]].reject()
    assert [str(t.data_hash) for t in complete.get_tasks()] == [IMAGES[0]]
    reopened = list(annotate.get_tasks(data_hash=IMAGES[1]))
    assert [t.status for t in reopened] == [AnnotationTaskStatus.REOPENED]
    listing = {r.data_hash: r for r in project.list_label_rows_v2()}
    assert listing[IMAGES[0]].workflow_graph_node.title == "Complete"


def test_move_tasks_between_stages(sdk_user):
    project = sdk_user.get_project(PROJECT)
    annotate, review, complete = _stages(project)
    next(iter(annotate.get_tasks(data_hash=GROUP))).move(destination_stage_uuid=complete.uuid)
    assert [str(t.data_hash) for t in complete.get_tasks()] == [GROUP]
    next(iter(complete.get_tasks(data_hash=GROUP))).move(destination_stage_uuid=review.uuid)
    assert [str(t.data_hash) for t in review.get_tasks()] == [GROUP]


def test_label_reviews_are_listed_and_acted_on(sdk_user):
    project = sdk_user.get_project(PROJECT)
    annotate, review, _ = _stages(project)
    next(t for t in annotate.get_tasks() if str(t.data_hash) == IMAGES[0]).submit()
    task = next(iter(review.get_tasks(data_hash=IMAGES[0])))
    reviews = list(task.get_label_reviews())
    assert [(r.label_id, r.status, r.label_type) for r in reviews] == [("obj00001", LabelReviewStatus.NEW, "Object")]
    reviews[0].reject(comment="box too loose")
    assert [r.status for r in task.get_label_reviews()] == [LabelReviewStatus.REJECTED]
    # When the task is rejected and resubmitted, then the rejected review is resolved.
    task.reject()
    next(iter(annotate.get_tasks(data_hash=IMAGES[0]))).submit()
    task = next(iter(review.get_tasks(data_hash=IMAGES[0])))
    assert [r.status for r in task.get_label_reviews()] == [LabelReviewStatus.RESOLVED]


def test_file_frame_and_coordinate_issues(sdk_user):
    annotate, _, _ = _stages(sdk_user.get_project(PROJECT))
    task = next(iter(annotate.get_tasks(data_hash=VIDEO)))
    task.issues.add_file_issue("wrong clip", issue_tags=["wrong data", "blur"])
    task.issues.add_frame_issue(3, "blurred frame", issue_tags=["blur"])
    task.issues.add_coordinate_issue(5, 0.25, 0.75, "missed object here", issue_tags=[])
    issues = list(task.issues.list())
    assert [type(i) for i in issues] == [FileIssue, FrameIssue, CoordinateIssue]
    # and their tags come back by name, one tag keeping one uuid across issues
    assert [[t.name for t in i.tags] for i in issues] == [["wrong data", "blur"], ["blur"], []]
    assert issues[0].tags[1].uuid == issues[1].tags[0].uuid != issues[0].tags[0].uuid
    coordinate = issues[2]
    assert (coordinate.frame_index, coordinate.coordinate.x, coordinate.coordinate.y) == (5, 0.25, 0.75)
    assert coordinate.comments[0].content == "missed object here"
    assert coordinate.comments[0].author_email == USER_EMAIL
    other = next(iter(annotate.get_tasks(data_hash=IMAGES[2])))
    assert list(other.issues.list()) == []
