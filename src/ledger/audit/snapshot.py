"""Audit work on a hot standby: one repeatable-read snapshot to verify or export in, and
waiting until the standby has replayed the checkpoint the primary signed last."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, select
from sqlalchemy.engine import Connection

from ledger.audit.signing import Checkpoint
from ledger.audit.tables import audit_checkpoints

SNAPSHOT = "REPEATABLE READ"
POLL_SECONDS = 0.05


@contextmanager
def one_snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection whose every read sees the database as of its first statement: rows the
    standby replays meanwhile are invisible, so the head verified is one the log had."""
    with engine.connect().execution_options(isolation_level=SNAPSHOT) as connection, \
            connection.begin():
        yield connection


def in_one_snapshot(connection: Connection) -> bool:
    """Whether ``connection`` reads in one snapshot (then no second connection may help)."""
    level = connection.get_execution_options().get("isolation_level")
    return level in {SNAPSHOT, "SERIALIZABLE"}


def wait_for_checkpoint(engine: Engine, checkpoint: Checkpoint, timeout: float) -> bool:
    """True once ``engine``'s database holds ``checkpoint`` (replicated from the primary)."""
    deadline = time.monotonic() + timeout
    while True:
        with engine.connect() as connection:
            found = connection.execute(select(audit_checkpoints.c.id).where(
                audit_checkpoints.c.id == checkpoint.id)).first()
        if found is not None:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_SECONDS)
