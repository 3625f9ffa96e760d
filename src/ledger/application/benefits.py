"""Commands on benefits: identify, profile, measure, correct, revise the target, change status."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID, uuid4

from ledger.application.service import CommandResult, LedgerService
from ledger.domain.base import LedgerAggregate, Provenance
from ledger.domain.benefit import Benefit
from ledger.domain.errors import InvalidInput


class BenefitCommands(LedgerService):
    def identify_benefit(
        self,
        program_id: UUID,
        *,
        name: str,
        description: str,
        kpi: str,
        unit: str,
        direction: str,
        owner: str,
        dis_benefit: bool,
        by: Provenance,
        effective_at: datetime | None = None,
    ) -> CommandResult:
        def command() -> list[LedgerAggregate]:
            program = self.open_program(program_id)
            benefit = Benefit.identify(
                program_id=program.id, name=name, description=description, kpi=kpi, unit=unit,
                direction=direction, owner=owner, dis_benefit=dis_benefit, by=by,
                effective_at=effective_at,
            )
            program.register_component("benefit", benefit, by)
            return [benefit, program]

        return self.run(command)

    def set_benefit_profile(
        self,
        benefit_id: UUID,
        *,
        baseline_value: float,
        baseline_date: date,
        target_value: float,
        target_date: date,
        contributing_project_ids: list[UUID],
        measurement_method: str,
        by: Provenance,
        reason: str | None = None,
        if_match: int | None = None,
        effective_at: datetime | None = None,
    ) -> CommandResult:
        def command() -> list[Benefit]:
            benefit = self.load(benefit_id, Benefit, if_match)
            program = self.open_program(benefit.program_id)
            for project_id in contributing_project_ids:
                program.require_component("project", project_id, "contributing_project_ids")
            benefit.set_profile(
                baseline_value=baseline_value, baseline_date=baseline_date,
                target_value=target_value, target_date=target_date,
                contributing_project_ids=contributing_project_ids,
                measurement_method=measurement_method, by=by, reason=reason,
                effective_at=effective_at,
            )
            return [benefit]

        return self.run(command)

    def measure_benefit(
        self,
        benefit_id: UUID,
        *,
        value: float,
        source: str,
        by: Provenance,
        note: str = "",
        effective_at: datetime | None = None,
        if_match: int | None = None,
    ) -> CommandResult:
        measurement_id = uuid4()

        def command() -> list[Benefit]:
            benefit = self.load(benefit_id, Benefit, if_match)
            self.open_program(benefit.program_id)
            benefit.measure(measurement_id=measurement_id, value=value, source=source, note=note,
                            by=by, effective_at=effective_at)
            return [benefit]

        return self.run(command, extra={"measurement_id": str(measurement_id)})

    def correct_measurement(
        self,
        benefit_id: UUID,
        measurement_id: UUID,
        *,
        value: float,
        reason: str,
        by: Provenance,
        if_match: int | None = None,
    ) -> CommandResult:
        def command() -> list[Benefit]:
            benefit = self.load(benefit_id, Benefit, if_match)
            self.open_program(benefit.program_id)
            benefit.correct_measurement(measurement_id, value, by, reason)
            return [benefit]

        return self.run(command)

    def revise_benefit_target(
        self,
        benefit_id: UUID,
        *,
        reason: str,
        decision_id: UUID,
        by: Provenance,
        target_value: float | None = None,
        target_date: date | None = None,
        if_match: int | None = None,
        effective_at: datetime | None = None,
    ) -> CommandResult:
        def command() -> list[Benefit]:
            benefit = self.load(benefit_id, Benefit, if_match)
            self.open_program(benefit.program_id)
            decision = self.cited_decision(decision_id)
            if decision is None:
                raise InvalidInput("decision_id", "a target revision must cite a decision")
            benefit.revise_target(target_value=target_value, target_date=target_date,
                                  decision=decision, by=by, reason=reason,
                                  effective_at=effective_at)
            return [benefit]

        return self.run(command)

    def change_benefit_status(
        self,
        benefit_id: UUID,
        *,
        status: str,
        reason: str,
        by: Provenance,
        if_match: int | None = None,
        effective_at: datetime | None = None,
    ) -> CommandResult:
        def command() -> list[Benefit]:
            benefit = self.load(benefit_id, Benefit, if_match)
            self.open_program(benefit.program_id)
            benefit.change_status(status, by, reason, effective_at)
            return [benefit]

        return self.run(command)
