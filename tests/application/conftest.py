"""Fixtures for the application layer: a fresh ProgramLedger on each backend, and builders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger.application import ProgramLedger
from ledger.bootstrap import open_ledger
from ledger.settings import Settings
from tests.application.builders import ProgramBuilder


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, data_dir=tmp_path, snapshot_interval=5)


@pytest.fixture
def ledger(settings: Settings) -> Iterator[ProgramLedger]:
    app = open_ledger(settings)
    yield app
    app.close()


@pytest.fixture
def erp(ledger: ProgramLedger) -> ProgramBuilder:
    return ProgramBuilder(ledger)
