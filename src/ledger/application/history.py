"""An aggregate's history: each of its events with the fields it changed, before → after."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select

from ledger.application.replay import Replay
from ledger.domain.base import LedgerAggregate
from ledger.domain.errors import NotFound

# Bookkeeping the library keeps on every aggregate; not a business fact worth showing.
_INTERNAL_FIELDS = frozenset({"_id", "_version", "_created_on", "_modified_on", "_pending_events"})


@dataclass(frozen=True)
class FieldChange:
    before: Any
    after: Any


@dataclass(frozen=True)
class HistoryEntry:
    """One event of an aggregate, with who recorded it, when, why, and what it changed."""

    position: int
    version: int
    type: str
    recorded_at: datetime
    effective_at: datetime
    actor: str
    reason: str | None
    correlation_id: str | None
    causation_id: str | None
    data: dict[str, Any]
    changes: dict[str, FieldChange] = field(default_factory=dict)


class History(Replay):
    def history(self, aggregate_id: UUID) -> list[HistoryEntry]:
        """Replay the aggregate's events in order, diffing its state across each one."""
        events = list(self.events.get(aggregate_id))
        if not events:
            raise NotFound(f"no aggregate with id {aggregate_id}")
        positions = self._positions(aggregate_id)
        entries: list[HistoryEntry] = []
        aggregate: Any = None
        for event in events:
            before = _public_state(aggregate)
            aggregate = event.mutate(copy.deepcopy(aggregate))  # type: ignore[attr-defined]
            entries.append(_entry(event, positions[event.originator_version],
                                  before, _public_state(aggregate)))
        return entries

    def _positions(self, aggregate_id: UUID) -> dict[int, int]:
        events = self._events
        query = select(events.c.originator_version, events.c.id).where(
            events.c.originator_id == aggregate_id
        )
        with self.recorder.datastore.transaction(commit=False) as session:  # type: ignore[attr-defined]
            return {int(version): int(position) for version, position in session.execute(query)}


def _public_state(aggregate: LedgerAggregate | None) -> dict[str, Any]:
    """The aggregate's fields, nested mappings flattened to dotted paths (profile.target_value)."""
    if aggregate is None:
        return {}
    return _flatten({k: v for k, v in vars(aggregate).items() if k not in _INTERNAL_FIELDS})


def _flatten(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))  # an empty mapping adds nothing
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _entry(
    event: Any, position: int, before: dict[str, Any], after: dict[str, Any]
) -> HistoryEntry:
    changes = {
        name: FieldChange(before.get(name), after.get(name))
        for name in sorted(before.keys() | after.keys())
        if before.get(name) != after.get(name)
    }
    metadata = {"originator_id", "originator_version", "timestamp", "originator_topic",
                "actor", "reason", "effective_at", "correlation_id", "causation_id"}
    return HistoryEntry(
        position=position,
        version=event.originator_version,
        type=type(event).__name__,
        recorded_at=event.timestamp,
        effective_at=event.effective_at,
        actor=event.actor,
        reason=event.reason,
        correlation_id=event.correlation_id,
        causation_id=event.causation_id,
        data={k: v for k, v in vars(event).items() if k not in metadata},
        changes=changes,
    )
