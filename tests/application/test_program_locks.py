"""Commands of different programs proceed in parallel up to the append; the log's order, its
recorded times and its audit chain stay as one writer would leave them (PostgreSQL)."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.application import ProgramLedger
from ledger.application.commands.programs import AddProgramObjective
from ledger.application.commands.projects import ReportProjectStatus
from ledger.application.service import program_lock_key
from ledger.audit.verify import verify
from ledger.bootstrap import open_ledger
from ledger.domain.errors import ConcurrencyConflict, PreconditionFailed
from ledger.domain.program import Program
from ledger.settings import EVENTS_TABLE, Settings
from tests.application.builders import ALICE, ProgramBuilder

pytestmark = pytest.mark.postgres
PROGRAMS = 4
WRITERS_PER_PROGRAM = 2
REPORTS_PER_WRITER = 15


def test_a_program_held_by_one_writer_does_not_stop_another_program(
        postgres_url: str, tmp_path: Path) -> None:
    """Another session holding program A's lock: A's command waits past lock_timeout and
    gets a conflict (writing nothing), while program B's command goes through meanwhile."""
    settings = Settings(database_url=postgres_url, data_dir=tmp_path,
                        database_timeout_seconds=1, command_retries=1)
    ledger = open_ledger(settings)
    held, free = ProgramBuilder(ledger, "HELD"), ProgramBuilder(ledger, "FREE")
    blocker = sa.create_engine(postgres_url)
    try:
        with blocker.begin() as connection:
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"),
                               {"key": program_lock_key(held.program_id)})
            head = ledger.head_position()
            with pytest.raises(ConcurrencyConflict):
                ledger.execute(AddProgramObjective(
                    program_id=held.program_id, objective="Blocked"), by=ALICE)
            assert ledger.head_position() == head
            result = ledger.execute(AddProgramObjective(
                program_id=free.program_id, objective="Not blocked"), by=ALICE)
            assert result.position == head + 1
        ledger.execute(AddProgramObjective(
            program_id=held.program_id, objective="Once free"), by=ALICE)
        assert ledger.load(held.program_id, Program).objectives[-1] == "Once free"
    finally:
        blocker.dispose()
        ledger.close()


def test_a_stale_version_is_refused_without_queueing_for_the_program(
        postgres_url: str, tmp_path: Path) -> None:
    """If-Match at a superseded version is answered 412 at once, even while another session
    holds the program's lock: only a lock timeout (409, "retry") would come of queueing, and
    retrying a stale request can never succeed."""
    settings = Settings(database_url=postgres_url, data_dir=tmp_path,
                        database_timeout_seconds=1, command_retries=1)
    ledger = open_ledger(settings)
    erp = ProgramBuilder(ledger)
    project = erp.project("Cutover")
    report = ReportProjectStatus(project_id=project, overall="green", schedule="green",
                                 cost="green", scope="green", resources="green", narrative="")
    current = ledger.execute(report, by=ALICE).version
    blocker = sa.create_engine(postgres_url)
    try:
        with blocker.begin() as connection:
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"),
                               {"key": program_lock_key(erp.program_id)})
            with pytest.raises(PreconditionFailed, match=f"at version {current}, not 1"):
                ledger.execute(report, by=ALICE, if_match=1)
            # The current version queues, and times out behind the holder.
            with pytest.raises(ConcurrencyConflict):
                ledger.execute(report, by=ALICE, if_match=current)
        assert ledger.execute(report, by=ALICE, if_match=current).version == current + 1
    finally:
        blocker.dispose()
        ledger.close()


