"""Benefits: identify, profile, measure, correct, revise the target, change status, read."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ledger.access.authorization import visible
from ledger.api.commands import CommandDep
from ledger.api.deps import ReadDep, ReaderDep
from ledger.api.problems import PROBLEM_RESPONSES
from ledger.api.schemas.benefits import Correct, IdentifyBenefit, Measure, ReviseTarget, SetProfile
from ledger.api.schemas.commands import Accepted, ChangeStatus
from ledger.projections.benefits import BenefitView, get_benefit

router = APIRouter(tags=["benefits"], responses=PROBLEM_RESPONSES)


@router.post("/programs/{program_id}/benefits", status_code=201, response_model=Accepted)
def identify(program_id: UUID, body: IdentifyBenefit, command: CommandDep) -> JSONResponse:
    return command.create(program_id, lambda by: (
        command.services.ledger.identify_benefit(program_id, **body.model_dump(), by=by)))


@router.post("/benefits/{benefit_id}/profile", status_code=201, response_model=Accepted)
def set_profile(benefit_id: UUID, body: SetProfile, command: CommandDep) -> JSONResponse:
    return command.for_component(benefit_id, lambda by, if_match: (
        command.services.ledger.set_benefit_profile(
            benefit_id, **body.model_dump(), by=by, if_match=if_match)))


@router.post("/benefits/{benefit_id}/measurements", status_code=201, response_model=Accepted)
def measure(benefit_id: UUID, body: Measure, command: CommandDep) -> JSONResponse:
    """Record a measurement; back-dated ones are welcome (effective_at), future ones are not."""
    return command.for_component(benefit_id, lambda by, if_match: (
        command.services.ledger.measure_benefit(
            benefit_id, **body.model_dump(), by=by, if_match=if_match)))


@router.post("/benefits/{benefit_id}/measurements/{measurement_id}/corrections",
             status_code=201, response_model=Accepted)
def correct(benefit_id: UUID, measurement_id: UUID, body: Correct,
            command: CommandDep) -> JSONResponse:
    """Correct a measurement: a new event; the original value stays in the log."""
    return command.for_component(benefit_id, lambda by, if_match: (
        command.services.ledger.correct_measurement(
            benefit_id, measurement_id, **body.model_dump(), by=by, if_match=if_match)))


@router.post("/benefits/{benefit_id}/target-revisions", status_code=201,
             response_model=Accepted)
def revise_target(benefit_id: UUID, body: ReviseTarget, command: CommandDep) -> JSONResponse:
    """Needs a decision that lists this benefit as affected."""
    return command.for_component(benefit_id, lambda by, if_match: (
        command.services.ledger.revise_benefit_target(
            benefit_id, **body.model_dump(), by=by, if_match=if_match)))


@router.post("/benefits/{benefit_id}/status", status_code=201, response_model=Accepted)
def change_status(benefit_id: UUID, body: ChangeStatus, command: CommandDep) -> JSONResponse:
    return command.for_component(benefit_id, lambda by, if_match: (
        command.services.ledger.change_benefit_status(
            benefit_id, status=body.status, reason=body.reason,
            effective_at=body.effective_at, by=by, if_match=if_match)))


@router.get("/benefits/{benefit_id}", response_model=BenefitView)
def benefit(benefit_id: UUID, principal: ReaderDep, connection: ReadDep) -> BenefitView:
    """The profile, the measurement series (corrections applied, originals kept) and drift."""
    view = visible(principal, lambda: get_benefit(connection, benefit_id))
    return view
