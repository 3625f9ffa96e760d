"""The small frictions a first-time user met (issue 18), each with the answer it gets now."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from pathlib import Path

from rich.progress import Progress

from ledger.cli.projections import EventsPerSecond
from tests.cli.conftest import RunLedger


def test_the_demo_signs_a_checkpoint_and_checkpoints_lists_it(run_ledger: RunLedger) -> None:
    demo = json.loads(run_ledger("demo", "--json").stdout)
    listed = run_ledger("audit", "checkpoints", "--json")
    assert listed.returncode == 0, listed.stderr
    checkpoints = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(c["id"], c["position"]) for c in checkpoints] == [(demo["checkpoint"],
                                                                 demo["head"])]
    table = run_ledger("audit", "checkpoints").stdout
    assert f"position {demo['head']:>8,}" in table and checkpoints[0]["root"] in table
    verified = run_ledger("audit", "verify")
    assert verified.returncode == 0 and "1 signed checkpoint;" in verified.stdout


def test_without_a_checkpoint_errors_name_the_command_and_export_leaves_no_file(
        run_ledger: RunLedger, tmp_path: Path) -> None:
    assert "no checkpoint" in run_ledger("audit", "checkpoints").stderr
    trail = tmp_path / "trail.jsonl"
    for result in (run_ledger("audit", "export", "--out", str(trail)),
                   run_ledger("audit", "proof", "1")):
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert "ledger audit checkpoint" in result.stderr
    assert not trail.exists()
    assert [p.name for p in tmp_path.iterdir() if "trail" in p.name] == []
    verified = run_ledger("audit", "verify")
    assert "0 signed checkpoints" in verified.stdout
    assert "ledger audit checkpoint" in verified.stderr


def test_state_before_the_program_was_recorded_names_it_and_suggests_effective(
        run_ledger: RunLedger) -> None:
    run_ledger("demo")
    result = run_ledger("state", "--program", "erp-transform", "--as-of", "2020-01-01")
    assert result.returncode == 1
    assert "ERP-TRANSFORM was not yet recorded" in result.stderr
    assert "--effective" in result.stderr and "ffa385f0" not in result.stderr


def test_a_position_past_the_head_is_refused(run_ledger: RunLedger) -> None:
    head = json.loads(run_ledger("demo", "--json").stdout)["head"]
    result = run_ledger("state", "--program", "ERP-TRANSFORM", "--position", str(head + 1))
    assert result.returncode == 2
    assert f"past the head of the log ({head})" in result.stderr
    assert run_ledger("state", "--program", "ERP-TRANSFORM", "--position",
                      str(head)).returncode == 0


def test_effective_output_shows_the_date_it_used(run_ledger: RunLedger) -> None:
    run_ledger("demo")
    result = run_ledger("state", "--program", "ERP-TRANSFORM", "--effective", "2025-12-31")
    assert result.returncode == 0, result.stderr
    assert "as it stood on 2025-12-31 00:00 UTC" in result.stdout


def test_the_verify_speed_is_never_a_misleading_zero() -> None:
    clock = [0.0]
    progress = Progress(get_time=lambda: clock[0])
    task_id = progress.add_task("verify", total=None)
    assert str(EventsPerSecond().render(progress.tasks[0])) == ""  # nothing done yet
    clock[0] = 2.0
    progress.update(task_id, completed=1000, total=1000)  # one sample: too few for a rate
    assert str(EventsPerSecond().render(progress.tasks[0])) == "500 events/s"


def test_the_offline_verifier_says_a_key_file_is_not_a_public_key(tmp_path: Path) -> None:
    (tmp_path / "trail.jsonl").write_text("")
    not_a_key = tmp_path / "key.pem"
    not_a_key.write_text("this is not a key\n")
    result = subprocess.run([sys.executable, "-m", "ledger.audit.offline",
                             str(tmp_path / "trail.jsonl"), "--public-key", str(not_a_key)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert f"the key file {not_a_key} is not an Ed25519 public key" in result.stderr
    assert "fromhex" not in result.stderr


def test_serve_on_a_busy_port_says_so_and_exits_2(run_ledger: RunLedger) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_ledger("serve", "--port", str(port))
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr
    assert "Ledger on" not in result.stdout and "LEDGER_ADMIN_TOKEN" not in result.stdout


def test_tokens_list_never_cuts_an_id_and_revoke_takes_a_unique_prefix(
        run_ledger: RunLedger) -> None:
    run_ledger("tokens", "create", "--role", "viewer", "--name", "a.very.long.principal.name",
               "--programs", "ERP-TRANSFORM,CRM,HR,FINANCE,LOGISTICS")
    token_id = json.loads(run_ledger("tokens", "list", "--json").stdout)[0]["token_id"]
    narrow = run_ledger("tokens", "list", COLUMNS="80")
    assert token_id in narrow.stdout
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 80
    assert run_ledger("tokens", "revoke", token_id[:2]).returncode == 1  # too short to name one
    revoked = run_ledger("tokens", "revoke", token_id[:8])
    assert revoked.returncode == 0, revoked.stderr
    assert re.search(rf"revoked\s+{token_id}", revoked.stdout)
    assert json.loads(run_ledger("tokens", "list", "--json").stdout)[0]["revoked_at"]
