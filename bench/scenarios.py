"""In-process scenarios on a written log: as-of replay (P5a, P5b) and command latency."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from bench.biglog import long_stream
from bench.measure import Figure, median, percentile, rate, sample_latencies
from bench.workload import BENCH, COMMANDS_PER_TRANSACTION, BenchProgram, activity, in_batches
from ledger.application import ProgramLedger
from ledger.application.commands.projects import ReportProjectStatus


def p5_program_as_of(ledger: ProgramLedger, program: BenchProgram, repeats: int,
                     prefix: str = "") -> Figure:
    """A whole program replayed from events as known at the middle of its history."""
    middle = ledger.head_position() // 2
    latencies = sample_latencies(
        lambda: ledger.program_as_of(program.program_id, position=middle), repeats)
    return Figure(f"{prefix}P5a", "as-of replay of a whole program", median(latencies) * 1000,
                  "ms", target="<= 150 ms", met=median(latencies) <= 0.150,
                  detail={"p99_ms": percentile(latencies, 0.99) * 1000})


def p5_aggregate_as_of(ledger: ProgramLedger, program: BenchProgram, events: int,
                       repeats: int, prefix: str = "") -> Figure:
    """One aggregate with a long stream, replayed at a position near its end (snapshots)."""
    project = program.projects[0]
    long_stream(ledger, project, events)
    near_end = ledger.head_position() - 1
    latencies = sample_latencies(lambda: ledger.aggregate_at(project, position=near_end),
                                 repeats)
    return Figure(f"{prefix}P5b", f"as-of replay of one aggregate with {events:,}+ events",
                  median(latencies) * 1000, "ms", target="<= 20 ms",
                  met=median(latencies) <= 0.020,
                  detail={"p99_ms": percentile(latencies, 0.99) * 1000})


def status_report_command(ledger: ProgramLedger, program: BenchProgram) -> Callable[[], None]:
    """One status report per call, round robin over the program's projects, one commit each,
    through the in-process command path."""
    projects = program.projects
    turn = iter(range(10**9))

    def command() -> None:
        ledger.execute(ReportProjectStatus(
            project_id=projects[next(turn) % len(projects)], overall="green", schedule="green",
            cost="green", scope="green", resources="green", narrative="weekly"), by=BENCH)

    return command


def latency_figure(figure_id: str, what: str, latencies: list[float], baseline: Figure,
                   factor: float) -> Figure:
    p50 = median(latencies) * 1000
    return Figure(figure_id, what, p50, "ms", baseline.id, baseline.value,
                  p50 / baseline.value, f"p50 <= {factor:g} x {baseline.id}",
                  p50 <= factor * baseline.value,
                  {"p99_ms": percentile(latencies, 0.99) * 1000})


def command_latency(ledger: ProgramLedger, program: BenchProgram, commands: int,
                    figure_id: str, what: str, baseline: Figure, factor: float) -> Figure:
    latencies = sample_latencies(status_report_command(ledger, program), commands)
    return latency_figure(figure_id, what, latencies, baseline, factor)


def batched_commands(ledger: ProgramLedger, program: BenchProgram, commands: int,
                     figure_id: str, label: str) -> Figure:
    """The command service's own rate when commands share transactions: why the large logs
    are written by bench.biglog instead (its rate is the G figures)."""
    batch = activity(ledger, program, commands, random.Random(11))
    started = time.perf_counter()
    in_batches(ledger, batch)
    seconds = time.perf_counter() - started
    return Figure(figure_id, f"command service, {COMMANDS_PER_TRANSACTION} commands per "
                  f"transaction ({label})", rate(commands, seconds), "commands/s",
                  target="(informational)", detail={"seconds": seconds})
