"""Signed checkpoints in the database: create on demand or when due, list, and look up."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from ledger.audit.access import Reader
from ledger.audit.rows import as_utc
from ledger.audit.signing import Checkpoint, sign_checkpoint
from ledger.audit.tables import audit_chain, audit_checkpoints
from ledger.audit.tree import log_head, root_at
from ledger.domain.errors import NotFound

Bind = Engine | Connection | Session


@contextmanager
def _writing(bind: Bind) -> Iterator[Connection]:
    """A connection in a transaction: our own (committed here) for an Engine or an idle
    Connection; the caller's, left for the caller to commit, otherwise."""
    if isinstance(bind, Engine):
        with bind.begin() as connection:
            yield connection
    elif isinstance(bind, Session):
        yield bind.connection()
    elif bind.in_transaction():
        yield bind
    else:
        with bind.begin():
            yield bind


def _serialize_writers(connection: Connection) -> None:
    """Make concurrent checkpoint writers take turns, so ids stay dense and a "due" check
    cannot be raced into two checkpoints of the same events."""
    if connection.dialect.name == "postgresql":
        connection.execute(text(
            "LOCK TABLE ledger_audit_checkpoints IN SHARE ROW EXCLUSIVE MODE"))
    else:
        # SQLite takes its database-wide write lock at the first write, even one that
        # changes no row, and holds it until commit.
        connection.execute(update(audit_checkpoints).where(audit_checkpoints.c.id < 0)
                           .values(id=audit_checkpoints.c.id))


def create_checkpoint(bind: Bind, key: Ed25519PrivateKey, *, now: datetime | None = None
                      ) -> Checkpoint:
    """Sign the current head of the log (even an empty one) and store the checkpoint."""
    with _writing(bind) as connection:
        _serialize_writers(connection)
        return _create(connection, key, now or datetime.now(UTC))


def maybe_checkpoint(bind: Bind, key: Ed25519PrivateKey, *, every_events: int,
                     every_minutes: float, now: datetime | None = None) -> Checkpoint | None:
    """Sign a checkpoint if ``every_events`` events are not yet covered by one, or if the
    oldest uncovered event is ``every_minutes`` old; otherwise do nothing."""
    now = now or datetime.now(UTC)
    with _writing(bind) as connection:
        _serialize_writers(connection)
        latest = latest_checkpoint(connection)
        covered = latest.tree_size if latest else 0
        oldest = connection.execute(select(audit_chain.c.recorded_at)
                                    .where(audit_chain.c.leaf_index == covered)).scalar()
        if oldest is None:
            return None
        waited = now - as_utc(oldest)
        size = log_head(connection)[0]
        if size - covered < every_events and waited < timedelta(minutes=every_minutes):
            return None
        return _create(connection, key, now)


def _create(connection: Connection, key: Ed25519PrivateKey, now: datetime) -> Checkpoint:
    size, position, chain_head = log_head(connection)
    last_id = connection.execute(select(func.max(audit_checkpoints.c.id))).scalar()
    checkpoint = sign_checkpoint(key, (last_id or 0) + 1, position, size,
                                 root_at(connection, size), chain_head, now)
    connection.execute(insert(audit_checkpoints).values(
        id=checkpoint.id, position=checkpoint.position, tree_size=checkpoint.tree_size,
        root=checkpoint.root, chain_head=checkpoint.chain_head,
        created_at=checkpoint.created_at, signature=checkpoint.signature,
        public_key=checkpoint.public_key,
    ))
    return checkpoint


def checkpoint_from_row(row: Any) -> Checkpoint:
    return Checkpoint(
        id=row.id, position=row.position, tree_size=row.tree_size, root=bytes(row.root),
        chain_head=bytes(row.chain_head), created_at=as_utc(row.created_at),
        signature=bytes(row.signature), public_key=bytes(row.public_key),
    )


def list_checkpoints(db: Reader, *, after_id: int = 0, limit: int | None = None
                     ) -> list[Checkpoint]:
    """Checkpoints in the order they were made, from the one after ``after_id``."""
    query = (select(audit_checkpoints).where(audit_checkpoints.c.id > after_id)
             .order_by(audit_checkpoints.c.id))
    if limit is not None:
        query = query.limit(limit)
    return [checkpoint_from_row(row) for row in db.execute(query)]


def get_checkpoint(db: Reader, checkpoint_id: int) -> Checkpoint:
    row = db.execute(select(audit_checkpoints)
                     .where(audit_checkpoints.c.id == checkpoint_id)).first()
    if row is None:
        raise NotFound(f"there is no checkpoint {checkpoint_id}; list them to see which exist")
    return checkpoint_from_row(row)


def latest_checkpoint(db: Reader) -> Checkpoint | None:
    row = db.execute(select(audit_checkpoints)
                     .order_by(audit_checkpoints.c.id.desc()).limit(1)).first()
    return None if row is None else checkpoint_from_row(row)


SIGN_ONE = ("sign one with `ledger audit checkpoint` (or, as an admin, "
            "POST /v1/audit/checkpoints)")


def checkpoint_or_latest(db: Reader, checkpoint_id: int | None, *, when_none: str
                         ) -> Checkpoint:
    """The checkpoint ``checkpoint_id``, or by default the latest; ``when_none`` tells the
    caller what to do when none has been signed yet."""
    if checkpoint_id is not None:
        return get_checkpoint(db, checkpoint_id)
    latest = latest_checkpoint(db)
    if latest is None:
        raise NotFound(f"no checkpoint has been signed yet, and {when_none}: {SIGN_ONE}")
    return latest
