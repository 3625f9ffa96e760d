"""Benefits: identify, profile, measure, correct, revise the target, change status, read."""

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
from ledger.application.commands.benefits import (
    ChangeBenefitStatus,
    Correct,
    CorrectMeasurement,
    IdentifyBenefit,
    Measure,
    MeasureBenefit,
    NewBenefit,
    ReviseBenefitTarget,
    ReviseTarget,
    SetBenefitProfile,
    SetProfile,
)
from ledger.projections import benefits as read_model
from ledger.projections.benefits import BenefitView

router = APIRouter(tags=["benefits"], responses=PROBLEM_RESPONSES)


@router.post("/programs/{program_id}/benefits", status_code=201, response_model=Accepted)
def identify_benefit(program_id: UUID, body: NewBenefit, command: CommandDep) -> JSONResponse:
    return command.run(IdentifyBenefit.addressed(body, program_id=program_id))


@router.post("/benefits/{benefit_id}/profile", status_code=201, response_model=Accepted)
def set_benefit_profile(benefit_id: UUID, body: SetProfile, command: CommandDep) -> JSONResponse:
    return command.run(SetBenefitProfile.addressed(body, benefit_id=benefit_id))


@router.post("/benefits/{benefit_id}/measurements", status_code=201, response_model=Accepted)
def measure_benefit(benefit_id: UUID, body: Measure, command: CommandDep) -> JSONResponse:
    """Record a measurement; back-dated ones are welcome (effective_at), future ones are not."""
    return command.run(MeasureBenefit.addressed(body, benefit_id=benefit_id))


@router.post("/benefits/{benefit_id}/measurements/{measurement_id}/corrections",
             status_code=201, response_model=Accepted)
def correct_measurement(benefit_id: UUID, measurement_id: UUID, body: Correct,
                        command: CommandDep) -> JSONResponse:
    """Correct a measurement: a new event; the original value stays in the log."""
    return command.run(CorrectMeasurement.addressed(body, benefit_id=benefit_id,
                                                    measurement_id=measurement_id))


@router.post("/benefits/{benefit_id}/target-revisions", status_code=201,
             response_model=Accepted)
def revise_benefit_target(benefit_id: UUID, body: ReviseTarget,
                          command: CommandDep) -> JSONResponse:
    """Needs a decision that lists this benefit as affected."""
    return command.run(ReviseBenefitTarget.addressed(body, benefit_id=benefit_id))


@router.post("/benefits/{benefit_id}/status", status_code=201, response_model=Accepted)
def change_benefit_status(benefit_id: UUID, body: ChangeStatus,
                          command: CommandDep) -> JSONResponse:
    return command.run(ChangeBenefitStatus.addressed(body, benefit_id=benefit_id))


@router.get("/benefits/{benefit_id}", response_model=BenefitView)
def get_benefit(benefit_id: UUID, principal: ReaderDep, connection: ReadDep) -> BenefitView:
    """The profile, the measurement series (corrections applied, originals kept) and drift."""
    view = visible(principal, lambda: read_model.get_benefit(connection, benefit_id))
    return view
