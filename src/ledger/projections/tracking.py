"""Where each projector has got to in the log, stored with the read models it wrote."""

from __future__ import annotations

from sqlalchemy import Column, Engine, MetaData, String, Table, delete, insert, select, text
from sqlalchemy.engine import Connection

from ledger.projections.types import POSITION
from ledger.settings import TRACKING_TABLE

LIVE = "read-models"
REBUILD = "read-models:rebuild"
# PostgreSQL advisory-lock key shared by every process that applies events to read models.
ADVISORY_LOCK_KEY = 0x1ED6E2_0001

tracking = Table(
    TRACKING_TABLE, MetaData(),
    Column("application_name", String(32), primary_key=True),
    Column("notification_id", POSITION),
)


def tracked_position(connection: Connection, name: str = LIVE) -> int:
    found = connection.execute(
        select(tracking.c.notification_id).where(tracking.c.application_name == name)).scalar()
    return int(found or 0)


def record_position(connection: Connection, position: int, name: str = LIVE) -> None:
    connection.execute(delete(tracking).where(tracking.c.application_name == name))
    connection.execute(insert(tracking).values(application_name=name, notification_id=position))


def forget_position(connection: Connection, name: str) -> None:
    connection.execute(delete(tracking).where(tracking.c.application_name == name))


def lock_projection(connection: Connection) -> None:
    """Serialise read-model writers across processes (PostgreSQL); SQLite's write lock,
    taken by BEGIN IMMEDIATE, already does this."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                           {"key": ADVISORY_LOCK_KEY})


def current_position(engine: Engine, name: str = LIVE) -> int:
    with engine.connect() as connection:
        return tracked_position(connection, name)
