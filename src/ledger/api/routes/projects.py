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
from ledger.api.schemas.commands import Accepted, ChangeStatus
from ledger.api.schemas.projects import AuthorizeProject, ChangeScope, Deliver, ReportStatus
from ledger.projections.projects import ProjectView, get_project

router = APIRouter(tags=["projects"], responses=PROBLEM_RESPONSES)


@router.post("/programs/{program_id}/projects", status_code=201, response_model=Accepted)
def authorize_project(program_id: UUID, body: AuthorizeProject,
                      command: CommandDep) -> JSONResponse:
    fields = body.model_dump()
    return command.create(program_id, lambda by: (
        command.services.ledger.authorize_project(program_id, **fields, by=by)))


@router.post("/projects/{project_id}/lifecycle", status_code=201, response_model=Accepted)
def change_lifecycle(project_id: UUID, body: ChangeStatus, command: CommandDep) -> JSONResponse:
    """planned → in_progress ⇄ on_hold → completed, or cancelled."""
    return command.for_component(project_id, lambda by, if_match: (
        command.services.ledger.change_project_lifecycle(
            project_id, status=body.status, reason=body.reason,
            effective_at=body.effective_at, by=by, if_match=if_match)))


@router.post("/projects/{project_id}/status-reports", status_code=201,
             response_model=Accepted)
def report_status(project_id: UUID, body: ReportStatus, command: CommandDep) -> JSONResponse:
    """A RAG report on every dimension; amber or red needs a reason."""
    return command.for_component(project_id, lambda by, if_match: (
        command.services.ledger.report_project_status(
            project_id, **body.model_dump(), by=by, if_match=if_match)))


@router.post("/projects/{project_id}/scope-changes", status_code=201, response_model=Accepted)
def change_scope(project_id: UUID, body: ChangeScope, command: CommandDep) -> JSONResponse:
    """Once work has started, the baseline is locked: cite a decision that lists the project."""
    return command.for_component(project_id, lambda by, if_match: (
        command.services.ledger.change_project_scope(
            project_id, add=[d.model_dump() for d in body.add], remove=body.remove,
            defer=body.defer, rationale=body.rationale, cost_impact=body.impact.cost,
            schedule_impact_days=body.impact.schedule_days, decision_id=body.decision_id,
            effective_at=body.effective_at, by=by, if_match=if_match)))


@router.post("/projects/{project_id}/deliverables/{key}/delivered", status_code=201,
             response_model=Accepted)
def deliver(project_id: UUID, key: Annotated[str, Path(max_length=64)], command: CommandDep,
            body: Deliver | None = None) -> JSONResponse:
    body = body or Deliver()
    return command.for_component(project_id, lambda by, if_match: (
        command.services.ledger.deliver(project_id, key, reason=body.reason,
                                        effective_at=body.effective_at, by=by,
                                        if_match=if_match)))


@router.get("/projects/{project_id}", response_model=ProjectView)
def project(project_id: UUID, principal: ReaderDep, connection: ReadDep) -> ProjectView:
    """The project with its deliverables and its full status history."""
    view = visible(principal, lambda: get_project(connection, project_id))
    return view
