"""Reads raw event rows and chain rows in position order, one keyset batch per statement.

Verification reads every row of both tables, so the batch readers hand back the driver's
rows as they are (no per-row objects or conversions); the single-row readers that explain a
failure return named records instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple
from uuid import UUID

from sqlalchemy import ColumnElement, Connection, Select, Text, cast, func, select

from ledger.audit.access import Reader, fetch_plain
from ledger.audit.digest import digest_of_row
from ledger.audit.tables import audit_chain, events

# (position, originator hex, originator version, topic, state as bytes or memoryview)
EventTuple = tuple[int, str, int, str, Any]
# (leaf index, position, digest, chain link), hashes as bytes or memoryview
ChainTuple = tuple[int, int, Any, Any]


class EventRow(NamedTuple):
    """A raw event row, with the originator as hex: the cheapest form to digest."""

    position: int
    originator_hex: str
    originator_version: int
    topic: str
    state: bytes

    def digest_at(self, position: int) -> bytes:
        """The digest this event's fields would have if it were stored at ``position``."""
        return digest_of_row(position, self.originator_hex, self.originator_version,
                             self.topic, self.state)


class ChainRow(NamedTuple):
    """What the chain recorded for one event when it was appended."""

    leaf_index: int
    position: int
    originator_hex: str
    originator_version: int
    digest: bytes
    chain: bytes

    def named(self) -> str:
        return f"event {self.originator_hex} v{self.originator_version}"


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive times; every time the audit tables hold was written in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def to_uuid(value: Any) -> UUID:
    """SQLite stores UUIDType as 16 bytes, psycopg2 returns PostgreSQL's uuid as text."""
    if isinstance(value, UUID):
        return value
    if isinstance(value, bytes | memoryview):
        return UUID(bytes=bytes(value))
    return UUID(str(value))


def _originator_hex(db: Reader) -> ColumnElement[str]:
    """The originator id as 32 lowercase hex digits, computed by the database: building a
    UUID object per row would cost verification more than hashing the row does."""
    dialect = db.dialect if isinstance(db, Connection) else db.get_bind().dialect
    if dialect.name == "postgresql":
        return func.replace(cast(events.c.originator_id, Text), "-", "", type_=Text)
    return func.lower(func.hex(events.c.originator_id), type_=Text)


def _events_query(db: Reader, after: int, upto: int | None) -> Select[Any]:
    query = (select(events.c.id, _originator_hex(db), events.c.originator_version,
                    events.c.topic, events.c.state)
             .where(events.c.id > after).order_by(events.c.id))
    return query if upto is None else query.where(events.c.id <= upto)


def event_batch(db: Reader, after: int, upto: int) -> Sequence[EventTuple]:
    """Events with ``after < position <= upto``, in position order, as driver rows."""
    return fetch_plain(db, _events_query(db, after, upto))


def event_rows(db: Reader, after: int, upto: int | None = None, limit: int | None = None
               ) -> list[EventRow]:
    """Events with ``after < position <= upto``, in position order."""
    query = _events_query(db, after, upto)
    if limit is not None:
        query = query.limit(limit)
    return [EventRow(row[0], row[1], row[2], row[3], bytes(row[4]))
            for row in db.execute(query).all()]


def chain_batch(db: Reader, first_leaf: int, stop_leaf: int) -> Sequence[ChainTuple]:
    """Chain leaves ``first_leaf <= leaf_index < stop_leaf``, in leaf order, as driver rows."""
    query = (select(audit_chain.c.leaf_index, audit_chain.c.position, audit_chain.c.digest,
                    audit_chain.c.chain)
             .where(audit_chain.c.leaf_index >= first_leaf, audit_chain.c.leaf_index < stop_leaf)
             .order_by(audit_chain.c.leaf_index))
    return fetch_plain(db, query)


_CHAIN_ROW = select(audit_chain.c.leaf_index, audit_chain.c.position,
                    audit_chain.c.originator_id, audit_chain.c.originator_version,
                    audit_chain.c.digest, audit_chain.c.chain)


def chained_at(db: Reader, leaf_index: int) -> ChainRow:
    """The chain row of one leaf, which the caller knows exists."""
    row = db.execute(_CHAIN_ROW.where(audit_chain.c.leaf_index == leaf_index)).one()
    return ChainRow(row[0], row[1], row[2], row[3], bytes(row[4]), bytes(row[5]))


def chained_as(db: Reader, originator_hex: str, originator_version: int) -> ChainRow | None:
    """The chain row recorded for an originator's version, if the chain has one."""
    row = db.execute(_CHAIN_ROW.where(
        audit_chain.c.originator_id == originator_hex,
        audit_chain.c.originator_version == originator_version)).first()
    return None if row is None else ChainRow(row[0], row[1], row[2], row[3], bytes(row[4]),
                                             bytes(row[5]))
