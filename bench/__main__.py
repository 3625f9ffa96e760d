"""`python -m bench [--quick]`: measure baselines and scenarios, print Markdown, write JSON."""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import uuid
from dataclasses import asdict
from pathlib import Path

import psycopg2

from bench import baselines, http_load, scenarios
from bench.measure import Figure
from bench.workload import populate
from ledger.bootstrap import open_ledger
from ledger.settings import Settings

ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
SIZES = {
    "quick": {"b1": 200, "b2": 20_000, "b4": 200, "programs": 3, "events": 1_000,
              "long_stream": 2_000, "repeats": 10, "http": 80},
    "full": {"b1": 2_000, "b2": 200_000, "b4": 1_000, "programs": 3, "events": 10_000,
             "long_stream": 10_000, "repeats": 30, "http": 800},
}


def _throwaway_database() -> str:
    name = f"ledger_bench_{uuid.uuid4().hex[:8]}"
    connection = psycopg2.connect(ADMIN_DSN)
    connection.autocommit = True
    connection.cursor().execute(f'CREATE DATABASE "{name}"')
    connection.close()
    return name


def _drop(name: str) -> None:
    connection = psycopg2.connect(ADMIN_DSN)
    connection.autocommit = True
    connection.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    connection.close()


def run(size: str) -> list[Figure]:
    sizes = SIZES[size]
    database = _throwaway_database()
    dsn = f"host=127.0.0.1 port=5432 user=postgres dbname={database}"
    url = f"postgresql+psycopg2://postgres@127.0.0.1:5432/{database}"
    try:
        b1 = baselines.b1_commit_latency(dsn, sizes["b1"])
        figures = [b1, baselines.b2_batched_insert(dsn, sizes["b2"]),
                   baselines.b3_sequential_read(dsn),
                   baselines.b4_library_command(url, sizes["b4"])]
        figures += http_figures(sizes, b1)
        ledger = open_ledger(Settings(database_url=url))
        programs = populate(ledger, sizes["programs"], sizes["events"])
        figures.append(scenarios.p5_program_as_of(ledger, programs[0], sizes["repeats"]))
        figures.append(scenarios.p5_aggregate_as_of(ledger, programs[1], sizes["long_stream"],
                                                    sizes["repeats"]))
        ledger.close()
    finally:
        _drop(database)
    return figures


def http_figures(sizes: dict[str, int], b1: Figure) -> list[Figure]:
    """P1-P3 against a real server on its own database, loaded from a child process."""
    database = _throwaway_database()
    url = f"postgresql+psycopg2://postgres@127.0.0.1:5432/{database}"
    port = 18000 + os.getpid() % 1000
    with tempfile.TemporaryDirectory() as data:
        server, token = http_load.start_server(url, Path(data), port)
        try:
            base = f"http://127.0.0.1:{port}"
            projects = http_load.setup_projects(base, token, 16)
            results = []
            for mode, clients, per_client in (("P1", 1, sizes["http"]),
                                              ("P2", 16, sizes["http"] // 4),
                                              ("P3", 8, sizes["http"] // 8)):
                output = subprocess.run(
                    [sys.executable, "-m", "bench.http_load", base, token, mode,
                     str(per_client), json.dumps(projects[:clients])],
                    capture_output=True, text=True, check=True).stdout
                results += http_load.figures(json.loads(output), mode, b1.value,
                                             b1.detail["commits_per_s"])
            return results
        finally:
            server.terminate()
            server.wait(timeout=30)
            _drop(database)


def markdown(figures: list[Figure]) -> str:
    lines = ["| id | figure | value | baseline | ratio | target | met |",
             "|---|---|---|---|---|---|---|"]
    for f in figures:
        baseline = f"{f.baseline_id} = {f.baseline_value:,.2f}" if f.baseline_id else ""
        ratio = f"{f.ratio:.2f}" if f.ratio is not None else ""
        met = "" if f.met is None else ("yes" if f.met else "**no**")
        lines.append(f"| {f.id} | {f.what} | {f.value:,.2f} {f.unit} | {baseline} | {ratio} "
                     f"| {f.target} | {met} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes (about 2 minutes)")
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    size = "quick" if parser.parse_args().quick else "full"
    figures = run(size)
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    report = {"size": size, "machine": platform.platform(), "python": platform.python_version(),
              "figures": [asdict(f) for f in figures]}
    (out / f"{size}.json").write_text(json.dumps(report, indent=2))
    print(markdown(figures))


if __name__ == "__main__":
    main()
