"""`ledger audit ...` and `ledger serve`: success and one bad input each."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.cli.conftest import RunLedger


def test_checkpoint_verify_proof_export_and_offline_check(run_ledger: RunLedger,
                                                          tmp_path: Path) -> None:
    head = json.loads(run_ledger("demo", "--json").stdout)["head"]
    checkpoint = json.loads(run_ledger("audit", "checkpoint").stdout)
    assert (checkpoint["position"], checkpoint["tree_size"]) == (head, head)
    verified = run_ledger("audit", "verify", "--json")
    assert verified.returncode == 0, verified.stderr
    assert json.loads(verified.stdout)["ok"] is True
    proof = json.loads(run_ledger("audit", "proof", "7").stdout)
    assert proof["position"] == 7 and proof["root"] == checkpoint["root"]
    export = tmp_path / "trail.jsonl"
    assert run_ledger("audit", "export", "--out", str(export)).returncode == 0
    key = tmp_path / "key.pem"
    key.write_text(run_ledger("audit", "public-key").stdout)
    offline = subprocess.run([sys.executable, "-m", "ledger.audit.offline", str(export),
                              "--public-key", str(key)], capture_output=True, text=True,
                             timeout=120, check=False)
    assert offline.returncode == 0, offline.stdout + offline.stderr


def test_proof_of_a_position_that_does_not_exist_fails_cleanly(run_ledger: RunLedger) -> None:
    run_ledger("demo")
    run_ledger("audit", "checkpoint")
    result = run_ledger("audit", "proof", "999999")
    assert result.returncode == 1
    assert result.stderr.startswith("error:") and "Traceback" not in result.stderr


def test_export_refuses_an_unknown_format(run_ledger: RunLedger) -> None:
    result = run_ledger("audit", "export", "--format", "xml")
    assert result.returncode == 2 and "jsonl or csv" in result.stderr


def test_serve_refuses_an_impossible_port(run_ledger: RunLedger) -> None:
    result = run_ledger("serve", "--port", "70000")
    assert result.returncode == 2 and "port" in result.stderr.lower()
