"""Reliability drills: a program set up over HTTP, a load process aimed at it, and the scale.

Counts are written at the size the targets name (R1: 16 clients x 200 commands) and are
multiplied by LEDGER_STRESS_SCALE. Its default, 0.25, keeps the three drills within about
two minutes in the normal suite; `make stress` runs them at 5. Time bounds grow with the
scale but never shrink below their scale-1 values. Every wait is a poll for a condition
with a deadline, so nothing can hang.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from ledger.bootstrap import die_with_parent
from tests.e2e.conftest import Server

SCALE = float(os.environ.get("LEDGER_STRESS_SCALE", "0.25"))
LOAD_SCRIPT = Path(__file__).with_name("load.py")
POLL_SECONDS = 0.05
REPORT = {"overall": "green", "schedule": "green", "cost": "green", "scope": "green",
          "resources": "green", "narrative": "set-up"}

Record = dict[str, Any]


def scaled(count: float) -> int:
    """A count, multiplied by the stress scale."""
    return max(1, round(count * SCALE))


def bounded(seconds: float) -> int:
    """A time bound, longer at a larger scale and never shorter than at scale 1."""
    return round(seconds * max(1.0, SCALE))


def poll(condition: Callable[[], Any], what: str, seconds: float) -> Any:
    """Call ``condition`` until it returns something truthy; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not (result := condition()):
        assert time.monotonic() < deadline, f"gave up after {seconds:.0f} s waiting for {what}"
        threading.Event().wait(POLL_SECONDS)
    return result


@dataclass(frozen=True)
class ProgramUnderLoad:
    """The program the clients compete over, and the head of the log once it was set up."""

    id: str
    projects: list[str]
    resources: list[str]
    benefits: list[str]
    setup_head: int


def set_up_program(http: httpx.Client, projects: int = 6, resources: int = 2,
                   benefits: int = 3, code: str = "LOAD") -> ProgramUnderLoad:
    """One active program; every project has reported once, so If-Match "1" is stale."""
    program = _created(http.post("/v1/programs", json={
        "code": code, "name": "Under load", "sponsor": "s", "manager": "m"}))
    _created(http.post(f"/v1/programs/{program}/status", json={
        "status": "active", "reason": "start"}))
    project_ids = [_created(http.post(f"/v1/programs/{program}/projects", json={
        "name": f"Project {n}", "manager": "m", "planned_start": "2025-01-01",
        "planned_finish": "2026-12-31"})) for n in range(projects)]
    positions = [http.post(f"/v1/projects/{p}/status-reports", json=REPORT).json()["position"]
                 for p in project_ids]
    resource_ids = [_created(http.post(f"/v1/programs/{program}/resources", json={
        "name": f"Team {n}", "unit": "FTE", "capacity_per_month": "3"}))
        for n in range(resources)]
    benefit_ids = [_created(http.post(f"/v1/programs/{program}/benefits", json={
        "name": f"Benefit {n}", "kpi": "days", "unit": "days", "direction": "decrease",
        "owner": "o"})) for n in range(benefits)]
    head = http.post(f"/v1/projects/{project_ids[0]}/status-reports", json=REPORT)
    assert head.status_code == 201 and head.json()["position"] > max(positions)
    return ProgramUnderLoad(program, project_ids, resource_ids, benefit_ids,
                            head.json()["position"])


def _created(response: httpx.Response) -> str:
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def start_projector(database_url: str, data_dir: Path, **env: str) -> subprocess.Popen[str]:
    """`ledger projector` in its own process, as README's PostgreSQL deployment runs it.
    Its output goes to data_dir/projector.log: a pipe nobody reads could fill and stall it."""
    with (data_dir / "projector.log").open("a") as output:
        return subprocess.Popen(
            [sys.executable, "-c", "from ledger.cli import main; main()", "projector"],
            env={**os.environ, "LEDGER_DATABASE_URL": database_url,
                 "LEDGER_DATA_DIR": str(data_dir), "COLUMNS": "200", **env},
            stdout=output, stderr=subprocess.STDOUT, text=True,
            preexec_fn=die_with_parent)  # a killed test run leaves no projector behind


def stop_projector(projector: subprocess.Popen[str]) -> None:
    """SIGTERM (it finishes the batch in hand and exits 0), or SIGKILL if it will not."""
    if projector.poll() is None:
        projector.terminate()
        try:
            projector.wait(timeout=30)
        except subprocess.TimeoutExpired:
            projector.kill()
            projector.wait(timeout=30)


class LoadProcess:
    """`load.py` in its own process, with its records read back from its output file."""

    def __init__(self, workdir: Path, server: Server, program: ProgramUnderLoad, *,
                 clients: int, commands: int, seconds: float, seed: int = 1) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        self.url_file, self.stop_file = workdir / "url", workdir / "stop"
        self.out = workdir / "records.jsonl"
        self.seconds = seconds
        self.point_at(server)
        config = workdir / "config.json"
        config.write_text(json.dumps({
            "url_file": str(self.url_file), "stop_file": str(self.stop_file),
            "token": server.admin_token, "clients": clients, "commands": commands,
            "seconds": seconds, "request_timeout": 30, "seed": seed, "program": program.id,
            "projects": program.projects, "resources": program.resources,
            "benefits": program.benefits}))
        self.errors = workdir / "stderr.log"
        with self.errors.open("w") as errors:
            self.process = subprocess.Popen([sys.executable, str(LOAD_SCRIPT), str(config),
                                             str(self.out)], stdout=subprocess.DEVNULL,
                                            stderr=errors, text=True)

    def point_at(self, server: Server) -> None:
        """Send the following requests to ``server`` (a restart binds a new port)."""
        staged = self.url_file.with_suffix(".new")
        staged.write_text(server.url)
        staged.replace(self.url_file)

    def records(self) -> list[Record]:
        if not self.out.exists():
            return []
        text = self.out.read_text()
        complete = text[:text.rfind("\n") + 1]  # a line being written is read next time
        return [json.loads(line) for line in complete.splitlines() if line]

    def wait_for(self, condition: Callable[[list[Record]], bool], what: str,
                 seconds: float = 60) -> None:
        """Poll the records until ``condition`` holds; fail if the load ends first."""
        def holds() -> bool:
            records = self.records()
            if condition(records):
                return True
            assert self.process.poll() is None, f"load ended before {what}: {self._stderr()}"
            return False
        poll(holds, what, seconds)

    def stop(self) -> None:
        """Ask the clients to stop after the request in hand."""
        self.stop_file.touch()

    def finish(self) -> list[Record]:
        """Wait for the process to end (by count, deadline or stop) and return every record."""
        try:
            code = self.process.wait(timeout=self.seconds + 90)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        records = self.records()
        crashes = [r["crash"] for r in records if "crash" in r]
        assert not crashes, "a client thread raised:\n" + "\n".join(crashes)
        assert code == 0, self._stderr()
        return records

    def _stderr(self) -> str:
        return self.errors.read_text()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


@pytest.fixture
def start_load(tmp_path: Path) -> Iterator[Callable[..., LoadProcess]]:
    """Start load processes; any left running when the test ends is killed."""
    started: list[LoadProcess] = []

    def start(server: Server, program: ProgramUnderLoad, **sizes: Any) -> LoadProcess:
        load = LoadProcess(tmp_path / f"load{len(started)}", server, program, **sizes)
        started.append(load)
        return load

    yield start
    for load in started:
        load.kill()


def accepted(records: list[Record]) -> list[Record]:
    return [r for r in records if r.get("status") is not None and 200 <= r["status"] < 300]
