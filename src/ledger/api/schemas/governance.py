"""Response bodies of decision reviews and program reports."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel

from ledger.application.replay import aggregate_state
from ledger.application.reports import BenefitRealization, DecisionOutcome, StatusJump
from ledger.application.reviews import BenefitOutcome, DecisionReview, ProjectHealth, RiskChange
from ledger.projections.encoding import plain


class DecisionRef(BaseModel):
    id: UUID
    title: str
    taken_at: datetime


class DecisionReviewOut(BaseModel):
    """What was decided, what the program looked like then, and what happened since."""

    decision: dict[str, Any]
    recorded_position: int
    program_then: dict[str, Any]
    benefits: list[BenefitOutcome]
    projects: list[ProjectHealth]
    risks: list[RiskChange]
    outcome_reviews: list[dict[str, Any]]
    superseded_by_chain: list[DecisionRef]

    @classmethod
    def of(cls, review: DecisionReview) -> DecisionReviewOut:
        decision = aggregate_state(review.decision)
        return cls(
            decision={"id": decision["id"], "version": decision["version"],
                      **decision["state"]},
            recorded_position=review.recorded_position,
            program_then=review.program_then.to_plain(), benefits=review.benefits,
            projects=review.projects, risks=review.risks,
            outcome_reviews=plain(review.decision.outcome_reviews),
            superseded_by_chain=[DecisionRef(id=d.id, title=d.title, taken_at=d.taken_at)
                                 for d in review.superseded_by_chain])


class DecisionOutcomeOut(BaseModel):
    decision: dict[str, Any]
    benefits: list[BenefitOutcome]

    @classmethod
    def of(cls, outcome: DecisionOutcome) -> DecisionOutcomeOut:
        state = aggregate_state(outcome.decision)
        return cls(decision={"id": state["id"], **state["state"]}, benefits=outcome.benefits)


__all__ = ["BenefitRealization", "DecisionOutcomeOut", "DecisionReviewOut", "StatusJump"]
