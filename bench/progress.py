"""Progress on stderr, so a fifteen-minute run is never silent; stdout keeps only the table."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

console = Console(stderr=True)


@contextmanager
def phase(name: str) -> Iterator[None]:
    """A spinner with elapsed time while a phase without countable steps runs."""
    started = time.perf_counter()
    with Progress(SpinnerColumn(), TextColumn(name), TimeElapsedColumn(), console=console,
                  transient=True):
        yield
    console.print(f"[dim]done[/dim] {name} [dim]({time.perf_counter() - started:.1f} s)[/dim]")


@contextmanager
def bar(name: str, total: int) -> Iterator[Callable[[int], None]]:
    """A bar over ``total`` steps; the block gets a function that advances it."""
    started = time.perf_counter()
    with Progress(TextColumn(name), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TimeRemainingColumn(), console=console, transient=True) as progress:
        task = progress.add_task(name, total=total)
        yield lambda steps: progress.advance(task, steps)
    console.print(f"[dim]done[/dim] {name} [dim]({time.perf_counter() - started:.1f} s)[/dim]")
