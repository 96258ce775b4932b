"""Label-row metadata, project and workflow records: casing, tolerant enums, faithful dumps."""

from __future__ import annotations

import pytest

from encord_nb.models import (
    AnnotationTaskStatus,
    DataType,
    LabelRowMetadata,
    LabelStatus,
    ProjectModel,
    ProjectType,
    StageType,
    WorkflowTask,
    WorkflowTaskStatus,
    parse_label_row,
)

METADATA = {
    "label_hash": None,
    "branch_name": "main",
    "created_at": None,
    "last_edited_at": None,
    "data_hash": "b2b2",
    "dataset_hash": "d5e7",
    "dataset_title": "Demo dataset",
    "data_title": "demo-image-group",
    "data_type": "IMG_GROUP",
    "data_link": None,
    "label_status": "NOT_LABELLED",
    "annotation_task_status": "QUEUED",
    "workflow_graph_node": {"uuid": "0b1f-0001", "title": "Annotate 1"},
    "is_shadow_data": False,
    "number_of_frames": 3,
    "frames_per_second": None,
    "duration": None,
    "width": None,
    "height": None,
    "task_uuid": "7c4e",
    "priority": 0.5,
    "spaces": {},
    "file_type": None,
    "is_valid": True,
    "backing_item_uuid": "9a1d",
    "images_data": [{"index": 0, "title": "coffee.png", "file_type": "image/png", "height": 400, "width": 600, "image_hash": "h0"}],
    "some_future_key": {"kept": True},
}

PROJECT = {
    "projectHash": "00000000-0000-4000-8000-000000000001",
    "projectType": "workflow",
    "status": "inProgress",
    "title": "Demo project",
    "description": "desc",
    "createdAt": "2024-05-01T10:00:00+00:00",
    "creatorEmail": "me@example.com",
    "lastEditedAt": "2024-05-02T10:00:00+00:00",
    "ontologyHash": "00000000-0000-4000-8000-0000000000a1",
    "editorOntology": {"objects": [], "classifications": []},
    "userRole": 0,
    "workflowManagerUuid": "wm",
    "workflow": {
        "stages": [
            {"stageType": "ANNOTATION", "uuid": "a001", "title": "Annotate"},
            {"stageType": "REVIEW", "uuid": "a002", "title": "Review"},
            {"stageType": "DONE", "uuid": "a003", "title": "Complete"},
            {"stageType": "AGENT", "uuid": "a004", "title": "Bot", "pathways": [{"uuid": "p1", "title": "ok", "destinationUuid": "a003"}]},
        ]
    },
}


def test_metadata_reads_upper_case_types_and_writes_them_back():
    # Given a listing entry, then its data type is the blurb's DataType and the dump equals the input.
    meta = LabelRowMetadata.model_validate(METADATA)
    assert meta.data_type is DataType.IMG_GROUP and meta.label_status is LabelStatus.NOT_LABELLED
    assert meta.annotation_task_status is AnnotationTaskStatus.QUEUED
    assert meta.is_workflow and meta.images_data[0].width == 600
    assert meta.model_dump(mode="json", exclude_unset=True) == METADATA


@pytest.mark.parametrize("field", ["label_status", "annotation_task_status", "data_type"])
def test_unknown_status_values_are_kept_raw(field):
    # Given a value this code does not know, then it is kept as the raw string and written back unchanged.
    meta = LabelRowMetadata.model_validate({**METADATA, field: "BRAND_NEW"})
    assert isinstance(getattr(meta, field), str) and getattr(meta, field).upper() == "BRAND_NEW"
    assert meta.model_dump(mode="json", exclude_unset=True)[field] == "BRAND_NEW"


def test_blurb_keeps_an_unknown_label_status():
    row = parse_label_row({"data_hash": "d", "data_type": "image", "label_status": "ARCHIVED_SOMEHOW"})
    assert row.label_status == "ARCHIVED_SOMEHOW"


def test_project_reads_camel_case_and_dumps_it_back():
    # Given a ProjectDTO, then types, stages and ontology are typed and the dump equals the input.
    project = ProjectModel.model_validate(PROJECT)
    assert project.is_workflow and project.project_type is ProjectType.WORKFLOW
    assert [s.stage_type for s in project.workflow.stages] == [StageType.ANNOTATION, StageType.REVIEW, StageType.DONE, StageType.AGENT]
    assert project.workflow.stage("a004").pathways[0].destination_uuid == "a003"
    assert project.editor_ontology.objects == []
    assert project.model_dump(mode="json", exclude_unset=True) == PROJECT


def test_project_accepts_snake_case_names_and_unknown_values():
    # Given snake_case keys and an unknown status and stage type, then they are read and kept.
    project = ProjectModel.model_validate(
        {"project_hash": "p", "project_type": "manual_qa", "status": "frozen", "title": "t",
         "workflow": {"stages": [{"stage_type": "TELEPORT", "uuid": "u"}]}}
    )
    assert not project.is_workflow and project.status == "frozen"
    assert project.workflow.stages[0].stage_type == "TELEPORT"


def test_workflow_task_status():
    task = WorkflowTask.model_validate({"uuid": "t", "status": "REOPENED", "dataHash": "d"})
    assert task.status is WorkflowTaskStatus.REOPENED and task.data_hash == "d"
