"""The event store: eventsourcing-sqlalchemy, with every append also extending the audit chain,
and what its database errors mean.

Selected by ``PERSISTENCE_MODULE=ledger.store``. Appending to the audit chain happens in the
same transaction as the events, while the events table is locked, so the chain never lags
an append and can never disagree with the order of positions.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from uuid import UUID

import psycopg2
import psycopg2.errors
import sqlalchemy.exc
from eventsourcing.persistence import InterfaceError as StoreInterfaceError
from eventsourcing.persistence import OperationalError as StoreOperationalError
from eventsourcing.persistence import StoredEvent
from eventsourcing_sqlalchemy import factory as sqlalchemy_factory
from eventsourcing_sqlalchemy.recorders import SQLAlchemyApplicationRecorder
from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from ledger.audit.chain import ChainHead, ChainTip, RawEvent, append_to_chain, head_query
from ledger.domain.errors import ConcurrencyConflict

_LOCKED_IN = "ledger_events_locked_in"  # Session.info: the transaction holding the lock
_HEAD_READ = "ledger_chain_head"  # Session.info: (transaction, the chain's head read with it)
# Errors that mean "the database is unavailable for now", however they reach us: from
# SQLAlchemy, from the event store (which wraps the driver's), or from psycopg2 itself (the
# projector's LISTEN connection). The API answers them 503; the projector waits them out.
DATABASE_DOWN: tuple[type[Exception], ...] = (
    sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError,
    StoreOperationalError, StoreInterfaceError,
    psycopg2.OperationalError, psycopg2.InterfaceError)


class ChainedApplicationRecorder(SQLAlchemyApplicationRecorder):
    """Application recorder that adds each new event to the audit chain as it is inserted."""

    _chain_tip: ChainTip | None = None  # what this process appended last, if anything

    def lock_events_table(self, session: Session) -> None:
        """Take the events table's write lock (PostgreSQL) for the rest of the transaction.

        On PostgreSQL one round trip also queues the projector's wake-up (a NOTIFY is sent
        at commit and dropped on rollback) and reads the audit chain's head, which cannot
        move while the lock is held: the append then needs no statement of its own for
        either."""
        transaction = session.get_transaction()
        if transaction is not None and session.info.get(_LOCKED_IN) is transaction:
            return
        if self.datastore.engine.dialect.name == "postgresql":  # type: ignore[union-attr]
            row = session.execute(text(
                f"LOCK TABLE {self.events_table_name} IN EXCLUSIVE MODE; "
                f"NOTIFY {self.channel_name}; {head_query()}")).first()
            session.info[_HEAD_READ] = (transaction, ChainHead.of(row))
        else:
            super()._lock_table(session)
        session.info[_LOCKED_IN] = transaction

    def _lock_table(self, session: Session) -> None:
        # The library locks again before every insert; once per transaction is enough.
        self.lock_events_table(session)

    def _insert_stored_events(
        self, session: Session, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int]:
        """One INSERT ... RETURNING for the command's events (the library adds ORM objects
        and flushes them), then the chain and the tree in one more statement."""
        self.lock_events_table(session)
        table = self.events_record_cls.__table__
        positions = list(session.scalars(
            insert(table).returning(table.c.id, sort_by_parameter_order=True),
            [{"originator_id": event.originator_id,
              "originator_version": event.originator_version,
              "topic": event.topic, "state": event.state} for event in stored_events]))
        self._chain_tip = append_to_chain(
            session,
            [
                RawEvent(
                    position=position,
                    originator_id=UUID(str(event.originator_id)),
                    originator_version=event.originator_version,
                    topic=event.topic,
                    state=event.state,
                )
                for position, event in zip(positions, stored_events, strict=True)
            ],
            self._chain_tip,
            self._head_read_with_lock(session),
        )
        return positions

    @staticmethod
    def _head_read_with_lock(session: Session) -> ChainHead | None:
        """The head the lock's round trip read, once: a second append in the same
        transaction has moved it, and reads it again."""
        transaction, head = session.info.pop(_HEAD_READ, (None, None))
        return head if transaction is session.get_transaction() else None


class Factory(sqlalchemy_factory.SQLAlchemyFactory):
    # Only one factory class may be visible in this module: the library looks it up by type.
    application_recorder_class = ChainedApplicationRecorder


@contextmanager
def busy_is_a_conflict() -> Iterator[None]:
    """Waiting too long for the write lock means other writers won: a conflict to retry
    (409), not an unreachable database (503)."""
    try:
        yield
    except (StoreOperationalError, sqlalchemy.exc.OperationalError) as error:
        if not write_lock_timed_out(error):
            raise
        raise ConcurrencyConflict("other writers held the ledger's write lock for too long; "
                                  "retry the request shortly") from error


def write_lock_timed_out(error: BaseException) -> bool:
    """Whether a database error means "too busy to take the write lock in time" (PostgreSQL's
    lock_timeout, SQLite's busy timeout) rather than "unreachable"."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, psycopg2.errors.LockNotAvailable):
            return True
        if isinstance(cause, sqlite3.OperationalError) and "locked" in str(cause):
            return True
        cause = cause.__cause__
    return False
