"""`ledger witness serve` as real processes, for the witnessed-checkpoint tests."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from ledger.audit import notes
from ledger.audit.keys import load_or_create_signing_key
from tests.e2e.conftest import free_port


@dataclass
class WitnessProcess:
    name: str
    url: str
    vkey: str
    directory: Path
    log_vkey: str
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> WitnessProcess:
        port = self.url.rsplit(":", 1)[1]
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from ledger.cli import main; main()", "witness", "serve",
             "--key", str(self.directory / "key.pem"), "--name", self.name,
             "--log-key", self.log_vkey, "--state", str(self.directory / "state.db"),
             "--port", port], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.ConnectError):
                if httpx.get(self.url + "/", timeout=5).text.strip() == self.vkey:
                    return self
            assert self.process.poll() is None, "the witness exited"
            time.sleep(0.05)
        raise AssertionError("the witness never answered")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)


def witness(directory: Path, name: str, log_vkey: str) -> WitnessProcess:
    directory.mkdir(parents=True, exist_ok=True)
    key = load_or_create_signing_key(directory / "key.pem")
    vkey = notes.verifier(name, key.public_key(), notes.COSIGNATURE_V1).vkey()
    return WitnessProcess(name, f"http://127.0.0.1:{free_port()}", vkey, directory, log_vkey)
