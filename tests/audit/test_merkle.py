"""The Merkle module against a naive, recursive transcription of RFC 6962 §2.1."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest

from ledger.audit.merkle import (
    EMPTY_ROOT,
    Frontier,
    consistency_ranges,
    inclusion_ranges,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)

# ---- RFC 6962 §2.1, written as literally as possible and independent of ledger.audit ----


def _largest_power_of_two_below(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def naive_root(leaves: list[bytes]) -> bytes:
    """MTH(D[n]) over leaf data D."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = _largest_power_of_two_below(n)
    return hashlib.sha256(b"\x01" + naive_root(leaves[:k]) + naive_root(leaves[k:])).digest()


def naive_path(m: int, leaves: list[bytes]) -> list[bytes]:
    """PATH(m, D[n])."""
    n = len(leaves)
    if n <= 1:
        return []
    k = _largest_power_of_two_below(n)
    if m < k:
        return [*naive_path(m, leaves[:k]), naive_root(leaves[k:])]
    return [*naive_path(m - k, leaves[k:]), naive_root(leaves[:k])]


def naive_proof(m: int, leaves: list[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) = SUBPROOF(m, D[n], true)."""

    def subproof(m: int, d: list[bytes], complete: bool) -> list[bytes]:
        n = len(d)
        if m == n:
            return [] if complete else [naive_root(d)]
        k = _largest_power_of_two_below(n)
        if m <= k:
            return [*subproof(m, d[:k], complete), naive_root(d[k:])]
        return [*subproof(m - k, d[k:], False), naive_root(d[:k])]

    return subproof(m, leaves, True)


# ---- tests ----

LEAVES = [hashlib.sha256(f"event {i}".encode()).digest() for i in range(70)]


def _range_hash(start: int, end: int) -> bytes:
    return naive_root(LEAVES[start:end])


def _frontier(leaves: list[bytes]) -> Frontier:
    frontier = Frontier()
    for leaf in leaves:
        frontier.append(leaf_hash(leaf))
    return frontier


def test_roots_match_the_certificate_transparency_test_vectors() -> None:
    # The leaves and roots of RFC 6962's reference implementation's merkle_tree_test.
    leaves = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
              "606162636465666768696a6b6c6d6e6f"]
    roots = ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
             "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
             "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
             "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
             "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
             "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
             "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
             "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"]
    frontier = Frontier()
    for leaf, root in zip(leaves, roots, strict=True):
        frontier.append(leaf_hash(bytes.fromhex(leaf)))
        assert frontier.root().hex() == root


def test_incremental_root_equals_the_recursive_root_at_every_size() -> None:
    frontier = Frontier()
    assert frontier.root() == EMPTY_ROOT == naive_root([])
    for size in range(1, len(LEAVES) + 1):
        frontier.append(leaf_hash(LEAVES[size - 1]))
        assert frontier.root() == naive_root(LEAVES[:size])


def test_appending_reports_every_completed_subtree_with_its_hash() -> None:
    frontier, completed = Frontier(), []
    for leaf in LEAVES[:64]:
        completed += frontier.append(leaf_hash(leaf))
    assert len(completed) == 63  # every interior node of a perfect tree of 64 leaves, once
    for level, index, value in completed:
        assert value == _range_hash(index << level, (index + 1) << level)


def test_a_frontier_rebuilt_from_stored_nodes_continues_the_same_tree() -> None:
    whole = _frontier(LEAVES[:45])
    keys = Frontier.keys(45)
    assert keys == [(5, 0), (3, 4), (2, 10), (0, 44)]
    resumed = Frontier(45, [_range_hash(i << level, (i + 1) << level) for level, i in keys])
    for leaf in LEAVES[45:]:
        assert resumed.append(leaf_hash(leaf)) == whole.append(leaf_hash(leaf))
    assert resumed.root() == whole.root() == naive_root(LEAVES)


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 7, 8, 9, 31, 32, 33, 70])
def test_inclusion_paths_equal_rfc6962_and_verify_for_every_leaf(size: int) -> None:
    leaves, root = LEAVES[:size], naive_root(LEAVES[:size])
    for index in range(size):
        path = [_range_hash(a, b) for a, b in inclusion_ranges(index, size)]
        assert path == naive_path(index, leaves)
        assert verify_inclusion(leaf_hash(leaves[index]), index, size, path, root)
        assert not verify_inclusion(leaf_hash(b"forged"), index, size, path, root)
        assert not verify_inclusion(leaf_hash(leaves[index]), index, size, path, EMPTY_ROOT)
        if size > 1:
            other = (index + 1) % size
            assert not verify_inclusion(leaf_hash(leaves[index]), other, size, path, root)
            assert not verify_inclusion(leaf_hash(leaves[index]), index, size, path[:-1], root)
        assert not verify_inclusion(leaf_hash(leaves[index]), index, size,
                                    [*path, root], root)


def test_inclusion_is_refused_outside_the_tree() -> None:
    assert not verify_inclusion(leaf_hash(LEAVES[0]), 3, 3, [], naive_root(LEAVES[:3]))
    with pytest.raises(ValueError):
        inclusion_ranges(3, 3)


def test_consistency_proofs_equal_rfc6962_and_verify_for_every_pair_of_sizes() -> None:
    for new in range(1, 40):
        new_root = naive_root(LEAVES[:new])
        for old in range(1, new + 1):
            old_root = naive_root(LEAVES[:old])
            proof = [_range_hash(a, b) for a, b in consistency_ranges(old, new)]
            assert proof == naive_proof(old, LEAVES[:new])
            assert verify_consistency(old, new, old_root, new_root, proof)
            assert not verify_consistency(old, new, old_root, naive_root(LEAVES[1:new + 1]),
                                          proof)
            if proof:
                assert not verify_consistency(old, new, old_root, new_root, proof[:-1])
                forged = [leaf_hash(b"x"), *proof[1:]]
                assert not verify_consistency(old, new, old_root, new_root, forged)


def test_consistency_of_equal_and_empty_trees() -> None:
    root = naive_root(LEAVES[:5])
    assert verify_consistency(5, 5, root, root, [])
    assert not verify_consistency(5, 5, root, naive_root(LEAVES[:6]), [])
    assert verify_consistency(0, 5, EMPTY_ROOT, root, [])
    assert not verify_consistency(6, 5, root, root, [root])


def test_the_offline_modules_import_without_the_service_dependencies() -> None:
    heavy = ("sqlalchemy", "eventsourcing", "eventsourcing_sqlalchemy", "pydantic",
             "psycopg2", "fastapi")
    script = ("import sys, ledger.audit.offline\n"
              f"print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r}))")
    output = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True,
                            text=True).stdout
    assert output.strip() == "[]"
