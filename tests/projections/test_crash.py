"""kill -9 of the runner process in the middle of catch-up loses nothing and repeats nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from ledger.application import ProgramLedger
from ledger.application.commands.programs import AddProgramObjective
from ledger.application.commands.resources import AllocateResource
from ledger.projections.projector import Projector
from ledger.projections.rebuild import rebuild
from ledger.projections.timeline import timeline
from ledger.projections.tracking import current_position
from ledger.settings import Settings
from tests.projections.commands import RandomProgram
from tests.projections.conftest import dump, on_postgres
from tests.projections.scenario import ALICE

BATCH = 20


def write_backlog(ledger: ProgramLedger, rounds: int) -> int:
    """Events whose handlers are not idempotent (appending objectives, summing allocations),
    so an event applied twice would show in the tables, not only in the timeline."""
    program = RandomProgram(ledger)
    with ledger.serialised_transaction():  # many commands, one commit: a fast set-up
        for n in range(rounds):
            ledger.execute(AddProgramObjective(
                program_id=program.program, objective=f"o{n}"), by=ALICE)
            ledger.execute(AllocateResource(
                resource_id=program.resource, project_id=program.projects[n % 3],
                month=f"2025-{n % 12 + 1:02d}", amount=Decimal("0.01")), by=ALICE)
            program.report(n, n, n % 5 + 1, True)
    return ledger.recorder.max_notification_id() or 0


def start_runner(settings: Settings) -> subprocess.Popen[bytes]:
    env = {**os.environ, "LEDGER_DATABASE_URL": settings.resolved_database_url,
           "LEDGER_DATA_DIR": str(settings.data_dir), "LEDGER_PROJECTION_BATCH_SIZE": str(BATCH),
           "LEDGER_PROJECTION_POLL_SECONDS": "0.05"}
    return subprocess.Popen([sys.executable, "-m", "ledger.projections"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_until(process: subprocess.Popen[bytes], engine: sa.Engine, position: int) -> int:
    """Poll the tracking table until the runner reaches ``position``; fail if it dies."""
    deadline = time.monotonic() + 120
    while (reached := current_position(engine)) < position:
        assert process.poll() is None, process.stderr.read() if process.stderr else b""
        assert time.monotonic() < deadline, f"runner stuck at {reached}"
        time.sleep(0.002)
    return reached


@on_postgres
def test_runner_killed_mid_catch_up_resumes_exactly_once(
        ledger: ProgramLedger, engine: sa.Engine, settings: Settings, tmp_path: Path) -> None:
    head = write_backlog(ledger, rounds=500)
    runner = start_runner(settings)
    try:
        wait_until(runner, engine, head // 4)  # well into catch-up, far from its end
    finally:
        runner.send_signal(signal.SIGKILL)
        runner.wait(timeout=30)
    killed_at = current_position(engine)
    assert runner.returncode == -signal.SIGKILL
    assert 0 < killed_at < head and killed_at % BATCH == 0  # only whole batches committed

    restarted = start_runner(settings)
    try:
        assert wait_until(restarted, engine, head) == head
    finally:
        restarted.send_signal(signal.SIGTERM)  # a clean stop, after the batch in hand
        assert restarted.wait(timeout=30) == 0
    with engine.connect() as connection:
        positions = connection.execute(sa.select(timeline.c.position)).scalars().all()
    assert sorted(positions) == list(range(1, head + 1))  # none skipped, none twice
    resumed = dump(engine)
    rebuild(ledger, engine)
    assert dump(engine) == resumed
    assert Projector(ledger, engine).catch_up() == 0
