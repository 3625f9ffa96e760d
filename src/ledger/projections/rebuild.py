"""Rebuild every read model from position 0 without taking queries offline.

The rebuild fills fresh shadow tables while the live ones keep answering queries and the
live runner keeps them current. It then takes the projection lock, applies whatever arrived
meanwhile to the shadows, and in that same transaction drops the live tables and renames the
shadows into their place, with the tracking position. Readers see the old tables or the new
ones, never a mix.

A rebuild tries every event again, those that failed before included: a batch whose COPY
(or handler) fails is rolled back to a savepoint and applied event by event, so the events
that still fail are recorded, and at the switch the rebuild's failures replace the old ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, MetaData, Table, text
from sqlalchemy.engine import Connection
from sqlalchemy.schema import CreateTable
from sqlalchemy.sql.elements import quoted_name

from ledger.collector import collector_paused
from ledger.db import READ_ONLY, metadata
from ledger.projections.catalog import all_tables
from ledger.projections.failures import (
    forget_failures,
    live_failures,
    take_over_rebuild_failures,
)
from ledger.projections.projector import EventLog, Projector, head_of
from ledger.projections.tracking import (
    LIVE,
    REBUILD,
    forget_position,
    lock_projection,
    record_position,
    sole_rebuild,
)

SUFFIX = "__rebuild"
# Events per rebuild transaction: larger than the live runner's batches, since each batch
# pays a query per root table and a commit whatever its size, and still a few MB at most.
REBUILD_BATCH = 5000
Progress = Callable[[int, int], None]  # (position reached, head of the log)


@dataclass(frozen=True)
class RebuildResult:
    events: int
    position: int
    failures: int = 0  # events (per read model) that still could not be applied


def shadow_tables() -> dict[str, Table]:
    """A copy of every read-model table, with every name suffixed so both can coexist."""
    shadows = MetaData(naming_convention=metadata.naming_convention)
    copies = {}
    for name, table in all_tables().items():
        copy = table.to_metadata(shadows, name=name + SUFFIX)
        copy.primary_key.name = quoted_name(f"pk_{copy.name}", None)
        for index in copy.indexes:
            if index.name and not str(index.name).startswith(f"ix_{copy.name}"):
                index.name = quoted_name(str(index.name) + SUFFIX, None)
        copies[name] = copy
    return copies


def rebuild(log: EventLog, engine: Engine, *, batch_size: int = REBUILD_BATCH,
            progress: Progress | None = None) -> RebuildResult:
    """Replay the whole log into shadow tables, then switch them in atomically.

    Memory stays flat whatever the log's length: events are read, applied and committed one
    batch at a time, and nothing outlives its batch.
    """
    with sole_rebuild(engine):
        return _rebuild(log, engine, batch_size, progress)


def _rebuild(log: EventLog, engine: Engine, batch_size: int,
             progress: Progress | None) -> RebuildResult:
    shadows = shadow_tables()
    _create_fresh(engine, shadows)
    projector = Projector(log, engine, batch_size=batch_size, tables=shadows,
                          tracking_name=REBUILD)
    applied = 0
    while True:
        count, position = _apply_to_shadows(engine, projector)
        if not count:
            break
        applied += count
        if progress:  # positions, not counts: a rolled-back insert leaves a gap in them
            progress(position, max(position, head_of(log)))
    _create_indexes(engine, shadows)
    with engine.begin() as connection:
        # Under both write locks: the live runner pauses between two of its batches, so
        # the shadows catch up with the very last event and take over at exactly that point.
        lock_projection(connection, LIVE)
        lock_projection(connection, REBUILD)
        while count := projector.apply_batch_in(connection)[0]:
            applied += count
        position = projector.apply_batch_in(connection)[1]
        _swap(connection, shadows)
        record_position(connection, position, LIVE)
        forget_position(connection, REBUILD)
        # Every event was tried again: what failed now replaces what failed before.
        take_over_rebuild_failures(connection)
        failed = live_failures(connection, limit=0)[0]
    if progress:
        progress(position, position)
    return RebuildResult(events=applied, position=position, failures=failed)


def _apply_to_shadows(engine: Engine, projector: Projector) -> tuple[int, int]:
    """One batch into the shadow tables, with the collector paused for the batch only (so
    whatever cycles a batch leaves are still collected between batches). Its commit need
    not wait for the disk: a crash can lose only shadow batches, and the next rebuild starts
    afresh anyway."""
    with collector_paused(), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL synchronous_commit TO OFF"))
        return projector.apply_locked_batch(connection)


def _create_fresh(engine: Engine, shadows: dict[str, Table]) -> None:
    """Empty shadow tables with their primary keys only: maintaining the secondary indexes
    row by row would cost the load far more than building them once at the end."""
    with engine.begin() as connection:
        for table in shadows.values():
            table.drop(connection, checkfirst=True)
            connection.execute(CreateTable(table))
        forget_position(connection, REBUILD)
        forget_failures(connection, REBUILD)


def _create_indexes(engine: Engine, shadows: dict[str, Table]) -> None:
    with engine.begin() as connection:
        for table in shadows.values():
            for index in table.indexes:
                index.create(connection)


def _swap(connection: Connection, shadows: dict[str, Table]) -> None:
    live = all_tables()
    postgres = connection.dialect.name == "postgresql"
    for name, shadow in shadows.items():
        connection.execute(text(f'DROP TABLE IF EXISTS "{name}"'))
        connection.execute(text(f'ALTER TABLE "{shadow.name}" RENAME TO "{name}"'))
        canonical = {tuple(c.name for c in i.columns): str(i.name) for i in live[name].indexes}
        for index in shadow.indexes:
            target = canonical[tuple(c.name for c in index.columns)]
            if postgres:
                connection.execute(text(f'ALTER INDEX "{index.name}" RENAME TO "{target}"'))
            else:  # SQLite cannot rename an index: replace it
                connection.execute(text(f'DROP INDEX "{index.name}"'))
                columns = ", ".join(f'"{c.name}"' for c in index.columns)
                connection.execute(text(f'CREATE INDEX "{target}" ON "{name}" ({columns})'))
        if postgres:
            connection.execute(text(
                f'ALTER TABLE "{name}" RENAME CONSTRAINT "{shadow.primary_key.name}" '
                f'TO "{live[name].primary_key.name}"'))


def retry_failures(log: EventLog, engine: Engine, *,
                   batch_size: int = REBUILD_BATCH) -> RebuildResult | None:
    """Apply again the events that read models could not apply; None if there were none.

    The retry is a rebuild, on purpose: read models fold events in order (a row's latest
    value, the known fields an audit entry compares with, a supersession that changes another
    decision's row), so applying an old event late, on top of what came after it, would leave
    rows that no in-order replay gives. A rebuild applies every event in order into shadow
    tables while the live ones keep answering, and then switches, clearing every failure
    that now succeeds.
    """
    with engine.connect().execution_options(**{READ_ONLY: True}) as connection:
        count = live_failures(connection, limit=0)[0]
    return rebuild(log, engine, batch_size=batch_size) if count else None
