"""Commands on decisions: record one, supersede it, review its outcome."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from ledger.application.commands.base import (
    BENEFIT_ID,
    PROJECT_ID,
    Command,
    InProgram,
    ToDecision,
    example,
)
from ledger.application.commands.fields import (
    MAX_IDS,
    Code,
    Days,
    EffectiveAt,
    Evidence,
    Ids,
    Number,
    ShortText,
    Text,
)
from ledger.application.commands.times import IsoDate


class ExpectedImpact(Command):
    model_config = example(
        cost=-80000, schedule_days=0, benefits={BENEFIT_ID: -2})

    cost: Number = 0.0
    schedule_days: Days = 0
    benefits: Annotated[dict[UUID, Number], Field(max_length=MAX_IDS)] = {}


class OptionIn(Command):
    model_config = example(
        key="defer", summary="Defer the warehouse module", pros=["Go-live kept"],
        cons=["Manual stock counts for six months"],
        expected_impact={"cost": -80000, "schedule_days": 0, "benefits": {BENEFIT_ID: -2}})

    key: Code
    summary: ShortText
    pros: Annotated[list[ShortText], Field(max_length=MAX_IDS)] = []
    cons: Annotated[list[ShortText], Field(max_length=MAX_IDS)] = []
    expected_impact: ExpectedImpact = ExpectedImpact()


class Affects(Command):
    model_config = example(
        project_ids=[PROJECT_ID], benefit_ids=[BENEFIT_ID])

    project_ids: Ids = []
    benefit_ids: Ids = []
    risk_ids: Ids = []
    dependency_ids: Ids = []
    resource_ids: Ids = []

    def by_kind(self) -> dict[str, list[UUID]]:
        return {"project": self.project_ids, "benefit": self.benefit_ids,
                "risk": self.risk_ids, "dependency": self.dependency_ids,
                "resource": self.resource_ids}


class NewDecision(Command):
    model_config = example(
        title="Defer the warehouse module", question="Keep the go-live or the scope?",
        forum="Steering committee", authority="Program sponsor",
        options=[{"key": "defer", "summary": "Defer the warehouse module"},
                 {"key": "keep", "summary": "Keep it and slip go-live",
                  "expected_impact": {"schedule_days": 90}}],
        chosen_option="defer", rationale="The go-live date carries the savings",
        tradeoffs="Six months of manual stock counts", evidence=["position:1207"],
        affects={"project_ids": [PROJECT_ID], "benefit_ids": [BENEFIT_ID]},
        effective_at="2026-01-12T10:00:00Z", review_by="2026-07-01")

    title: ShortText
    question: Text
    forum: ShortText
    authority: ShortText
    options: Annotated[list[OptionIn], Field(min_length=1, max_length=MAX_IDS)]
    chosen_option: Code
    rationale: Text
    tradeoffs: Text
    evidence: Evidence = []
    affects: Affects = Affects()
    effective_at: EffectiveAt = None
    review_by: IsoDate | None = None


class Supersede(Command):
    model_config = example(
        by_decision_id="8ad23b95-446b-4c3e-9b31-a352152bcb2c",
        reason="Warehouse brought back after the vendor fix")

    by_decision_id: UUID
    reason: Text
    effective_at: EffectiveAt = None


class ReviewOutcome(Command):
    model_config = example(
        verdict="as_expected", summary="Go-live held; cycle time at 35 days",
        evidence=["position:2311"])

    verdict: Literal["as_expected", "better", "worse", "inconclusive"]
    summary: Text
    evidence: Evidence = []
    effective_at: EffectiveAt = None


class RecordDecision(NewDecision, InProgram):
    """Record a governance decision with its options, the choice and what was given up."""


class SupersedeDecision(Supersede, ToDecision):
    """Replace the decision by a later one of the same program."""


class ReviewDecisionOutcome(ReviewOutcome, ToDecision):
    """Say whether the decision delivered what was expected."""
