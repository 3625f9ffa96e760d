"""`ledger serve --workers 2`: two API processes and one projector process, all stopped
together (PostgreSQL, real uvicorn)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import start_server, stop_server

pytestmark = pytest.mark.postgres


def _children(pid: int) -> set[int]:
    """The processes whose parent is ``pid``, read from /proc."""
    found = set()
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines()
                          if ":\t" in line)
        except OSError:  # the process ended while we looked
            continue
        if fields.get("PPid", "").strip() == str(pid):
            found.add(int(status.parent.name))
    return found


def _until(condition: object, what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def test_two_workers_serve_commands_and_a_projector_process_projects_them(
        postgres_url: str, tmp_path: Path) -> None:
    server = start_server(postgres_url, tmp_path, "--workers", "2",
                          LEDGER_READ_WAIT_SECONDS="10")
    try:
        # Two uvicorn workers and the projector, each a child of `ledger serve`.
        _until(lambda: len(_children(server.process.pid)) >= 3,
               "expected two workers and a projector process")
        children = _children(server.process.pid)
        with server.client() as client:
            defined = client.post("/v1/programs", json={
                "code": "WORKERS", "name": "Two workers", "sponsor": "S", "manager": "M"})
            assert defined.status_code == 201, defined.text
            position = defined.json()["position"]
            # Only the projector process projects: no worker runs one.
            read = client.get("/v1/programs", params={"min_position": position})
            assert read.status_code == 200, read.text
            assert [p["code"] for p in read.json()["items"]] == ["WORKERS"]
            answers = {client.get("/healthz").status_code for _ in range(20)}
            assert answers == {200}
    finally:
        stop_server(server)
    assert server.process.returncode == 0
    _until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in children),
           "a worker or the projector outlived `ledger serve`")



def test_killing_serve_outright_takes_its_workers_and_projector_with_it(
        postgres_url: str, tmp_path: Path) -> None:
    """`kill -9` gives `ledger serve` no chance to stop its children: the kernel must, or
    they would keep the port and the projector's lock with nobody to stop them."""
    server = start_server(postgres_url, tmp_path, "--workers", "2")
    try:
        _until(lambda: len(_children(server.process.pid)) >= 3,
               "expected two workers and a projector process")
        children = _children(server.process.pid)
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=30)
        _until(lambda: not any(Path(f"/proc/{pid}/status").exists()
                               and "State:\tZ" not in _status(pid) for pid in children),
               "a worker or the projector outlived a `kill -9` of `ledger serve`")
    finally:
        stop_server(server)


def _status(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return "State:\tZ"  # gone while we looked
