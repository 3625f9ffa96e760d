"""Time travel: any aggregate, or a whole program, as the ledger knew it at a version,
a position or a recorded time. Always replayed from events (and snapshots), never projections."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from sqlalchemy import Table, func, select

from ledger.application.service import LedgerService
from ledger.domain.base import LedgerAggregate
from ledger.domain.errors import InvalidInput, NotFound
from ledger.domain.program import Program
from ledger.projections.encoding import plain

_COMMAND_WINDOW = 16  # events read at a time while looking for a command's last one


@dataclass
class ProgramAsOf:
    """A program and every component it had, each as known at ``resolved_position``: the
    end of the command that recorded ``position``, so never half a command."""

    position: int
    program: Program
    effective: datetime | None = None
    components: dict[str, list[LedgerAggregate]] = field(default_factory=dict)
    resolved_position: int = 0

    @property
    def note(self) -> str | None:
        if self.resolved_position == self.position:
            return None
        return (f"position {self.position} lies inside a command that recorded several events; "
                f"this is the state after the whole command, at position "
                f"{self.resolved_position}, since no reader ever saw a command half done")

    def all_components(self) -> list[LedgerAggregate]:
        return [c for components in self.components.values() for c in components]

    def to_plain(self) -> dict[str, Any]:
        """JSON-ready: each aggregate's id, version and public state."""
        return {
            "position": self.position,
            "resolved_position": self.resolved_position,
            "note": self.note,
            "effective": plain(self.effective),
            "program": aggregate_state(self.program),
            "components": {kind: [aggregate_state(c) for c in items]
                           for kind, items in sorted(self.components.items())},
        }


def aggregate_state(aggregate: LedgerAggregate) -> dict[str, Any]:
    """An aggregate's id, version and fields, without the library's bookkeeping."""
    fields = {k: v for k, v in vars(aggregate).items() if not k.startswith("_")}
    return {"id": str(aggregate.id), "type": type(aggregate).__name__,
            "version": aggregate.version, "state": plain(fields)}


