"""What must hold of the event log, the audit trail and the read models after a drill.

Every command the load sends carries its own X-Request-ID, which the ledger records as the
correlation id of each event the command writes, and whose first word names the kind of
command. That lets a check group the log by command, whether or not it was acknowledged.
"""

from __future__ import annotations

import subprocess
from collections import defaultdict
from dataclasses import dataclass
from uuid import UUID

import sqlalchemy as sa

from ledger.application import ProgramLedger
from ledger.audit.tables import audit_chain, audit_nodes
from ledger.db import open_engine
from ledger.domain.dependency import find_path
from ledger.domain.program import Program
from ledger.domain.resource import SharedResource
from ledger.projections.rebuild import rebuild
from ledger.projections.tracking import current_position
from ledger.settings import Settings
from tests.projections.conftest import dump
from tests.reliability.conftest import Record, accepted, poll

# Events each kind of command writes: a dependency also registers itself in the program.
EVENTS_PER_COMMAND = {"report": 1, "allocate": 1, "measure": 1, "dependency": 2}


@dataclass(frozen=True)
class LoggedEvent:
    position: int
    aggregate_id: UUID
    version: int
    correlation_id: str | None


def read_log(database_url: str) -> list[LoggedEvent]:
    """Every event in the log, in order, with the request that wrote it."""
    ledger = ProgramLedger(Settings(database_url=database_url))
    try:
        notifications = ledger.recorder.select_notifications(start=1, limit=10_000_000)
        events = [(n.id, ledger.mapper.to_domain_event(n)) for n in notifications]
    finally:
        ledger.close()
    return [LoggedEvent(position, e.originator_id, e.originator_version,
                        getattr(e, "correlation_id", None)) for position, e in events]


def by_command(log: list[LoggedEvent], after: int) -> dict[str, list[LoggedEvent]]:
    """The events after position ``after``, grouped by the request that wrote them."""
    groups: dict[str, list[LoggedEvent]] = defaultdict(list)
    for event in log:
        if event.position > after:
            assert event.correlation_id, f"event {event.position} names no request"
            groups[event.correlation_id].append(event)
    return groups


def check_acknowledged_exactly_once(records: list[Record], log: list[LoggedEvent],
                                    after: int) -> None:
    """Each 2xx names a position that holds that command's events, and no two share one."""
    commands = by_command(log, after)
    acknowledged = accepted(records)
    positions = [r["position"] for r in acknowledged]
    assert len(positions) == len(set(positions)), "two acknowledgements name one position"
    for record in acknowledged:
        events = commands.get(record["rid"], [])
        assert len(events) == EVENTS_PER_COMMAND[record["kind"]], (record, events)
        assert max(e.position for e in events) == record["position"], (record, events)
        assert (UUID(record["id"]), record["version"]) in {
            (e.aggregate_id, e.version) for e in events}, (record, events)
        assert UUID(record["target"]) in {e.aggregate_id for e in events}, (record, events)


def check_every_command_whole(log: list[LoggedEvent], after: int) -> None:
    """No command was half-written: each one's events are all there, one after another."""
    for request_id, events in by_command(log, after).items():
        kind = request_id.split("-", 1)[0]
        assert kind in EVENTS_PER_COMMAND, f"events of an unknown request {request_id}"
        assert len(events) == EVENTS_PER_COMMAND[kind], (request_id, events)
        assert events[-1].position - events[0].position == len(events) - 1, events


def check_refusals_wrote_nothing(records: list[Record], log: list[LoggedEvent],
                                 after: int) -> None:
    commands = by_command(log, after)
    refused = [r for r in records if r.get("status") in (409, 412)]
    assert not [r for r in refused if r["rid"] in commands], "a refused command wrote events"


def check_audit_trail_covers_log(database_url: str, log: list[LoggedEvent]) -> None:
    """One chain row per event, at the same positions, and every Merkle node there is."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            chained = connection.execute(
                sa.select(audit_chain.c.position).order_by(audit_chain.c.leaf_index)
            ).scalars().all()
            nodes = connection.execute(sa.select(sa.func.count()).select_from(audit_nodes)
                                       ).scalar_one()
    finally:
        engine.dispose()
    assert list(chained) == [e.position for e in log]
    # A tree of n leaves has floor(n / 2**k) complete nodes at each level k >= 1.
    assert nodes == len(log) - bin(len(log)).count("1")


def check_graph_acyclic_and_capacity_governed(database_url: str, program_id: str,
                                              resource_ids: list[str]) -> None:
    ledger = ProgramLedger(Settings(database_url=database_url))
    try:
        edges = ledger.active_edges(ledger.load(UUID(program_id), Program))
        assert edges, "no dependency was accepted"
        assert all(not find_path(edges, consumer, provider) for provider, consumer in edges)
        for resource_id in resource_ids:  # the load cites no decision
            assert ledger.load(UUID(resource_id), SharedResource).over_allocated_months() == {}
    finally:
        ledger.close()


def wait_until_projected(database_url: str, head: int,
                         projector: subprocess.Popen[str] | None = None,
                         seconds: float = 90) -> None:
    """Poll the tracking table until the running projector has applied the whole log."""
    engine = open_engine(database_url, timeout=3.0, writes_read_models=True)

    def reached() -> bool:
        if projector is not None and projector.poll() is not None:
            raise AssertionError(f"the projector exited with {projector.returncode}; "
                                 "see projector.log in the test's directory")
        return current_position(engine) >= head

    try:
        poll(reached, f"the projector to reach {head}", seconds)
    finally:
        engine.dispose()


def check_read_models_equal_rebuild(database_url: str) -> None:
    """The read models as projected live, table by table, equal a rebuild from the log.
    Run it once no projector is running."""
    ledger = ProgramLedger(Settings(database_url=database_url))
    engine = open_engine(database_url, timeout=3.0, writes_read_models=True)
    try:
        live = dump(engine)
        rebuild(ledger, engine)
        assert dump(engine) == live
    finally:
        engine.dispose()
        ledger.close()
