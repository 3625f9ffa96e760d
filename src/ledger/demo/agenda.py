"""The demo story's agenda: facts scheduled at business times, told in that order, and the
ids of what they created."""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from ledger.application import ProgramLedger
from ledger.application.commands.resources import AllocateResource
from ledger.demo.ids import demo_id
from ledger.domain.base import Provenance

PMO = Provenance("tom.becker")


@dataclass
class Story:
    """The facts to record, by business time, and the ids of what they created."""

    ledger: ProgramLedger
    program_id: UUID
    projects: dict[str, UUID] = field(default_factory=dict)
    benefits: dict[str, UUID] = field(default_factory=dict)
    risks: dict[str, UUID] = field(default_factory=dict)
    decisions: dict[str, UUID] = field(default_factory=dict)
    dependencies: dict[str, UUID] = field(default_factory=dict)
    resource_id: UUID | None = None
    proposal_id: UUID | None = None
    noise: random.Random = field(default_factory=lambda: random.Random(2025))
    agenda: list[tuple[datetime, int, Callable[[], object]]] = field(default_factory=list)
    _scheduled: int = 0

    def at(self, when: datetime, fact: Callable[[], object]) -> None:
        """Schedule a fact; facts at the same time keep the order they were scheduled in.
        A fact being told may schedule later ones (a correction found months after)."""
        self._scheduled += 1
        heapq.heappush(self.agenda, (when, self._scheduled, fact))

    def tell(self) -> None:
        while self.agenda:
            _when, _order, fact = heapq.heappop(self.agenda)
            fact()


def allocate(story: Story, project: str, month: str, amount: str, when: datetime,
             decision: str | None = None) -> None:
    """Schedule an allocation of SAP specialists to a project for a month."""
    def record() -> None:
        assert story.resource_id is not None
        story.ledger.execute(AllocateResource(
            resource_id=story.resource_id, project_id=story.projects[project], month=month,
            amount=Decimal(amount), effective_at=when,
            allocation_id=demo_id("allocation", project, month, amount, when),
            decision_id=story.decisions[decision] if decision else None), by=PMO)

    story.at(when, record)
