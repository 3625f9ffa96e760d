"""Signed checkpoints: what they state, when they are due, and the key that signs them."""

from __future__ import annotations

import stat
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.audit.checkpoints import (
    create_checkpoint,
    get_checkpoint,
    latest_checkpoint,
    list_checkpoints,
    maybe_checkpoint,
)
from ledger.audit.digest import GENESIS
from ledger.audit.keys import SigningKeyError, load_or_create_signing_key
from ledger.audit.merkle import EMPTY_ROOT
from ledger.audit.signing import (
    Checkpoint,
    load_public_key,
    public_key_hex,
    public_key_pem,
    raw_public_key,
)
from ledger.audit.tables import audit_chain
from ledger.domain.errors import NotFound
from tests.audit.kennel import Kennel, digests
from tests.audit.test_merkle import naive_root


def _first_recorded_at(engine: sa.Engine, leaf: int) -> datetime:
    with engine.connect() as connection:
        value: datetime = connection.execute(sa.select(audit_chain.c.recorded_at)
                                             .where(audit_chain.c.leaf_index == leaf)
                                             ).scalar_one()
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def test_a_checkpoint_signs_the_head_of_the_log(kennel: Kennel, engine: sa.Engine,
                                                key: Ed25519PrivateKey) -> None:
    kennel.write(11)
    checkpoint = create_checkpoint(engine, key)
    leaves = digests(engine)
    assert (checkpoint.id, checkpoint.tree_size, checkpoint.position) == (1, 11, 11)
    assert checkpoint.root == naive_root(leaves)
    assert checkpoint.public_key == raw_public_key(key.public_key())
    assert checkpoint.signature_valid(key.public_key())
    assert not checkpoint.signature_valid(Ed25519PrivateKey.generate().public_key())
    with engine.connect() as connection:
        assert get_checkpoint(connection, 1) == checkpoint


def test_checkpoints_are_numbered_and_listed_in_order(kennel: Kennel, engine: sa.Engine,
                                                      key: Ed25519PrivateKey) -> None:
    made = []
    for count in (3, 5, 2):
        kennel.write(count)
        made.append(create_checkpoint(engine, key))
    with engine.connect() as connection:
        assert list_checkpoints(connection) == made
        assert list_checkpoints(connection, after_id=1, limit=1) == made[1:2]
        assert latest_checkpoint(connection) == made[-1]
        with pytest.raises(NotFound):
            get_checkpoint(connection, 4)
    assert [c.id for c in made] == [1, 2, 3]
    assert [c.tree_size for c in made] == [3, 8, 10]


def test_an_empty_log_can_be_checkpointed(kennel: Kennel, engine: sa.Engine,
                                          key: Ed25519PrivateKey) -> None:
    checkpoint = create_checkpoint(engine, key)
    assert (checkpoint.tree_size, checkpoint.position) == (0, 0)
    assert (checkpoint.root, checkpoint.chain_head) == (EMPTY_ROOT, GENESIS)
    with engine.connect() as connection:
        assert latest_checkpoint(connection) == checkpoint


def test_a_checkpoint_is_due_after_enough_events(kennel: Kennel, engine: sa.Engine,
                                                 key: Ed25519PrivateKey) -> None:
    kennel.write(9)
    now = _first_recorded_at(engine, 0) + timedelta(minutes=1)
    assert maybe_checkpoint(engine, key, every_events=10, every_minutes=60, now=now) is None
    kennel.write(1)
    first = maybe_checkpoint(engine, key, every_events=10, every_minutes=60, now=now)
    assert first is not None and first.tree_size == 10
    assert maybe_checkpoint(engine, key, every_events=10, every_minutes=60, now=now) is None


def test_a_checkpoint_is_due_when_the_oldest_uncovered_event_has_waited(
        kennel: Kennel, engine: sa.Engine, key: Ed25519PrivateKey) -> None:
    kennel.write(4)
    create_checkpoint(engine, key)
    kennel.write(2)
    waiting_since = _first_recorded_at(engine, 4)
    early = waiting_since + timedelta(minutes=59)
    assert maybe_checkpoint(engine, key, every_events=1000, every_minutes=60, now=early) is None
    late = waiting_since + timedelta(minutes=60)
    checkpoint = maybe_checkpoint(engine, key, every_events=1000, every_minutes=60, now=late)
    assert checkpoint is not None and (checkpoint.id, checkpoint.tree_size) == (2, 6)
    assert checkpoint.created_at == late
    far = late + timedelta(days=30)
    assert maybe_checkpoint(engine, key, every_events=1000, every_minutes=60, now=far) is None


def test_concurrent_writers_get_distinct_consecutive_ids(kennel: Kennel, engine: sa.Engine,
                                                         key: Ed25519PrivateKey) -> None:
    kennel.write(3)
    made: list[Checkpoint] = []
    errors: list[BaseException] = []

    def sign_five() -> None:
        try:
            made.extend(create_checkpoint(engine, key) for _ in range(5))
        except BaseException as error:  # surfaced by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=sign_five) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(c.id for c in made) == list(range(1, 21))


def test_a_checkpoint_round_trips_through_its_dictionary(kennel: Kennel, engine: sa.Engine,
                                                         key: Ed25519PrivateKey) -> None:
    kennel.write(2)
    checkpoint = create_checkpoint(engine, key)
    copy = Checkpoint.from_dict(checkpoint.to_dict())
    assert copy == checkpoint and copy.signature_valid(key.public_key())
    forged = Checkpoint.from_dict({**checkpoint.to_dict(), "tree_size": 3})
    assert not forged.signature_valid(key.public_key())


def test_the_key_file_is_created_private_and_reloaded(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "checkpoint-signing-key.pem"
    key = load_or_create_signing_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    again = load_or_create_signing_key(path)
    assert raw_public_key(again.public_key()) == raw_public_key(key.public_key())
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "key.pem"
    load_or_create_signing_key(path)
    path.chmod(0o644)
    with pytest.raises(SigningKeyError, match="chmod 600"):
        load_or_create_signing_key(path)


def test_a_key_file_of_another_algorithm_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "key.pem"
    path.write_bytes(generate_private_key(SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    path.chmod(0o600)
    with pytest.raises(SigningKeyError, match="not an Ed25519 key"):
        load_or_create_signing_key(path)


def test_the_public_key_loads_back_from_pem_and_from_hex(key: Ed25519PrivateKey) -> None:
    public = key.public_key()
    for text in (public_key_pem(public), public_key_hex(public)):
        assert raw_public_key(load_public_key(text)) == raw_public_key(public)
    with pytest.raises(ValueError):
        load_public_key("abcd")
