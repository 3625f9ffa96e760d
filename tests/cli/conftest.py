"""Runs the real `ledger` console script in a subprocess, against a temporary data dir."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

LEDGER = [sys.executable, "-c", "from ledger.cli import main; main()"]
RunLedger = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_ledger(tmp_path: Path) -> RunLedger:
    def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
        environment = {**os.environ, "LEDGER_DATA_DIR": str(tmp_path / "data"),
                       "COLUMNS": "200", **env}
        return subprocess.run([*LEDGER, *args], capture_output=True, text=True, timeout=120,
                              cwd=tmp_path, env=environment, check=False)

    return run
