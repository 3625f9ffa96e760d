"""Proofs served from the stored tree, checked against the naive RFC 6962 computation."""

from __future__ import annotations

from dataclasses import replace
from itertools import combinations

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.audit.checkpoints import create_checkpoint
from ledger.audit.proofs import (
    InclusionProof,
    consistency_proof,
    inclusion_paths,
    inclusion_proof,
)
from ledger.audit.tree import root_at
from ledger.domain.errors import InvalidInput, NotFound
from tests.audit.kennel import Kennel, digests, raw_events
from tests.audit.test_merkle import naive_path, naive_proof, naive_root

CHECKPOINT_SIZES = [1, 2, 3, 8, 13, 64, 100, 255, 256, 257, 600, 1000]


def test_every_position_of_a_1000_event_log_has_a_verifying_inclusion_proof(
        kennel: Kennel, engine: sa.Engine, key: Ed25519PrivateKey) -> None:
    kennel.write(1000, per_save=7)
    checkpoint = create_checkpoint(engine, key)
    leaves = digests(engine)
    positions = [event.position for event in raw_events(engine)]
    assert checkpoint.root == naive_root(leaves)
    with engine.connect() as connection:
        for leaf, position in enumerate(positions):
            proof = inclusion_proof(connection, position)
            assert (proof.leaf_index, proof.digest) == (leaf, leaves[leaf])
            assert proof.path == naive_path(leaf, leaves)
            assert proof.verify()
        assert inclusion_paths(connection, range(1000), 1000) == [
            naive_path(leaf, leaves) for leaf in range(1000)]


def test_an_inclusion_proof_fails_for_another_event_or_a_forged_path(
        kennel: Kennel, engine: sa.Engine, key: Ed25519PrivateKey) -> None:
    kennel.write(20)
    create_checkpoint(engine, key)
    with engine.connect() as connection:
        proof = inclusion_proof(connection, 7)
    other = digests(engine)[8]
    assert not InclusionProof(7, 6, other, proof.path, proof.checkpoint).verify()
    assert not InclusionProof(7, 6, proof.digest, proof.path[::-1], proof.checkpoint).verify()
    as_dict = proof.to_dict()
    assert as_dict["root"] == proof.checkpoint.root.hex()
    assert as_dict["path"] == [node.hex() for node in proof.path]


def test_consistency_proofs_hold_between_any_two_checkpoints(
        kennel: Kennel, engine: sa.Engine, key: Ed25519PrivateKey) -> None:
    written = 0
    for size in CHECKPOINT_SIZES:
        kennel.write(size - written, per_save=5)
        written = size
        create_checkpoint(engine, key)
    leaves = digests(engine)
    with engine.connect() as connection:
        for size in CHECKPOINT_SIZES:
            assert root_at(connection, size) == naive_root(leaves[:size])
        for old, new in combinations(range(1, len(CHECKPOINT_SIZES) + 1), 2):
            proof = consistency_proof(connection, old, new)
            old_size, new_size = CHECKPOINT_SIZES[old - 1], CHECKPOINT_SIZES[new - 1]
            assert proof.path == naive_proof(old_size, leaves[:new_size])
            assert proof.verify()
        latest = consistency_proof(connection, 4)
        assert latest.new.id == len(CHECKPOINT_SIZES) and latest.verify()
        with pytest.raises(InvalidInput):
            consistency_proof(connection, 5, 4)


def test_a_consistency_proof_fails_when_history_was_rewritten(
        kennel: Kennel, engine: sa.Engine, key: Ed25519PrivateKey) -> None:
    kennel.write(10)
    create_checkpoint(engine, key)
    kennel.write(7)
    create_checkpoint(engine, key)
    with engine.connect() as connection:
        proof = consistency_proof(connection, 1, 2)
    assert proof.verify()
    rewritten_old = replace(proof.old, root=naive_root([b"x"]))
    assert not replace(proof, old=rewritten_old).verify()


def test_proofs_name_what_is_missing(kennel: Kennel, engine: sa.Engine,
                                     key: Ed25519PrivateKey) -> None:
    kennel.write(3)
    with engine.connect() as connection:
        with pytest.raises(NotFound, match="no checkpoint"):
            inclusion_proof(connection, 1)
        create_checkpoint(connection, key)
        connection.commit()
    kennel.write(1)
    with engine.connect() as connection:
        with pytest.raises(NotFound, match="after checkpoint 1"):
            inclusion_proof(connection, 4)
        with pytest.raises(NotFound, match="no event"):
            inclusion_proof(connection, 99)
        with pytest.raises(NotFound, match="no checkpoint 9"):
            consistency_proof(connection, 9)
