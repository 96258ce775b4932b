"""The project record (ProjectDTO) and its workflow stages."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ._base import CamelModel
from ._enums import ProjectStatus, ProjectType, StageType, Tolerant, WorkflowTaskStatus
from ._ontology import OntologyStructure


class WorkflowPathway(CamelModel):
    """An outgoing route of an agent stage."""

    uuid: str
    title: str | None = None
    destination_uuid: str | None = None


class WorkflowStage(CamelModel):
    """One node of a project's workflow graph.

    Example:
        >>> WorkflowStage(stage_type="DONE", uuid="u3", title="Complete").stage_type
        <StageType.DONE: 'DONE'>
    """

    stage_type: Tolerant[StageType]
    uuid: str
    title: str | None = None
    pathways: list[WorkflowPathway] | None = None


class Workflow(CamelModel):
    """A project's workflow graph: its stages in order."""

    stages: list[WorkflowStage] = Field(default_factory=list)

    def stage(self, uuid: str) -> WorkflowStage | None:
        """The stage with this uuid (what a label row's ``workflow_graph_node`` points at)."""
        return next((s for s in self.stages if s.uuid == uuid), None)


class WorkflowTask(CamelModel):
    """A task in a workflow stage listing; fields beyond the common ones depend on the stage type."""

    uuid: str
    created_at: str | None = None
    updated_at: str | None = None
    status: Tolerant[WorkflowTaskStatus] | None = None
    data_hash: str | None = None
    data_title: str | None = None
    label_branch_name: str | None = None
    assignee: str | None = None


class ProjectModel(CamelModel):
    """A project as ``GET /v2/public/projects/{hash}`` returns it (camelCase on the wire).

    Example:
        >>> p = ProjectModel(project_hash="p", project_type="workflow", status="inProgress", title="Demo")
        >>> p.is_workflow, p.status
        (True, <ProjectStatus.IN_PROGRESS: 'inProgress'>)
    """

    project_hash: str
    project_type: Tolerant[ProjectType]
    status: Tolerant[ProjectStatus] | None = None
    title: str
    description: str | None = None
    created_at: str | None = None
    creator_email: str | None = None
    last_edited_at: str | None = None
    ontology_hash: str | None = None
    editor_ontology: OntologyStructure | None = None
    user_role: int | None = None
    source_projects: list[Any] | None = None
    workflow_manager_uuid: str | None = None
    workflow: Workflow | None = None

    @property
    def is_workflow(self) -> bool:
        """True for workflow projects (False for manual QA)."""
        return self.project_type == ProjectType.WORKFLOW
