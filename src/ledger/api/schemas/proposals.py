"""Response bodies of proposals: the proposal as recorded, and what deciding it recorded."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from ledger.application.replay import aggregate_state
from ledger.application.simulation.proposals import Decided
from ledger.domain.proposal import Proposal


class ProposalOut(BaseModel):
    id: UUID
    version: int
    status: str = Field(description="open, decided or withdrawn")
    program_id: UUID
    title: str
    question: str
    forum: str
    authority: str
    options: list[dict[str, Any]] = Field(description=(
        "Each option as a decision records it, with `commands`: what choosing it records."))
    affects: dict[str, list[UUID]]
    review_by: str | None
    proposed_at: str
    decision_id: UUID | None
    chosen_option: str | None

    @classmethod
    def of(cls, proposal: Proposal) -> ProposalOut:
        state = aggregate_state(proposal)
        return cls(id=proposal.id, version=proposal.version, **{
            k: v for k, v in state["state"].items() if k in cls.model_fields})


class DecidedOut(BaseModel):
    decision_id: UUID
    proposal_id: UUID
    position: int = Field(description="The position of the decision's transaction's last "
                                      "event: wait for it with min_position.")
    recorded: int = Field(description="Commands recorded: the decision, the option's "
                                      "commands and the mark on the proposal.")
    prediction: dict[str, Any] = Field(description=(
        "Kept inside the decision: the option's simulated figures (lines of section, id, "
        "figure, before, after, delta) and the position they were computed at."))

    @classmethod
    def of(cls, proposal_id: UUID, decided: Decided) -> DecidedOut:
        return cls(decision_id=decided.decision_id, proposal_id=proposal_id,
                   position=decided.position, recorded=len(decided.results),
                   prediction=decided.prediction)
