"""Projects: authorise, lifecycle, status reports, scope changes, deliveries, and reads."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from ledger.access.authorization import visible
from ledger.api.commands import CommandDep
from ledger.api.deps import ReadDep, ReaderDep
from ledger.api.problems import PROBLEM_RESPONSES
from ledger.api.schemas.commands import Accepted
from ledger.application.commands.base import ChangeStatus
from ledger.application.commands.projects import (
    AuthorizeProject,
    ChangeProjectLifecycle,
    ChangeProjectScope,
    ChangeScope,
    Deliver,
    DeliverDeliverable,
    NewProject,
    ReportProjectStatus,
    ReportStatus,
)
from ledger.projections import projects as read_model
from ledger.projections.projects import ProjectView

router = APIRouter(tags=["projects"], responses=PROBLEM_RESPONSES)


@router.post("/programs/{program_id}/projects", status_code=201, response_model=Accepted)
def authorize_project(program_id: UUID, body: NewProject, command: CommandDep) -> JSONResponse:
    return command.run(AuthorizeProject.addressed(body, program_id=program_id))


@router.post("/projects/{project_id}/lifecycle", status_code=201, response_model=Accepted)
def change_project_lifecycle(project_id: UUID, body: ChangeStatus,
                             command: CommandDep) -> JSONResponse:
    """planned → in_progress ⇄ on_hold → completed, or cancelled."""
    return command.run(ChangeProjectLifecycle.addressed(body, project_id=project_id))


@router.post("/projects/{project_id}/status-reports", status_code=201,
             response_model=Accepted)
def report_project_status(project_id: UUID, body: ReportStatus,
                          command: CommandDep) -> JSONResponse:
    """A RAG report on every dimension; amber or red needs a reason."""
    return command.run(ReportProjectStatus.addressed(body, project_id=project_id))


@router.post("/projects/{project_id}/scope-changes", status_code=201, response_model=Accepted)
def change_project_scope(project_id: UUID, body: ChangeScope, command: CommandDep) -> JSONResponse:
    """Once work has started, the baseline is locked: cite a decision that lists the project."""
    return command.run(ChangeProjectScope.addressed(body, project_id=project_id))


@router.post("/projects/{project_id}/deliverables/{key}/delivered", status_code=201,
             response_model=Accepted)
def deliver_deliverable(project_id: UUID, key: Annotated[str, Path(max_length=64)],
                        command: CommandDep, body: Deliver | None = None) -> JSONResponse:
    return command.run(DeliverDeliverable.addressed(body or Deliver(), project_id=project_id,
                                                    key=key))


@router.get("/projects/{project_id}", response_model=ProjectView)
def get_project(project_id: UUID, principal: ReaderDep, connection: ReadDep) -> ProjectView:
    """The project with its deliverables and its full status history."""
    view = visible(principal, lambda: read_model.get_project(connection, project_id))
    return view
