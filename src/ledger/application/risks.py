"""Commands on risks: raise, assess, plan a response, record that it materialised, close."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ledger.application.service import CommandResult, LedgerService
from ledger.domain.base import LedgerAggregate, Provenance
from ledger.domain.risk import Risk


class RiskCommands(LedgerService):
    def raise_risk(
        self,
        program_id: UUID,
        *,
        title: str,
        description: str,
        category: str,
        likelihood: int,
        impact: int,
        owner: str,
        affected_project_ids: list[UUID],
        proximity: str,
        by: Provenance,
        effective_at: datetime | None = None,
    ) -> CommandResult:
        def command() -> list[LedgerAggregate]:
            program = self.open_program(program_id)
            for project_id in affected_project_ids:
                program.require_component("project", project_id, "affected_project_ids")
            risk = Risk.raise_risk(
                program_id=program.id, title=title, description=description, category=category,
                likelihood=likelihood, impact=impact, owner=owner,
                affected_project_ids=affected_project_ids, proximity=proximity, by=by,
                effective_at=effective_at,
            )
            program.register_component("risk", risk, by)
            return [risk, program]

        return self.run(command)

    def assess_risk(
        self,
        risk_id: UUID,
        *,
        likelihood: int,
        impact: int,
        rationale: str,
        by: Provenance,
        if_match: int | None = None,
        effective_at: datetime | None = None,
    ) -> CommandResult:
        def command() -> list[Risk]:
            risk = self.load(risk_id, Risk, if_match)
            self.open_program(risk.program_id)
            risk.assess(likelihood, impact, rationale, by, effective_at)
            return [risk]

        return self.run(command)

    def plan_risk_response(
        self,
        risk_id: UUID,
        *,
        strategy: str,
        actions: list[str],
        by: Provenance,
        reason: str | None = None,
        if_match: int | None = None,
        effective_at: datetime | None = None,
    ) -> CommandResult:
        def command() -> list[Risk]:
            risk = self.load(risk_id, Risk, if_match)
            self.open_program(risk.program_id)
            risk.plan_response(strategy, actions, by, reason, effective_at)
            return [risk]

        return self.run(command)

    def record_risk_materialized(
        self,
        risk_id: UUID,
        *,
        description: str,
        impact: str,
        by: Provenance,
        reason: str | None = None,
        if_match: int | None = None,
        effective_at: datetime | None = None,
    ) -> CommandResult:
        def command() -> list[Risk]:
            risk = self.load(risk_id, Risk, if_match)
            self.open_program(risk.program_id)
            risk.materialize(description, impact, by, reason, effective_at)
            return [risk]

        return self.run(command)

    def close_risk(
        self,
        risk_id: UUID,
        *,
        reason: str,
        by: Provenance,
        if_match: int | None = None,
        effective_at: datetime | None = None,
    ) -> CommandResult:
        def command() -> list[Risk]:
            risk = self.load(risk_id, Risk, if_match)
            self.open_program(risk.program_id)
            risk.close(by, reason, effective_at)
            return [risk]

        return self.run(command)
