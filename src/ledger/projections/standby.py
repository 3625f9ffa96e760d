"""A hot standby's freshness: how far its replicated read models are behind the primary's, in
seconds, watched by a thread, so a request can decide at once whether the standby may answer.

The projector runs on the primary and its read models reach the standby by streaming
replication, tracking row included. So the standby's tracking row says both that the standby
has replayed a position's WAL and that the read models there include it. The lag is measured
against the primary's own tracking row: every check reads the primary's position P at time T,
then the standby's; once the standby shows P or more, it holds everything the primary's read
models held at T. The lag is the time since the latest such T: an honest bound on how stale a
read from the standby can be, which is zero while both are idle (unlike
``pg_last_xact_replay_timestamp``, which grows with nothing to replay).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from ledger.audit.tables import events
from ledger.db import READ_ONLY
from ledger.projections.tracking import current_position
from ledger.projections.waiting import POLL_SECONDS
from ledger.store import DATABASE_DOWN

log = logging.getLogger(__name__)
SAMPLES_KEPT = 10_000  # primary positions remembered while the standby is behind


@dataclass(frozen=True)
class StandbyState:
    reachable: bool
    position: int  # the standby's read models include this position
    lag_seconds: float | None  # None: never seen caught up with the primary
    checked_at: float  # the monitor's clock (time.monotonic) at the check


class StandbyMonitor:
    """Checks the standby every ``interval`` seconds against the primary, on a thread."""

    def __init__(self, standby: Engine, primary: Engine, *, max_lag: float,
                 interval: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.standby, self.primary, self.max_lag = standby, primary, max_lag
        self.clock = clock
        self.interval = interval if interval is not None else min(0.5, max_lag / 4)
        self._samples: deque[tuple[float, int]] = deque(maxlen=SAMPLES_KEPT)
        self._caught_up_at: float | None = None
        self._state = StandbyState(False, 0, None, 0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ledger-standby-monitor",
                                        daemon=True)

    def start(self) -> None:
        self.check()  # the first request already knows
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    @property
    def state(self) -> StandbyState:
        return self._state

    def usable(self) -> bool:
        """Reachable at the last check and, counting the time since, no further behind than
        the bound: a check stuck on a vanished host ages out instead of vouching for it."""
        state, now = self._state, self.clock()
        return (state.reachable and state.lag_seconds is not None
                and state.lag_seconds + (now - state.checked_at) <= self.max_lag)

    def check(self) -> StandbyState:
        now = self.clock()
        try:
            primary_position = current_position(self.primary)
            self._samples.append((now, primary_position))
        except DATABASE_DOWN:
            pass  # the lag keeps growing from the last time the standby was caught up
        try:
            position = current_position(self.standby)
        except DATABASE_DOWN:
            self._state = StandbyState(False, self._state.position, None, now)
            return self._state
        while self._samples and self._samples[0][1] <= position:
            self._caught_up_at = self._samples.popleft()[0]
        lag = None if self._caught_up_at is None else max(0.0, now - self._caught_up_at)
        self._state = StandbyState(True, position, lag, now)
        return self._state

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check()
            except Exception:  # a monitor that dies would vouch for nothing; keep checking
                log.exception("checking the standby failed")

    def wait_for(self, position: int, timeout: float) -> bool:
        """True once the standby's read models include ``position`` (replayed and
        projected); False after ``timeout``, or at once if the standby is unreachable."""
        return self._wait(lambda: current_position(self.standby), position, timeout)

    def wait_for_log(self, position: int, timeout: float) -> bool:
        """True once the standby has replayed the log up to ``position`` (for replays from
        events: as-of, history, reports, verification)."""
        return self._wait(lambda: log_head(self.standby), position, timeout)

    @staticmethod
    def _wait(reached: Callable[[], int], position: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        try:
            while reached() < position:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                time.sleep(min(POLL_SECONDS, remaining))
        except DATABASE_DOWN:
            return False
        return True


def log_head(engine: Engine) -> int:
    """The last position of the log this database holds (0 if none)."""
    with engine.connect().execution_options(**{READ_ONLY: True}) as connection:
        return int(connection.execute(select(func.max(events.c.id))).scalar() or 0)
