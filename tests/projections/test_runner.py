"""The runner follows the log, answers read-your-writes waits, and never shares the work."""

from __future__ import annotations

import os
import resource
import threading
import time
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa

from ledger.application import ProgramLedger
from ledger.application.commands.programs import AddProgramObjective
from ledger.db import open_engine
from ledger.projections.decisions import reviews
from ledger.projections.doorbell import Doorbell
from ledger.projections.projector import Projector
from ledger.projections.rebuild import rebuild
from ledger.projections.risks import risks
from ledger.projections.runner import ProjectionRunner
from ledger.projections.status import ProjectionStatus
from ledger.projections.timeline import timeline
from ledger.projections.tracking import current_position, try_to_lead
from ledger.projections.waiting import wait_for_position
from ledger.settings import Settings
from tests.polling import eventually
from tests.projections.commands import RandomProgram
from tests.projections.conftest import dump, on_postgres
from tests.projections.scenario import ALICE


@pytest.fixture
def runners(ledger: ProgramLedger, settings: Settings) -> Iterator[
        Callable[..., ProjectionRunner]]:
    """Start runners, each with its own engine as another process would have; stop them all."""
    started: list[tuple[ProjectionRunner, sa.Engine]] = []

    def start(**changes: object) -> ProjectionRunner:
        engine = open_engine(settings.resolved_database_url, timeout=3.0, writes_read_models=True)
        runner = ProjectionRunner(ledger, engine, settings.model_copy(update=changes))
        runner.start()
        started.append((runner, engine))
        return runner

    yield start
    for runner, engine in started:
        runner.stop()
        engine.dispose()


def test_runner_catches_up_then_follows_and_wait_for_answers(
        ledger: ProgramLedger, engine: sa.Engine, runners: Callable[..., ProjectionRunner]) -> None:
    program = RandomProgram(ledger)
    before = ledger.recorder.max_notification_id() or 0
    runner = runners()
    assert runner.wait_for(before, timeout=10) is True  # catch-up, in batches of 7
    position = ledger.execute(AddProgramObjective(
        program_id=program.program, objective="later"), by=ALICE).position
    assert runner.wait_for(position, timeout=10) is True
    assert current_position(engine) >= position
    started = time.monotonic()
    assert runner.wait_for(position + 1000, timeout=0.3) is False
    assert time.monotonic() - started >= 0.3
    assert runner.status() == [ProjectionStatus(name="read-models", position=position,
                                                head=position)]
    assert runner.status()[0].lag == 0 and runner.applied_events == position


def test_wait_for_sees_progress_made_by_another_process(
        ledger: ProgramLedger, engine: sa.Engine, settings: Settings,
        project: Projector) -> None:
    RandomProgram(ledger)
    head = ledger.recorder.max_notification_id() or 0
    waiter = ProjectionRunner(ledger, engine, settings)  # never started: another one works
    assert waiter.wait_for(head, timeout=0.1) is False
    assert wait_for_position(engine, head, timeout=0.1) is False
    worker = threading.Thread(target=project.catch_up)
    worker.start()
    try:
        assert waiter.wait_for(head, timeout=10) is True
    finally:
        worker.join()
    assert wait_for_position(engine, head, timeout=0) is True


def test_a_stopped_runner_stops_cleanly_between_batches(
        ledger: ProgramLedger, engine: sa.Engine, settings: Settings) -> None:
    for _ in range(3):
        RandomProgram(ledger)
    runner = ProjectionRunner(ledger, engine, settings.model_copy(
        update={"projection_batch_size": 1}))
    runner.start()
    assert eventually(lambda: current_position(engine) > 0)
    runner.stop()
    stopped_at = current_position(engine)
    assert runner.applied_events == stopped_at and not runner.is_leader
    with engine.connect() as connection:  # every committed batch is whole
        positions = connection.execute(sa.select(timeline.c.position)).scalars().all()
    assert sorted(positions) == list(range(1, stopped_at + 1))


