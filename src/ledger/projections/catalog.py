"""Every read model, and the engine the runner and queries share."""

from __future__ import annotations

import json
from functools import partial

from sqlalchemy import Engine, Table, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry

from ledger.projections import (
    benefits,
    decisions,
    dependencies,
    failures,  # noqa: F401 - defines its table on the metadata
    programs,
    projects,
    resources,
    risks,
    timeline,
)
from ledger.projections.registry import ReadModel
from ledger.projections.tracking import READ_ONLY

# Documents in read models are standard JSON, on both databases: a NaN or an infinity fails
# the row (as PostgreSQL itself refuses them), and the event is recorded as a failure.
STANDARD_JSON = partial(json.dumps, allow_nan=False)

READ_MODELS: tuple[ReadModel, ...] = (
    programs.model, projects.model, dependencies.model, resources.model, benefits.model,
    risks.model, decisions.model, timeline.model,
)


def all_tables() -> dict[str, Table]:
    """Every read-model table by its SQL name."""
    return {t.name: t for model in READ_MODELS for t in model.tables.values()}


def read_model_engine(url: str, *, connect_timeout: float = 3.0) -> Engine:
    """An engine for read-model work.

    On SQLite every transaction begins IMMEDIATE, taking the write lock up front; otherwise a
    transaction that read before another connection committed could not write at all. A
    connection with the execution option READ_ONLY begins a plain (deferred) transaction
    instead, so that looking at the tracking position never holds up a writer.
    """
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, json_serializer=STANDARD_JSON,
                             connect_args={"connect_timeout": max(1, round(connect_timeout))})
    engine = create_engine(url, json_serializer=STANDARD_JSON, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _own_transactions(dbapi_connection: DBAPIConnection, _: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection: Connection) -> None:
        reading = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    return engine
