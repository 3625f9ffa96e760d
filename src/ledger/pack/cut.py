"""The program as it stood at the end of a business day, within what the log knew at the
pack's position: every aggregate folded with its provenance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from uuid import UUID

from ledger.pack.known import Known
from ledger.pack.trace import Traced, traced_fold


def end_of(day: date) -> datetime:
    """The last moment of a business day: a report made that day counts as known that day."""
    return datetime.combine(day, time.max, tzinfo=UTC)


@dataclass
class Cut:
    day: date
    program: Traced
    components: dict[UUID, tuple[str, Traced]]

    def of(self, kind: str) -> list[Traced]:
        """The components of one kind, in the order they were recorded."""
        return sorted((traced for k, traced in self.components.values() if k == kind),
                      key=lambda t: t.created)

    def get(self, component_id: UUID) -> Traced | None:
        found = self.components.get(component_id)
        return found[1] if found else None

    def name_of(self, component_id: UUID, default: str = "a component not yet known") -> str:
        traced = self.get(component_id)
        aggregate: Any = traced.aggregate if traced else None
        return str(getattr(aggregate, "name", None) or getattr(aggregate, "title", default))


def cut(known: Known, day: date) -> Cut | None:
    """The program on ``day``, or None if it was not yet defined then."""
    effective = end_of(day)
    program = traced_fold(known.events[known.program_id], effective)
    if program is None:
        return None
    components = {}
    for component_id, kind in known.kinds.items():
        traced = traced_fold(known.events.get(component_id, []), effective)
        if traced is not None:
            components[component_id] = (kind, traced)
    return Cut(day, program, components)