def test_the_recorded_moment_is_stamped_once_the_append_lock_is_held(
        postgres_url: str, tmp_path: Path) -> None:
    """A command that waited for the events table records the time it got the lock, not the
    time it started: so recorded time cannot go back as positions rise."""
    settings = Settings(database_url=postgres_url, data_dir=tmp_path)
    ledger = open_ledger(settings)
    erp = ProgramBuilder(ledger)
    blocker = sa.create_engine(postgres_url)
    outcome: list[object] = []
    try:
        with blocker.begin() as connection:
            connection.execute(sa.text(f"LOCK TABLE {EVENTS_TABLE} IN EXCLUSIVE MODE"))
            waiting = threading.Thread(target=lambda: outcome.append(ledger.execute(
                AddProgramObjective(program_id=erp.program_id, objective="Waited"), by=ALICE)))
            waiting.start()
            _until_a_session_waits_for_a_lock(blocker)
            released_at = datetime.now(UTC)
        waiting.join(timeout=60)
        assert len(outcome) == 1
        event = ledger.mapper.to_domain_event(ledger.recorder.select_notifications(
            start=ledger.head_position(), limit=1)[0])
        assert event.timestamp >= released_at
    finally:
        blocker.dispose()
        ledger.close()


def _until_a_session_waits_for_a_lock(engine: sa.Engine) -> None:
    """Poll PostgreSQL's own view of sessions until one waits for a lock (with a deadline)."""
    deadline = time.monotonic() + 30
    with engine.connect() as connection:
        while not connection.execute(sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()")).scalar():
            assert time.monotonic() < deadline, "the command never waited for the lock"
            connection.rollback()


def test_writers_of_several_programs_keep_positions_times_and_chain_in_order(
        postgres_url: str, tmp_path: Path) -> None:
    settings = Settings(database_url=postgres_url, data_dir=tmp_path)
    setup = open_ledger(settings)
    projects: dict[UUID, list[UUID]] = {}
    for n in range(PROGRAMS):
        program = ProgramBuilder(setup, f"P{n}")
        projects[program.program_id] = [program.project(f"Project {k}") for k in range(2)]
    accepted: list[tuple[UUID, int]] = []
    crashed: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(PROGRAMS * WRITERS_PER_PROGRAM)

    def writer(program_id: UUID, seed: int) -> None:
        ledger = ProgramLedger(settings)  # its own engine, like another process
        try:
            start.wait(timeout=60)
            for n in range(REPORTS_PER_WRITER):
                project_id = projects[program_id][(seed + n) % 2]
                result = ledger.execute(ReportProjectStatus(
                    project_id=project_id, overall="green", schedule="green", cost="green",
                    scope="green", resources="green", narrative=f"{seed}/{n}"), by=ALICE)
                with lock:
                    accepted.append((project_id, result.position))
        except BaseException as error:
            with lock:
                crashed.append(error)
        finally:
            ledger.close()

    threads = [threading.Thread(target=writer, args=(program_id, seed))
               for program_id in projects for seed in range(WRITERS_PER_PROGRAM)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert crashed == []

    notifications = setup.recorder.select_notifications(start=1, limit=100_000)
    events = [setup.mapper.to_domain_event(n) for n in notifications]
    positions = [n.id for n in notifications]
    assert positions == list(range(1, len(positions) + 1))  # no gaps, no repeats
    written = {position for _, position in accepted}
    assert len(written) == len(accepted) == PROGRAMS * WRITERS_PER_PROGRAM * REPORTS_PER_WRITER
    assert written <= set(positions)
    # Recorded time never goes back as positions rise, across programs.
    times = [event.timestamp for event in events]
    assert times == sorted(times)
    # Each project's events are numbered 1, 2, 3, ... in position order.
    versions: dict[UUID, list[int]] = defaultdict(list)
    for event in events:
        versions[event.originator_id].append(event.originator_version)
    assert all(found == list(range(1, len(found) + 1)) for found in versions.values())
    # The audit chain and tree were extended in position order.
    engine = sa.create_engine(postgres_url)
    try:
        result = verify(engine, Ed25519PrivateKey.generate().public_key())
    finally:
        engine.dispose()
    assert result.ok and result.checked == len(positions)
    setup.close()
