"""Verification in one repeatable-read snapshot (how `ledger audit verify --read-url` runs on
a standby): the read-ahead connection imports the snapshot, so the log verified is the log
as it was when the snapshot began, whatever is appended meanwhile."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.audit.checkpoints import create_checkpoint
from ledger.audit.snapshot import in_one_snapshot, one_snapshot
from ledger.audit.verify import verify
from tests.audit.kennel import Kennel

ONLY_POSTGRES = pytest.mark.parametrize(
    "database_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)


@ONLY_POSTGRES
def test_a_verification_in_one_snapshot_checks_the_log_as_it_was_when_it_began(
        kennel: Kennel, engine: sa.Engine, key: Ed25519PrivateKey) -> None:
    kennel.write(20)
    signed = create_checkpoint(engine, key)
    kennel.write(20, per_save=3)
    with one_snapshot(engine) as connection:
        assert in_one_snapshot(connection)
        connection.execute(sa.text("SELECT 1"))  # the snapshot is taken here
        kennel.write(15)  # appended after it: invisible to the verification
        create_checkpoint(engine, key)
        result = verify(connection, key.public_key(), against=signed, batch_size=7)
    assert result.ok, result.first_failure
    # The stored checkpoint and the caller's copy of it (against) are both checked.
    assert (result.checked, result.head.position, result.checkpoints_checked) == (40, 40, 2)
    # The latest checkpoint the snapshot holds is the one it began with, not the one after.
    assert result.consistency is not None and result.consistency.new.id == signed.id
    now = verify(engine, key.public_key(), batch_size=7)
    assert now.ok and (now.checked, now.checkpoints_checked) == (55, 2)
