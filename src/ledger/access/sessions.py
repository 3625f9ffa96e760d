"""Web UI sessions: signing in with a token opens a server-side session, named by an opaque
random id of which only a hash is stored. A session ends at sign-out, after an idle time,
after an absolute lifetime, and the moment its token is revoked."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    Column,
    Engine,
    ForeignKey,
    String,
    Table,
    delete,
    insert,
    or_,
    select,
    update,
)

from ledger.access.tokens import Principal, authenticate, principal_of, tokens
from ledger.db import UTCDateTime, metadata

ui_sessions = Table(
    "ledger_ui_sessions", metadata,
    Column("session_hash", String(64), primary_key=True),
    Column("token_id", String(36), ForeignKey("ledger_api_tokens.token_id"), nullable=False,
           index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
)


@dataclass(frozen=True)
class Lifetime:
    """How long a session lives: ``idle`` since its last request, ``absolute`` in all."""

    idle: timedelta
    absolute: timedelta

    @property
    def touch_every(self) -> timedelta:
        """Recording every request would make each page a write; a twentieth of the idle
        time (at most a minute) keeps the idle limit honest to within that."""
        return min(self.idle / 20, timedelta(minutes=1))


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start_session(engine: Engine, token: str, lifetime: Lifetime) -> str | None:
    """Open a session for a live token and return its id (shown to the browser only), or
    None for a token that is unknown or revoked. Expired sessions are cleared on the way."""
    principal = authenticate(engine, token)
    if principal is None:
        return None
    now = datetime.now(UTC)
    session_id = secrets.token_urlsafe(32)
    with engine.begin() as connection:
        connection.execute(delete(ui_sessions).where(or_(
            ui_sessions.c.created_at < now - lifetime.absolute,
            ui_sessions.c.last_seen_at < now - lifetime.idle)))
        connection.execute(insert(ui_sessions).values(
            session_hash=_hash(session_id), token_id=principal.token_id, created_at=now,
            last_seen_at=now))
    return session_id


def session_principal(engine: Engine, session_id: str, lifetime: Lifetime) -> Principal | None:
    """The principal of a live session, or None: unknown, ended, expired, or its token
    revoked. A live session's idle clock restarts."""
    now = datetime.now(UTC)
    with engine.connect() as connection:
        row = connection.execute(
            select(ui_sessions.c.last_seen_at, tokens)
            .join(tokens, tokens.c.token_id == ui_sessions.c.token_id)
            .where(ui_sessions.c.session_hash == _hash(session_id),
                   ui_sessions.c.created_at >= now - lifetime.absolute,
                   ui_sessions.c.last_seen_at >= now - lifetime.idle,
                   tokens.c.revoked_at.is_(None))).first()
    if row is None:
        return None
    if now - row.last_seen_at >= lifetime.touch_every:
        with engine.begin() as connection:
            connection.execute(update(ui_sessions).where(
                ui_sessions.c.session_hash == _hash(session_id)).values(last_seen_at=now))
    return principal_of(row)


def end_session(engine: Engine, session_id: str) -> None:
    with engine.begin() as connection:
        connection.execute(delete(ui_sessions).where(
            ui_sessions.c.session_hash == _hash(session_id)))
