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
from ledger.api.schemas.risks import AssessRisk, CloseRisk, Materialize, PlanResponse, RaiseRisk
from ledger.projections.risks import RiskView, get_risk

router = APIRouter(tags=["risks"], responses=PROBLEM_RESPONSES)


@router.post("/programs/{program_id}/risks", status_code=201, response_model=Accepted)
def raise_risk(program_id: UUID, body: RaiseRisk, command: CommandDep) -> JSONResponse:
    return command.create(program_id, lambda by: (
        command.services.ledger.raise_risk(program_id, **body.model_dump(), by=by)))


@router.post("/risks/{risk_id}/assessments", status_code=201, response_model=Accepted)
def assess(risk_id: UUID, body: AssessRisk, command: CommandDep) -> JSONResponse:
    return command.for_component(risk_id, lambda by, if_match: (
        command.services.ledger.assess_risk(risk_id, **body.model_dump(), by=by,
                                            if_match=if_match)))


@router.post("/risks/{risk_id}/responses", status_code=201, response_model=Accepted)
def plan_response(risk_id: UUID, body: PlanResponse, command: CommandDep) -> JSONResponse:
    return command.for_component(risk_id, lambda by, if_match: (
        command.services.ledger.plan_risk_response(risk_id, **body.model_dump(), by=by,
                                                   if_match=if_match)))


@router.post("/risks/{risk_id}/materialized", status_code=201, response_model=Accepted)
def materialized(risk_id: UUID, body: Materialize, command: CommandDep) -> JSONResponse:
    return command.for_component(risk_id, lambda by, if_match: (
        command.services.ledger.record_risk_materialized(risk_id, **body.model_dump(), by=by,
                                                         if_match=if_match)))


@router.post("/risks/{risk_id}/close", status_code=201, response_model=Accepted)
def close(risk_id: UUID, body: CloseRisk, command: CommandDep) -> JSONResponse:
    return command.for_component(risk_id, lambda by, if_match: (
        command.services.ledger.close_risk(risk_id, **body.model_dump(), by=by,
                                           if_match=if_match)))


@router.get("/risks/{risk_id}", response_model=RiskView)
def risk(risk_id: UUID, principal: ReaderDep, connection: ReadDep) -> RiskView:
    """Current exposure and every assessment."""
    view = visible(principal, lambda: get_risk(connection, risk_id))
    return view
