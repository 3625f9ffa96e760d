"""Fixtures: a ledger, its read-model engine, and a dump of every read-model table."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from ledger.application import ProgramLedger
from ledger.bootstrap import open_ledger
from ledger.projections.catalog import all_tables, read_model_engine
from ledger.projections.projector import Projector
from ledger.settings import Settings


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, data_dir=tmp_path, projection_batch_size=7,
                    projection_poll_seconds=0.05)


@pytest.fixture
def ledger(settings: Settings) -> Iterator[ProgramLedger]:
    app = open_ledger(settings)
    yield app
    app.close()


@pytest.fixture
def engine(settings: Settings) -> Iterator[sa.Engine]:
    engine = read_model_engine(settings.resolved_database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def project(ledger: ProgramLedger, engine: sa.Engine) -> Projector:
    """A projector with a small batch size, so catch-up crosses batch boundaries."""
    return Projector(ledger, engine, batch_size=7)


def dump(engine: sa.Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every read-model table's rows, sorted, for exact comparison."""
    with engine.connect() as connection:
        return {name: sorted((tuple(map(repr, row)) for row in
                              connection.execute(sa.select(table))), key=repr)
                for name, table in sorted(all_tables().items())}