class Replay(LedgerService):
    @property
    def _events(self) -> Table:
        return self.recorder.events_record_cls.__table__  # type: ignore[attr-defined, no-any-return]

    def head_position(self) -> int:
        return self.recorder.max_notification_id() or 0

    def position_at(self, at: datetime) -> int:
        """The last position recorded at or before ``at`` (0 if none).

        Commands record under the store's write lock, so recorded times rise with positions
        and a binary search over positions finds the boundary in O(log n) reads.
        """
        if at.tzinfo is None:
            raise InvalidInput("at", "give a time zone, for example 2025-03-01T00:00:00Z")
        low, high, found = 1, self.head_position(), 0
        while low <= high:
            middle = (low + high) // 2
            position, recorded_at = self._first_at_or_after(middle)
            if position is None or position > high:
                high = middle - 1
            elif recorded_at <= at:
                found, low = position, position + 1
            else:
                high = middle - 1
        return found

    def command_end(self, position: int) -> int:
        """The last position of the command that recorded ``position``.

        One command's events are inserted in one transaction under the events table's lock,
        so they are contiguous, and they share a correlation id and a recorded time
        (``LedgerService.run``). An event with neither (an older log) counts as a command of
        its own: that is all the log can tell of it.
        """
        end = position
        mark = None
        while True:
            notifications = self.recorder.select_notifications(start=end, limit=_COMMAND_WINDOW)
            for notification in notifications:
                event: Any = self.mapper.to_domain_event(notification)
                this = (event.correlation_id, event.timestamp)
                if mark is None:
                    if event.correlation_id is None:
                        return position
                    mark = this
                elif this != mark:
                    return end
                end = notification.id
            if len(notifications) < _COMMAND_WINDOW:
                return end

    def _first_at_or_after(self, position: int) -> tuple[int | None, datetime]:
        notifications = self.recorder.select_notifications(start=position, limit=1)
        if not notifications:
            return None, datetime.min
        event: Any = self.mapper.to_domain_event(notifications[0])
        return notifications[0].id, event.timestamp

    def aggregate_at(
        self,
        aggregate_id: UUID,
        *,
        version: int | None = None,
        position: int | None = None,
        at: datetime | None = None,
        effective: datetime | None = None,
    ) -> LedgerAggregate:
        """The aggregate as known at a version, a position or a recorded time, and
        optionally as it stood on an ``effective`` date within that knowledge."""
        if at is not None:
            position = self.position_at(at)
        if position is not None:
            version = self._version_at_position(aggregate_id, position)
        if effective is not None:
            return self._fold_effective(aggregate_id, version, effective)
        aggregate: object
        try:
            aggregate = self.repository.get(aggregate_id, version=version)
        except AggregateNotFoundError:
            raise NotFound(f"{aggregate_id} did not exist at that point") from None
        if not isinstance(aggregate, LedgerAggregate):
            raise NotFound(f"{aggregate_id} is not a ledger aggregate")
        return aggregate

    def _fold_effective(
        self, aggregate_id: UUID, version: int | None, effective: datetime
    ) -> LedgerAggregate:
        """The aggregate as it stood on ``effective``, within what ``version`` knew."""
        known: list[Any] = list(self.events.get(aggregate_id, lte=version))
        if not known:
            raise NotFound(f"no aggregate with id {aggregate_id}")
        return fold_effective(known, effective)

    def _known_at(self, aggregate_ids: list[UUID], position: int) -> dict[UUID, list[Any]]:
        """Every event of the given aggregates up to ``position``, read in one pass rather
        than one query (or two) per aggregate."""
        known: dict[UUID, list[Any]] = {aggregate_id: [] for aggregate_id in aggregate_ids}
        for owner, stored in self._stored_events_of(aggregate_ids, up_to=position):
            known[owner].append(self.mapper.to_domain_event(stored))
        return known

    def _version_at_position(self, aggregate_id: UUID, position: int) -> int:
        events = self._events
        query = select(func.max(events.c.originator_version)).where(
            events.c.originator_id == aggregate_id, events.c.id <= position
        )
        with self.recorder.datastore.transaction(commit=False) as session:  # type: ignore[attr-defined]
            version: Any = session.execute(query).scalar()
        if version is None:
            raise NotFound(f"{aggregate_id} did not exist at position {position}")
        return int(version)

    def program_as_of(
        self,
        program_id: UUID,
        *,
        position: int | None = None,
        at: datetime | None = None,
        effective: datetime | None = None,
    ) -> ProgramAsOf:
        """The whole program, header and components, as known at a position or a time;
        with ``effective``, as it stood on that date within what was known."""
        if at is not None:
            position = self.position_at(at)
        if position is None:
            position = self.head_position()
        requested, position = position, self.command_end(position) if position else position
        program = self.aggregate_at(program_id, position=position)
        if not isinstance(program, Program):
            raise NotFound(f"no program with id {program_id}")
        if effective is not None:
            program = cast(Program, self.aggregate_at(program_id, position=position,
                                                      effective=effective))
        state = ProgramAsOf(position=requested, program=program, effective=effective,
                            resolved_position=position)
        if effective is None:  # as recorded: from snapshots where there are some
            for hex_id, kind in program.components.items():
                component = self.aggregate_at(UUID(hex_id), position=position)
                state.components.setdefault(kind, []).append(component)
            return state
        # By business date every known event is read anyway: all of them in one pass.
        kinds = {UUID(hex_id): kind for hex_id, kind in program.components.items()}
        for component_id, known in self._known_at(list(kinds), position).items():
            if not known:
                raise NotFound(f"{component_id} did not exist at position {position}")
            component = fold_effective(known, effective)
            if component.effective_since > effective:
                continue  # recorded by then, but not yet part of the program on that date
            state.components.setdefault(kinds[component_id], []).append(component)
        return state


def fold_effective(known: list[Any], effective: datetime) -> LedgerAggregate:
    """Fold the known events that were true by ``effective``, in effective-time order.

    The creating event always comes first, so a measurement back-dated before the benefit
    was identified still counts. The others are renumbered so the fold's version check
    accepts the filtered sequence; versions in this view mean nothing.
    """
    true_by_then = sorted(
        (e for e in known[1:] if e.effective_at <= effective),
        key=lambda e: (e.effective_at, e.originator_version),
    )
    aggregate: Any = None
    for number, event in enumerate([known[0], *true_by_then], start=1):
        aggregate = dataclasses.replace(event, originator_version=number).mutate(aggregate)
    return cast(LedgerAggregate, aggregate)
