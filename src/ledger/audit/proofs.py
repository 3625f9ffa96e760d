"""Inclusion and consistency proofs against signed checkpoints, served from the stored tree."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ledger.audit.access import Reader
from ledger.audit.checkpoints import checkpoint_or_latest, get_checkpoint
from ledger.audit.merkle import (
    consistency_ranges,
    inclusion_ranges,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)
from ledger.audit.signing import Checkpoint
from ledger.audit.tables import audit_chain
from ledger.audit.tree import range_hashes
from ledger.domain.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class InclusionProof:
    """The event at ``position`` is leaf ``leaf_index`` of the checkpoint's tree."""

    position: int
    leaf_index: int
    digest: bytes
    path: list[bytes]
    checkpoint: Checkpoint

    def verify(self) -> bool:
        """Whether the path leads from the event's digest to the checkpoint's signed root."""
        return verify_inclusion(leaf_hash(self.digest), self.leaf_index,
                                self.checkpoint.tree_size, self.path, self.checkpoint.root)

    def to_dict(self) -> dict[str, Any]:
        return {"position": self.position, "leaf_index": self.leaf_index,
                "tree_size": self.checkpoint.tree_size, "digest": self.digest.hex(),
                "path": [node.hex() for node in self.path],
                "root": self.checkpoint.root.hex(), "checkpoint": self.checkpoint.to_dict()}


@dataclass(frozen=True)
class ConsistencyProof:
    """The tree of the ``old`` checkpoint is a prefix of the tree of the ``new`` one."""

    old: Checkpoint
    new: Checkpoint
    path: list[bytes]

    def verify(self) -> bool:
        return verify_consistency(self.old.tree_size, self.new.tree_size, self.old.root,
                                  self.new.root, self.path)

    def to_dict(self) -> dict[str, Any]:
        return {"old_size": self.old.tree_size, "new_size": self.new.tree_size,
                "old_root": self.old.root.hex(), "new_root": self.new.root.hex(),
                "path": [node.hex() for node in self.path],
                "old": self.old.to_dict(), "new": self.new.to_dict()}


def inclusion_paths(db: Reader, leaf_indices: Sequence[int], tree_size: int
                    ) -> list[list[bytes]]:
    """Audit paths of many leaves in one tree, with one round of node queries for all."""
    ranges = [inclusion_ranges(index, tree_size) for index in leaf_indices]
    hashes = iter(range_hashes(db, [piece for pieces in ranges for piece in pieces]))
    return [[next(hashes) for _ in pieces] for pieces in ranges]


def inclusion_proof(db: Reader, position: int, checkpoint_id: int | None = None
                    ) -> InclusionProof:
    """Prove the event at ``position`` is in the given (default: latest) checkpoint."""
    checkpoint = checkpoint_or_latest(db, checkpoint_id, when_none="a proof needs one")
    row = db.execute(select(audit_chain.c.leaf_index, audit_chain.c.digest)
                     .where(audit_chain.c.position == position)).first()
    if row is None:
        raise NotFound(f"no event is recorded at position {position}")
    if row[0] >= checkpoint.tree_size:
        raise NotFound(f"position {position} is after checkpoint {checkpoint.id} "
                       f"(up to position {checkpoint.position}); sign a newer checkpoint")
    path = inclusion_paths(db, [row[0]], checkpoint.tree_size)[0]
    return InclusionProof(position, row[0], bytes(row[1]), path, checkpoint)


def consistency_proof(db: Reader, old_id: int, new_id: int | None = None) -> ConsistencyProof:
    """Prove checkpoint ``new_id`` (default: latest) only appended to checkpoint ``old_id``."""
    old = get_checkpoint(db, old_id)
    new = checkpoint_or_latest(db, new_id, when_none="a proof needs one")
    if old.tree_size > new.tree_size:
        raise InvalidInput("old_id", f"checkpoint {old.id} covers more events than "
                                     f"checkpoint {new.id}; give the older one first")
    return ConsistencyProof(old, new, consistency_path(db, old.tree_size, new.tree_size))


def consistency_path(db: Reader, old_size: int, new_size: int) -> list[bytes]:
    """RFC 6962 consistency proof between two sizes of the stored tree."""
    if old_size in (0, new_size):
        return []
    return range_hashes(db, consistency_ranges(old_size, new_size))


