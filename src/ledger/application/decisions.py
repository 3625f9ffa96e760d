"""Commands on decisions: record one, supersede it, review its outcome."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from ledger.application.service import CommandResult, LedgerService
from ledger.domain.base import LedgerAggregate, Provenance
from ledger.domain.decision import AFFECTED_KINDS, Decision, decision_option
from ledger.domain.errors import InvalidInput


class DecisionCommands(LedgerService):
    def record_decision(
        self,
        program_id: UUID,
        *,
        title: str,
        question: str,
        forum: str,
        authority: str,
        options: list[dict[str, Any]],
        chosen_option: str,
        rationale: str,
        tradeoffs: str,
        by: Provenance,
        evidence: list[str] | None = None,
        affects: dict[str, list[UUID]] | None = None,
        review_by: date | None = None,
        effective_at: datetime | None = None,
    ) -> CommandResult:
        """``options`` items take decision_option()'s keywords; ``affects`` maps kind → ids."""
        affects = affects or {}

        def command() -> list[LedgerAggregate]:
            program = self.open_program(program_id)
            for kind in AFFECTED_KINDS:
                for entity_id in affects.get(kind, []):
                    program.require_component(kind, entity_id, f"affects.{kind}_ids")
            normalised = [decision_option(**o) for o in options]
            for option in normalised:
                for benefit_id in option["expected_impact"]["benefits"]:
                    program.require_component(
                        "benefit", _as_uuid(benefit_id), "options.expected_impact.benefits"
                    )
            decision = Decision.record(
                program_id=program.id, title=title, question=question, forum=forum,
                authority=authority, options=normalised,
                chosen_option=chosen_option, rationale=rationale, tradeoffs=tradeoffs,
                evidence=evidence or [], affects=affects, review_by=review_by, by=by,
                effective_at=effective_at,
            )
            program.register_component("decision", decision, by)
            return [decision, program]

        return self.run(command)

    def supersede_decision(
        self,
        decision_id: UUID,
        *,
        by_decision_id: UUID,
        reason: str,
        by: Provenance,
        if_match: int | None = None,
        effective_at: datetime | None = None,
    ) -> CommandResult:
        def command() -> list[Decision]:
            decision = self.load(decision_id, Decision, if_match)
            program = self.open_program(decision.program_id)
            program.require_component("decision", by_decision_id, "by_decision_id")
            decision.supersede(self.load(by_decision_id, Decision), by, reason, effective_at)
            return [decision]

        return self.run(command)

    def review_decision_outcome(
        self,
        decision_id: UUID,
        *,
        verdict: str,
        summary: str,
        by: Provenance,
        evidence: list[str] | None = None,
        if_match: int | None = None,
        effective_at: datetime | None = None,
    ) -> CommandResult:
        def command() -> list[Decision]:
            decision = self.load(decision_id, Decision, if_match)
            self.open_program(decision.program_id)
            decision.review_outcome(verdict, summary, evidence or [], by, effective_at)
            return [decision]

        return self.run(command)


def _as_uuid(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise InvalidInput(
            "options.expected_impact.benefits", f"'{value}' is not a benefit id"
        ) from None
