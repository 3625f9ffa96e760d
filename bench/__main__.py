"""`python -m bench [--quick]`: measure baselines and scenarios, print Markdown, write JSON.

Exits non-zero when any expected figure is missing or not a number, so CI can run the quick
size as a smoke test; whether a target is met is only reported, never asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from bench import (
    baselines,
    board_pack,
    feeds,
    http_load,
    logfigures,
    peer,
    progress,
    report,
    scenarios,
    sqlite_baselines,
    standby,
    whatif,
)
from bench.databases import throwaway
from bench.logcache import log_copy
from bench.measure import Figure, paired_latencies
from bench.workload import BenchProgram, activity, define_program, in_batches
from ledger.application import ProgramLedger
from ledger.bootstrap import open_ledger, open_migrated_engine
from ledger.settings import Settings

SIZES = {
    "quick": {"b1": 200, "b2": 20_000, "b3": 200_000, "b4": 200, "http": 80, "repeats": 10,
              "commands": 100, "long_stream": 2_000, "postgresql": (20_000, 5_000),
              "sqlite": (10_000, 2_000), "standby": (100, 3.0)},
    "full": {"b1": 2_000, "b2": 200_000, "b3": 1_000_000, "b4": 1_000, "http": 800,
             "repeats": 30, "commands": 500, "long_stream": 10_000,
             "postgresql": (1_000_000, 100_000), "sqlite": (100_000, 10_000),
             "standby": (1_000, 15.0)},
}


def pg_baselines(sizes: dict, figures: dict[str, Figure]) -> list[Figure]:
    with throwaway() as database, progress.phase("baselines B1-B4 on PostgreSQL"):
        return [baselines.b1_commit_latency(database.dsn, sizes["b1"]),
                baselines.b2_batched_insert(database.dsn, sizes["b2"]),
                baselines.b3_sequential_read(database.dsn, sizes["b3"]),
                baselines.b4_library_command(database.url, sizes["b4"])]


def sqlite_baseline_figures(sizes: dict, figures: dict[str, Figure]) -> list[Figure]:
    with tempfile.TemporaryDirectory() as directory, progress.phase("baselines on SQLite"):
        path = Path(directory) / "baseline.db"
        return [sqlite_baselines.b1s_commit_latency(path, sizes["b1"]),
                sqlite_baselines.b3s_sequential_read(path, sizes["b3"])]


def log_suite(backend: str, sizes: dict, figures: dict[str, Figure],
              fresh: bool) -> list[Figure]:
    """P4 and P6 on a large and a small log, then P5 and command latency in-process."""
    postgres = backend == "postgresql"
    prefix, label = ("", "PostgreSQL") if postgres else ("P7.", "SQLite")
    large, small = sizes[backend]
    with ExitStack() as stack:
        logs = {"large": stack.enter_context(log_copy(backend, large, fresh)),
                "small": stack.enter_context(log_copy(backend, small, fresh))}
        with progress.phase(f"{label}: raw sequential read of the large log's events table"):
            b3 = events_table_read(backend, logs["large"].url)
        results = logfigures.measure_logs(label, logs)
        out = [b3, *logfigures.figures(prefix, label, logs, results, b3)]
        if postgres:
            with progress.phase("PostgreSQL: P9, the SSE stream and the NATS publisher "
                                "catching up the small log"):
                out += feeds.p9_figures(logs["small"].url, b3)
        # In-process scenarios on the small PostgreSQL log (ten programs of 10,000 events at
        # full size) and on the large SQLite one (P7's 100,000 events).
        log = logs["small" if postgres else "large"]
        with progress.phase(f"{label}: as-of replay and command latency in-process"):
            ledger = open_ledger(Settings(database_url=log.url))
            try:
                program = log.programs[0]
                out.append(scenarios.p5_program_as_of(ledger, program, sizes["repeats"], prefix))
                out.append(whatif.p8_what_if(ledger, program, sizes["repeats"], out[-1], prefix))
                out.append(scenarios.p5_aggregate_as_of(ledger, program, sizes["long_stream"],
                                                        sizes["repeats"], prefix))
                if postgres:
                    out += l1_beside_b5(ledger, program, sizes["commands"], figures)
                else:
                    out.append(scenarios.command_latency(
                        ledger, program, sizes["commands"], "P7.cmd",
                        "in-process command latency (SQLite, p50)", figures["B1s"], 4))
                out.append(scenarios.batched_commands(ledger, program, sizes["commands"],
                                                      f"{prefix}W", label))
            finally:
                ledger.close()
        return out


def l1_beside_b5(ledger: ProgramLedger, program: BenchProgram, commands: int,
                 figures: dict[str, Figure]) -> list[Figure]:
    """L1 and its peer baseline B5 (the bare library on its own database), sampled in turn so
    that both see the same load on this shared machine."""
    l1_command = scenarios.status_report_command(ledger, program)
    try:
        with throwaway() as database, peer.library_command(database) as library:
            b5_latencies, l1_latencies = paired_latencies(library, l1_command, commands)
    except ModuleNotFoundError as missing:  # psycopg: B5 alone goes missing, not the phase
        progress.console.print(f"[red]B5 needs the bench extra ({missing}): "
                               "pip install -e '.[bench]', as `make bench` does[/red]")
        return [scenarios.command_latency(ledger, program, commands, "L1", "in-process "
                                          "command latency (PostgreSQL, p50)", figures["B4"], 1)]
    b5 = peer.b5_figure(b5_latencies)
    return [b5, scenarios.latency_figure("L1", "in-process command latency (PostgreSQL, p50)",
                                         l1_latencies, b5, 1)]


def write_path_l1(sizes: dict, figures: dict[str, Figure]) -> list[Figure]:
    """L1 beside B5 on a program defined for the purpose (the full run measures L1 on its
    cached log's program instead): what `--write-path` needs, without writing any log."""
    with throwaway() as database, progress.phase("L1 beside B5, on a new program"):
        settings = Settings(database_url=database.url)
        open_migrated_engine(settings).dispose()
        ledger = open_ledger(settings)
        try:
            program = define_program(ledger, "WRITE-PATH")
            return l1_beside_b5(ledger, program, sizes["commands"], figures)
        finally:
            ledger.close()


def what_if_figures(sizes: dict, figures: dict[str, Figure]) -> list[Figure]:
    """P5a and P8 on a program of 10,000 events (written for the purpose), for `--what-if`;
    the full run measures them on its cached log's program instead."""
    events = 10_000 if sizes is SIZES["full"] else 2_000
    with throwaway() as database, progress.phase(f"P5a beside P8 on a program of "
                                                 f"{events:,} events"):
        settings = Settings(database_url=database.url)
        open_migrated_engine(settings).dispose()
        ledger = open_ledger(settings)
        try:
            program = define_program(ledger, "WHAT-IF")
            in_batches(ledger, activity(ledger, program, events, random.Random(8)))
            p5a = scenarios.p5_program_as_of(ledger, program, sizes["repeats"])
            return [p5a, whatif.p8_what_if(ledger, program, sizes["repeats"], p5a)]
        finally:
            ledger.close()


def events_table_read(backend: str, url: str) -> Figure:
    """The baseline P4 and P6 are held to: the same rows, read raw (B3e, or B3se)."""
    if backend == "postgresql":
        return baselines.b3e_events_table_read(url.replace("postgresql+psycopg2://",
                                                           "postgresql://"))
    return sqlite_baselines.b3se_events_table_read(Path(url.removeprefix("sqlite:///")))


def run(size: str, fresh: bool, write_path_only: bool = False,
        what_if_only: bool = False) -> list[Figure]:
    sizes = SIZES[size]
    figures: dict[str, Figure] = {}
    phases: list[tuple[str, Callable[[], list[Figure]]]] = [
        ("PostgreSQL baselines", lambda: pg_baselines(sizes, figures)),
        ("HTTP P1-P3", lambda: http_load.measure(sizes["http"], figures["B1"])),
    ]
    if write_path_only:
        phases.append(("L1 beside B5", lambda: write_path_l1(sizes, figures)))
    elif what_if_only:
        phases.append(("P5a beside P8", lambda: what_if_figures(sizes, figures)))
    else:
        phases[1:1] = [("SQLite baselines", lambda: sqlite_baseline_figures(sizes, figures))]
        phases += [
            ("PostgreSQL logs", lambda: log_suite("postgresql", sizes, figures, fresh)),
            ("SQLite logs (P7)", lambda: log_suite("sqlite", sizes, figures, fresh)),
            ("Standby reads (S1, S2)", lambda: standby.measure(*sizes["standby"])),
            ("P10 board pack", lambda: board_pack.p10_figures(sizes["repeats"])),
        ]
    for name, measure in phases:
        try:
            figures.update((f.id, f) for f in measure())
        except Exception:  # one broken phase must not hide the figures of the others
            progress.console.print(f"[red]phase failed: {name}[/red]\n{traceback.format_exc()}")
    figures.update((f.id, f) for f in report.derived(figures))
    return list(figures.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (about 2 minutes)")
    parser.add_argument("--fresh-logs", action="store_true",
                        help="write the large logs again even if the cache holds them")
    parser.add_argument("--write-path", action="store_true",
                        help="only the write path's figures (issue 15): B1-B4, B5 beside L1 "
                             "on a new program, H0, P1-P3 (a few minutes at full size)")
    parser.add_argument("--standby", action="store_true",
                        help="only the hot-standby read figures S1 and S2 (issue 20), on a "
                             "throwaway primary and standby")
    parser.add_argument("--what-if", action="store_true",
                        help="only what-if's figures (issue 16): P8 beside P5a on a program "
                             "of 10,000 events, and P2 beside P2.whatif over HTTP")
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    arguments = parser.parse_args()
    # A terminated run still leaves through every `finally`, so its databases are dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    size = "quick" if arguments.quick else "full"
    started = time.perf_counter()
    if arguments.standby:
        figures = standby.measure(*SIZES[size]["standby"])
        print(report.markdown(figures))
        print(f"\nstandby reads ({size} sizes): {time.perf_counter() - started:.0f} s wall",
              file=sys.stderr)
        return
    figures = run(size, arguments.fresh_logs, arguments.write_path, arguments.what_if)
    seconds = time.perf_counter() - started
    if arguments.what_if:
        print(report.markdown([f for f in figures if f.id in report.WHAT_IF]))
        print(f"\nwhat-if ({size} sizes): {seconds:.0f} s wall", file=sys.stderr)
        return
    if arguments.write_path:
        print(report.write_path(figures))
        print(f"\nwrite path ({size} sizes): {seconds:.0f} s wall", file=sys.stderr)
        return
    path = report.write_json(figures, size, seconds, arguments.out)
    print(report.markdown(figures))
    print("\nP7, side by side:\n")
    print(report.side_by_side(figures))
    print("\nThe write path (issue 15), side by side:\n")
    print(report.write_path(figures))
    print(f"\n{size} run: {seconds:.0f} s wall; JSON in {path}", file=sys.stderr)
    if absent := report.missing(figures):
        print(f"missing or not a number: {', '.join(absent)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
