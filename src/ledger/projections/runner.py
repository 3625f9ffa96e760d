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
import os
import selectors
import signal
import threading
import time
from contextlib import suppress
from types import FrameType
from typing import Any
from weakref import finalize

import psycopg2
import psycopg2.extensions
import sqlalchemy
from pydantic import BaseModel, computed_field
from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from ledger.projections.failures import DATABASE_DOWN  # waited out, never fatal
from ledger.projections.projector import EventLog, Projector, head_of
from ledger.projections.tracking import (
    LIVE,
    READ_ONLY,
    REBUILD,
    current_position,
    tracked_names,
    try_to_lead,
)
from ledger.settings import EVENTS_TABLE, Settings

log = logging.getLogger(__name__)
# How often a waiter re-reads the tracking table when no progress was signalled in-process
# (the runner may be another process).
TRACKING_FALLBACK_SECONDS = 0.05
OUTAGE_RETRY_SECONDS = 1.0
FAILURE_RETRY_SECONDS = 5.0


class ProjectionStatus(BaseModel):
    """How far one projection has got: its tracked position against the head of the log."""

    name: str
    position: int
    head: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def lag(self) -> int:
        return max(0, self.head - self.position)


def projection_statuses(log: EventLog, engine: Engine) -> list[ProjectionStatus]:
    """The live read models first, then a rebuild in progress, if there is one."""
    with engine.connect().execution_options(**{READ_ONLY: True}) as connection:
        positions = tracked_names(connection)
    head = head_of(log)
    names = [LIVE] + ([REBUILD] if REBUILD in positions else [])
    return [ProjectionStatus(name=n, position=positions.get(n, 0), head=head) for n in names]


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
        self._doorbell = _Doorbell()
        self._progress = threading.Condition()
        self._position = 0
        self._thread: threading.Thread | None = None
        self._connection: Connection | None = None  # the leader's; holds the leader lock
        self.applied_events = 0  # by this runner, since it was created
        self.caught_up = threading.Event()  # set once this runner, leading, reached the head
        self.last_error: str | None = None  # why the last attempt failed, until one succeeds

    @property
    def is_leader(self) -> bool:
        """Whether this runner currently holds the right to apply events."""
        return self._connection is not None

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
        listener = _Listener(self.settings) if self.settings.is_postgres else None
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
            self._resign()
            if listener is not None:
                listener.close()

    def _failed(self, error: Exception, retry_in: float) -> None:
        self.last_error = f"{type(error).__name__}: {error}"
        self._resign()
        self._stop.wait(retry_in)

    def _step(self) -> int | None:
        """Apply one batch if this runner leads and return how many events it applied;
        otherwise follow the leader's progress and return None."""
        connection = self._lead()
        if connection is None:
            self._advance(current_position(self.engine))
            return None
        with connection.begin():
            applied, position = self.projector.apply_locked_batch(connection)
        self.applied_events += applied
        self._advance(position)
        return applied

    def _lead(self) -> Connection | None:
        """This runner's connection if it holds (or now takes) the leader lock, else None."""
        if self._connection is None:
            connection, leads = self.engine.connect(), False
            try:
                leads = try_to_lead(connection)
            finally:
                if not leads:  # also when asking failed: never leave it checked out
                    connection.close()
            if not leads:
                return None
            # The lock belongs to the database session: keep it out of the pool, so that
            # closing it ends the session and frees the lock, and nobody else reuses it.
            connection.detach()
            self._connection = connection
            log.info("projector leads: it applies events to the read models")
        return self._connection

    def _resign(self) -> None:
        if self._connection is not None:
            with suppress(*DATABASE_DOWN):
                self._connection.close()
            self._connection = None

    def _advance(self, position: int) -> None:
        with self._progress:
            if position > self._position:
                self._position = position
                self._progress.notify_all()

    def _idle(self, listener: _Listener | None) -> None:
        """Wait for a NOTIFY, a poke or a stop, or at most the poll interval."""
        timeout = self.settings.projection_poll_seconds
        if listener is not None:
            listener.wait(timeout, self._doorbell)
        else:
            self._doorbell.wait(timeout)

    def wait_for(self, position: int, timeout: float) -> bool:
        """True once the read models include ``position``; False if ``timeout`` passes first.

        Progress committed by this runner is signalled at once; progress made by a runner in
        another process is seen by re-reading the tracking table every few milliseconds.
        """
        deadline = time.monotonic() + timeout
        self.poke()
        while True:
            with self._progress:
                if self._position >= position:
                    return True
                remaining = deadline - time.monotonic()
                signalled = remaining > 0 and self._progress.wait(
                    min(remaining, TRACKING_FALLBACK_SECONDS))
            # While this runner leads, its own commits signal all progress; otherwise
            # another process does the work, and only the tracking table knows.
            if not signalled and not self.is_leader:
                self._advance(current_position(self.engine))
            if self._position < position and time.monotonic() >= deadline:
                return False

    @property
    def position(self) -> int:
        """The last position this process knows the read models include."""
        return self._position

    def status(self) -> list[ProjectionStatus]:
        """Each projection's position, the head of the log and the lag."""
        return projection_statuses(self.log, self.engine)


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


