"""Running the projector as a process of its own, stopped cleanly by SIGINT or SIGTERM."""

from __future__ import annotations

import signal
from types import FrameType

from ledger.projections.runner import ProjectionRunner


def run_in_foreground(runner: ProjectionRunner) -> None:
    """Run until SIGINT or SIGTERM, then finish (commit or roll back) the batch in hand."""

    def stop(_signal: int, _frame: FrameType | None) -> None:
        runner.request_stop()

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        runner.run()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
