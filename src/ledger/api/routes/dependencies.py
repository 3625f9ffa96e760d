"""Dependencies between projects: declare, change status, read."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ledger.access.authorization import visible
from ledger.api.commands import CommandDep
from ledger.api.deps import ReadDep, ReaderDep
from ledger.api.problems import PROBLEM_RESPONSES
from ledger.api.schemas.commands import Accepted
from ledger.application.commands.base import ChangeStatus
from ledger.application.commands.dependencies import (
    ChangeDependencyStatus,
    DeclareDependency,
    NewDependency,
)
from ledger.projections import dependencies as read_model
from ledger.projections.dependencies import DependencyView, today

router = APIRouter(tags=["dependencies"], responses=PROBLEM_RESPONSES)


@router.post("/programs/{program_id}/dependencies", status_code=201, response_model=Accepted)
def declare_dependency(program_id: UUID, body: NewDependency, command: CommandDep) -> JSONResponse:
    """Refused with 409 `dependency_cycle` if it would close a cycle in the program."""
    return command.run(DeclareDependency.addressed(body, program_id=program_id))


@router.post("/dependencies/{dependency_id}/status", status_code=201, response_model=Accepted)
def change_dependency_status(dependency_id: UUID, body: ChangeStatus,
                             command: CommandDep) -> JSONResponse:
    return command.run(ChangeDependencyStatus.addressed(body, dependency_id=dependency_id))


@router.get("/dependencies/{dependency_id}", response_model=DependencyView)
def get_dependency(dependency_id: UUID, principal: ReaderDep,
                   connection: ReadDep) -> DependencyView:
    view = visible(principal, lambda: read_model.get_dependency(connection, dependency_id, today()))
    return view
