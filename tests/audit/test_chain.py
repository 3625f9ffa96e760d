"""The chain and the tree grow inside the events' own write transaction."""

from __future__ import annotations

import hashlib
import json
import struct
from datetime import datetime
from uuid import UUID

import pytest
import sqlalchemy as sa
from eventsourcing.persistence import IntegrityError

from ledger.audit.digest import GENESIS, chain_link, event_digest
from ledger.audit.rows import as_utc
from ledger.audit.tables import audit_chain, audit_nodes
from tests.audit.kennel import Dog, Kennel, digests, raw_events
from tests.audit.tampering import burn_position
from tests.audit.test_merkle import naive_root

ONLY_POSTGRES = pytest.mark.parametrize(
    "database_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)


def _chain(engine: sa.Engine) -> list[sa.Row[tuple[object, ...]]]:
    with engine.connect() as connection:
        return list(connection.execute(sa.select(audit_chain)
                                       .order_by(audit_chain.c.leaf_index)).all())


def test_the_digest_is_sha256_of_length_prefixed_fields() -> None:
    originator = UUID("12345678-1234-5678-1234-567812345678")
    fields = [b"7", originator.hex.encode(), b"3", b"dogs:Dog.Registered", b'{"a":1}']
    encoded = b"ledger-event-v1" + b"".join(struct.pack(">Q", len(f)) + f for f in fields)
    digest = event_digest(7, originator, 3, "dogs:Dog.Registered", b'{"a":1}')
    assert digest == hashlib.sha256(encoded).digest()
    # Moving bytes from one field to the next changes the digest: the encoding is unambiguous.
    assert event_digest(7, originator, 3, "dogs:Dog.Registered{", b'"a":1}') != digest
    assert event_digest(73, originator, 3, "dogs:Dog.Registered", b'{"a":1}') != digest


def test_each_save_extends_the_chain_with_dense_leaves_in_position_order(
        kennel: Kennel, engine: sa.Engine) -> None:
    kennel.write(1)
    kennel.write(9, per_save=3)
    kennel.write(13, per_save=5)
    stored, raw = _chain(engine), raw_events(engine)
    assert [row.leaf_index for row in stored] == list(range(23))
    assert [row.position for row in stored] == [event.position for event in raw]
    link = GENESIS
    for row, event in zip(stored, raw, strict=True):
        link = chain_link(link, event.digest)
        assert (UUID(row.originator_id), row.originator_version) == (
            event.originator_id, event.originator_version)
        assert bytes(row.digest) == event.digest
        assert bytes(row.chain) == link
        stamped = json.loads(event.state)["timestamp"]["_data_"]
        assert as_utc(row.recorded_at) == datetime.fromisoformat(stamped)


def _assert_chain_and_tree_match_the_events(engine: sa.Engine) -> None:
    """Dense leaves in position order, every link, and exactly the completed subtrees."""
    leaves = digests(engine)
    stored = _chain(engine)
    assert [row.leaf_index for row in stored] == list(range(len(leaves)))
    link = GENESIS
    for row, digest in zip(stored, leaves, strict=True):
        link = chain_link(link, digest)
        assert (bytes(row.digest), bytes(row.chain)) == (digest, link)
    with engine.connect() as connection:
        nodes = {(row.level, row.node_index): bytes(row.hash)
                 for row in connection.execute(sa.select(audit_nodes))}
    expected = {(level, index) for level in range(1, len(leaves).bit_length())
                for index in range(len(leaves) >> level)}
    assert set(nodes) == expected
    for (level, index), value in nodes.items():
        assert value == naive_root(leaves[index << level:(index + 1) << level])


def test_stored_nodes_are_exactly_the_completed_perfect_subtrees(
        kennel: Kennel, engine: sa.Engine) -> None:
    kennel.write(45, per_save=6)
    assert len(digests(engine)) == 45
    _assert_chain_and_tree_match_the_events(engine)


def test_the_remembered_tip_is_not_trusted_once_another_writer_appended(
        kennel: Kennel, engine: sa.Engine, database_url: str) -> None:
    """Each recorder remembers where it left the chain; a second process writing in
    between must make it read the frontier back, not extend a stale one."""
    other = Kennel(database_url)
    try:
        for turn in range(6):
            (kennel if turn % 2 else other).write(3 + turn, per_save=2)
    finally:
        other.close()
    _assert_chain_and_tree_match_the_events(engine)


def test_an_append_rolled_back_after_the_chain_grew_leaves_no_trace(
        kennel: Kennel, engine: sa.Engine) -> None:
    kennel.write(5)
    with pytest.raises(RuntimeError), kennel.recorder.datastore.transaction(commit=True):
        kennel.write(6, per_save=3)  # chain and tree rows written, then rolled back
        raise RuntimeError("the command failed after its save")
    kennel.write(7, per_save=2)
    assert len(digests(engine)) == 12
    _assert_chain_and_tree_match_the_events(engine)


def test_a_save_that_fails_adds_nothing_to_the_chain(kennel: Kennel, engine: sa.Engine) -> None:
    dog = kennel.write(2, per_save=1)[0]
    copy: Dog = kennel.repository.get(dog.id)
    dog.add_trick("sit")
    kennel.save(dog)
    copy.add_trick("roll over")
    with pytest.raises(IntegrityError):
        kennel.save(copy)
    kennel.write(2)
    assert [row.leaf_index for row in _chain(engine)] == [0, 1, 2, 3, 4]
    assert [bytes(row.digest) for row in _chain(engine)] == digests(engine)


@ONLY_POSTGRES
def test_a_rolled_back_position_is_a_gap_in_positions_but_not_in_leaves(
        kennel: Kennel, engine: sa.Engine) -> None:
    kennel.write(3)
    burn_position(engine)
    kennel.write(3)
    stored = _chain(engine)
    assert [row.position for row in stored] == [1, 2, 3, 5, 6, 7]
    assert [row.leaf_index for row in stored] == list(range(6))
