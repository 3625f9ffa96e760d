"""The database foundations: the one MetaData Ledger's own tables live in, the column types
that behave the same on SQLite and PostgreSQL, and the engines everything connects with."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Text,
    create_engine,
    event,
)
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import TypeDecorator

# Alembic autogenerates against this object, so every Ledger table must be defined on it.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

POSITION = BigInteger().with_variant(Integer(), "sqlite")
ID = String(36)  # UUIDs as text: readable in SQL, identical on both databases
Document = JSON

# Execution option of connections that only read: on SQLite they begin a deferred
# transaction rather than taking the write lock (see ``open_engine``).
READ_ONLY = "ledger_read_only"

# Documents in read models are standard JSON, on both databases: a NaN or an infinity fails
# the row (as PostgreSQL itself refuses them), and the event is recorded as a failure.
STANDARD_JSON = partial(json.dumps, allow_nan=False)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes; SQLite stores them naive, so UTC is put back on read."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if not isinstance(value, datetime):
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class DecimalText(TypeDecorator[Decimal]):
    """Exact quantities (FTE, money) as text: SQLite has no exact decimal type."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


def open_engine(url: str, *, timeout: float, writes_read_models: bool = False) -> Engine:
    """The one way Ledger connects. A dead connection is replaced on checkout, and pysqlite's
    own transaction handling is replaced by Ledger's (``_own_sqlite_transactions``).

    The engine requests read with fails fast on an outage (503) instead of hanging a worker.
    On SQLite its deferred BEGIN gives one snapshot (WAL) without taking the write lock, so
    readers never hold up commands or the projector.

    The projector's engine (``writes_read_models``) keeps documents to standard JSON. On
    SQLite each of its transactions begins IMMEDIATE, taking the write lock up front;
    otherwise a transaction that read before another connection committed could not write at
    all. A connection with the execution option READ_ONLY begins a deferred transaction
    instead, so that looking at the tracking position never holds up a writer.
    """
    documents: dict[str, Any] = {"json_serializer": STANDARD_JSON} if writes_read_models else {}
    if not url.startswith("sqlite"):
        connect_args: dict[str, Any] = {"connect_timeout": max(1, round(timeout))}
        if not writes_read_models:
            # A database host that vanishes without closing the socket is noticed in seconds.
            connect_args |= {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2,
                             "keepalives_count": 2}
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **documents)
    engine = create_engine(url, connect_args={"timeout": 30 if writes_read_models else timeout},
                           **documents)
    _own_sqlite_transactions(engine, _begin_writing if writes_read_models else _begin_reading)
    return engine


def _begin_reading(connection: Connection) -> str:
    return "BEGIN"


def _begin_writing(connection: Connection) -> str:
    return "BEGIN" if connection.get_execution_options().get(READ_ONLY, False) \
        else "BEGIN IMMEDIATE"


def _own_sqlite_transactions(engine: Engine, begin: Callable[[Connection], str]) -> None:
    """Take transactions away from pysqlite, and begin each with ``begin(connection)``:
    pysqlite would begin none before a read, so a query of several SELECTs could see a
    projector commit half-way."""

    @event.listens_for(engine, "connect")
    def _own_transactions(dbapi_connection: DBAPIConnection, _: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql(begin(connection))
