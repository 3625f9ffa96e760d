"""HTTP figures P1-P3: a real `ledger serve` on PostgreSQL, loaded from another process.

The server runs as the README deploys it on PostgreSQL: API processes with `--no-projector`
and one `ledger projector` beside them. P1-P3 use one API process; P2 and P2.one are measured
again with two (P2.w2, P2.one.w2), which is how the README's choice of workers is made.
The load generator is this module run as a child (`python -m bench.http_load URL TOKEN
MODE ...`), so client and server never share an interpreter or a GIL.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from bench import progress
from bench.databases import throwaway
from bench.measure import Figure, median, percentile, rate

REPORT = {"overall": "green", "schedule": "green", "cost": "green", "scope": "green",
          "resources": "green", "narrative": "bench"}

SPREAD_PROGRAMS = 8
# P2's two forms (TARGETS.md): what, commands/s at least, p99 at most (ms; 0: no limit).
FORMS = {"P2": (f"16 clients spread over {SPREAD_PROGRAMS} programs", 400, 100),
         "P2.one": ("16 clients on 1 program", 150, 0),
         "P2.whatif": (f"16 clients over {SPREAD_PROGRAMS} programs, a board running "
                       "what-ifs beside them", 400, 100)}
WORKERS = (1, 2)  # API processes; the first serves every figure, the others P2's two forms


def start_server(database_url: str, data_dir: Path, port: int, workers: int = 1
                 ) -> tuple[subprocess.Popen[str], str]:
    """`ledger serve --no-projector --workers N`; its first start prints the admin token."""
    process = subprocess.Popen(
        [sys.executable, "-c", "from ledger.cli import main; main()", "serve", "--port",
         str(port), "--no-projector", "--workers", str(workers)],
        env=_environment(database_url, data_dir),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    token, listening, started = "", False, 0
    for line in process.stdout:  # until it listens and every API process has started
        if match := re.match(r"LEDGER_ADMIN_TOKEN=(\S+)", line):
            token = match.group(1)
        listening = listening or "Uvicorn running" in line
        started += "Application startup complete" in line
        if listening and started >= workers:
            break
    threading.Thread(target=lambda: [None for _ in process.stdout or []], daemon=True).start()
    return process, token


def start_projector(database_url: str, data_dir: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "ledger.projections"],
                            env=_environment(database_url, data_dir),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _environment(database_url: str, data_dir: Path) -> dict[str, str]:
    return {**os.environ, "LEDGER_DATABASE_URL": database_url, "LEDGER_DATA_DIR": str(data_dir)}


def stop(process: subprocess.Popen[Any]) -> None:
    process.terminate()
    process.wait(timeout=30)


def setup_projects(url: str, token: str, clients: int) -> dict[str, list[str]]:
    """One project per client in two layouts: ``one``, all in one program; ``spread``, client
    n's in program n mod 8 (round robin), two clients to a program at 16 clients."""
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"},
                      timeout=30) as http:
        one = _program_with_projects(http, "BENCH-HTTP", clients)
        groups = [_program_with_projects(http, f"BENCH-HTTP-{n}",
                                         len(range(n, clients, SPREAD_PROGRAMS)))
                  for n in range(SPREAD_PROGRAMS)]
        spread = [groups[n % SPREAD_PROGRAMS][n // SPREAD_PROGRAMS] for n in range(clients)]
        return {"one": one, "spread": spread}


def _program_with_projects(http: httpx.Client, code: str, count: int) -> list[str]:
    program = http.post("/v1/programs", json={
        "code": code, "name": f"HTTP bench {code}", "sponsor": "s", "manager": "m"}
                        ).raise_for_status().json()["id"]
    http.post(f"/v1/programs/{program}/status",
              json={"status": "active", "reason": "go"}).raise_for_status()
    return [http.post(f"/v1/programs/{program}/projects", json={
        "name": f"P{n}", "manager": "m", "planned_start": "2025-01-01",
        "planned_finish": "2026-12-31"}).raise_for_status().json()["id"] for n in range(count)]


def floor(url: str, requests: int) -> list[float]:
    """Latencies of GET /healthz: what any request costs before Ledger does any work (the
    event loop, HTTP parsing, middleware and the client), the floor under P1."""
    with httpx.Client(base_url=url, timeout=30) as http:
        latencies = []
        for _ in range(requests):
            started = time.perf_counter()
            http.get("/healthz").raise_for_status()
            latencies.append(time.perf_counter() - started)
        return latencies


def load(url: str, token: str, projects: list[str], per_client: int,
         read_after: bool) -> dict[str, Any]:
    """One thread per project, each posting status reports; optionally read-your-writes."""
    latencies: list[float] = []
    lags: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()

    def client(project: str) -> None:
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"},
                          timeout=30) as http:
            for _ in range(per_client):
                started = time.perf_counter()
                response = http.post(f"/v1/projects/{project}/status-reports", json=REPORT)
                took = time.perf_counter() - started
                lag = None
                if response.status_code == 201 and read_after:
                    waited = time.perf_counter()
                    read = http.get(f"/v1/projects/{project}",
                                    params={"min_position": response.json()["position"]})
                    lag = time.perf_counter() - waited if read.status_code == 200 else None
                with lock:
                    latencies.append(took)
                    if response.status_code != 201:
                        errors.append(response.status_code)
                    if lag is not None:
                        lags.append(lag)

    threads = [threading.Thread(target=client, args=(p,)) for p in projects]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"seconds": time.perf_counter() - started, "latencies": latencies,
            "errors": errors, "lags": lags}


