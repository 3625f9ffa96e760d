"""Read-your-writes: waiting until the read models include a position, signalled by the
runner in this process, or by polling the tracking table in a process without one."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

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


# How often a waiter re-reads the tracking table when no progress was signalled in-process
# (the runner may be another process).
TRACKING_FALLBACK_SECONDS = 0.05


class Progress:
    """The last position this process knows the read models include, with a condition that
    signals each advance to the threads waiting for it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._changed = threading.Condition()
        self._position = 0

    @property
    def position(self) -> int:
        return self._position

    def advance(self, position: int) -> None:
        """The read models include ``position`` (a position never goes back)."""
        with self._changed:
            if position > self._position:
                self._position = position
                self._changed.notify_all()

    def follow(self) -> None:
        """Advance to whatever position the tracking table says committed, by any process."""
        self.advance(current_position(self.engine))

    def wait_for(self, position: int, timeout: float, *, leading: Callable[[], bool]) -> bool:
        """True once the read models include ``position``; False if ``timeout`` passes first.

        Progress committed in this process is signalled at once; progress made by a runner in
        another process is seen by re-reading the tracking table every few milliseconds.
        """
        deadline = time.monotonic() + timeout
        while True:
            with self._changed:
                if self._position >= position:
                    return True
                remaining = deadline - time.monotonic()
                signalled = remaining > 0 and self._changed.wait(
                    min(remaining, TRACKING_FALLBACK_SECONDS))
            # While this process's runner leads, its own commits signal all progress;
            # otherwise another process does the work, and only the tracking table knows.
            if not signalled and not leading():
                self.follow()
            if self._position < position and time.monotonic() >= deadline:
                return False
