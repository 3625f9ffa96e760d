"""Handlers of the proposal commands: propose (each option's commands checked as a what-if
would run them), withdraw, and the two halves of deciding one: the decision it becomes and
the mark on the proposal."""

from __future__ import annotations

from uuid import UUID

from ledger.application.commands.base import ToProgram
from ledger.application.commands.proposals import (
    MarkProposalDecided,
    ProposeDecision,
    RecordProposedDecision,
    WithdrawProposal,
)
from ledger.application.handlers.decisions import record_decision
from ledger.application.handling import Context, handles
from ledger.application.service import kind_of
from ledger.application.simulation.catalog import parse_command, stored_form
from ledger.domain.decision import AFFECTED_KINDS, Decision, decision_option
from ledger.domain.program import Program
from ledger.domain.proposal import Proposal

# Stands in for the decision a proposal will become while its options' commands are checked.
_NOT_YET_DECIDED = UUID(int=0)


@handles(ProposeDecision)
def propose(command: ProposeDecision, program: Program, context: Context) -> Proposal:
    affects = command.affects.by_kind()
    for kind in AFFECTED_KINDS:
        for entity_id in affects.get(kind, []):
            program.require_component(kind, entity_id, f"affects.{kind}_ids")
    options = []
    for i, option in enumerate(command.options):
        for benefit_id in option.expected_impact.benefits:
            program.require_component("benefit", benefit_id,
                                      f"options[{i}].expected_impact.benefits")
        kept = []
        for j, given in enumerate(option.commands):
            where = f"options[{i}].commands[{j}]"
            parsed = parse_command(given, program.id, where, _NOT_YET_DECIDED)
            if parsed.subject is not None and not issubclass(type(parsed), ToProgram):
                program.require_component(kind_of(parsed.subject), parsed.subject_id, where)
            kept.append(stored_form(parsed))
        fields = option.model_dump(exclude={"commands"})
        options.append({**decision_option(**fields), "commands": kept})
    return Proposal.propose(
        program_id=program.id, title=command.title, question=command.question,
        forum=command.forum, authority=command.authority, options=options, affects=affects,
        review_by=command.review_by, by=context.by, reason=command.reason,
        effective_at=command.effective_at)


@handles(WithdrawProposal)
def withdraw(command: WithdrawProposal, proposal: Proposal, context: Context) -> None:
    proposal.withdraw(context.by, command.reason, command.effective_at)


@handles(RecordProposedDecision)
def record_proposed(command: RecordProposedDecision, program: Program,
                    context: Context) -> Decision:
    return record_decision(command, program, context, decision_id=command.new_decision_id,
                           prediction=command.prediction)


@handles(MarkProposalDecided)
def mark_decided(command: MarkProposalDecided, proposal: Proposal, context: Context) -> None:
    # The decision was recorded earlier in the same batch, in the proposal's program.
    context.program.require_component("decision", command.decision_id, "decision_id")
    proposal.decided(command.decision_id, command.chosen_option, context.by)
