"""Who a bearer token names, kept in memory so a request costs no query to learn it.

A revoked token must be refused at once by every process. Revoking NOTIFYs a PostgreSQL
channel (``tokens.announce_revocation``); each process LISTENs on it and forgets every
principal it keeps when told. While that listening connection is down a notification could
be missed, so nothing is kept until it is back (and what was kept is forgotten). A lookup
that raced a revocation is not kept either: each lookup notes the generation it started in,
and a revocation starts a new one.

On SQLite nothing is kept: another process (`ledger tokens revoke`) could revoke a token
with no way to tell this one, and the lookup there is a local index read anyway.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine

from ledger.access.tokens import (
    LAST_USED_PRECISION,
    TOKENS_CHANNEL,
    Principal,
    look_up,
    mark_used,
    token_digest,
)
from ledger.projections.doorbell import Doorbell
from ledger.projections.listener import Listener
from ledger.settings import Settings

_RECONNECT_SECONDS = 1.0  # how often a lost listening connection is tried again
_MAX_KEPT = 10_000  # live tokens are few; this only bounds memory against a flood


@dataclass
class _Kept:
    principal: Principal
    last_used_at: datetime | None


class PrincipalCache:
    """``authenticate`` answers as ``tokens.authenticate`` does, from memory when it may."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self._engine = engine
        self._kept: dict[str, _Kept] = {}
        self._lock = threading.Lock()
        self._generation = 0
        self._listening = False  # keep principals only while revocations can reach us
        self._stopping = threading.Event()
        self._doorbell = Doorbell()
        self._thread: threading.Thread | None = None
        if settings.is_postgres:
            self._listener = Listener(settings, channel=TOKENS_CHANNEL)
            self._thread = threading.Thread(target=self._follow, name="ledger-revocations",
                                            daemon=True)
            self._thread.start()

    def authenticate(self, token: str) -> Principal | None:
        """The principal of a live token, or None for an unknown or revoked one."""
        digest = token_digest(token)
        kept = self._kept.get(digest) if self._listening else None
        if kept is not None:
            self._mark_used(kept)
            return kept.principal
        generation = self._generation
        found = look_up(self._engine, token)
        if found is None:
            return None
        kept = _Kept(*found)
        with self._lock:
            if self._listening and generation == self._generation \
                    and len(self._kept) < _MAX_KEPT:
                self._kept[digest] = kept
        self._mark_used(kept)
        return kept.principal

    def forget(self, *, listening: bool | None = None) -> None:
        """Forget every principal kept: a token was revoked (here, or anywhere), or the
        listening connection came or went (then ``listening`` says which)."""
        with self._lock:
            self._generation += 1
            self._kept.clear()
            if listening is not None:
                self._listening = listening

    def close(self) -> None:
        self._stopping.set()
        self._doorbell.ring()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._listener.close()

    def _mark_used(self, kept: _Kept) -> None:
        """"Last used" to the minute, as ``tokens.authenticate`` keeps it."""
        now = datetime.now(UTC)
        if kept.last_used_at is None or now - kept.last_used_at >= LAST_USED_PRECISION:
            mark_used(self._engine, kept.principal.token_id, kept.last_used_at)
            kept.last_used_at = now

    def _follow(self) -> None:
        """LISTEN for revocations until closed, forgetting on each; forget too whenever the
        listening connection is made or lost, since a revocation may have gone unheard."""
        while not self._stopping.is_set():
            if self._listener.connection is None:
                self._listener.connect()
                if self._listener.connection is None:  # the database is down: wait
                    self._doorbell.wait(_RECONNECT_SECONDS)
                    continue
                self.forget(listening=True)
            notified = self._listener.wait(_RECONNECT_SECONDS, self._doorbell)
            if self._listener.connection is None:
                self.forget(listening=False)
            elif notified:
                self.forget()
        self.forget(listening=False)
