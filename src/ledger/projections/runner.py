"""Keeps the read models current: catches up, then follows new events.

On PostgreSQL a LISTEN on the events channel wakes the runner as soon as a command commits
(with a poll as a fallback); on SQLite it polls. Commands in the same process can also
``poke`` it. It runs in a background thread (embedded mode) or in the foreground as its own
process (`ledger projector`, or `python -m ledger.projections`).

On PostgreSQL only one runner applies events at a time: the leader holds a session-level
advisory lock on its own connection and runs every batch on that connection. Another runner
stands by, polling for the lock, and meanwhile follows the tracking table so that its
``wait_for`` still answers.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine

from ledger.projections.doorbell import Doorbell
from ledger.projections.leadership import Leadership
from ledger.projections.listener import Listener
from ledger.projections.projector import EventLog, Projector
from ledger.projections.status import ProjectionStatus, projection_statuses
from ledger.projections.waiting import Progress
from ledger.settings import Settings
from ledger.store import DATABASE_DOWN  # waited out, never fatal

log = logging.getLogger(__name__)
OUTAGE_RETRY_SECONDS = 1.0
FAILURE_RETRY_SECONDS = 5.0


class ProjectionRunner:
    """A projector in a loop, with a way to wait until it has reached a position."""

    def __init__(self, log: EventLog, engine: Engine, settings: Settings, *,
                 failure_retry_seconds: float = FAILURE_RETRY_SECONDS) -> None:
        self.log = log
        self.engine = engine
        self.settings = settings
        self.failure_retry_seconds = failure_retry_seconds
        self.projector = Projector(log, engine, batch_size=settings.projection_batch_size)
        self._stop = threading.Event()
        self._doorbell = Doorbell()
        self._progress = Progress(engine)
        self._leadership = Leadership(engine)
        self._thread: threading.Thread | None = None
        self.applied_events = 0  # by this runner, since it was created
        self.caught_up = threading.Event()  # set once this runner, leading, reached the head
        self.last_error: str | None = None  # why the last attempt failed, until one succeeds

    @property
    def is_leader(self) -> bool:
        """Whether this runner currently holds the right to apply events."""
        return self._leadership.is_leader

    def start(self) -> None:
        """Run in a daemon thread until ``stop``."""
        self._stop.clear()
        self._thread = threading.Thread(target=self.run, name="ledger-projector", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the batch in hand commits (or rolls back); never half a batch."""
        self.request_stop()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=timeout)
            self._thread = None

    def request_stop(self) -> None:
        """Ask the loop to end; safe from a signal handler."""
        self._stop.set()
        self._doorbell.ring()

    def poke(self) -> None:
        """A command was just recorded in this process: look now rather than at next poll."""
        self._doorbell.ring()

    def run(self) -> None:
        """Catch up, then follow the log until stopped. Database outages are waited out."""
        listener = Listener(self.settings) if self.settings.is_postgres else None
        if listener is not None:
            # Listen before the first look at the log: whatever commits after that look is
            # then sure to be notified.
            listener.connect()
        try:
            while not self._stop.is_set():
                try:
                    applied = self._step()
                except DATABASE_DOWN as error:
                    log.warning("projector waiting for the database: %s", error)
                    self._failed(error, OUTAGE_RETRY_SECONDS)
                    continue
                except Exception as error:
                    # A bug, or a schema out of step with the code: the batch rolled back, so
                    # nothing is half-applied. Stay alive (the API around this thread keeps
                    # serving), say so loudly, and try again later.
                    log.exception("projector could not apply a batch; retrying in %.0f s",
                                  self.failure_retry_seconds)
                    self._failed(error, self.failure_retry_seconds)
                    continue
                self.last_error = None
                if applied == 0:
                    self.caught_up.set()
                if not applied:
                    self._idle(listener)
        finally:
            self._leadership.resign()
            if listener is not None:
                listener.close()

    def _failed(self, error: Exception, retry_in: float) -> None:
        self.last_error = f"{type(error).__name__}: {error}"
        self._leadership.resign()
        self._stop.wait(retry_in)

    def _step(self) -> int | None:
        """Apply one batch if this runner leads and return how many events it applied;
        otherwise follow the leader's progress and return None."""
        connection = self._leadership.lead()
        if connection is None:
            self._progress.follow()
            return None
        with connection.begin():
            applied, position = self.projector.apply_locked_batch(connection)
        self.applied_events += applied
        self._progress.advance(position)
        return applied

    def _idle(self, listener: Listener | None) -> None:
        """Wait for a NOTIFY, a poke or a stop, or at most the poll interval."""
        timeout = self.settings.projection_poll_seconds
        if listener is not None:
            listener.wait(timeout, self._doorbell)
        else:
            self._doorbell.wait(timeout)

    def wait_for(self, position: int, timeout: float) -> bool:
        """True once the read models include ``position``; False if ``timeout`` passes first."""
        self.poke()
        return self._progress.wait_for(position, timeout, leading=lambda: self.is_leader)

    @property
    def position(self) -> int:
        """The last position this process knows the read models include."""
        return self._progress.position

    def status(self) -> list[ProjectionStatus]:
        """Each projection's position, the head of the log and the lag."""
        return projection_statuses(self.log, self.engine)