def test_a_failing_batch_applies_nothing_and_the_runner_recovers(
        ledger: ProgramLedger, engine: sa.Engine, settings: Settings) -> None:
    program = RandomProgram(ledger)
    runner = ProjectionRunner(ledger, engine, settings, failure_retry_seconds=0.05)
    runner.start()
    try:
        assert runner.caught_up.wait(10)
        before = current_position(engine)
        reviews.drop(engine)  # a schema out of step with the code (the table was empty)
        program.review(0, 0, 1, True)
        program.raise_risk(0, 1, 2, True)
        assert eventually(lambda: runner.last_error is not None)
        assert current_position(engine) == before  # the batch rolled back as a whole
        with engine.connect() as connection:
            assert connection.execute(sa.select(sa.func.count()).select_from(
                risks)).scalar() == 1  # the new risk waits behind the failing review
        reviews.create(engine)
        head = ledger.recorder.max_notification_id() or 0
        assert runner.wait_for(head, timeout=10) is True
        assert runner.last_error is None
    finally:
        runner.stop()
    projected = dump(engine)
    rebuild(ledger, engine)
    assert dump(engine) == projected


@on_postgres
def test_listen_notify_wakes_the_runner_without_waiting_for_the_poll(
        ledger: ProgramLedger, engine: sa.Engine,
        runners: Callable[..., ProjectionRunner]) -> None:
    runner = runners(projection_poll_seconds=60)
    assert runner.caught_up.wait(10)
    program = RandomProgram(ledger)
    position = ledger.execute(AddProgramObjective(
        program_id=program.program, objective="o"), by=ALICE).position
    # wait_for_position only reads the tracking table: nothing pokes the runner in-process.
    assert wait_for_position(engine, position, timeout=10) is True
    started = time.monotonic()
    runner.stop()  # prompt, although the poll interval is a minute
    assert time.monotonic() - started < 5 and not runner.is_leader


@on_postgres
def test_a_second_runner_stands_by_while_the_first_holds_the_lock(
        ledger: ProgramLedger, engine: sa.Engine,
        runners: Callable[..., ProjectionRunner]) -> None:
    program = RandomProgram(ledger)
    first = runners()
    assert first.caught_up.wait(10) and first.is_leader
    second = runners()
    for n in range(20):
        program.report(n, n, n % 5 + 1, True)
    head = ledger.recorder.max_notification_id() or 0
    assert second.wait_for(head, timeout=10) is True  # it follows the leader's progress
    with engine.connect() as connection:
        assert try_to_lead(connection) is False  # the first runner's session holds it
    assert (second.is_leader, second.applied_events) == (False, 0)
    assert first.applied_events == head

    first.stop()  # its session ends, so the lock is free: the second takes over
    assert eventually(lambda: second.is_leader)
    later = ledger.execute(AddProgramObjective(
        program_id=program.program, objective="o"), by=ALICE).position
    assert second.wait_for(later, timeout=10) is True
    assert (first.applied_events, second.applied_events) == (head, later - head)


@on_postgres
def test_two_projectors_racing_never_apply_an_event_twice(
        ledger: ProgramLedger, settings: Settings) -> None:
    program = RandomProgram(ledger)
    for n in range(60):
        program.report(n, n, n % 5 + 1, True)
    engines = [open_engine(settings.resolved_database_url, timeout=3.0, writes_read_models=True)
               for _ in range(2)]
    projectors = [Projector(ledger, e, batch_size=3) for e in engines]
    start = threading.Barrier(2)
    applied: list[int] = []

    def race(projector: Projector) -> None:
        start.wait()
        applied.append(projector.catch_up())

    threads = [threading.Thread(target=race, args=(p,)) for p in projectors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    head = ledger.recorder.max_notification_id() or 0
    with engines[0].connect() as connection:
        positions = connection.execute(sa.select(timeline.c.position)).scalars().all()
    assert sorted(positions) == list(range(1, head + 1)) and sum(applied) == head
    incremental = dump(engines[0])
    rebuild(ledger, engines[0])
    assert dump(engines[0]) == incremental
    for engine in engines:
        engine.dispose()



def test_the_doorbell_works_beyond_fd_setsize() -> None:
    """A busy server holds many descriptors; select.select() refuses any above 1023."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 1200:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
    filler = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    try:
        bell = Doorbell()
        assert bell._read > 1024
        assert bell.wait(0.01) == []
        bell.ring()
        assert bell._read in bell.wait(5.0)
        assert bell.wait(0.01) == []  # waiting drained the rings
    finally:
        for descriptor in filler:
            os.close(descriptor)
