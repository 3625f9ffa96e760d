"""Read-your-writes for processes that do not run the projector themselves."""

from __future__ import annotations

import time

from sqlalchemy import Engine

from ledger.projections.tracking import current_position

POLL_SECONDS = 0.02


def wait_for_position(engine: Engine, position: int, timeout: float,
                      interval: float = POLL_SECONDS) -> bool:
    """Poll the tracking table until it reaches ``position`` or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while True:
        if current_position(engine) >= position:
            return True
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        time.sleep(min(interval, remaining))
