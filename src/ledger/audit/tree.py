"""The stored Merkle tree: fetch node hashes in bulk, and give the root at any size."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import and_, or_, select

from ledger.audit.access import Reader, fetch_plain
from ledger.audit.digest import GENESIS
from ledger.audit.merkle import LeafRange, NodeKey, fold, leaf_hash, subtrees
from ledger.audit.tables import audit_chain, audit_nodes

# Keeps every statement's bound parameters well under SQLite's limit of 32,766.
_KEYS_PER_QUERY = 4000


class TreeIncomplete(RuntimeError):
    """A node the tree should hold is absent: the audit tables were damaged or truncated."""


def log_head(db: Reader) -> tuple[int, int, bytes]:
    """(tree size, position of the last event, chain head) of the log right now."""
    row = db.execute(select(audit_chain.c.leaf_index, audit_chain.c.position,
                            audit_chain.c.chain)
                     .order_by(audit_chain.c.leaf_index.desc()).limit(1)).first()
    return (0, 0, GENESIS) if row is None else (row[0] + 1, row[1], bytes(row[2]))


def node_hashes(db: Reader, keys: Iterable[NodeKey]) -> dict[NodeKey, bytes]:
    """The hashes of the given nodes; leaves come from the chain's digests."""
    wanted = sorted(set(keys))
    found: dict[NodeKey, bytes] = {}
    for start in range(0, len(wanted), _KEYS_PER_QUERY):
        found.update(_fetch(db, wanted[start:start + _KEYS_PER_QUERY]))
    absent = [key for key in wanted if key not in found]
    if absent:
        raise TreeIncomplete(f"Merkle nodes {absent[:5]} (level, index) are missing")
    return found


def _fetch(db: Reader, keys: Sequence[NodeKey]) -> dict[NodeKey, bytes]:
    by_level: dict[int, list[int]] = defaultdict(list)
    for level, index in keys:
        by_level[level].append(index)
    found: dict[NodeKey, bytes] = {}
    leaves = by_level.pop(0, [])
    if leaves:
        rows = db.execute(select(audit_chain.c.leaf_index, audit_chain.c.digest)
                          .where(audit_chain.c.leaf_index.in_(leaves)))
        found.update({(0, row[0]): leaf_hash(bytes(row[1])) for row in rows})
    if by_level:
        condition = or_(*(and_(audit_nodes.c.level == level, audit_nodes.c.node_index.in_(indices))
                          for level, indices in by_level.items()))
        rows = db.execute(select(audit_nodes.c.level, audit_nodes.c.node_index,
                                 audit_nodes.c.hash).where(condition))
        found.update({(row[0], row[1]): bytes(row[2]) for row in rows})
    return found


def range_hashes(db: Reader, ranges: Sequence[LeafRange]) -> list[bytes]:
    """The Merkle hash of each leaf range, all fetched in one round of queries."""
    pieces = [subtrees(start, end) for start, end in ranges]
    hashes = node_hashes(db, (key for keys in pieces for key in keys))
    return [fold([hashes[key] for key in keys]) for keys in pieces]


def root_at(db: Reader, size: int) -> bytes:
    """The tree's root when it held ``size`` events: O(log n) stored nodes."""
    return range_hashes(db, [(0, size)])[0]


def nodes_completed_in(db: Reader, first_leaf: int, stop_leaf: int) -> dict[NodeKey, bytes]:
    """The stored interior nodes that appending leaves [first_leaf, stop_leaf) completed."""
    # Node (level, i) is completed by leaf (i + 1) * 2**level - 1.
    ranges = [(level, first_leaf >> level, (stop_leaf >> level) - 1)
              for level in range(1, stop_leaf.bit_length() + 1)]
    ranges = [(level, low, high) for level, low, high in ranges if low <= high]
    if not ranges:
        return {}
    condition = or_(*(and_(audit_nodes.c.level == level,
                           audit_nodes.c.node_index.between(low, high))
                      for level, low, high in ranges))
    rows = fetch_plain(db, select(audit_nodes.c.level, audit_nodes.c.node_index,
                                  audit_nodes.c.hash).where(condition))
    return {(row[0], row[1]): bytes(row[2]) for row in rows}
