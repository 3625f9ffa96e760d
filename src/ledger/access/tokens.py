"""Bearer tokens: stored only as SHA-256 hashes, each naming a principal, a role and a scope."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Engine,
    Row,
    String,
    Table,
    Text,
    insert,
    select,
    text,
    update,
)

from ledger.db import UTCDateTime, metadata
from ledger.domain.errors import InvalidInput, NotFound

ROLES = ("editor", "auditor", "viewer", "admin")
PRINCIPAL_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")

tokens = Table(
    "ledger_api_tokens", metadata,
    Column("token_id", String(36), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("principal_id", String(64), nullable=False),
    Column("display_name", Text, nullable=False),
    Column("role", String(16), nullable=False),
    Column("programs", JSON(none_as_null=True), nullable=True,
           comment="program ids, or null for all"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("last_used_at", UTCDateTime, nullable=True),
)
# "Last used" is kept to this precision, so a busy token costs one write a minute at most.
LAST_USED_PRECISION = timedelta(minutes=1)
# Revoking a token NOTIFYs this channel (PostgreSQL), so every process forgets the principals
# it keeps (see ``access.principals``).
TOKENS_CHANNEL = "ledger_api_tokens"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the actor recorded on every event they cause."""

    id: str
    name: str
    role: str
    programs: frozenset[UUID] | None  # None: every program
    token_id: str = ""  # the token it signed in with

    def may_see(self, program_id: UUID) -> bool:
        return self.programs is None or program_id in self.programs


@dataclass(frozen=True)
class IssuedToken:
    token_id: str
    token: str  # shown once; only its hash is kept


def token_digest(token: str) -> str:
    """What is stored of a token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(engine: Engine, *, principal_id: str, role: str,
                programs: list[UUID] | None, display_name: str | None = None) -> IssuedToken:
    """Create a token; the clear text is returned once and never stored."""
    if role not in ROLES:
        raise InvalidInput("role", f"use one of {', '.join(ROLES)}")
    if not PRINCIPAL_PATTERN.match(principal_id):
        raise InvalidInput("principal", "use 2-64 lower-case letters, digits, '.', '_', '-'")
    token = "ldg_" + secrets.token_urlsafe(32)
    token_id = str(uuid.uuid4())
    with engine.begin() as connection:
        connection.execute(insert(tokens).values(
            token_id=token_id, token_hash=token_digest(token), principal_id=principal_id,
            display_name=display_name or principal_id, role=role,
            programs=None if programs is None else [str(p) for p in programs],
            created_at=datetime.now(UTC), revoked_at=None))
    return IssuedToken(token_id, token)


def authenticate(engine: Engine, token: str) -> Principal | None:
    """The principal of a live token, or None for an unknown or revoked one."""
    found = look_up(engine, token)
    if found is None:
        return None
    principal, last_used_at = found
    mark_used(engine, principal.token_id, last_used_at)
    return principal


def look_up(engine: Engine, token: str) -> tuple[Principal, datetime | None] | None:
    """A live token's principal and when it was last used; None for an unknown or revoked
    one. Marks nothing."""
    digest = token_digest(token)
    with engine.connect() as connection:
        row = connection.execute(select(tokens).where(
            tokens.c.token_hash == digest, tokens.c.revoked_at.is_(None))).first()
    # The lookup is by an index on the hash, so timing reveals nothing usable about the
    # token; comparing again in constant time keeps that true whatever the database does.
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    return principal_of(row), row.last_used_at


def is_live(engine: Engine, token_id: str) -> bool:
    """Whether the token still exists unrevoked: long-lived answers (event streams) ask
    again from time to time, so a revocation ends them too."""
    with engine.connect() as connection:
        return connection.execute(select(tokens.c.token_id).where(
            tokens.c.token_id == token_id, tokens.c.revoked_at.is_(None))).first() is not None


def principal_of(row: Row[Any]) -> Principal:
    """The principal a row of the tokens table names."""
    programs = None if row.programs is None else frozenset(UUID(p) for p in row.programs)
    return Principal(row.principal_id, row.display_name, row.role, programs, row.token_id)


def mark_used(engine: Engine, token_id: str, last_used_at: datetime | None) -> None:
    now = datetime.now(UTC)
    if last_used_at is not None and now - last_used_at < LAST_USED_PRECISION:
        return
    with engine.begin() as connection:
        connection.execute(update(tokens).where(tokens.c.token_id == token_id)
                           .values(last_used_at=now))


def list_tokens(engine: Engine) -> list[dict[str, object]]:
    with engine.connect() as connection:
        rows = connection.execute(select(tokens).order_by(tokens.c.created_at)).mappings()
        return [{k: v for k, v in row.items() if k != "token_hash"} for row in rows]


def get_token(engine: Engine, token_id: str) -> dict[str, object]:
    """One token as ``list_tokens`` shows it."""
    with engine.connect() as connection:
        row = connection.execute(select(tokens).where(tokens.c.token_id == token_id)).mappings()\
            .first()
    if row is None:
        raise NotFound(f"no token with id {token_id}")
    return {k: v for k, v in row.items() if k != "token_hash"}


def revoke_token(engine: Engine, token_id: str) -> None:
    """Revoke a token; its UI sessions end with it, as they are only valid with a live one."""
    with engine.begin() as connection:
        result = connection.execute(update(tokens).where(
            tokens.c.token_id == token_id, tokens.c.revoked_at.is_(None)
        ).values(revoked_at=datetime.now(UTC)))
        if result.rowcount == 0:
            raise NotFound(f"no live token with id {token_id}")
        announce_revocation(connection)


def announce_revocation(connection: Connection) -> None:
    """Tell every process, at the commit, to forget the principals it keeps (PostgreSQL;
    on SQLite nothing is kept, see ``access.principals``)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"NOTIFY {TOKENS_CHANNEL}"))


def has_admin(engine: Engine) -> bool:
    with engine.connect() as connection:
        return connection.execute(select(tokens.c.token_id).where(
            tokens.c.role == "admin", tokens.c.revoked_at.is_(None)).limit(1)).first() is not None


def ensure_first_admin(engine: Engine, principal_id: str = "admin") -> str | None:
    """On first start, create an admin token and return it (to print once); None when a live
    admin token exists already. Without it, nobody could create the first token over HTTP."""
    if has_admin(engine):
        return None
    return issue_token(engine, principal_id=principal_id, role="admin", programs=None,
                       display_name="First administrator").token
