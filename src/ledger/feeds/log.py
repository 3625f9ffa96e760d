"""Reads the log in pages for followers: each event with the program it belongs to, on a
connection held only while the page is read, so a slow follower never holds one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, select
from sqlalchemy.engine import Connection

from ledger.audit.readable import readable_event
from ledger.audit.rows import to_uuid
from ledger.audit.tables import events
from ledger.db import READ_ONLY

PROGRAM_TOPIC = ":Program."  # the program aggregate's events: it is its own program


@dataclass(frozen=True)
class LoggedEvent:
    """One event of the log as followers see it: its position, names and readable state."""

    position: int
    aggregate_id: UUID
    aggregate_type: str
    version: int
    name: str  # the event class's name: ProjectStatusReported
    program_id: UUID | None
    state: dict[str, Any]


@dataclass(frozen=True)
class FeedFilter:
    """Which events a follower gets: None means every program, or every type."""

    programs: frozenset[UUID] | None = None
    names: frozenset[str] | None = None

    def admits(self, event: LoggedEvent) -> bool:
        return ((self.programs is None or event.program_id in self.programs)
                and (self.names is None or event.name in self.names))


EVERYTHING = FeedFilter()


class ProgramIndex:
    """Which program each aggregate belongs to, learned from the aggregate's first event
    (every component names its program there). A bounded cache, shared by the followers of
    one process: when full it starts again, and misses are read in one query per page."""

    def __init__(self, size: int = 50_000) -> None:
        self.size = size
        self._programs: dict[UUID, UUID | None] = {}

    def programs_of(self, connection: Connection, rows: Sequence[Any]) -> dict[UUID, UUID | None]:
        known = self._programs
        wanted: dict[UUID, Any] = {}
        for _, originator, version, topic, state in rows:
            aggregate = to_uuid(originator)
            if aggregate in known or aggregate in wanted:
                continue
            if PROGRAM_TOPIC in topic:
                self._learn(aggregate, aggregate)
            elif version == 1:
                self._learn(aggregate, _named_program(bytes(state)))
            else:
                wanted[aggregate] = originator
        if wanted:
            found = connection.execute(
                select(events.c.originator_id, events.c.state)
                .where(events.c.originator_id.in_(list(wanted.values())),
                       events.c.originator_version == 1)).all()
            for originator, state in found:
                self._learn(to_uuid(originator), _named_program(bytes(state)))
        return {to_uuid(row[1]): known.get(to_uuid(row[1])) for row in rows}

    def _learn(self, aggregate: UUID, program: UUID | None) -> None:
        if len(self._programs) >= self.size:
            self._programs = {}
        self._programs[aggregate] = program


def _named_program(state: bytes) -> UUID | None:
    fields = readable_event(state) or {}
    try:
        return UUID(str(fields["program_id"]))
    except (KeyError, ValueError):
        return None


_PAGE = select(events.c.id, events.c.originator_id, events.c.originator_version,
               events.c.topic, events.c.state).order_by(events.c.id)


def read_page(engine: Engine, index: ProgramIndex, after: int, limit: int,
              wanted: FeedFilter = EVERYTHING) -> tuple[list[LoggedEvent], int]:
    """The events after ``after`` that ``wanted`` admits, among the next ``limit`` of the
    log, and the last position read (to continue from, whether or not it was admitted)."""
    with engine.connect().execution_options(**{READ_ONLY: True}) as connection:
        rows = connection.execute(_PAGE.where(events.c.id > after).limit(limit)).all()
        programs = index.programs_of(connection, rows) if rows else {}
    if not rows:
        return [], after
    found = (_logged(row, programs) for row in rows)
    return [event for event in found if wanted.admits(event)], int(rows[-1][0])


def _logged(row: Any, programs: dict[UUID, UUID | None]) -> LoggedEvent:
    position, originator, version, topic, state = row
    aggregate = to_uuid(originator)
    aggregate_type, _, name = topic.partition(":")[2].rpartition(".")
    return LoggedEvent(position=int(position), aggregate_id=aggregate,
                       aggregate_type=aggregate_type.rpartition(".")[2] or aggregate_type,
                       version=int(version), name=name, program_id=programs.get(aggregate),
                       state=readable_event(bytes(state)) or {})
