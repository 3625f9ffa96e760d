"""`ledger import measurements` in a subprocess: dry run, import, re-import, and refusals,
as a token with write access to the program."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import RunLedger
from tests.finance_export import finance_export

BENEFIT = "Order-to-cash cycle time"  # one of the demo's benefits


def _editor(run_ledger: RunLedger, programs: str = "ERP-TRANSFORM") -> str:
    created = run_ledger("tokens", "create", "--role", "editor", "--name", "fin.ops",
                         "--programs", programs)
    assert created.returncode == 0, created.stderr
    return created.stdout.strip().splitlines()[-1]


def test_dry_run_import_and_re_import(run_ledger: RunLedger, tmp_path: Path) -> None:
    assert run_ledger("demo", "--json").returncode == 0
    token = _editor(run_ledger)
    export = tmp_path / "benefits-q1.xlsx"
    export.write_bytes(finance_export(benefit=BENEFIT))
    args = ("import", "measurements", str(export), "--program", "ERP-TRANSFORM")

    dry = run_ledger(*args, "--dry-run", LEDGER_TOKEN=token)
    assert dry.returncode == 0, dry.stderr
    assert "would record 3" in dry.stdout and "refused 1" in dry.stdout
    assert "unknown_benefit" in dry.stdout and "formula" in dry.stdout

    refused = run_ledger(*args, "--json", LEDGER_TOKEN=token)
    assert refused.returncode == 1
    assert {e["field"] for e in json.loads(refused.stdout)["errors"]} == {
        "row 6, benefit", "row 6, value"}

    export.write_bytes(finance_export(benefit=BENEFIT, with_total=False))
    imported = run_ledger(*args, "--json", "--token", token)
    assert imported.returncode == 0, imported.stderr
    body = json.loads(imported.stdout)
    assert (body["recorded"], body["file"]["name"]) == (3, "benefits-q1.xlsx")

    again = json.loads(run_ledger(*args, "--json", LEDGER_TOKEN=token).stdout)
    assert (again["recorded"], again["already_imported"], again["position"]) == (0, 3, None)


def test_only_a_writer_for_the_program_may_import(run_ledger: RunLedger,
                                                  tmp_path: Path) -> None:
    assert run_ledger("demo", "--json").returncode == 0
    export = tmp_path / "close.csv"
    export.write_text(f"benefit,value,effective_at,source\n{BENEFIT},40,2025-01-31,F\n")
    args = ("import", "measurements", str(export), "--program", "ERP-TRANSFORM", "--dry-run")
    elsewhere = run_ledger(*args, LEDGER_TOKEN=_editor(run_ledger, programs="OTHER"))
    assert elsewhere.returncode == 1 and "outside this token's scope" in elsewhere.stderr
    viewer = run_ledger("tokens", "create", "--role", "viewer", "--name", "vic",
                        "--all-programs").stdout.strip().splitlines()[-1]
    assert "cannot post commands" in run_ledger(*args, LEDGER_TOKEN=viewer).stderr
    unknown = run_ledger(*args, LEDGER_TOKEN="ldg_nope")
    assert unknown.returncode == 2 and "unknown or revoked" in unknown.stderr
