"""Reads the event log's notifications straight from its table, on the projector's own
connection: the library's recorder builds an ORM object per row, which cost a rebuild more
than decoding the events did."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification
from sqlalchemy import Column, LargeBinary, MetaData, Table, Text, select
from sqlalchemy.engine import Connection
from sqlalchemy.types import NullType

from ledger.db import POSITION
from ledger.settings import EVENTS_TABLE

# The library's events table (created by the event store's migration); only its shape here.
stored_events = Table(
    EVENTS_TABLE, MetaData(),
    Column("id", POSITION, primary_key=True),
    Column("originator_id", NullType()),
    Column("originator_version", POSITION),
    Column("topic", Text()),
    Column("state", LargeBinary()),
)

_AFTER = (select(stored_events.c.id, stored_events.c.originator_id,
                 stored_events.c.originator_version, stored_events.c.topic,
                 stored_events.c.state)
          .order_by(stored_events.c.id))


def notifications_after(connection: Connection, position: int, limit: int) -> list[Notification]:
    """Up to ``limit`` notifications past ``position``, in log order."""
    # All at once: iterating the result would fetch, and process, one row per call.
    rows = connection.execute(_AFTER.where(stored_events.c.id > position).limit(limit)).all()
    return [Notification(id=id_, originator_id=_uuid(originator_id),
                         originator_version=version, topic=topic, state=state)
            for id_, originator_id, version, topic, state in rows]


def _uuid(value: Any) -> UUID:
    """PostgreSQL's uuid comes back as a UUID or as text, SQLite's as 16 bytes."""
    if isinstance(value, UUID):
        return value
    if isinstance(value, bytes):
        return UUID(bytes=value)
    return UUID(str(value))
