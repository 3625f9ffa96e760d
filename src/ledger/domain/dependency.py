"""Dependency: one project of a program needs a deliverable of another by a date."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Self
from uuid import UUID

from ledger.domain.base import LedgerAggregate, Provenance, require_text
from ledger.domain.errors import InvalidInput, InvariantViolated
from ledger.domain.lifecycle import DEPENDENCY_LIFECYCLE

# A withdrawn dependency no longer constrains the schedule, so it leaves the graph.
INACTIVE = frozenset({"withdrawn"})


class Dependency(LedgerAggregate):
    """A consumer project waits for a provider project (and optionally one of its deliverables)."""

    class DependencyDeclared(LedgerAggregate.Created):
        program_id: UUID
        provider_project_id: UUID
        provider_deliverable: str | None
        consumer_project_id: UUID
        needed_by: date
        description: str

    class DependencyStatusChanged(LedgerAggregate.Event):
        from_status: str
        to_status: str

        def apply(self, dependency: Any) -> None:
            dependency.status = self.to_status

    def __init__(
        self,
        program_id: UUID,
        provider_project_id: UUID,
        provider_deliverable: str | None,
        consumer_project_id: UUID,
        needed_by: date,
        description: str,
    ) -> None:
        self.program_id = program_id
        self.description = description
        self.provider_project_id = provider_project_id
        self.provider_deliverable = provider_deliverable
        self.consumer_project_id = consumer_project_id
        self.needed_by = needed_by
        self.status = "open"

    @classmethod
    def declare(
        cls,
        *,
        program_id: UUID,
        provider_project_id: UUID,
        provider_deliverable: str | None,
        consumer_project_id: UUID,
        needed_by: date,
        description: str,
        existing_edges: Iterable[tuple[UUID, UUID]],
        by: Provenance,
        effective_at: datetime | None = None,
    ) -> Self:
        """Declare the dependency unless it would close a cycle in the program's graph."""
        if provider_project_id == consumer_project_id:
            raise InvalidInput("consumer_project_id", "a project cannot depend on itself")
        path = find_path(existing_edges, consumer_project_id, provider_project_id)
        if path:
            chain = " → ".join(str(p) for p in [*path, consumer_project_id])
            raise InvariantViolated(
                f"this dependency would close a cycle ({chain}); programs' dependency graphs "
                "must stay acyclic, so withdraw one of the existing dependencies first",
                rule="dependency_cycle",
            )
        return cls._start(
            cls.DependencyDeclared,
            by,
            effective_at=effective_at,
            program_id=program_id,
            provider_project_id=provider_project_id,
            provider_deliverable=provider_deliverable,
            consumer_project_id=consumer_project_id,
            needed_by=needed_by,
            description=require_text("description", description),
        )

    @property
    def is_active(self) -> bool:
        return self.status not in INACTIVE

    @property
    def edge(self) -> tuple[UUID, UUID]:
        """(provider, consumer): the provider must deliver before the consumer can proceed."""
        return (self.provider_project_id, self.consumer_project_id)

    def change_status(
        self, to_status: str, by: Provenance, reason: str, effective_at: datetime | None = None
    ) -> None:
        DEPENDENCY_LIFECYCLE.check(self.status, to_status)
        self._record(
            self.DependencyStatusChanged,
            by,
            reason=require_text("reason", reason),
            effective_at=effective_at,
            from_status=self.status,
            to_status=to_status,
        )


def find_path(edges: Iterable[tuple[UUID, UUID]], start: UUID, goal: UUID) -> list[UUID]:
    """A path start → … → goal along (provider, consumer) edges, or [] if there is none."""
    successors: dict[UUID, list[UUID]] = {}
    for provider, consumer in edges:
        successors.setdefault(provider, []).append(consumer)
    came_from: dict[UUID, UUID | None] = {start: None}
    frontier = [start]
    while frontier:
        node = frontier.pop()
        if node == goal:
            path = [node]
            while (previous := came_from[path[-1]]) is not None:
                path.append(previous)
            return path[::-1]
        for following in successors.get(node, []):
            if following not in came_from:
                came_from[following] = node
                frontier.append(following)
    return []
