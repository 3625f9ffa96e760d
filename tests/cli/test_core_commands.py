"""`ledger db`, `ledger demo` and `ledger state`: success, and one bad input each."""

from __future__ import annotations

import json

from tests.cli.conftest import RunLedger


def test_db_upgrade_reaches_head_and_is_repeatable(run_ledger: RunLedger) -> None:
    first = run_ledger("db", "upgrade")
    second = run_ledger("db", "current")
    assert first.returncode == 0, first.stderr
    assert "database at revision" in first.stdout
    assert second.stdout.strip() == first.stdout.split()[-1]


def test_db_upgrade_with_unreachable_database_is_one_clear_line(run_ledger: RunLedger) -> None:
    result = run_ledger("db", "upgrade",
                        LEDGER_DATABASE_URL="postgresql+psycopg2://nobody@127.0.0.1:1/none")
    assert result.returncode == 3
    assert result.stderr.startswith("error: cannot reach the database")
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_unsupported_database_url_is_refused(run_ledger: RunLedger) -> None:
    result = run_ledger("db", "upgrade", LEDGER_DATABASE_URL="mysql://x")
    assert result.returncode == 2
    assert "database_url" in result.stderr and "Traceback" not in result.stderr


def test_demo_twice_gives_the_same_event_count(run_ledger: RunLedger) -> None:
    first = json.loads(run_ledger("demo", "--json").stdout)
    second = json.loads(run_ledger("demo", "--json").stdout)
    assert first["loaded"] is True and first["events"] > 150 and first["checkpoint"] == 1
    assert second == {"program": "ERP-TRANSFORM", "loaded": False, "events": 0,
                      "head": first["head"], "checkpoint": None}


def test_demo_with_unknown_option_fails_without_traceback(run_ledger: RunLedger) -> None:
    result = run_ledger("demo", "--programme", "X")
    assert result.returncode == 2
    assert "No such option" in result.stderr and "Traceback" not in result.stderr


def test_state_replays_the_program_at_an_earlier_position(run_ledger: RunLedger) -> None:
    run_ledger("demo")
    now = json.loads(run_ledger("state", "--program", "erp-transform", "--json").stdout)
    early = json.loads(run_ledger("state", "--program", "ERP-TRANSFORM", "--position", "10",
                                  "--json").stdout)
    assert now["program"]["code"] == "ERP-TRANSFORM"
    assert len(now["components"]["project"]) == 4 and len(now["components"]["decision"]) == 7
    assert list(early["components"]) == ["project"]
    assert [p["state"] for p in early["components"]["project"]] == ["planned"] * 4


def test_state_of_an_unknown_program_names_it(run_ledger: RunLedger) -> None:
    run_ledger("db", "upgrade")
    result = run_ledger("state", "--program", "NOPE")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: no program with code NOPE")


def test_state_refuses_both_time_and_position(run_ledger: RunLedger) -> None:
    result = run_ledger("state", "--program", "X", "--position", "3",
                        "--as-of", "2025-01-01T00:00:00")
    assert result.returncode == 2 and "not both" in result.stderr