def figures(result: dict[str, Any], mode: str, b1_ms: float, b1_rate: float,
            workers: int = 1) -> list[Figure]:
    lat = result["latencies"]
    if mode == "P1":
        p50, p99 = median(lat) * 1000, percentile(lat, 0.99) * 1000
        floor_p50 = median(result["floor"]) * 1000
        return [Figure("P1", "command latency over HTTP, 1 client (p50)", p50, "ms", "B1",
                       b1_ms, p50 / b1_ms, "p99 <= 3 x p50 (p50: see P1.api)",
                       p99 <= 3 * p50, {"p99_ms": p99}),
                Figure("H0", "HTTP floor: GET /healthz, 1 client (p50)", floor_p50, "ms",
                       "B1", b1_ms, floor_p50 / b1_ms, "(informational)",
                       detail={"p99_ms": percentile(result["floor"], 0.99) * 1000})]
    if mode in FORMS:
        throughput = rate(len(lat), result["seconds"])
        p99 = percentile(lat, 0.99) * 1000
        what, least, p99_limit = FORMS[mode]
        target = f">= {least} commands/s, 0 errors" + (f", p99 <= {p99_limit} ms"
                                                        if p99_limit else "")
        met = throughput >= least and not result["errors"] and p99 <= (p99_limit or p99)
        suffix, processes = ("", "") if workers == 1 else (f".w{workers}",
                                                           f", {workers} API processes")
        board = {k: result[k] for k in ("what_ifs", "what_if_p50_ms") if k in result}
        if "what_if_errors" in result:
            met = met and not result["what_if_errors"]
            board["what_if_errors"] = float(len(result["what_if_errors"]))
        return [Figure(mode + suffix, f"command throughput over HTTP, {what}{processes}",
                       throughput,
                       "commands/s", "B1", b1_rate, throughput / b1_rate, target, met,
                       {"p99_ms": p99, "errors": float(len(result["errors"])), **board})]
    lags = result["lags"] or [float("inf")]
    p99 = percentile(lags, 0.99) * 1000
    return [Figure("P3", "projection lag at half load (p99)", p99, "ms", target="<= 250 ms",
                   met=p99 <= 250, detail={"p50_ms": median(lags) * 1000})]


def measure(commands: int, b1: Figure) -> list[Figure]:
    """P1-P3 against a real server on its own database, loaded from a child process; P2's
    two forms again with each further number of API processes."""
    port = 18000 + os.getpid() % 1000
    base = f"http://127.0.0.1:{port}"
    results: list[Figure] = []
    with throwaway() as database, tempfile.TemporaryDirectory() as data:
        projector: subprocess.Popen[bytes] | None = None
        try:
            token, layouts = "", dict[str, list[str]]()
            for workers in WORKERS:
                server, printed = start_server(database.url, Path(data), port, workers)
                token = token or printed  # printed on the first start only
                # After the first server start: `serve` migrates, the projector never does.
                projector = projector or start_projector(database.url, Path(data))
                try:
                    layouts = layouts or setup_projects(base, token, 16)
                    results += _run_modes(base, token, layouts, commands, b1, workers)
                finally:
                    stop(server)
            return results
        finally:
            if projector is not None:
                stop(projector)


def _run_modes(base: str, token: str, layouts: dict[str, list[str]], commands: int,
               b1: Figure, workers: int) -> list[Figure]:
    modes = [("P1", layouts["one"][:1], commands),
             ("P2", layouts["spread"], commands // 4),
             ("P2.one", layouts["one"], commands // 4),
             ("P3", layouts["one"][:8], commands // 8),
             ("P2.whatif", layouts["spread"], commands // 4)]
    results = []
    for mode, projects, per_client in modes if workers == 1 else modes[1:3]:
        with progress.phase(f"HTTP {mode}, {workers} API process(es): {len(projects)} "
                            f"client(s) x {per_client} commands"):
            output = subprocess.run(
                [sys.executable, "-m", "bench.http_load", base, token, mode,
                 str(per_client), json.dumps(projects)],
                capture_output=True, text=True, check=True).stdout
        results += figures(json.loads(output), mode, b1.value, b1.detail["commits_per_s"],
                           workers)
    return results


if __name__ == "__main__":
    url, token, mode, per_client = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    projects = json.loads(sys.argv[5])
    if mode == "P2.whatif":  # the writers of P2, and a board's what-ifs until they finish
        from bench.whatif import board

        finished, planning = threading.Event(), {}
        beside = threading.Thread(target=lambda: planning.update(
            board(url, token, projects[0], finished)))
        beside.start()
        outcome = load(url, token, projects, per_client, read_after=False)
        finished.set()
        beside.join()
        outcome.update(planning)
    else:
        outcome = load(url, token, projects, per_client, read_after=mode == "P3")
    if mode == "P1":
        outcome["floor"] = floor(url, per_client)
    print(json.dumps(outcome))
