"""The signed checkpoint a pack is cut under: by default the latest, and the pack's position
is the one it covers, so every figure lies inside a signed, witnessed tree."""

from __future__ import annotations

from ledger.audit.access import Reader
from ledger.audit.checkpoints import get_checkpoint, latest_checkpoint
from ledger.audit.cosignatures import cosignatures_of
from ledger.audit.signing import Checkpoint as Signed
from ledger.pack.model import Checkpoint

NONE = Checkpoint(None, None, None, None)


def described(db: Reader, signed: Signed | None) -> Checkpoint:
    if signed is None:
        return NONE
    return Checkpoint(signed.id, signed.position, signed.tree_size, signed.root.hex(),
                      tuple(s.name for s in cosignatures_of(db, signed.id)))


def latest(db: Reader) -> Checkpoint:
    return described(db, latest_checkpoint(db))


def by_id(db: Reader, checkpoint_id: int) -> Checkpoint:
    return described(db, get_checkpoint(db, checkpoint_id))
