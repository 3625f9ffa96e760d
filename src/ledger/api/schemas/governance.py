"""Response bodies of decision reviews and program reports."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from ledger.application.replay import aggregate_state
from ledger.application.reports import BenefitRealization, DecisionOutcome, StatusJump
from ledger.application.reviews import BenefitOutcome, DecisionReview, ProjectHealth, RiskChange
from ledger.application.simulation.predictions import PredictionCheck
from ledger.audit.citations import Citation
from ledger.audit.signing import Checkpoint
from ledger.projections.encoding import plain


class DecisionRef(BaseModel):
    id: UUID
    title: str
    taken_at: datetime


class CheckpointRef(BaseModel):
    id: int
    tree_size: int
    root: str = Field(description="Lower-case hex, as in the checkpoint")
    created_at: datetime


class DecisionInLog(BaseModel):
    """Where the decision's own event stands in the tamper-evident log."""

    checkpoint_then: CheckpointRef | None = Field(
        description="The checkpoint current when the decision was recorded: the one its "
                    "event cites (hash-chained with it), or, for a decision recorded before "
                    "events cited one, the latest signed at or before it")
    checkpoint_then_from: Literal["event", "audit_tables"] | None = Field(
        description="``event``: cited by the decision's own event (null ``checkpoint_then`` "
                    "then means the audit tables no longer hold it with that size and root); "
                    "``audit_tables``: derived from when checkpoints were signed")
    witnessed: CheckpointRef | None = Field(
        description="The latest witness-cosigned checkpoint that includes the decision")
    witnesses: list[str] = Field(description="Who cosigned ``witnessed``")
    leaf_index: int | None
    inclusion_path: list[str] = Field(
        description="RFC 6962 audit path (hex) from the event's leaf to ``witnessed.root``")

    @classmethod
    def of(cls, citation: Citation) -> DecisionInLog:
        proof = citation.witnessed
        return cls(checkpoint_then=_ref(citation.checkpoint_then),
                   checkpoint_then_from=citation.then_from,
                   witnessed=None if proof is None else _ref(proof.checkpoint),
                   witnesses=citation.witnesses,
                   leaf_index=None if proof is None else proof.leaf_index,
                   inclusion_path=[] if proof is None else [h.hex() for h in proof.path])


def _ref(checkpoint: Checkpoint | None) -> CheckpointRef | None:
    if checkpoint is None:
        return None
    return CheckpointRef(id=checkpoint.id, tree_size=checkpoint.tree_size,
                         root=checkpoint.root.hex(), created_at=checkpoint.created_at)


class PredictionLineOut(BaseModel):
    section: str
    id: str
    name: str | None
    figure: str | None
    baseline: Any = Field(description="The figure when the decision was simulated.")
    predicted: Any
    actual: Any = Field(description="The figure now, from the ledger.")
    miss: float | None = Field(description="actual - predicted, for numbers, in the "
                                           "figure's own units.")
    held: bool


class PredictionOut(BaseModel):
    """What a decision taken from a proposal was predicted to do, against what happened."""

    proposal_id: str
    option: str
    position: int = Field(description="The position the prediction was computed at.")
    computed_at: str
    lines: list[PredictionLineOut]
    error: dict[str, Any] = Field(description=(
        "figures (predicted), missed (not as predicted now) and "
        "mean_absolute_percentage_error over the numeric figures (null when none)."))

    @classmethod
    def of(cls, check: PredictionCheck | None) -> PredictionOut | None:
        if check is None:
            return None
        return cls(proposal_id=check.proposal_id, option=check.option,
                   position=check.position, computed_at=check.computed_at,
                   lines=[PredictionLineOut(**line) for line in check.lines],
                   error=check.error)


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
    log: DecisionInLog
    prediction: PredictionOut | None = Field(description=(
        "For a decision taken from a proposal: each figure its option was simulated to move, "
        "predicted against actual; null for a decision recorded directly."))

    @classmethod
    def of(cls, review: DecisionReview, citation: Citation) -> DecisionReviewOut:
        decision = aggregate_state(review.decision)
        return cls(
            decision={"id": decision["id"], "version": decision["version"],
                      **decision["state"]},
            recorded_position=review.recorded_position,
            program_then=review.program_then.to_plain(), benefits=review.benefits,
            projects=review.projects, risks=review.risks,
            outcome_reviews=plain(review.decision.outcome_reviews),
            superseded_by_chain=[DecisionRef(id=d.id, title=d.title, taken_at=d.taken_at)
                                 for d in review.superseded_by_chain],
            log=DecisionInLog.of(citation), prediction=PredictionOut.of(review.prediction))


class DecisionOutcomeOut(BaseModel):
    decision: dict[str, Any]
    benefits: list[BenefitOutcome]
    prediction_error: dict[str, Any] | None = Field(default=None, description=(
        "For a decision taken from a proposal: how many figures were predicted, how many "
        "missed, and the mean absolute percentage error."))

    @classmethod
    def of(cls, outcome: DecisionOutcome) -> DecisionOutcomeOut:
        state = aggregate_state(outcome.decision)
        return cls(decision={"id": state["id"], **state["state"]}, benefits=outcome.benefits,
                   prediction_error=outcome.prediction_error)


__all__ = ["BenefitRealization", "DecisionOutcomeOut", "DecisionReviewOut", "StatusJump"]
