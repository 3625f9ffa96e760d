"""kill -9 of the projector in the middle of catch-up loses nothing and repeats nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from ledger.bootstrap import open_ledger
from ledger.projections.catalog import read_model_engine
from ledger.projections.projector import Projector
from ledger.projections.rebuild import rebuild
from ledger.projections.timeline import timeline
from ledger.projections.tracking import current_position
from ledger.settings import Settings
from tests.application.builders import ALICE, ProgramBuilder
from tests.projections.conftest import dump


def _write_history(settings: Settings, reports: int) -> int:
    ledger = open_ledger(settings)
    erp = ProgramBuilder(ledger)
    project = erp.project("ERP implementation")
    with ledger.serialised_transaction():  # many commands, one commit: fast set-up
        for n in range(reports):
            ledger.report_project_status(project, overall="green", schedule="green",
                                         cost="green", scope="green", resources="green",
                                         narrative=f"week {n}", by=ALICE)
    head = ledger.head_position()
    ledger.close()
    return head


@pytest.mark.postgres
def test_projector_killed_mid_batch_resumes_exactly_once(postgres_url: str,
                                                         tmp_path: Path) -> None:
    settings = Settings(database_url=postgres_url, data_dir=tmp_path)
    head = _write_history(settings, reports=1500)
    engine = read_model_engine(postgres_url)
    env = {**os.environ, "LEDGER_DATABASE_URL": postgres_url,
           "LEDGER_PROJECTION_BATCH_SIZE": "25", "LEDGER_DATA_DIR": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-c", "from ledger.cli import main; main()", "projector"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while current_position(engine) < head // 4:  # poll until it is well into catch-up
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        assert time.monotonic() < deadline, "projector made no progress"
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    killed_at = current_position(engine)
    assert 0 < killed_at < head, "the kill must land in the middle of catch-up"

    ledger = open_ledger(settings)
    Projector(ledger, engine, batch_size=25).catch_up()
    with engine.connect() as connection:
        positions = connection.execute(sa.select(timeline.c.position)).scalars().all()
    assert sorted(positions) == list(range(1, head + 1))  # none skipped, none twice
    resumed = dump(engine)
    rebuild(ledger, engine)
    assert dump(engine) == resumed
    ledger.close()
    engine.dispose()
