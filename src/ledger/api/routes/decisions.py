"""Decisions: record, supersede, review outcomes, read; the governance review and reports."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from ledger.access.authorization import component_program, visible
from ledger.api.commands import CommandDep
from ledger.api.deps import ReadDep, ReaderDep, ReplayDep, require_scope
from ledger.api.problems import PROBLEM_RESPONSES
from ledger.api.schemas.commands import Accepted
from ledger.api.schemas.governance import (
    BenefitRealization,
    DecisionOutcomeOut,
    DecisionReviewOut,
    StatusJump,
)
from ledger.application.commands.decisions import (
    NewDecision,
    RecordDecision,
    ReviewDecisionOutcome,
    ReviewOutcome,
    Supersede,
    SupersedeDecision,
)
from ledger.application.commands.times import IsoDatetime
from ledger.audit.citations import cite
from ledger.projections import decisions as read_model
from ledger.projections.decisions import DecisionView
from ledger.services import ServicesDep

router = APIRouter(tags=["decisions"], responses=PROBLEM_RESPONSES)
reports = APIRouter(tags=["reports"], responses=PROBLEM_RESPONSES)  # one tag per operation


@router.post("/programs/{program_id}/decisions", status_code=201, response_model=Accepted)
def record_decision(program_id: UUID, body: NewDecision, command: CommandDep) -> JSONResponse:
    """Record a governance decision with its options, the choice and what was given up."""
    return command.run(RecordDecision.addressed(body, program_id=program_id))


@router.post("/decisions/{decision_id}/supersede", status_code=201, response_model=Accepted)
def supersede_decision(decision_id: UUID, body: Supersede, command: CommandDep) -> JSONResponse:
    return command.run(SupersedeDecision.addressed(body, decision_id=decision_id))


@router.post("/decisions/{decision_id}/outcome-reviews", status_code=201,
             response_model=Accepted)
def review_decision_outcome(decision_id: UUID, body: ReviewOutcome,
                            command: CommandDep) -> JSONResponse:
    return command.run(ReviewDecisionOutcome.addressed(body, decision_id=decision_id))


@router.get("/decisions/{decision_id}", response_model=DecisionView)
def get_decision(decision_id: UUID, principal: ReaderDep, connection: ReadDep) -> DecisionView:
    view = visible(principal, lambda: read_model.get_decision(connection, decision_id))
    return view


@router.get("/decisions/{decision_id}/review", response_model=DecisionReviewOut)
def get_decision_review(decision_id: UUID, principal: ReaderDep,
                        services: ServicesDep) -> DecisionReviewOut:
    """The governance review, replayed from events: the program as known when the decision
    was recorded, cut at the day it was taken, and the affected entities then and now; and
    where the decision stands in the log: the checkpoint current when it was recorded (the
    one its event cites), and its inclusion proof in the latest witnessed checkpoint."""
    component_program(principal, services.ledger.program_of, decision_id)
    review = services.ledger.review_decision(decision_id)
    with services.query_engine.connect() as connection:
        citation = cite(connection, review.recorded_position,
                        review.decision.cited_checkpoint)
    return DecisionReviewOut.of(review, citation)


@reports.get("/programs/{program_id}/reports/benefits",
             response_model=list[BenefitRealization])
def get_benefits_report(program_id: UUID, principal: ReaderDep,
                        ledger: ReplayDep) -> list[BenefitRealization]:
    """Baseline, target, latest, realization, a linear forecast, and target drift."""
    require_scope(principal, program_id)
    return ledger.benefits_realization(program_id)


@reports.get("/programs/{program_id}/reports/decisions",
             response_model=list[DecisionOutcomeOut])
def get_decisions_report(
    program_id: UUID, principal: ReaderDep, ledger: ReplayDep,
    taken_from: Annotated[IsoDatetime | None, Query(alias="from")] = None,
    taken_to: Annotated[IsoDatetime | None, Query(alias="to")] = None,
) -> list[DecisionOutcomeOut]:
    """Decisions taken in the period, with the measured outcomes of the benefits affected."""
    require_scope(principal, program_id)
    return [DecisionOutcomeOut.of(o) for o in ledger.decisions_in_period(
        program_id, utc(taken_from), utc(taken_to))]


@reports.get("/programs/{program_id}/reports/watermelons",
             response_model=list[StatusJump])
def get_watermelons_report(
    program_id: UUID, principal: ReaderDep, ledger: ReplayDep,
    within_days: Annotated[int, Query(ge=0, le=3650)] = 30,
) -> list[StatusJump]:
    """Projects that went from green to red without amber, or within N days of green."""
    require_scope(principal, program_id)
    return ledger.watermelons(program_id, within_days)


def utc(moment: datetime | None) -> datetime | None:
    """Query times without a zone are read as UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
