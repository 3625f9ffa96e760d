"""Events a read model could not apply: recorded, so that they stop nothing else.

An event already in the log may be one no read model can store: written by an older version,
or straight into the table, with a NaN where a number belongs or a NUL in a text. The log is
immutable, so retrying it forever would stop every read model for good. Instead the
projector records the failure here (per tracking name, position and read model), goes on
with every other event, and the reads of that event's entity, and of its program's summary,
answer a problem that names the position until a rebuild applies it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import psycopg2
import sqlalchemy.exc
from eventsourcing.persistence import Notification, PersistenceError
from pydantic import BaseModel
from sqlalchemy import Column, Integer, String, Table, Text, delete, func, insert, or_, select
from sqlalchemy.engine import Connection

from ledger.db import ID, POSITION, UTCDateTime, metadata
from ledger.domain.errors import LedgerError
from ledger.projections.tracking import LIVE, REBUILD
from ledger.store import DATABASE_DOWN

log = logging.getLogger(__name__)
# Errors that are never the event's fault: the database unavailable for now (DATABASE_DOWN),
# any error of the event store, a schema out of step with the code, a bug in SQL, a broken
# transaction. Every event would fail alike, so they fail the batch, to be retried (after
# the fix), instead of being recorded against one event after another.
NOT_THE_EVENT: tuple[type[Exception], ...] = (
    *DATABASE_DOWN, PersistenceError,
    sqlalchemy.exc.ProgrammingError, sqlalchemy.exc.InternalError,
    sqlalchemy.exc.NotSupportedError,
    psycopg2.ProgrammingError, psycopg2.InternalError, psycopg2.NotSupportedError)
ANY_MODEL = "*"  # the event could not even be decoded, so no read model has it
ERROR_TEXT_LIMIT = 2000

failures = Table(
    "ledger_projection_failures", metadata,
    Column("tracking_name", String(32), primary_key=True),
    Column("position", POSITION, primary_key=True, autoincrement=False),
    Column("read_model", String(32), primary_key=True),
    Column("entity_id", ID, nullable=False, index=True),
    Column("program_id", ID, nullable=True, index=True),
    Column("event_type", Text, nullable=False),
    Column("error", Text, nullable=False),
    Column("first_seen", UTCDateTime, nullable=False),
    Column("last_seen", UTCDateTime, nullable=False),
    Column("attempts", Integer, nullable=False),
)


class StaleReadModel(LedgerError):
    """The entity's read model misses an event that could not be applied."""

    rule = "read_model_stale"

    def __init__(self, entity: str, positions: list[int]) -> None:
        first = positions[0]
        more = f" (and {len(positions) - 1} later)" if len(positions) > 1 else ""
        super().__init__(
            f"the read model of {entity} is stale: the event at position {first}{more} could "
            f"not be applied to it. Reads of other entities are unaffected; as-of reads of "
            f"this one before position {first} still answer. An operator sees the failure in "
            f"`ledger projections status` and applies it, once fixed, with `ledger projections "
            f"retry-failures`.")
        self.positions = positions


class Failure(BaseModel):
    """One recorded failure, as status reports show it."""

    position: int
    read_model: str
    entity_id: str
    program_id: str | None
    event_type: str
    error: str
    first_seen: datetime
    last_seen: datetime
    attempts: int


def error_text(error: BaseException) -> str:
    """The error as one storable line: no NUL (PostgreSQL refuses it in text), bounded."""
    return f"{type(error).__name__}: {error}".replace("\x00", "\\x00")[:ERROR_TEXT_LIMIT]


def record_failure(connection: Connection, tracking_name: str, notification: Notification,
                   read_model: str, program_id: str | None, error: BaseException) -> None:
    """Record (or count again) that ``read_model`` could not apply this event."""
    log.warning("read model %s could not apply the event at position %d (%s); recorded, and "
                "its entity's reads answer 409 until it is applied", read_model,
                notification.id, error_text(error))
    now = datetime.now(UTC)
    key = (failures.c.tracking_name == tracking_name,
           failures.c.position == notification.id, failures.c.read_model == read_model)
    earlier = connection.execute(
        select(failures.c.first_seen, failures.c.attempts).where(*key)).first()
    connection.execute(delete(failures).where(*key))
    connection.execute(insert(failures).values(
        tracking_name=tracking_name, position=notification.id, read_model=read_model,
        entity_id=str(notification.originator_id), program_id=program_id,
        event_type=notification.topic.rsplit(":", 1)[-1][:200], error=error_text(error),
        first_seen=earlier.first_seen if earlier else now, last_seen=now,
        attempts=(earlier.attempts if earlier else 0) + 1))


def forget_failures(connection: Connection, tracking_name: str) -> None:
    connection.execute(delete(failures).where(failures.c.tracking_name == tracking_name))


def take_over_rebuild_failures(connection: Connection) -> None:
    """At a rebuild's switch: the rebuild's failures replace the live ones. A failure the
    rebuild no longer met is cleared (the event now applies); one it met again keeps when it
    was first seen and counts one more attempt."""
    live = {(r.position, r.read_model): r for r in connection.execute(
        select(failures).where(failures.c.tracking_name == LIVE))}
    again = [dict(r._mapping) for r in connection.execute(
        select(failures).where(failures.c.tracking_name == REBUILD))]
    forget_failures(connection, LIVE)
    forget_failures(connection, REBUILD)
    for row in again:
        before = live.get((row["position"], row["read_model"]))
        row["tracking_name"] = LIVE
        if before is not None:
            row["first_seen"], row["attempts"] = before.first_seen, before.attempts + 1
        connection.execute(insert(failures).values(**row))


def live_failures(connection: Connection, limit: int = 100) -> tuple[int, list[Failure]]:
    """How many events the live read models could not apply, and the first ``limit``."""
    where = failures.c.tracking_name == LIVE
    count = connection.execute(select(func.count()).where(where)).scalar_one()
    rows = connection.execute(select(failures).where(where).order_by(
        failures.c.position, failures.c.read_model).limit(limit)).mappings()
    return count, [Failure.model_validate(dict(row)) for row in rows]


def raise_if_stale(connection: Connection, kind: str, entity_id: object, *,
                   program: bool = False) -> None:
    """Refuse to answer from a read model that misses an event of this entity (or, for a
    program's summary, of any entity whose rows roll up into it)."""
    key = str(entity_id)
    matches = failures.c.entity_id == key
    if program:
        matches = or_(matches, failures.c.program_id == key)
    positions = connection.execute(
        select(failures.c.position).distinct().where(failures.c.tracking_name == LIVE, matches)
        .order_by(failures.c.position).limit(100)).scalars().all()
    if positions:
        raise StaleReadModel(f"{kind} {key}", list(positions))
