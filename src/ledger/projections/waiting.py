"""Read-your-writes for processes that do not run the projector themselves."""

from __future__ import annotations

import time

from sqlalchemy import Engine

from ledger.projections.tracking import current_position


def wait_for_position(engine: Engine, position: int, timeout: float,
                      interval: float = 0.02) -> bool:
    """Poll the tracking table until it reaches ``position`` or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while True:
        if current_position(engine) >= position:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
