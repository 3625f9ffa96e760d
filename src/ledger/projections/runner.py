"""Keeps the read models current: catches up, then follows new events.

On PostgreSQL a LISTEN on the events channel wakes the runner as soon as a command commits;
on SQLite it polls. Commands in the same process can also ``poke`` it. Either way it runs in
a background thread (embedded mode) or in the foreground as `ledger projector`.
"""

from __future__ import annotations

import logging
import select
import threading
import time
from contextlib import suppress
from dataclasses import dataclass

import psycopg2
import sqlalchemy
import sqlalchemy.exc
from eventsourcing.persistence import PersistenceError
from sqlalchemy import Engine

from ledger.application import ProgramLedger
from ledger.projections.projector import Projector
from ledger.projections.tracking import current_position
from ledger.settings import EVENTS_TABLE, Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProjectionStatus:
    position: int
    head: int

    @property
    def lag(self) -> int:
        return max(0, self.head - self.position)


class ProjectionRunner:
    """A projector in a loop, with a way to wait until it has reached a position."""

    def __init__(self, ledger: ProgramLedger, engine: Engine, settings: Settings) -> None:
        self.ledger = ledger
        self.engine = engine
        self.settings = settings
        self.projector = Projector(ledger, engine, batch_size=settings.projection_batch_size)
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._progress = threading.Condition()
        self._position = 0
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Run in a daemon thread until ``stop``."""
        self._thread = threading.Thread(target=self.run, name="ledger-projector", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def poke(self) -> None:
        """A command was just recorded in this process: look now rather than at next poll."""
        self._wake.set()

    def run(self) -> None:
        """Catch up, then follow the log until stopped. Database outages are waited out."""
        listener = _Listener(self.settings) if self.settings.is_postgres else None
        try:
            while not self._stop.is_set():
                try:
                    applied, position = self.projector.apply_batch()
                except (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError,
                        PersistenceError) as error:
                    log.warning("projector waiting for the database: %s", error)
                    self._stop.wait(1.0)
                    continue
                self._advance(position)
                if not applied:
                    self._idle(listener)
        finally:
            if listener is not None:
                listener.close()

    def _advance(self, position: int) -> None:
        with self._progress:
            self._position = position
            self._progress.notify_all()

    def _idle(self, listener: _Listener | None) -> None:
        timeout = self.settings.projection_poll_seconds
        if listener is not None and listener.wait(timeout, self._wake):
            return
        self._wake.wait(timeout)
        self._wake.clear()

    def wait_for(self, position: int, timeout: float) -> bool:
        """True once the read models include ``position``; False if ``timeout`` passes first."""
        deadline = time.monotonic() + timeout
        with self._progress:
            while self._position < position:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._wake.set()
                self._progress.wait(min(remaining, 0.05))
        return True

    def status(self) -> ProjectionStatus:
        return ProjectionStatus(position=current_position(self.engine),
                                head=self.ledger.head_position())


class _Listener:
    """LISTEN on the channel eventsourcing-sqlalchemy NOTIFYs after each insert."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.connection: psycopg2.extensions.connection | None = None

    def _connect(self) -> psycopg2.extensions.connection:
        url = sqlalchemy.make_url(self.settings.resolved_database_url)
        connection = psycopg2.connect(
            host=url.host, port=url.port, user=url.username, password=url.password,
            dbname=url.database,
            connect_timeout=max(1, round(self.settings.database_timeout_seconds)))
        connection.autocommit = True
        connection.cursor().execute(f"LISTEN {EVENTS_TABLE}")
        return connection

    def wait(self, timeout: float, wake: threading.Event) -> bool:
        """Wait for a notification (True) or the timeout (False)."""
        try:
            if self.connection is None:
                self.connection = self._connect()
            readable, _, _ = select.select([self.connection], [], [], timeout)
            if readable:
                self.connection.poll()
                self.connection.notifies.clear()
            return bool(readable) or wake.is_set()
        except psycopg2.Error:
            self.close()
            return False

    def close(self) -> None:
        if self.connection is not None:
            with suppress(psycopg2.Error):
                self.connection.close()
            self.connection = None
