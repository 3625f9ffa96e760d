"""Fixtures: a ledger on a fresh database, its read-model engine, and helpers to read the
event log and dump every read-model table."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from ledger.application import ProgramLedger
from ledger.db import open_engine
from ledger.projections.catalog import all_tables
from ledger.projections.projector import Projector
from ledger.schema import all_tables_metadata
from ledger.settings import Settings

# For tests that only make sense on PostgreSQL (LISTEN/NOTIFY, advisory locks): the shared
# ``database_url`` fixture, given only its PostgreSQL parameter.
on_postgres = pytest.mark.parametrize(
    "database_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, data_dir=tmp_path, projection_batch_size=7,
                    projection_poll_seconds=0.05, create_tables=True)


@pytest.fixture
def ledger(settings: Settings) -> Iterator[ProgramLedger]:
    app = ProgramLedger(settings)
    create_schema(app)
    yield app
    app.close()


@pytest.fixture
def engine(settings: Settings) -> Iterator[sa.Engine]:
    engine = open_engine(settings.resolved_database_url, timeout=3.0, writes_read_models=True)
    yield engine
    engine.dispose()


@pytest.fixture
def project(ledger: ProgramLedger, engine: sa.Engine) -> Projector:
    """A projector with a small batch size, so catch-up crosses batch boundaries."""
    return Projector(ledger, engine, batch_size=7)


def create_schema(ledger: ProgramLedger) -> None:
    """Every table straight from the metadata (including the tracking table, which the
    library creates only for process applications), independent of the migrations' state."""
    all_tables_metadata().create_all(ledger.recorder.datastore.engine)  # type: ignore[attr-defined]


def recorded(ledger: ProgramLedger, position: int) -> Any:
    """The domain event at ``position``, as the log holds it (for exact recorded times)."""
    (notification,) = ledger.recorder.select_notifications(position, 1)
    return ledger.mapper.to_domain_event(notification)


def dump(engine: sa.Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every read-model table's rows, sorted, for exact comparison."""
    with engine.connect() as connection:
        return {name: sorted((tuple(map(repr, row)) for row in
                              connection.execute(sa.select(table))), key=repr)
                for name, table in sorted(all_tables().items())}
