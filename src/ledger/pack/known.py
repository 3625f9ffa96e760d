"""What the log knew of one program at a position: every event of the program and of its
components, each with the position it was recorded at (the proof a figure cites)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from ledger.application import ProgramLedger
from ledger.domain.errors import NotFound
from ledger.domain.program import Program

_IDS_PER_QUERY = 500  # bound the IN list, as the ledger's own reads do

Positioned = tuple[int, Any]  # (log position, domain event)


@dataclass
class Known:
    """The program's events up to ``position``; ``kinds`` names each component's kind."""

    program_id: UUID
    position: int
    events: dict[UUID, list[Positioned]]
    kinds: dict[UUID, str]


def read_known(ledger: ProgramLedger, program_id: UUID, position: int) -> Known:
    """Read in two queries: the program's events (its components list), then theirs."""
    program_events = _positioned(ledger, [program_id], position).get(program_id, [])
    if not program_events:
        raise NotFound(f"no program with id {program_id} at position {position}")
    program: Any = None
    for _, event in program_events:
        program = event.mutate(program)
    if not isinstance(program, Program):  # the id of a project, a risk …
        raise NotFound(f"no program with id {program_id}")
    kinds = {UUID(hex_id): kind for hex_id, kind in program.components.items()}
    events = _positioned(ledger, list(kinds), position)
    events[program_id] = program_events
    return Known(program_id, position, events, kinds)


def _positioned(ledger: ProgramLedger, ids: list[UUID], up_to: int
                ) -> dict[UUID, list[Positioned]]:
    recorder: Any = ledger.recorder
    record = recorder.events_record_cls
    found: dict[UUID, list[Positioned]] = {}
    with recorder.transaction(commit=False) as session:
        for start in range(0, len(ids), _IDS_PER_QUERY):
            chunk = ids[start:start + _IDS_PER_QUERY]
            query = (session.query(record).filter(record.originator_id.in_(chunk))
                     .filter(record.id <= up_to).order_by(record.id))
            for row in query:
                owner = UUID(str(row.originator_id))
                stored = StoredEvent(owner, row.originator_version, row.topic, bytes(row.state))
                found.setdefault(owner, []).append(
                    (int(row.id), ledger.mapper.to_domain_event(stored)))
    return found
