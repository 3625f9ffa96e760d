"""Automatic checkpoints: due after N events, not before; the thread stops cleanly."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine

from ledger.audit.checkpoints import list_checkpoints
from ledger.audit.keys import load_or_create_signing_key
from ledger.audit.scheduler import CheckpointScheduler
from ledger.bootstrap import open_ledger
from ledger.settings import Settings
from tests.application.builders import ProgramBuilder


def test_scheduler_signs_only_once_enough_events_are_uncovered(database_url: str,
                                                               tmp_path: Path) -> None:
    ledger = open_ledger(Settings(database_url=database_url, data_dir=tmp_path))
    engine = create_engine(database_url)
    key = load_or_create_signing_key(tmp_path / "key.pem")
    scheduler = CheckpointScheduler(engine, key, every_events=10, every_minutes=60 * 24)
    ProgramBuilder(ledger)  # two events: not yet due
    assert scheduler.tick() is None
    erp = ProgramBuilder(ledger, code="CRM")
    for n in range(5):
        erp.project(f"P{n}")  # two events each
    made = scheduler.tick()
    assert made is not None and made.tree_size == ledger.head_position()
    assert scheduler.tick() is None  # nothing new since
    with engine.connect() as connection:
        assert [c.id for c in list_checkpoints(connection)] == [1]
    scheduler.start()
    scheduler.stop()
    ledger.close()
    engine.dispose()