class _Listener:
    """LISTEN on the channel eventsourcing-sqlalchemy NOTIFYs after each insert."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.connection: psycopg2.extensions.connection | None = None

    def connect(self) -> None:
        """LISTEN now; a failure is retried at the next wait."""
        with suppress(psycopg2.Error):
            self.connection = self.connection or self._connect()

    def _connect(self) -> psycopg2.extensions.connection:
        url = sqlalchemy.make_url(self.settings.resolved_database_url)
        arguments: dict[str, Any] = {
            **url.translate_connect_args(username="user", database="dbname"), **url.query,
            "connect_timeout": max(1, round(self.settings.database_timeout_seconds))}
        connection: psycopg2.extensions.connection = psycopg2.connect(None, **arguments)
        connection.autocommit = True
        connection.cursor().execute(f"LISTEN {EVENTS_TABLE}")
        return connection

    def wait(self, timeout: float, doorbell: _Doorbell) -> None:
        """Wait for a notification, the doorbell or the timeout."""
        try:
            if self.connection is None:
                self.connection = self._connect()
            if self.connection in doorbell.wait(timeout, self.connection):
                self.connection.poll()
                self.connection.notifies.clear()
        except psycopg2.Error:
            self.close()  # reconnected at the next wait; meanwhile the poll still works
            doorbell.wait(timeout)

    def close(self) -> None:
        if self.connection is not None:
            with suppress(psycopg2.Error):
                self.connection.close()
            self.connection = None


class _Doorbell:
    """A wake-up call that select() can wait on together with the LISTEN connection, so that
    a poke or a stop interrupts the wait at once. Ringing it is safe in a signal handler."""

    def __init__(self) -> None:
        self._read, self._write = os.pipe()
        for descriptor in (self._read, self._write):
            os.set_blocking(descriptor, False)
        finalize(self, os.close, self._read)
        finalize(self, os.close, self._write)

    def ring(self) -> None:
        with suppress(BlockingIOError):  # a full pipe rings already
            os.write(self._write, b"!")

    def wait(self, timeout: float, *others: Any) -> list[Any]:
        """Wait until the bell rings or one of ``others`` is readable; return the readable."""
        # A selector, not select.select: a busy server's descriptors can pass FD_SETSIZE.
        with selectors.DefaultSelector() as selector:
            for source in (self._read, *others):
                selector.register(source, selectors.EVENT_READ)
            readable = [key.fileobj for key, _ in selector.select(timeout)]
        if self._read in readable:
            with suppress(BlockingIOError):
                while os.read(self._read, 512):
                    pass
        return readable
