"""Programs: define, change status, list, summarise, and list each kind of component."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from ledger.api.commands import CommandDep
from ledger.api.deps import ReadDep, ReaderDep, require_scope
from ledger.api.problems import PROBLEM_RESPONSES
from ledger.api.schemas.commands import Accepted
from ledger.application.commands.base import ChangeStatus
from ledger.application.commands.fields import LINE
from ledger.application.commands.programs import ChangeProgramStatus, DefineProgram
from ledger.application.commands.times import IsoDatetime
from ledger.projections import (
    benefits,
    decisions,
    dependencies,
    projects,
    resources,
    risks,
    summary,
)
from ledger.projections.pages import CURSOR, DEFAULT_LIMIT, MAX_LIMIT, Page
from ledger.projections.summary import ProgramSummary

router = APIRouter(tags=["programs"], responses=PROBLEM_RESPONSES)
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")]
Cursor = Annotated[str | None, Query(
    pattern=CURSOR, description="`next_cursor` of the previous page, as given; leave it out "
    "(an empty value is refused) for the first page.")]


@router.post("/programs", status_code=201, response_model=Accepted)
def define_program(body: DefineProgram, command: CommandDep) -> JSONResponse:
    """Define a program; its code is unique and becomes part of its identity."""
    return command.run(body)


@router.post("/programs/{program_id}/status", status_code=201, response_model=Accepted)
def change_program_status(program_id: UUID, body: ChangeStatus,
                          command: CommandDep) -> JSONResponse:
    """Move the program through proposed → active ⇄ on_hold → closing → closed (or cancelled)."""
    return command.run(ChangeProgramStatus.addressed(body, program_id=program_id))


@router.get("/programs", response_model=Page[ProgramSummary])
def list_programs(principal: ReaderDep, connection: ReadDep, limit: Limit = DEFAULT_LIMIT,
                  cursor: Cursor = None) -> Page[ProgramSummary]:
    """The programs this token may see, with their rollups."""
    scope = set(principal.programs) if principal.programs is not None else None
    return summary.list_programs(connection, scope, limit, cursor)


@router.get("/programs/{program_id}", response_model=ProgramSummary)
def get_program(program_id: UUID, principal: ReaderDep, connection: ReadDep) -> ProgramSummary:
    require_scope(principal, program_id)
    return summary.get_program(connection, program_id)


def _visible(principal: ReaderDep, program_id: UUID, connection: ReadDep) -> None:
    require_scope(principal, program_id)
    summary.get_program(connection, program_id)  # 404 for an unknown program, not an empty list


@router.get("/programs/{program_id}/projects", response_model=Page[projects.ProjectView])
def list_program_projects(program_id: UUID, principal: ReaderDep, connection: ReadDep,
                          limit: Limit = DEFAULT_LIMIT,
                          cursor: Cursor = None) -> Page[projects.ProjectView]:
    _visible(principal, program_id, connection)
    return projects.list_projects(connection, program_id, limit, cursor)


@router.get("/programs/{program_id}/dependencies",
            response_model=Page[dependencies.DependencyView])
def list_program_dependencies(program_id: UUID, principal: ReaderDep, connection: ReadDep,
                              limit: Limit = DEFAULT_LIMIT,
                              cursor: Cursor = None) -> Page[dependencies.DependencyView]:
    _visible(principal, program_id, connection)
    return dependencies.list_dependencies(connection, program_id, dependencies.today(),
                                          limit, cursor)


@router.get("/programs/{program_id}/resources", response_model=Page[resources.ResourceView])
def list_program_resources(program_id: UUID, principal: ReaderDep, connection: ReadDep,
                           limit: Limit = DEFAULT_LIMIT,
                           cursor: Cursor = None) -> Page[resources.ResourceView]:
    _visible(principal, program_id, connection)
    return resources.list_resources(connection, program_id, limit, cursor)


@router.get("/programs/{program_id}/benefits", response_model=Page[benefits.BenefitView])
def list_program_benefits(program_id: UUID, principal: ReaderDep, connection: ReadDep,
                          limit: Limit = DEFAULT_LIMIT,
                          cursor: Cursor = None) -> Page[benefits.BenefitView]:
    _visible(principal, program_id, connection)
    return benefits.list_benefits(connection, program_id, limit, cursor)


@router.get("/programs/{program_id}/risks", response_model=Page[risks.RiskView])
def list_program_risks(program_id: UUID, principal: ReaderDep, connection: ReadDep,
                       limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> Page[risks.RiskView]:
    _visible(principal, program_id, connection)
    return risks.list_risks(connection, program_id, limit, cursor)


@router.get("/programs/{program_id}/risks/heat-map", response_model=list[risks.HeatCell])
def get_program_risk_heat_map(program_id: UUID, principal: ReaderDep,
                              connection: ReadDep) -> list[risks.HeatCell]:
    """Counts of open and materialised risks per likelihood × impact."""
    _visible(principal, program_id, connection)
    return risks.heat_map(connection, program_id)


@router.get("/programs/{program_id}/decisions", response_model=Page[decisions.DecisionView])
def list_program_decisions(
    program_id: UUID, principal: ReaderDep, connection: ReadDep,
    affects: Annotated[UUID | None, Query(description="Only decisions affecting this id.")]
    = None,
    taken_from: Annotated[IsoDatetime | None, Query(alias="from")] = None,
    taken_to: Annotated[IsoDatetime | None, Query(alias="to")] = None,
    q: Annotated[str | None, Query(max_length=200, pattern=LINE,
                                   description="Words to look for.")] = None,
    limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None,
) -> Page[decisions.DecisionView]:
    _visible(principal, program_id, connection)
    return decisions.list_decisions(connection, program_id, affects=affects,
                                    taken_from=taken_from, taken_to=taken_to, text=q,
                                    limit=limit, cursor=cursor)
