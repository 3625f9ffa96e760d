"""A fold that remembers, for each field of an aggregate, the position of the event that
last changed it: the provenance of every figure read from that field."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ledger.pack.known import Positioned


@dataclass
class Traced:
    """An aggregate as it stood on a date, with the events folded into it."""

    aggregate: Any
    changed: dict[str, int] = field(default_factory=dict)  # field → position last changing it
    events: list[Positioned] = field(default_factory=list)  # folded, in effective order

    @property
    def created(self) -> int:
        return self.events[0][0]

    def positions(self, *fields: str) -> list[int]:
        """Where the given fields were last set; the creating event when none changed."""
        return sorted({self.changed.get(name, self.created) for name in fields})

    def of_type(self, event_type: type) -> list[Positioned]:
        return [(position, event) for position, event in self.events
                if isinstance(event, event_type)]


def _fingerprint(aggregate: Any) -> dict[str, str]:
    return {name: repr(value) for name, value in vars(aggregate).items()
            if not name.startswith("_")}


def traced_fold(known: list[Positioned], effective: datetime) -> Traced | None:
    """The aggregate from the events true by ``effective`` (the creating event always first,
    the others in effective-time order, as ``replay.fold_effective`` folds them), or None
    when it did not yet exist on that date."""
    if not known or known[0][1].effective_at > effective:
        return None
    true_by_then = sorted((pe for pe in known[1:] if pe[1].effective_at <= effective),
                          key=lambda pe: (pe[1].effective_at, pe[1].originator_version))
    traced = Traced(None)
    before: dict[str, str] = {}
    for number, (position, event) in enumerate([known[0], *true_by_then], start=1):
        # Renumbered so the fold's version check accepts the filtered sequence.
        traced.aggregate = dataclasses.replace(event, originator_version=number).mutate(
            traced.aggregate)
        after = _fingerprint(traced.aggregate)
        for name, value in after.items():
            if before.get(name) != value:
                traced.changed[name] = position
        before = after
        traced.events.append((position, event))
    return traced
