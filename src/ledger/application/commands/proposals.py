"""Commands on proposals: propose a decision whose options carry commands, withdraw it; and,
recorded only by deciding it (``Proposals.decide``), the decision it became."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from pydantic import Field

from ledger.application.commands.base import PROJECT_ID, Command, InProgram, example
from ledger.application.commands.decisions import Affects, OptionIn, RecordDecision
from ledger.application.commands.fields import (
    MAX_IDS,
    Code,
    EffectiveAt,
    Evidence,
    Reason,
    ShortText,
    Text,
)
from ledger.application.commands.times import IsoDate
from ledger.domain.proposal import Proposal

MAX_OPTION_COMMANDS = 50
RESOURCE_ID = "3b241101-e2bb-4255-8caf-4136c566a962"


class ProposedOption(OptionIn):
    model_config = example(
        key="contractor", summary="Hire two contractors for the spring",
        pros=["Go-live kept"], cons=["EUR 60k"],
        commands=[{"type": "change_resource_capacity", "resource_id": RESOURCE_ID,
                   "capacity_per_month": "6", "reason": "Two contractors"}])

    commands: Annotated[list[dict[str, Any]], Field(
        max_length=MAX_OPTION_COMMANDS, description=(
            "What choosing this option records: ordinary commands as what-if takes them "
            "(`type`, target id, body). Commands that may cite a decision cite the one this "
            "proposal becomes; leave their decision_id out."))] = []


class NewProposal(Command):
    model_config = example(
        title="Spring capacity for the SAP team", question="Hire, or defer the warehouse?",
        forum="Steering committee", authority="Program sponsor",
        options=[{"key": "contractor", "summary": "Hire two contractors",
                  "commands": [{"type": "change_resource_capacity",
                                "resource_id": RESOURCE_ID, "capacity_per_month": "6",
                                "reason": "Two contractors"}]},
                 {"key": "defer", "summary": "Defer the warehouse module",
                  "commands": [{"type": "change_project_scope", "project_id": PROJECT_ID,
                                "defer": ["warehouse"], "rationale": "Fits the team"}]}],
        affects={"project_ids": [PROJECT_ID], "resource_ids": [RESOURCE_ID]},
        review_by="2026-09-30")

    title: ShortText
    question: Text
    forum: ShortText
    authority: ShortText
    options: Annotated[list[ProposedOption], Field(min_length=2, max_length=MAX_IDS)]
    affects: Affects = Affects()
    review_by: IsoDate | None = None
    reason: Reason = None
    effective_at: EffectiveAt = None


class Withdraw(Command):
    model_config = example(reason="The vendor fixed the defect; nothing to decide")

    reason: Text
    effective_at: EffectiveAt = None


class Decide(Command):
    model_config = example(
        chosen_option="contractor", rationale="The go-live date carries the savings",
        tradeoffs="EUR 60k more spend", if_position=1207)

    chosen_option: Code
    rationale: Text
    tradeoffs: Text
    evidence: Evidence = []
    effective_at: EffectiveAt = None
    if_position: Annotated[int | None, Field(ge=1, description=(
        "The position the comparison was read at: refused with 412 if the program has moved "
        "since. Without it, the option is simulated again now and refused with 409 if a rule "
        "now fails."))] = None


class ToProposal(Command):
    subject = Proposal
    address = "proposal_id"
    proposal_id: UUID


class ProposeDecision(NewProposal, InProgram):
    """Propose a decision whose options each carry the commands they would record."""


class WithdrawProposal(Withdraw, ToProposal):
    """Withdraw an open proposal: nothing is decided."""


class MarkProposalDecided(ToProposal):
    """Recorded with the decision a proposal became, in the same transaction."""

    decision_id: UUID
    chosen_option: str


class RecordProposedDecision(RecordDecision):
    """The decision a proposal becomes: its id chosen beforehand, so the option's commands
    can cite it in the same transaction, and the prediction it was taken on."""

    new_decision_id: UUID
    prediction: dict[str, Any]
