"""`ledger projections status|rebuild` and `ledger projector`: success and bad input."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.cli.conftest import RunLedger


def test_rebuild_then_status_shows_no_lag(run_ledger: RunLedger) -> None:
    demo = json.loads(run_ledger("demo", "--json").stdout)
    rebuilt = run_ledger("projections", "rebuild", "--batch-size", "50")
    status = json.loads(run_ledger("projections", "status", "--json").stdout)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert f"rebuilt {demo['head']:,} events" in rebuilt.stdout
    assert status == {"projection": "read-models", "position": demo["head"],
                      "head": demo["head"], "lag": 0, "status": "ready",
                      "failures": {"count": 0, "listed": []}}


def test_status_before_projection_reports_the_whole_log_as_lag(run_ledger: RunLedger) -> None:
    head = json.loads(run_ledger("demo", "--json").stdout)["head"]
    status = json.loads(run_ledger("projections", "status", "--json").stdout)
    assert (status["position"], status["lag"]) == (0, head)


def test_rebuild_refuses_a_zero_batch(run_ledger: RunLedger) -> None:
    result = run_ledger("projections", "rebuild", "--batch-size", "0")
    assert result.returncode == 2 and "batch-size" in result.stderr


def test_projector_with_unreachable_database_fails_cleanly(run_ledger: RunLedger) -> None:
    result = run_ledger("projector",
                        LEDGER_DATABASE_URL="postgresql+psycopg2://nobody@127.0.0.1:1/none")
    assert result.returncode == 3
    assert result.stderr.startswith("error: cannot reach the database")


def test_projector_catches_up_and_stops_cleanly_on_sigterm(run_ledger: RunLedger,
                                                           tmp_path: Path) -> None:
    head = json.loads(run_ledger("demo", "--json").stdout)["head"]
    env = {**os.environ, "LEDGER_DATA_DIR": str(tmp_path / "data")}
    process = subprocess.Popen([sys.executable, "-c", "from ledger.cli import main; main()",
                                "projector"], env=env, cwd=tmp_path,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while json.loads(run_ledger("projections", "status", "--json").stdout)["lag"]:
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.2)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    status = json.loads(run_ledger("projections", "status", "--json").stdout)
    assert status["position"] == head
