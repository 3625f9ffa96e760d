"""The README's witness flow, parsed from the README and run as written on a fresh demo:
a witness process, a checkpoint it cosigns, and both verifiers holding the log to it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.e2e.test_readme_tour import README, run_as_written


def witness_block() -> str:
    """The ```sh block of the auditor's guide's witness subsection."""
    section = README.read_text().split("### Witnesses:", 1)[1].split("\n## ", 1)[0]
    return section.split("```sh\n", 1)[1].split("```", 1)[0]


def test_the_readme_witness_flow_runs_as_written_on_a_fresh_demo(tmp_path: Path) -> None:
    (tmp_path / ".venv").symlink_to(sys.prefix, target_is_directory=True)
    env = {"LEDGER_DATA_DIR": str(tmp_path / ".ledger"), "COLUMNS": "200"}
    assert run_as_written(".venv/bin/ledger demo", tmp_path, **env).returncode == 0
    inherited = {k: v for k, v in os.environ.items() if k != "LEDGER_DATABASE_URL"}
    # Its own session, so the witness the block starts in the background is ended with it.
    script = subprocess.Popen(["bash", "-euo", "pipefail", "-c", witness_block()],
                              cwd=tmp_path, env={**inherited, **env}, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              start_new_session=True)
    try:
        stdout, stderr = script.communicate(timeout=300)
    finally:
        with contextlib.suppress(ProcessLookupError):  # nothing left of the session
            os.killpg(script.pid, signal.SIGTERM)
    assert script.returncode == 0, stdout + stderr
    assert stdout.startswith("ok: ")  # the verify line, with the witness policy met
    assert "OK " in stdout and "verified against checkpoint 2" in stdout
    vkey = (tmp_path / "witness.vkey").read_text().strip()
    assert vkey.startswith("witness.auditfirm.example+")
