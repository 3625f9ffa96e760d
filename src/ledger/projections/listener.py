"""Wakes the projection runner as soon as PostgreSQL NOTIFYs that events were inserted."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

import psycopg2
import psycopg2.extensions
import sqlalchemy

from ledger.projections.doorbell import Doorbell
from ledger.settings import EVENTS_TABLE, Settings


class Listener:
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

    def wait(self, timeout: float, doorbell: Doorbell) -> None:
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
