"""Proposal: a decision not yet taken. Its options each carry the commands they would cause,
so a board can see what each would do before it chooses; deciding turns it into a decision."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Self
from uuid import UUID

from ledger.domain.base import LedgerAggregate, Provenance, require_text
from ledger.domain.decision import AFFECTED_KINDS
from ledger.domain.errors import InvalidInput, InvariantViolated


class Proposal(LedgerAggregate):
    """Open until it is decided (once, by a decision of its program) or withdrawn."""

    class DecisionProposed(LedgerAggregate.Created):
        """``options`` as a decision stores them, each with ``commands``: the ordinary
        commands (``{type, target id, body}``) choosing it would record."""

        program_id: UUID
        title: str
        question: str
        forum: str
        authority: str
        options: list[dict[str, Any]]
        affects: dict[str, list[UUID]]
        review_by: date | None

    class ProposalWithdrawn(LedgerAggregate.Event):
        def apply(self, proposal: Any) -> None:
            proposal.status = "withdrawn"

    class ProposalDecided(LedgerAggregate.Event):
        decision_id: UUID
        chosen_option: str

        def apply(self, proposal: Any) -> None:
            proposal.status = "decided"
            proposal.decision_id = self.decision_id
            proposal.chosen_option = self.chosen_option

    def __init__(self, program_id: UUID, title: str, question: str, forum: str,
                 authority: str, options: list[dict[str, Any]],
                 affects: dict[str, list[UUID]], review_by: date | None,
                 effective_at: datetime) -> None:
        self.program_id = program_id
        self.title = title
        self.question = question
        self.forum = forum
        self.authority = authority
        self.options = [dict(option) for option in options]
        self.affects = {kind: list(ids) for kind, ids in affects.items()}
        self.review_by = review_by
        self.proposed_at = effective_at
        self.status = "open"
        self.decision_id: UUID | None = None
        self.chosen_option: str | None = None

    @classmethod
    def propose(cls, *, program_id: UUID, title: str, question: str, forum: str,
                authority: str, options: list[dict[str, Any]],
                affects: dict[str, list[UUID]], review_by: date | None, by: Provenance,
                reason: str | None = None, effective_at: datetime | None = None) -> Self:
        keys = [option["key"] for option in options]
        if len(options) < 2:
            raise InvalidInput("options", "a proposal weighs options: give two or more")
        if len(set(keys)) != len(keys):
            raise InvalidInput("options", "option keys must be unique")
        unknown = set(affects) - set(AFFECTED_KINDS)
        if unknown:
            raise InvalidInput("affects", f"unknown kinds {sorted(unknown)}")
        return cls._start(
            cls.DecisionProposed, by, reason=reason, effective_at=effective_at,
            program_id=program_id, title=require_text("title", title),
            question=require_text("question", question), forum=require_text("forum", forum),
            authority=require_text("authority", authority), options=options,
            affects={kind: list(dict.fromkeys(affects.get(kind, []))) for kind in AFFECTED_KINDS},
            review_by=review_by)

    def option(self, key: str) -> dict[str, Any]:
        for option in self.options:
            if option["key"] == key:
                return option
        raise InvalidInput("chosen_option", f"'{key}' is not an option of this proposal; "
                                            f"choose one of {[o['key'] for o in self.options]}")

    def require_open(self) -> None:
        if self.status != "open":
            raise InvariantViolated(f"proposal '{self.title}' was already {self.status}",
                                    rule=f"proposal_{self.status}")

    def withdraw(self, by: Provenance, reason: str,
                 effective_at: datetime | None = None) -> None:
        self.require_open()
        self._record(self.ProposalWithdrawn, by, reason=require_text("reason", reason),
                     effective_at=effective_at)

    def decided(self, decision_id: UUID, chosen_option: str, by: Provenance) -> None:
        """Recorded in the same transaction as the decision it became."""
        self.require_open()
        self.option(chosen_option)
        self._record(self.ProposalDecided, by, decision_id=decision_id,
                     chosen_option=chosen_option)
