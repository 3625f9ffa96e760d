"""Risks: raise, assess, plan a response, record that it materialised, close, read."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ledger.access.authorization import visible
from ledger.api.commands import CommandDep
from ledger.api.deps import ReadDep, ReaderDep
from ledger.api.problems import PROBLEM_RESPONSES
from ledger.api.schemas.commands import Accepted
from ledger.application.commands.risks import (
    Assessment,
    AssessRisk,
    CloseRisk,
    Closure,
    Materialize,
    NewRisk,
    PlanResponse,
    PlanRiskResponse,
    RaiseRisk,
    RecordRiskMaterialized,
)
from ledger.projections import risks as read_model
from ledger.projections.risks import RiskView

router = APIRouter(tags=["risks"], responses=PROBLEM_RESPONSES)


@router.post("/programs/{program_id}/risks", status_code=201, response_model=Accepted)
def raise_risk(program_id: UUID, body: NewRisk, command: CommandDep) -> JSONResponse:
    return command.run(RaiseRisk.addressed(body, program_id=program_id))


@router.post("/risks/{risk_id}/assessments", status_code=201, response_model=Accepted)
def assess_risk(risk_id: UUID, body: Assessment, command: CommandDep) -> JSONResponse:
    return command.run(AssessRisk.addressed(body, risk_id=risk_id))


@router.post("/risks/{risk_id}/responses", status_code=201, response_model=Accepted)
def plan_risk_response(risk_id: UUID, body: PlanResponse, command: CommandDep) -> JSONResponse:
    return command.run(PlanRiskResponse.addressed(body, risk_id=risk_id))


@router.post("/risks/{risk_id}/materialized", status_code=201, response_model=Accepted)
def record_risk_materialized(risk_id: UUID, body: Materialize, command: CommandDep) -> JSONResponse:
    return command.run(RecordRiskMaterialized.addressed(body, risk_id=risk_id))


@router.post("/risks/{risk_id}/close", status_code=201, response_model=Accepted)
def close_risk(risk_id: UUID, body: Closure, command: CommandDep) -> JSONResponse:
    return command.run(CloseRisk.addressed(body, risk_id=risk_id))


@router.get("/risks/{risk_id}", response_model=RiskView)
def get_risk(risk_id: UUID, principal: ReaderDep, connection: ReadDep) -> RiskView:
    """Current exposure and every assessment."""
    view = visible(principal, lambda: read_model.get_risk(connection, risk_id))
    return view
