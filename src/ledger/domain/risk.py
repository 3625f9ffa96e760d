"""Risk: the R of RAID, assessed over time, responded to, possibly materialising as an issue."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Self
from uuid import UUID

from ledger.domain.base import LedgerAggregate, Provenance, require_choice, require_text
from ledger.domain.errors import InvalidInput, InvariantViolated

STRATEGIES = frozenset({"avoid", "reduce", "transfer", "share", "accept"})


def require_score(field: str, score: int) -> int:
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidInput(field, "must be a whole number from 1 to 5")
    return score


class Risk(LedgerAggregate):
    """An uncertain event that would affect the program's objectives if it occurred."""

    class RiskRaised(LedgerAggregate.Created):
        program_id: UUID
        title: str
        description: str
        category: str
        likelihood: int
        impact: int
        owner: str
        affected_project_ids: list[UUID]
        proximity: str

    class RiskAssessed(LedgerAggregate.Event):
        likelihood: int
        impact: int
        rationale: str

        def apply(self, risk: Any) -> None:
            risk.likelihood = self.likelihood
            risk.impact = self.impact

    class RiskResponsePlanned(LedgerAggregate.Event):
        strategy: str
        actions: list[str]

        def apply(self, risk: Any) -> None:
            risk.response = self.strategy

    class RiskMaterialized(LedgerAggregate.Event):
        description: str
        impact_description: str

        def apply(self, risk: Any) -> None:
            risk.status = "materialized"

    class RiskClosed(LedgerAggregate.Event):
        def apply(self, risk: Any) -> None:
            risk.status = "closed"

    def __init__(self, program_id: UUID, title: str, likelihood: int, impact: int) -> None:
        self.program_id = program_id
        self.title = title
        self.likelihood = likelihood
        self.impact = impact
        self.status = "open"
        self.response: str | None = None

    @classmethod
    def raise_risk(
        cls,
        *,
        program_id: UUID,
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
    ) -> Self:
        return cls._start(
            cls.RiskRaised,
            by,
            effective_at=effective_at,
            program_id=program_id,
            title=require_text("title", title),
            description=description.strip(),
            category=require_text("category", category),
            likelihood=require_score("likelihood", likelihood),
            impact=require_score("impact", impact),
            owner=require_text("owner", owner),
            affected_project_ids=list(dict.fromkeys(affected_project_ids)),
            proximity=proximity.strip(),
        )

    @property
    def exposure(self) -> int:
        return self.likelihood * self.impact

    def _require_not_closed(self) -> None:
        if self.status == "closed":
            raise InvariantViolated(f"risk '{self.title}' is closed", rule="risk_closed")

    def assess(
        self, likelihood: int, impact: int, rationale: str, by: Provenance,
        effective_at: datetime | None = None,
    ) -> None:
        self._require_not_closed()
        self._record(
            self.RiskAssessed,
            by,
            reason=rationale,
            effective_at=effective_at,
            likelihood=require_score("likelihood", likelihood),
            impact=require_score("impact", impact),
            rationale=require_text("rationale", rationale),
        )

    def plan_response(
        self, strategy: str, actions: list[str], by: Provenance, reason: str | None = None,
        effective_at: datetime | None = None,
    ) -> None:
        self._require_not_closed()
        if not [a for a in actions if a.strip()]:
            raise InvalidInput("actions", "list at least one action")
        self._record(
            self.RiskResponsePlanned,
            by,
            reason=reason,
            effective_at=effective_at,
            strategy=require_choice("strategy", strategy, STRATEGIES),
            actions=[a.strip() for a in actions if a.strip()],
        )

    def materialize(
        self, description: str, impact: str, by: Provenance, reason: str | None = None,
        effective_at: datetime | None = None,
    ) -> None:
        if self.status != "open":
            raise InvariantViolated(
                f"risk '{self.title}' is {self.status}; only an open risk can materialise",
                rule="risk_not_open",
            )
        self._record(
            self.RiskMaterialized,
            by,
            reason=reason,
            effective_at=effective_at,
            description=require_text("description", description),
            impact_description=require_text("impact", impact),
        )

    def close(self, by: Provenance, reason: str, effective_at: datetime | None = None) -> None:
        self._require_not_closed()
        self._record(
            self.RiskClosed, by, reason=require_text("reason", reason), effective_at=effective_at
        )
