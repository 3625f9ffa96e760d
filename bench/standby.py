"""R9 figures: read throughput with a hot standby. On a throwaway primary and a streaming
standby (bench/cluster.py), the dashboard query (`GET /v1/programs/{id}`, the program
summary) and as-of (`GET /v1/programs/{id}/as-of?position=head`, a replay from events) are
driven by the same closed-loop clients, first at one API process on the primary (the
baseline, S*.base), then at that process plus one reading the standby (S*). The ratio is what
the standby adds. Every process shares this machine's cores, clients included, so the ratio
says what the cores allow, not what a second host would.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from itertools import cycle
from pathlib import Path
from tempfile import TemporaryDirectory

import httpx

from bench import progress
from bench.cluster import Cluster, binaries_present, free_port
from bench.http_load import REPORT, start_projector, start_server, stop
from bench.measure import Figure, rate

CLIENTS = 8
QUERIES = {"S1": ("dashboard query (program summary)", "/v1/programs/{program}"),
           "S2": ("as-of replay of a program at the head", "/v1/programs/{program}/as-of"
                                                          "?position={head}")}


def measure(events: int, seconds: float) -> list[Figure]:
    """S1 and S2 beside their one-process baselines; none where PostgreSQL's server
    binaries are missing (the figures are optional: `make bench` reports them if present)."""
    if not binaries_present():
        progress.console.print("[yellow]no PostgreSQL server binaries: S1/S2 skipped[/yellow]")
        return []
    with _deployment() as (primary, standby, token):
        program, head = _program(primary, token, events)
        _until_standby_has(standby, token, program, head)
        out: list[Figure] = []
        for figure_id, (what, path) in QUERIES.items():
            url_path = path.format(program=program, head=head)
            with progress.phase(f"{figure_id}: {what}, primary alone, then with the standby"):
                alone = _throughput([primary], token, url_path, seconds)
                both = _throughput([primary, standby], token, url_path, seconds)
            base = Figure(f"{figure_id}.base", f"{what}, 1 API process on the primary",
                          alone, "reads/s")
            out += [base, Figure(figure_id, f"{what}, 1 process on the primary + 1 on the "
                                 "standby", both, "reads/s", base.id, alone,
                                 both / alone if alone else None,
                                 "more than 1x (2 cores are shared by all)",
                                 both > alone)]
        return out


@contextmanager
def _deployment() -> Iterator[tuple[str, str, str]]:
    """The cluster, one API process and the projector on the primary, and one API process
    whose reads go to the standby; the URLs of both API processes and the admin token."""
    with ExitStack() as stack, TemporaryDirectory() as directory:
        cluster = Cluster()
        stack.callback(cluster.close)
        cluster.start()
        data = Path(directory)
        ports = free_port(), free_port()
        primary, token = start_server(cluster.primary_url, data, ports[0])
        stack.callback(stop, primary)
        stack.callback(stop, start_projector(cluster.primary_url, data))
        with _environment(LEDGER_READ_DATABASE_URL=cluster.standby_url):
            reader, _ = start_server(cluster.primary_url, data, ports[1])
        stack.callback(stop, reader)
        yield f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}", token


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    """``values`` in this process's environment while a child is started with it."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _program(url: str, token: str, events: int) -> tuple[str, int]:
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"},
                      timeout=30) as http:
        program = http.post("/v1/programs", json={"code": "BENCH-STANDBY", "name": "Standby",
                                                   "sponsor": "s", "manager": "m"}).json()["id"]
        http.post(f"/v1/programs/{program}/status", json={"status": "active", "reason": "go"})
        projects = [http.post(f"/v1/programs/{program}/projects", json={
            "name": f"P{n}", "manager": "m", "planned_start": "2025-01-01",
            "planned_finish": "2026-12-31"}).json()["id"] for n in range(10)]
        head = 0
        for _, project in zip(range(events), cycle(projects), strict=False):
            head = http.post(f"/v1/projects/{project}/status-reports",
                             json=REPORT).json()["position"]
        return program, head


def _until_standby_has(url: str, token: str, program: str, head: int) -> None:
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"},
                      timeout=30) as http:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            response = http.get(f"/v1/programs/{program}", params={"min_position": head})
            if response.headers.get("Ledger-Read-From") == "standby":
                return
            time.sleep(0.1)
    raise RuntimeError("the standby never caught up with the set-up program")


def _throughput(urls: list[str], token: str, path: str, seconds: float) -> float:
    """Reads per second from CLIENTS closed-loop clients, spread evenly over ``urls``."""
    done = [0] * CLIENTS
    stop_at = time.monotonic() + seconds

    def client(n: int) -> None:
        with httpx.Client(base_url=urls[n % len(urls)], timeout=30,
                          headers={"Authorization": f"Bearer {token}"}) as http:
            http.get(path).raise_for_status()  # warm: connection and caches
            while time.monotonic() < stop_at:
                http.get(path).raise_for_status()
                done[n] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return rate(sum(done), time.monotonic() - started)
