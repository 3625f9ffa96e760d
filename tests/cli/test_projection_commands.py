"""`ledger projections status|rebuild` and `ledger projector`: success and bad input."""

from __future__ import annotations

import json

from tests.cli.conftest import RunLedger


def test_rebuild_then_status_shows_no_lag(run_ledger: RunLedger) -> None:
    demo = json.loads(run_ledger("demo", "--json").stdout)
    rebuilt = run_ledger("projections", "rebuild", "--batch-size", "50")
    status = json.loads(run_ledger("projections", "status", "--json").stdout)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert f"rebuilt {demo['head']:,} events" in rebuilt.stdout
    assert status == {"projection": "read-models", "position": demo["head"],
                      "head": demo["head"], "lag": 0}


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
