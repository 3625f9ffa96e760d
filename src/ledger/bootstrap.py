"""Composition root: prepares the database and builds the long-lived ProgramLedger."""

from __future__ import annotations

from ledger.application import ProgramLedger
from ledger.db import metadata
from ledger.migrate import upgrade_database
from ledger.schema import load_all_tables
from ledger.settings import Settings


def open_ledger(settings: Settings) -> ProgramLedger:
    """Bring the schema up to date (Alembic), then open the ledger on it."""
    upgrade_database(settings)
    return ProgramLedger(settings)


def create_schema_without_migrations(ledger: ProgramLedger) -> None:
    """Create Ledger's own tables directly; only for throwaway databases in tests."""
    load_all_tables()
    metadata.create_all(ledger.recorder.datastore.engine)  # type: ignore[attr-defined]
