"""tlog-tiles paths and contents: the stored tree's hashes, level by level."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ledger.audit.merkle import leaf_hash
from ledger.audit.tiles import tile, tile_index, tile_path
from ledger.domain.errors import InvalidInput, NotFound
from tests.audit.kennel import Kennel, digests


@pytest.mark.parametrize(("index", "path"), [(0, "000"), (67, "067"), (1234067, "x001/x234/067")])
def test_tile_paths_are_three_digit_groups(index: int, path: str) -> None:
    assert tile_path(index) == path
    assert tile_index(path) == index


@pytest.mark.parametrize("bad", ["67", "x1/067", "001/067", "x001/", "abc"])
def test_a_malformed_tile_index_is_refused(bad: str) -> None:
    with pytest.raises(InvalidInput, match="three-digit groups"):
        tile_index(bad)


def test_a_partial_tile_holds_the_leaf_hashes_and_no_more(kennel: Kennel,
                                                          engine: sa.Engine) -> None:
    kennel.write(5)
    leaves = [leaf_hash(digest) for digest in digests(engine)]
    with engine.connect() as connection:
        assert tile(connection, 5, 0, 0, 5) == b"".join(leaves)
        assert tile(connection, 5, 0, 0, 2) == leaves[0] + leaves[1]
        with pytest.raises(NotFound, match="not complete"):
            tile(connection, 5, 0, 0, 6)
        with pytest.raises(NotFound, match="not complete"):
            tile(connection, 5, 1, 0, 1)  # level 1 needs 256 leaves
