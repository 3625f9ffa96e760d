"""Which projection runner applies events: the one holding the leader lock on its connection.

On PostgreSQL the lock is a session-level advisory lock, so it lives exactly as long as the
database session that took it; on SQLite every runner leads (there is only one process).
"""

from __future__ import annotations

import logging
from contextlib import suppress

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from ledger.projections.tracking import LEADER_LOCK_KEY, try_to_lead
from ledger.store import DATABASE_DOWN

log = logging.getLogger(__name__)


class Leadership:
    """The leader lock, and the connection that holds it, for as long as this runner leads."""

    def __init__(self, engine: Engine, key: int = LEADER_LOCK_KEY,
                 role: str = "projector leads: it applies events to the read models") -> None:
        self.engine = engine
        self.key = key
        self.role = role
        self._connection: Connection | None = None

    @property
    def is_leader(self) -> bool:
        return self._connection is not None

    def lead(self) -> Connection | None:
        """The connection holding the leader lock if this runner has (or now takes) it, else
        None. Every batch runs on it, so nobody applies events without holding the lock."""
        if self._connection is None:
            connection, leads = self.engine.connect(), False
            try:
                leads = try_to_lead(connection, self.key)
            finally:
                if not leads:  # also when asking failed: never leave it checked out
                    connection.close()
            if not leads:
                return None
            # The lock belongs to the database session: keep it out of the pool, so that
            # closing it ends the session and frees the lock, and nobody else reuses it.
            connection.detach()
            self._connection = connection
            log.info(self.role)
        return self._connection

    def resign(self) -> None:
        """Close the connection, which frees the lock (even if the database is gone)."""
        if self._connection is not None:
            with suppress(*DATABASE_DOWN):
                self._connection.close()
            self._connection = None
