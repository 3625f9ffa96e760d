"""LISTEN on a PostgreSQL channel: wakes the projection runner as soon as events were inserted,
and tells every API process that a token was revoked."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

import psycopg2
import psycopg2.extensions
import sqlalchemy

from ledger.projections.doorbell import Doorbell
from ledger.settings import EVENTS_TABLE, Settings


class Listener:
    """LISTEN on ``channel``; by default the one every append NOTIFYs (see ``store``)."""

    def __init__(self, settings: Settings, channel: str = EVENTS_TABLE) -> None:
        self.settings = settings
        self.channel = channel
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
        connection.cursor().execute(f"LISTEN {self.channel}")
        return connection

    def wait(self, timeout: float, doorbell: Doorbell) -> bool:
        """Wait for a notification, the doorbell or the timeout; whether one was notified."""
        try:
            if self.connection is None:
                self.connection = self._connect()
            if self.connection in doorbell.wait(timeout, self.connection):
                self.connection.poll()
                notified = bool(self.connection.notifies)
                self.connection.notifies.clear()
                return notified
        except psycopg2.Error:
            self.close()  # reconnected at the next wait; meanwhile the poll still works
            doorbell.wait(timeout)
        return False

    def close(self) -> None:
        if self.connection is not None:
            with suppress(psycopg2.Error):
                self.connection.close()
            self.connection = None
