"""Handlers of the benefit commands: identify, profile, measure, correct, revise, status."""

from __future__ import annotations

from ledger.application.commands.benefits import (
    ChangeBenefitStatus,
    CorrectMeasurement,
    IdentifyBenefit,
    MeasureBenefit,
    ReviseBenefitTarget,
    SetBenefitProfile,
)
from ledger.application.handling import Context, handles
from ledger.domain.benefit import Benefit
from ledger.domain.decision import Decision
from ledger.domain.program import Program


@handles(IdentifyBenefit)
def identify_benefit(command: IdentifyBenefit, program: Program, context: Context) -> Benefit:
    return Benefit.identify(
        program_id=program.id, name=command.name, description=command.description,
        kpi=command.kpi, unit=command.unit, direction=command.direction, owner=command.owner,
        dis_benefit=command.dis_benefit, by=context.by, effective_at=command.effective_at,
    )


@handles(SetBenefitProfile)
def set_profile(command: SetBenefitProfile, benefit: Benefit, context: Context) -> None:
    for project_id in command.contributing_project_ids:
        context.program.require_component("project", project_id, "contributing_project_ids")
    benefit.set_profile(
        baseline_value=command.baseline_value, baseline_date=command.baseline_date,
        target_value=command.target_value, target_date=command.target_date,
        contributing_project_ids=command.contributing_project_ids,
        measurement_method=command.measurement_method, by=context.by, reason=command.reason,
        effective_at=command.effective_at,
    )


@handles(MeasureBenefit)
def measure(command: MeasureBenefit, benefit: Benefit, context: Context) -> None:
    benefit.measure(measurement_id=command.measurement_id, value=command.value,
                    source=command.source, note=command.note, by=context.by,
                    effective_at=command.effective_at)


@handles(CorrectMeasurement)
def correct_measurement(command: CorrectMeasurement, benefit: Benefit, context: Context) -> None:
    benefit.correct_measurement(command.measurement_id, command.value, context.by,
                                command.reason)


@handles(ReviseBenefitTarget)
def revise_target(command: ReviseBenefitTarget, benefit: Benefit, context: Context) -> None:
    decision = context.ledger.load(command.decision_id, Decision)
    benefit.revise_target(target_value=command.target_value, target_date=command.target_date,
                          decision=decision, by=context.by, reason=command.reason,
                          effective_at=command.effective_at)


@handles(ChangeBenefitStatus)
def change_status(command: ChangeBenefitStatus, benefit: Benefit, context: Context) -> None:
    benefit.change_status(command.status, context.by, command.reason, command.effective_at)
