"""Proposals: compare the options (each simulated as the decision it would become plus the
commands it carries), and decide one, recording the decision, its option's commands and the
mark on the proposal in one transaction, with the prediction it was taken on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid5

from sqlalchemy import func, select

from ledger.application.batch import Batch
from ledger.application.commands.base import Command, ToProgram
from ledger.application.commands.proposals import (
    Decide,
    MarkProposalDecided,
    RecordProposedDecision,
)
from ledger.application.execution import Executor
from ledger.application.service import CommandResult, kind_of
from ledger.application.simulation.catalog import parse_command
from ledger.application.simulation.whatif import ScenarioOutcome, Simulations, WhatIf
from ledger.domain.base import Provenance
from ledger.domain.decision import AFFECTED_KINDS
from ledger.domain.errors import InvariantViolated, PreconditionFailed
from ledger.domain.program import Program
from ledger.domain.proposal import Proposal


@dataclass(frozen=True)
class Decided:
    decision_id: UUID
    position: int
    prediction: dict[str, Any]
    results: list[CommandResult]


class Proposals(Executor, Simulations):
    def compare(self, proposal_id: UUID, by: Provenance) -> WhatIf:
        """Every option simulated against the program as it stands, side by side."""
        proposal = self.load(proposal_id, Proposal)
        return self.what_if(proposal.program_id, [
            (option["key"], _as_decided(proposal, option["key"],
                                        decision_of(proposal.id, option["key"]), Decide(
                chosen_option=option["key"], rationale="compared", tradeoffs="compared")))
            for option in proposal.options], by)

    def program_position(self, program_id: UUID) -> int:
        """The position of the program's latest event: it has not moved since if this is
        no higher."""
        program = self.load(program_id, Program)
        ids = [program.id, *(UUID(hex_id) for hex_id in program.components)]
        events = self.recorder.events_record_cls.__table__  # type: ignore[attr-defined]
        query = select(func.max(events.c.id)).where(events.c.originator_id.in_(ids))
        with self.recorder.datastore.transaction(commit=False) as session:  # type: ignore[attr-defined]
            return int(session.execute(query).scalar() or 0)

    def decide(self, proposal_id: UUID, decide: Decide, by: Provenance) -> Decided:
        """Record the decision, the chosen option's commands (each citing it) and the mark on
        the proposal, all or nothing. The option is simulated first against the program as
        it stands; the prediction kept in the decision is that simulation."""
        proposal = self.load(proposal_id, Proposal)
        proposal.require_open()
        proposal.option(decide.chosen_option)
        if decide.if_position is not None:
            moved_to = self.program_position(proposal.program_id)
            if moved_to > decide.if_position:
                raise PreconditionFailed(
                    f"the program has moved since position {decide.if_position} (its latest "
                    f"event is at {moved_to}); compare the options again, or decide without "
                    "if_position to have the option simulated anew")
        decision_id = decision_of(proposal.id, decide.chosen_option)
        commands = _as_decided(proposal, decide.chosen_option, decision_id, decide)
        simulated = self.what_if(proposal.program_id, [(decide.chosen_option, commands)], by)
        (outcome,) = simulated.scenarios
        _refuse_if_any_refused(outcome)
        prediction = _prediction(proposal, simulated, outcome)
        commands[0] = commands[0].model_copy(update={"prediction": prediction})
        mark = MarkProposalDecided(proposal_id=proposal.id, decision_id=decision_id,
                                   chosen_option=decide.chosen_option)

        def plan(batch: Batch) -> None:
            for command in [*commands, mark]:
                batch.execute(command)

        _, results = self.execute_together(proposal.program_id, by, plan)
        return Decided(decision_id, max(r.position for r in results), prediction, results)


def decision_of(proposal_id: UUID, key: str) -> UUID:
    """The id of the decision a proposal becomes when ``key`` is chosen: known before it is
    recorded, so the option's commands can cite it, and the same every time (a proposal is
    decided once, so it is never reused)."""
    return uuid5(proposal_id, f"decision/{key}")


def _as_decided(proposal: Proposal, key: str, decision_id: UUID,
                decide: Decide) -> list[Command]:
    """The decision the proposal becomes if ``key`` is chosen, then the option's commands,
    each that may cite a decision citing it. The decision lists as affected everything the
    commands act on, so a governed change needs nothing more."""
    option = proposal.option(key)
    steps = [parse_command(given, proposal.program_id, f"options.{key}.commands[{j}]",
                           decision_id) for j, given in enumerate(option["commands"])]
    affects = {kind: list(ids) for kind, ids in proposal.affects.items()}
    for step in steps:
        kind = kind_of(step.subject) if step.subject is not None else ""
        if kind in AFFECTED_KINDS and not isinstance(step, ToProgram) \
                and step.subject_id not in affects.setdefault(kind, []):
            affects[kind].append(step.subject_id)
    options = [{k: v for k, v in o.items() if k != "commands"} for o in proposal.options]
    decision = RecordProposedDecision(
        program_id=proposal.program_id, title=proposal.title, question=proposal.question,
        forum=proposal.forum, authority=proposal.authority, options=options,
        chosen_option=key, rationale=decide.rationale, tradeoffs=decide.tradeoffs,
        evidence=decide.evidence, review_by=proposal.review_by,
        effective_at=decide.effective_at,
        affects={f"{kind}_ids": ids for kind, ids in affects.items()},
        new_decision_id=decision_id, prediction={})
    return [decision, *steps]


def _refuse_if_any_refused(outcome: ScenarioOutcome) -> None:
    """The first refusal, named as the proposal names it (step 0 is the decision itself)."""
    for step in outcome.refused:
        what = "the decision itself" if step.index == 0 else \
            f"options.{outcome.key}.commands[{step.index - 1}] ({step.type})"
        raise InvariantViolated(
            f"option '{outcome.key}' would now be refused at {what}: {step.detail}; compare "
            "the options again and revise the proposal", rule=step.rule or "option_refused")


def _prediction(proposal: Proposal, simulated: WhatIf,
                outcome: ScenarioOutcome) -> dict[str, Any]:
    """What the decision is taken on: every figure the option was simulated to move, from
    what to what, at which position. The review holds these against what happened."""
    return {"proposal_id": str(proposal.id), "option": outcome.key,
            "position": simulated.resolved_position,
            "computed_at": simulated.computed_at.isoformat(),
            "lines": [line for line in outcome.differences if line["section"] != "summary"]}
