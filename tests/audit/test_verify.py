"""Verification names the exact first position an attacker with database access touched."""

from __future__ import annotations

import threading
from collections.abc import Callable
from uuid import UUID

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.orm import Session

from ledger.audit.chain import RawEvent, append_to_chain
from ledger.audit.checkpoints import create_checkpoint
from ledger.audit.signing import Checkpoint
from ledger.audit.tables import audit_chain, audit_checkpoints, audit_nodes
from ledger.audit.verify import verify
from ledger.db import metadata
from ledger.schema import event_store_metadata
from tests.audit.kennel import Kennel, digests, raw_events
from tests.audit.tampering import (
    alter_one_byte,
    burn_position,
    delete_event,
    insert_forged,
    swap_contents,
    tampering,
)
from tests.audit.test_merkle import naive_root

ONLY_POSTGRES = pytest.mark.parametrize(
    "database_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)


@pytest.fixture
def log(kennel: Kennel, engine: sa.Engine, key: Ed25519PrivateKey) -> list[Checkpoint]:
    """60 events at positions 1..60, with checkpoints after 20 and after 60."""
    kennel.write(20)
    first = create_checkpoint(engine, key)
    kennel.write(40, per_save=3)
    return [first, create_checkpoint(engine, key)]


def test_an_untouched_log_verifies_with_its_head_and_every_checkpoint(
        log: list[Checkpoint], engine: sa.Engine, key: Ed25519PrivateKey) -> None:
    calls: list[tuple[int, int]] = []
    result = verify(engine, key.public_key(), batch_size=7,
                    progress=lambda done, total: calls.append((done, total)))
    assert result.ok and result.first_failure is None
    assert (result.checked, result.checkpoints_checked) == (60, 2)
    assert result.head.position == 60
    assert result.head.root == naive_root(digests(engine)) == log[1].root
    assert result.head.chain == log[1].chain_head
    assert calls[0] == (0, 60) and calls[-1] == (60, 60)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert set(result.to_dict()) >= {"ok", "checked", "head", "first_failure"}
    assert set(result.to_dict()["head"]) >= {"position", "root", "chain"}


TAMPERING: dict[str, tuple[Callable[[sa.Engine], None], int, str]] = {
    "one byte of state": (lambda engine: alter_one_byte(engine, 37), 37, "altered"),
    "a deleted row": (lambda engine: delete_event(engine, 23), 23, "missing"),
    "two rows swapped": (lambda engine: swap_contents(engine, 14, 41), 14, "reordered"),
    "a forged row appended": (lambda engine: insert_forged(engine, 61), 61, "inserted"),
}


@pytest.mark.parametrize("case", list(TAMPERING))
def test_tampering_with_events_is_named_by_position_and_kind(
        case: str, log: list[Checkpoint], engine: sa.Engine, key: Ed25519PrivateKey) -> None:
    tamper, position, kind = TAMPERING[case]
    tamper(engine)
    result = verify(engine, key.public_key(), batch_size=7)
    assert not result.ok and result.first_failure is not None
    assert (result.first_failure.position, result.first_failure.kind) == (position, kind)
    assert result.checked == position - 1 == result.head.position


@ONLY_POSTGRES
def test_a_gap_is_not_missing_but_a_row_forged_into_it_is_inserted(
        kennel: Kennel, engine: sa.Engine, key: Ed25519PrivateKey) -> None:
    kennel.write(5)
    burn_position(engine)
    kennel.write(5)
    create_checkpoint(engine, key)
    assert verify(engine, key.public_key()).ok
    insert_forged(engine, 6)
    failure = verify(engine, key.public_key()).first_failure
    assert failure is not None and (failure.position, failure.kind) == (6, "inserted")


@ONLY_POSTGRES
def test_the_append_only_trigger_stops_tampering_until_it_is_disabled(
        log: list[Checkpoint], engine: sa.Engine) -> None:
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM ledger_events WHERE id = 3"))
    delete_event(engine, 3)
    assert 3 not in [event.position for event in raw_events(engine)]


def test_a_reinserted_copy_of_an_event_is_named_inserted(
        log: list[Checkpoint], engine: sa.Engine, key: Ed25519PrivateKey) -> None:
    with tampering(engine) as connection:
        connection.execute(sa.text(
            "INSERT INTO ledger_events (id, originator_id, originator_version, topic, state) "
            "SELECT 100, originator_id, 99, topic, state FROM ledger_events WHERE id = 5"))
    failure = verify(engine, key.public_key()).first_failure
    assert failure is not None and (failure.position, failure.kind) == (100, "inserted")


def test_a_broken_chain_link_or_tree_node_is_named(log: list[Checkpoint], engine: sa.Engine,
                                                   key: Ed25519PrivateKey) -> None:
    with engine.begin() as connection:
        connection.execute(sa.update(audit_nodes).values(hash=bytes(32))
                           .where(audit_nodes.c.level == 3, audit_nodes.c.node_index == 1))
    failure = verify(engine, key.public_key()).first_failure
    assert failure is not None and (failure.position, failure.kind) == (16, "altered")
    assert "Merkle node at level 3, index 1" in failure.detail
    with engine.begin() as connection:
        connection.execute(sa.update(audit_chain).values(chain=bytes(32))
                           .where(audit_chain.c.leaf_index == 9))
    failure = verify(engine, key.public_key()).first_failure
    assert failure is not None and (failure.position, failure.kind) == (10, "altered")
    assert "chain link" in failure.detail


def test_a_truncated_log_is_missing_what_its_checkpoint_covered(
        log: list[Checkpoint], engine: sa.Engine, key: Ed25519PrivateKey) -> None:
    with tampering(engine) as connection:
        connection.execute(sa.text("DELETE FROM ledger_events WHERE id > 54"))
        connection.execute(sa.delete(audit_chain).where(audit_chain.c.position > 54))
    failure = verify(engine, key.public_key()).first_failure
    assert failure is not None and (failure.position, failure.kind) == (60, "missing")


def test_a_forged_checkpoint_or_a_foreign_key_fails(log: list[Checkpoint], engine: sa.Engine,
                                                    key: Ed25519PrivateKey) -> None:
    stranger = Ed25519PrivateKey.generate().public_key()
    failure = verify(engine, stranger).first_failure
    assert failure is not None and (failure.position, failure.kind) == (20, "altered")
    assert "signature" in failure.detail
    with engine.begin() as connection:
        connection.execute(sa.update(audit_checkpoints).values(tree_size=59)
                           .where(audit_checkpoints.c.id == 2))
    failure = verify(engine, key.public_key()).first_failure
    assert failure is not None and "checkpoint 2" in failure.detail


def test_verifying_against_an_old_checkpoint_proves_the_log_only_grew(
        log: list[Checkpoint], engine: sa.Engine, key: Ed25519PrivateKey) -> None:
    result = verify(engine, key.public_key(), against=1)
    assert result.ok and result.consistency is not None
    assert (result.consistency.old.id, result.consistency.new.id) == (1, 2)
    assert result.consistency.verify()


def _rewrite_history(engine: sa.Engine, key: Ed25519PrivateKey) -> None:
    """The operator alters an event, then rebuilds every audit table and re-signs."""
    alter_one_byte(engine, 5)
    with engine.begin() as connection:
        for table in (audit_checkpoints, audit_nodes, audit_chain):
            connection.execute(sa.delete(table))
    with Session(engine) as session, session.begin():
        append_to_chain(session, raw_events(engine))
    create_checkpoint(engine, key)


def test_an_auditors_own_checkpoint_catches_a_rewrite_that_was_re_signed(
        log: list[Checkpoint], engine: sa.Engine, key: Ed25519PrivateKey) -> None:
    auditors_copy = log[0]
    _rewrite_history(engine, key)
    assert verify(engine, key.public_key()).ok  # the database agrees with itself...
    result = verify(engine, key.public_key(), against=auditors_copy)
    failure = result.first_failure  # ...but not with what the auditor kept
    assert failure is not None and (failure.position, failure.kind) == (20, "altered")
    assert "root differs" in failure.detail


def test_an_in_memory_database_is_verified_on_the_callers_own_connection(
        key: Ed25519PrivateKey) -> None:
    engine = sa.create_engine("sqlite://", poolclass=sa.pool.StaticPool)
    store = event_store_metadata()
    store.create_all(engine)
    metadata.create_all(engine, tables=[audit_chain, audit_nodes, audit_checkpoints])
    table = store.tables["ledger_events"]
    with Session(engine) as session, session.begin():
        for version in range(1, 13):
            originator, state = UUID(int=version % 3), b'{"n":%d}' % version
            session.execute(sa.insert(table).values(
                id=version, originator_id=originator, originator_version=version, topic="t",
                state=state))
            append_to_chain(session, [RawEvent(version, originator, version, "t", state)])
    create_checkpoint(engine, key)
    result = verify(engine, key.public_key(), batch_size=5)
    assert result.ok and (result.checked, result.head.position) == (12, 12)
    engine.dispose()


def test_verifying_while_events_are_appended_sees_a_consistent_log(
        kennel: Kennel, engine: sa.Engine, key: Ed25519PrivateKey) -> None:
    kennel.write(30)
    create_checkpoint(engine, key)
    writer = threading.Thread(target=kennel.write, args=(120,), kwargs={"per_save": 2})
    writer.start()
    results = []
    while writer.is_alive():
        results.append(verify(engine, key.public_key(), batch_size=16))
    writer.join()
    results.append(verify(engine, key.public_key(), batch_size=16))
    assert [r.first_failure for r in results if not r.ok] == []
    assert results[-1].checked == 150
