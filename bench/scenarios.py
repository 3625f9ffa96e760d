"""Ledger scenarios P1-P7, each measured against its raw baseline from the same run."""

from __future__ import annotations

import time

from bench.measure import Figure, median, percentile, sample_latencies
from bench.workload import BENCH, BenchProgram, in_batches
from ledger.application import ProgramLedger


def p5_program_as_of(ledger: ProgramLedger, program: BenchProgram, repeats: int) -> Figure:
    """A whole program replayed from events as known at the middle of its history."""
    middle = ledger.head_position() // 2
    latencies = sample_latencies(
        lambda: ledger.program_as_of(program.program_id, position=middle), repeats)
    return Figure("P5a", "as-of replay of a whole program", median(latencies) * 1000, "ms",
                  target="<= 150 ms", met=median(latencies) <= 0.150,
                  detail={"p99_ms": percentile(latencies, 0.99) * 1000})


def p5_aggregate_as_of(ledger: ProgramLedger, program: BenchProgram, events: int,
                       repeats: int) -> Figure:
    """One aggregate with a long stream, replayed at a position near its end (snapshots)."""
    project = program.projects[0]
    in_batches(ledger, [
        (lambda n=n: ledger.report_project_status(
            project, overall="green", schedule="green", cost="green", scope="green",
            resources="green", narrative=f"report {n}", by=BENCH))
        for n in range(events)
    ])
    near_end = ledger.head_position() - 1
    started = time.perf_counter()
    latencies = sample_latencies(lambda: ledger.aggregate_at(project, position=near_end),
                                 repeats)
    del started
    return Figure("P5b", f"as-of replay of one aggregate with {events:,} events",
                  median(latencies) * 1000, "ms", target="<= 20 ms",
                  met=median(latencies) <= 0.020,
                  detail={"p99_ms": percentile(latencies, 0.99) * 1000})
