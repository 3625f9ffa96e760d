"""C2SP tlog-tiles hash tiles, served from the stored Merkle tree: hashes only, no content.

A tile at level L, index N holds the hashes of tree level 8*L, nodes N*256 to N*256+W-1;
W is 256 for a full tile, 1..255 for a partial one.
"""

from __future__ import annotations

from ledger.audit.access import Reader
from ledger.audit.tree import node_hashes
from ledger.domain.errors import InvalidInput, NotFound

WIDTH = 256
HEIGHT = 8
MAX_LEVEL = 7  # 2**(8*8) leaves is beyond any tree size


def tile_index(path: str) -> int:
    """Parse ``x001/x234/067`` (three-digit groups, all but the last prefixed with x)."""
    groups = path.split("/")
    digits = [group[1:] for group in groups[:-1] if group.startswith("x")] + groups[-1:]
    if (len(digits) != len(groups) or
            any(len(group) != 3 or not group.isdigit() for group in digits)):
        raise InvalidInput("N", "a tile index is three-digit groups, all but the last "
                                "prefixed with x: 067, x001/x234/067")
    return int("".join(digits))


def tile_path(index: int) -> str:
    text = f"{index:03d}"
    text = "0" * (-len(text) % 3) + text
    groups = [text[start:start + 3] for start in range(0, len(text), 3)]
    return "/".join([f"x{group}" for group in groups[:-1]] + groups[-1:])


def tile(db: Reader, tree_size: int, level: int, index: int, width: int = WIDTH) -> bytes:
    """The tile's hashes, if the tree of ``tree_size`` leaves has that many nodes there."""
    if not 0 <= level <= MAX_LEVEL:
        raise InvalidInput("L", f"a tile level is 0..{MAX_LEVEL}")
    if not 1 <= width <= WIDTH:
        raise InvalidInput("W", f"a partial tile's width is 1..{WIDTH - 1}")
    height = HEIGHT * level
    first = index * WIDTH
    if first + width > tree_size >> height:
        raise NotFound(f"tile {level}/{tile_path(index)} of width {width} is not complete "
                       f"in the latest checkpoint (tree size {tree_size})")
    hashes = node_hashes(db, [(height, first + i) for i in range(width)])
    return b"".join(hashes[(height, first + i)] for i in range(width))
