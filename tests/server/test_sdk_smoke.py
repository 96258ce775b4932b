"""The official SDK against the running server: projects, ontology and workflow."""

from __future__ import annotations

from workspace_fixture import PROJECT, QA_PROJECT


def test_sdk_gets_project_with_workflow_and_ontology(sdk_user):
    # Given a running server, when the SDK gets the workflow project, then title, stages and ontology arrive.
    project = sdk_user.get_project(PROJECT)
    assert project.title == "Fixture workflow project"
    assert [s.title for s in project.workflow.stages] == ["Annotate", "Review", "Complete"]
    assert [o.name for o in project.ontology_structure.objects][0] == "Cat face"
