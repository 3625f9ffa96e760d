"""The runner follows the log, answers read-your-writes waits, and shares nothing twice."""

from __future__ import annotations

import threading
from datetime import date

import pytest
import sqlalchemy as sa

from ledger.application import ProgramLedger
from ledger.projections.projector import Projector
from ledger.projections.rebuild import rebuild
from ledger.projections.runner import ProjectionRunner
from ledger.projections.timeline import timeline
from ledger.projections.tracking import current_position
from ledger.projections.waiting import wait_for_position
from ledger.settings import Settings
from tests.application.builders import ALICE, ProgramBuilder
from tests.projections.conftest import dump


def test_runner_follows_new_events_and_wait_for_reports_progress(
        ledger: ProgramLedger, engine: sa.Engine, settings: Settings) -> None:
    runner = ProjectionRunner(ledger, engine, settings)
    runner.start()
    try:
        erp = ProgramBuilder(ledger)
        position = ledger.authorize_project(erp.program_id, name="Late", manager="m",
                                            planned_start=date(2025, 1, 1),
                                            planned_finish=date(2025, 12, 31),
                                            deliverables=[], by=ALICE).position
        runner.poke()
        assert runner.wait_for(position, timeout=10) is True
        assert current_position(engine) >= position
        assert runner.wait_for(position + 1000, timeout=0.2) is False
        assert runner.status().lag == 0
    finally:
        runner.stop()


def test_waiting_from_another_process_polls_the_tracking_table(
        ledger: ProgramLedger, engine: sa.Engine, project: Projector) -> None:
    ProgramBuilder(ledger).project("P")
    head = ledger.head_position()
    assert wait_for_position(engine, head, timeout=0.1) is False
    project.catch_up()
    assert wait_for_position(engine, head, timeout=0.1) is True


@pytest.mark.postgres
def test_two_projectors_never_apply_the_same_event_twice(postgres_url: str) -> None:
    from ledger.bootstrap import open_ledger
    from ledger.projections.catalog import read_model_engine

    settings = Settings(database_url=postgres_url)
    ledger = open_ledger(settings)
    erp = ProgramBuilder(ledger)
    for n in range(60):
        erp.project(f"P{n}")
    engines = [read_model_engine(postgres_url) for _ in range(2)]
    projectors = [Projector(ledger, e, batch_size=3) for e in engines]
    start = threading.Barrier(2)

    def race(projector: Projector) -> None:
        start.wait()
        projector.catch_up()

    threads = [threading.Thread(target=race, args=(p,)) for p in projectors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with engines[0].connect() as connection:
        positions = connection.execute(sa.select(timeline.c.position)).scalars().all()
    assert sorted(positions) == list(range(1, ledger.head_position() + 1))
    incremental = dump(engines[0])
    rebuild(ledger, engines[0])
    assert dump(engines[0]) == incremental
    for engine in engines:
        engine.dispose()
    ledger.close()
