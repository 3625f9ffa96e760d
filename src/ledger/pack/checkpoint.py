"""The signed checkpoint a pack is cut under. By default, the last one signed by the end of
the pack's date: what the ledger knew and had signed on that day, so a pack cut again later
states the same figures, whatever was recorded since. The pack's position is the one it
covers, so every figure lies inside a signed, witnessed tree."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from ledger.audit.access import Reader
from ledger.audit.checkpoints import get_checkpoint, latest_checkpoint
from ledger.audit.cosignatures import cosignatures_of
from ledger.audit.signing import Checkpoint as Signed
from ledger.audit.tables import audit_checkpoints
from ledger.pack.model import Checkpoint

NONE = Checkpoint(None, None, None, None)


def described(db: Reader, signed: Signed | None) -> Checkpoint:
    if signed is None:
        return NONE
    return Checkpoint(signed.id, signed.position, signed.tree_size, signed.root.hex(),
                      tuple(s.name for s in cosignatures_of(db, signed.id)),
                      signed.created_at)


def latest(db: Reader) -> Checkpoint:
    return described(db, latest_checkpoint(db))


def signed_by(db: Reader, moment: datetime) -> Checkpoint:
    """The last checkpoint signed at or before ``moment``, or NONE. Checkpoints are signed in
    id order (their writers take turns), so their times rise with their ids: a binary search
    over ids reads O(log n) of them, and compares times in Python, whatever the backend
    stores."""
    low, high = 1, db.execute(select(func.max(audit_checkpoints.c.id))).scalar() or 0
    found: Signed | None = None
    while low <= high:
        middle = (low + high) // 2
        candidate = get_checkpoint(db, middle)
        if candidate.created_at <= moment:
            found, low = candidate, middle + 1
        else:
            high = middle - 1
    return described(db, found)
