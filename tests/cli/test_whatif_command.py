"""`ledger what-if` in a subprocess: tables by default, JSON for scripts, refusals in words,
a bad file named by its field; nothing written."""

from __future__ import annotations

import json
from pathlib import Path

from ledger.demo.ids import demo_id
from ledger.domain.program import program_id_for_code
from tests.cli.conftest import RunLedger

PROGRAM = program_id_for_code("ERP-TRANSFORM")
SPECIALISTS = demo_id("SharedResource", PROGRAM, "SAP specialists")
ERP = demo_id("Project", PROGRAM, "ERP implementation")


def _scenarios(amount: str) -> dict[str, object]:
    allocate = {"type": "allocate_resource", "resource_id": str(SPECIALISTS),
                "project_id": str(ERP), "month": "2026-11", "amount": amount}
    return {"scenarios": [{"key": "fits", "commands": [allocate]},
                          {"key": "too-much", "commands": [{**allocate, "amount": "20"}]}]}


def test_what_if_prints_each_scenario_and_writes_nothing(run_ledger: RunLedger,
                                                         tmp_path: Path) -> None:
    assert run_ledger("demo", "--json").returncode == 0
    token = run_ledger("tokens", "create", "--role", "editor", "--name", "board",
                       "--programs", "ERP-TRANSFORM").stdout.strip().splitlines()[-1]
    file = tmp_path / "scenarios.json"
    file.write_text(json.dumps(_scenarios("3")))
    state = ("state", "--program", "ERP-TRANSFORM", "--json")
    before = run_ledger(*state).stdout

    table = run_ledger("what-if", "--program", "ERP-TRANSFORM", "--file", str(file),
                       LEDGER_TOKEN=token)
    assert table.returncode == 0, table.stderr
    assert "fits: 1 accepted, 0 refused" in table.stdout
    assert "+3 FTE" in table.stdout  # the November allocation, with its sign and unit
    assert "refused (capacity_exceeded)" in table.stdout

    as_json = json.loads(run_ledger("what-if", "--program", "ERP-TRANSFORM", "--file",
                                    str(file), "--json", LEDGER_TOKEN=token).stdout)
    assert as_json["written"] is False
    assert [s["refused"] for s in as_json["scenarios"]] == [0, 1]
    assert run_ledger(*state).stdout == before  # the program as replayed: unchanged

    file.write_text(json.dumps({"scenarios": [{"key": "k", "commands": [
        {"type": "allocate_resource", "resource_id": str(SPECIALISTS), "project_id": str(ERP),
         "month": "Nov", "amount": "1"}]}]}))
    bad = run_ledger("what-if", "--program", "ERP-TRANSFORM", "--file", str(file),
                     LEDGER_TOKEN=token)
    assert bad.returncode == 1 and "scenarios[0].commands[0].month" in bad.stderr
