"""Timing and memory helpers shared by every benchmark: samples, percentiles, results."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Figure:
    """One measured figure, compared with a baseline and a target."""

    id: str
    what: str
    value: float
    unit: str
    baseline_id: str | None = None
    baseline_value: float | None = None
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    detail: dict[str, float] = field(default_factory=dict)


def sample_latencies(operation: Callable[[], object], count: int) -> list[float]:
    """Seconds taken by each of ``count`` calls."""
    latencies = []
    for _ in range(count):
        started = time.perf_counter()
        operation()
        latencies.append(time.perf_counter() - started)
    return latencies


def paired_latencies(first: Callable[[], object], second: Callable[[], object],
                     count: int) -> tuple[list[float], list[float]]:
    """Seconds taken by ``count`` calls of each, alternating, so that both see the same load
    on a shared machine and their ratio is fair."""
    firsts, seconds = [], []
    for _ in range(count):
        firsts += sample_latencies(first, 1)
        seconds += sample_latencies(second, 1)
    return firsts, seconds


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values)


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")
