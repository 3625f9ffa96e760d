"""Handlers of the decision commands: record one, supersede it, review its outcome."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ledger.application.commands.decisions import (
    RecordDecision,
    ReviewDecisionOutcome,
    SupersedeDecision,
)
from ledger.application.handling import Context, handles
from ledger.domain.decision import (
    AFFECTED_KINDS,
    CitedCheckpoint,
    Decision,
    decision_option,
)
from ledger.domain.program import Program


@handles(RecordDecision)
def record(command: RecordDecision, program: Program, context: Context) -> Decision:
    return record_decision(command, program, context)


def record_decision(command: RecordDecision, program: Program, context: Context,
                    decision_id: UUID | None = None,
                    prediction: dict[str, Any] | None = None) -> Decision:
    """A decision as recorded directly, or (with its id and prediction) from a proposal."""
    affects = command.affects.by_kind()
    for kind in AFFECTED_KINDS:
        for entity_id in affects.get(kind, []):
            program.require_component(kind, entity_id, f"affects.{kind}_ids")
    options = [decision_option(**option.model_dump()) for option in command.options]
    for option in command.options:
        for benefit_id in option.expected_impact.benefits:
            program.require_component("benefit", benefit_id, "options.expected_impact.benefits")
    # The log as it stands now, read under the append lock; never from the request.
    checkpoint = context.ledger.latest_checkpoint()
    cited = None if checkpoint is None else CitedCheckpoint(
        checkpoint.id, checkpoint.tree_size, checkpoint.root.hex())
    return Decision.record(
        program_id=program.id, title=command.title, question=command.question,
        forum=command.forum, authority=command.authority, options=options,
        chosen_option=command.chosen_option, rationale=command.rationale,
        tradeoffs=command.tradeoffs, evidence=command.evidence, affects=affects,
        review_by=command.review_by, by=context.by, effective_at=command.effective_at,
        cited_checkpoint=cited, prediction=prediction, id=decision_id,
    )


@handles(SupersedeDecision)
def supersede(command: SupersedeDecision, decision: Decision, context: Context) -> None:
    context.program.require_component("decision", command.by_decision_id, "by_decision_id")
    decision.supersede(context.ledger.load(command.by_decision_id, Decision), context.by,
                       command.reason, command.effective_at)


@handles(ReviewDecisionOutcome)
def review_outcome(command: ReviewDecisionOutcome, decision: Decision,
                   context: Context) -> None:
    decision.review_outcome(command.verdict, command.summary, command.evidence, context.by,
                            command.effective_at)
