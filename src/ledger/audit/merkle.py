"""RFC 6962 Merkle tree over event digests: hashing, proofs as leaf ranges, and verification.

Standard library only, so the offline verifier can use it without the service's dependencies.
A node is named by ``(level, index)``: the perfect subtree of ``2**level`` leaves that starts
at leaf ``index * 2**level``. Level 0 is a leaf.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()

NodeKey = tuple[int, int]
LeafRange = tuple[int, int]


def leaf_hash(digest: bytes) -> bytes:
    """RFC 6962 leaf hash: SHA-256(0x00 ‖ leaf)."""
    return hashlib.sha256(b"\x00" + digest).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 6962 interior node hash: SHA-256(0x01 ‖ left ‖ right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two strictly below ``size`` (size >= 2)."""
    return 1 << ((size - 1).bit_length() - 1)


def subtrees(start: int, end: int) -> list[NodeKey]:
    """The perfect subtrees that make up leaves [start, end), left to right.

    Every range that the RFC 6962 recursion produces starts at a multiple of a power of two
    at least as large as its length, so this greedy split is exactly the tree's own shape.
    """
    keys: list[NodeKey] = []
    while start < end:
        level = (end - start).bit_length() - 1
        while start % (1 << level):
            level -= 1
        keys.append((level, start >> level))
        start += 1 << level
    return keys


def fold(hashes: Sequence[bytes]) -> bytes:
    """Hash of a range from its perfect subtrees (left to right): merged right to left."""
    if not hashes:
        return EMPTY_ROOT
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def inclusion_ranges(index: int, size: int) -> list[LeafRange]:
    """RFC 6962 §2.1.1 PATH(index, D[size]) as the leaf ranges whose hashes form the path,
    nearest the leaf first."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is outside a tree of {size} leaves")
    ranges: list[LeafRange] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    return ranges[::-1]


def consistency_ranges(old_size: int, new_size: int) -> list[LeafRange]:
    """RFC 6962 §2.1.2 PROOF(old_size, D[new_size]) as leaf ranges, in proof order."""
    if not 0 < old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to {new_size}")
    ranges: list[LeafRange] = []
    # ``m`` is the old size relative to the current range [start, end).
    m, start, end, complete = old_size, 0, new_size, True
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            m, start, complete = m - k, start + k, False
    if not complete:
        ranges.append((start, end))
    return ranges[::-1]


def verify_inclusion(leaf: bytes, index: int, size: int, path: Sequence[bytes],
                     root: bytes) -> bool:
    """RFC 9162 §2.1.3.2: does ``path`` prove leaf hash ``leaf`` at ``index`` under ``root``?"""
    if not 0 <= index < size:
        return False
    fn, sn, result = index, size - 1, leaf
    for sibling in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            result = node_hash(sibling, result)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            result = node_hash(result, sibling)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and result == root


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes,
                       proof: Sequence[bytes]) -> bool:
    """RFC 9162 §2.1.4.2: does ``proof`` show the tree of ``old_size`` is a prefix of the
    tree of ``new_size``?"""
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof and old_size < new_size
    if old_size > new_size or not proof:
        return False
    path = [old_root, *proof] if old_size & (old_size - 1) == 0 else list(proof)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    first = second = path[0]
    for sibling in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            first, second = node_hash(sibling, first), node_hash(sibling, second)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            second = node_hash(second, sibling)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and first == old_root and second == new_root


class Frontier:
    """The roots of the perfect subtrees of a growing tree: enough to append and to give the
    root at the current size, in O(log n) memory."""

    def __init__(self, size: int = 0, hashes: Iterable[bytes] = ()) -> None:
        self.size = size
        self._stack = list(hashes)
        if len(self._stack) != size.bit_count():
            raise ValueError(f"a tree of {size} leaves has {size.bit_count()} frontier nodes")

    @staticmethod
    def keys(size: int) -> list[NodeKey]:
        """Which nodes form the frontier of a tree of ``size`` leaves, left to right."""
        return subtrees(0, size)

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Add a leaf hash; return the interior nodes ``(level, index, hash)`` it completes."""
        completed: list[tuple[int, int, bytes]] = []
        size, result, level = self.size, leaf, 0
        while (size >> level) & 1:
            result = node_hash(self._stack.pop(), result)
            level += 1
            completed.append((level, size >> level, result))
        self._stack.append(result)
        self.size += 1
        return completed

    def root(self) -> bytes:
        return fold(self._stack)

    def copy(self) -> Frontier:
        return Frontier(self.size, self._stack)
