"""What an attacker with superuser access to the database does: raw SQL on the tables."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID, uuid4

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.orm import Session

from ledger.audit.chain import RawEvent, append_to_chain
from ledger.audit.checkpoints import create_checkpoint
from ledger.audit.tables import audit_chain, audit_checkpoints, audit_cosignatures, audit_nodes

APPEND_ONLY_TRIGGER = """
CREATE OR REPLACE FUNCTION test_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger_events is append-only: % is not allowed', TG_OP;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER test_no_update_delete BEFORE UPDATE OR DELETE ON ledger_events
    FOR EACH ROW EXECUTE FUNCTION test_append_only();
CREATE TRIGGER test_no_truncate BEFORE TRUNCATE ON ledger_events
    FOR EACH STATEMENT EXECUTE FUNCTION test_append_only();
"""


def guard_events_table(engine: sa.Engine) -> None:
    """On PostgreSQL, reject UPDATE/DELETE/TRUNCATE on the events, as production does."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(sa.text(APPEND_ONLY_TRIGGER))


@contextmanager
def tampering(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A transaction with the events table's user triggers off, if it has any at all."""
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as connection:
        if postgres:
            connection.execute(sa.text("ALTER TABLE ledger_events DISABLE TRIGGER USER"))
        yield connection
        if postgres:
            connection.execute(sa.text("ALTER TABLE ledger_events ENABLE TRIGGER USER"))


def _row(connection: sa.Connection, position: int) -> Any:
    return connection.execute(sa.text(
        "SELECT originator_id, originator_version, topic, state FROM ledger_events "
        "WHERE id = :p"), {"p": position}).one()


def alter_one_byte(engine: sa.Engine, position: int) -> None:
    """Change one character of the last string value in the event's JSON state."""
    with tampering(engine) as connection:
        state = bytearray(_row(connection, position).state)
        index = state.rindex(b'"') - 1
        state[index] = ord("X") if state[index] != ord("X") else ord("Y")
        connection.execute(sa.text("UPDATE ledger_events SET state = :s WHERE id = :p"),
                           {"s": bytes(state), "p": position})


def delete_event(engine: sa.Engine, position: int) -> None:
    with tampering(engine) as connection:
        connection.execute(sa.text("DELETE FROM ledger_events WHERE id = :p"), {"p": position})


def swap_contents(engine: sa.Engine, first: int, second: int) -> None:
    """Exchange everything but the positions of two rows."""
    update = sa.text("UPDATE ledger_events SET originator_id = :o, originator_version = :v, "
                     "topic = :t, state = :s WHERE id = :p")
    with tampering(engine) as connection:
        a, b = _row(connection, first), _row(connection, second)
        # Park the first row on an unused version so the unique (id, version) index holds.
        connection.execute(sa.text("UPDATE ledger_events SET originator_version = -1 "
                                   "WHERE id = :p"), {"p": first})
        connection.execute(update, {"o": a.originator_id, "v": a.originator_version,
                                    "t": a.topic, "s": bytes(a.state), "p": second})
        connection.execute(update, {"o": b.originator_id, "v": b.originator_version,
                                    "t": b.topic, "s": bytes(b.state), "p": first})


def insert_forged(engine: sa.Engine, position: int, copy_of: int = 1) -> None:
    """Insert a plausible event (another's topic and state, a new originator) at ``position``."""
    originator = uuid4()
    with tampering(engine) as connection:
        source = _row(connection, copy_of)
        raw_id: Any = (originator.bytes if engine.dialect.name == "sqlite" else str(originator))
        connection.execute(sa.text(
            "INSERT INTO ledger_events (id, originator_id, originator_version, topic, state) "
            "VALUES (:p, :o, 1, :t, :s)"),
            {"p": position, "o": raw_id, "t": source.topic, "s": bytes(source.state)})


def burn_position(engine: sa.Engine) -> None:
    """Leave a gap in the positions, as a rolled-back insert does on PostgreSQL."""
    with engine.connect() as connection:
        connection.execute(sa.text(
            "INSERT INTO ledger_events (originator_id, originator_version, topic, state) "
            "VALUES (gen_random_uuid(), 1, 'rolled.back:Event', 'x')"))
        connection.rollback()


def rewrite_and_resign(engine: sa.Engine, position: int, key: Ed25519PrivateKey) -> None:
    """The operator's rewrite: change an old event, rebuild the chain and the tree from the
    events as they now are, and sign a fresh checkpoint with the log's own key."""
    alter_one_byte(engine, position)
    with engine.begin() as connection:
        for table in (audit_cosignatures, audit_checkpoints, audit_nodes, audit_chain):
            connection.execute(sa.delete(table))
        rows = connection.execute(sa.text(
            "SELECT id, originator_id, originator_version, topic, state FROM ledger_events "
            "ORDER BY id")).all()
        with Session(bind=connection) as session:
            append_to_chain(session, [RawEvent(row[0], UUID(str(row[1])), row[2], row[3],
                                               bytes(row[4])) for row in rows])
            session.flush()
        create_checkpoint(connection, key)
