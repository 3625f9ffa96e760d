"""Where each projector has got to in the log, stored with the read models it wrote, and the
locks that keep two processes from applying the same events."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Column, Engine, MetaData, String, Table, delete, insert, select, text
from sqlalchemy.engine import Connection

from ledger.db import POSITION, READ_ONLY
from ledger.domain.errors import ConcurrencyConflict
from ledger.settings import TRACKING_TABLE

LIVE = "read-models"
REBUILD = "read-models:rebuild"
# PostgreSQL advisory-lock keys. A write lock per tracking name is held for each batch's
# transaction: whoever holds it reads the position, applies and records it atomically. The
# leader lock is held by one runner's connection for as long as it runs, so a second runner
# stands by instead of taking turns.
WRITE_LOCK_KEYS = {LIVE: 0x1ED6E2_0001, REBUILD: 0x1ED6E2_0002}
LEADER_LOCK_KEY = 0x1ED6E2_0003
# Held by a rebuild for its whole run, so a second one refuses to start instead of dropping
# the first one's shadow tables.
REBUILDER_LOCK_KEY = 0x1ED6E2_0004

# The library's tracking table (created by the event store's migration); only its shape here.
tracking = Table(
    TRACKING_TABLE, MetaData(),
    Column("application_name", String(32), primary_key=True),
    Column("notification_id", POSITION),
)


def tracked_position(connection: Connection, name: str = LIVE) -> int:
    found = connection.execute(
        select(tracking.c.notification_id).where(tracking.c.application_name == name)).scalar()
    return int(found or 0)


def tracked_names(connection: Connection) -> dict[str, int]:
    """Every projection this table tracks, with its position."""
    rows = connection.execute(select(tracking.c.application_name, tracking.c.notification_id))
    return {str(name): int(position or 0) for name, position in rows}


def record_position(connection: Connection, position: int, name: str = LIVE) -> None:
    connection.execute(delete(tracking).where(tracking.c.application_name == name))
    connection.execute(insert(tracking).values(application_name=name, notification_id=position))


def forget_position(connection: Connection, name: str) -> None:
    connection.execute(delete(tracking).where(tracking.c.application_name == name))


def lock_projection(connection: Connection, name: str = LIVE) -> None:
    """Serialise writers of one set of read-model tables until this transaction ends
    (PostgreSQL); on SQLite the write lock taken by BEGIN IMMEDIATE already does this."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                           {"key": WRITE_LOCK_KEYS[name]})


def try_to_lead(connection: Connection, key: int = LEADER_LOCK_KEY) -> bool:
    """Take the leader lock for this connection's session if it is free (PostgreSQL; SQLite
    has one writer at a time anyway, so every runner leads there)."""
    if connection.dialect.name != "postgresql":
        return True
    taken = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"),
                                    {"key": key}).scalar())
    connection.commit()  # a session lock outlives the transaction that took it
    return taken


def current_position(engine: Engine, name: str = LIVE) -> int:
    with engine.connect().execution_options(**{READ_ONLY: True}) as connection:
        return tracked_position(connection, name)


@contextmanager
def sole_rebuild(engine: Engine) -> Iterator[None]:
    """Run the body as the only rebuild (PostgreSQL; on SQLite run it as it is)."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as connection:
        taken = connection.execute(text("SELECT pg_try_advisory_lock(:key)"),
                                   {"key": REBUILDER_LOCK_KEY}).scalar()
        connection.commit()
        if not taken:
            raise ConcurrencyConflict("another rebuild of the read models is running; "
                                      "wait for it to finish", rule="rebuild_running")
        try:
            yield
        finally:
            # Released explicitly: the connection goes back to the pool, session and all.
            connection.execute(text("SELECT pg_advisory_unlock(:key)"),
                               {"key": REBUILDER_LOCK_KEY})
            connection.commit()
