"""Extends the hash chain and the Merkle tree in the same transaction that appends the events."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, insert, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from ledger.audit.digest import GENESIS, chain_link, event_digest
from ledger.audit.merkle import Frontier, leaf_hash
from ledger.audit.tables import audit_chain, audit_nodes
from ledger.audit.tree import node_hashes

_ROWS_PER_COMBINED_INSERT = 500


@dataclass(frozen=True)
class RawEvent:
    """An event row exactly as stored: what the digest covers."""

    position: int
    originator_id: UUID
    originator_version: int
    topic: str
    state: bytes

    @property
    def digest(self) -> bytes:
        return event_digest(self.position, self.originator_id, self.originator_version,
                            self.topic, self.state)


def recorded_at(state: bytes) -> datetime | None:
    """The recorded time that eventsourcing stores inside the event's state, in UTC, or None
    when the state is not the JSON the library writes (for example if it were encrypted)."""
    try:
        value = json.loads(state)["timestamp"]["_data_"]
        parsed = datetime.fromisoformat(value)
    except (ValueError, KeyError, TypeError):
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


@dataclass(frozen=True)
class ChainTip:
    """The end of the chain after an append: enough to extend it again without reading the
    tree's frontier back, as long as the stored head is still this one."""

    size: int
    link: bytes
    frontier: Frontier


@dataclass(frozen=True)
class ChainHead:
    """The chain's last row as stored: the log's size, its chain link and last digest."""

    size: int
    link: bytes
    last_digest: bytes | None

    @classmethod
    def of(cls, row: Row[Any] | None) -> ChainHead:
        """From a row of ``head_query`` (None: the log is empty)."""
        if row is None:
            return cls(0, GENESIS, None)
        return cls(row[0] + 1, bytes(row[1]), bytes(row[2]))


_HEAD = (select(audit_chain.c.leaf_index, audit_chain.c.chain, audit_chain.c.digest)
         .order_by(audit_chain.c.leaf_index.desc()).limit(1))


def head_query() -> str:
    """The head's query as SQL text, for a round trip that does more (see ``store``)."""
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    return str(_HEAD.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def append_to_chain(session: Session, events: Sequence[RawEvent],
                    tip: ChainTip | None = None,
                    head: ChainHead | None = None) -> ChainTip | None:
    """Add the events to the chain and the tree, and return the new tip; the caller holds the
    events table's write lock, so the head read here cannot move until the transaction
    commits. ``tip`` is what an earlier append returned: it is used only when the stored
    head is the same size with the same chain link, which (the link being a hash over every
    digest) means the same log, so a rolled-back append or another writer is never trusted.
    ``head``, when given, was read under the same lock in this transaction."""
    if not events:
        return tip
    if head is None:
        head = ChainHead.of(session.execute(_HEAD).first())
    size, link = head.size, head.link
    if tip is not None and (tip.size, tip.link) == (size, link):
        frontier = tip.frontier.copy()
    else:
        frontier = _load_frontier(session, size, head.last_digest)
    # The time of the append stands in only for a state with no readable timestamp.
    fallback = datetime.now(UTC)
    chain_rows: list[dict[str, Any]] = []
    node_rows: list[dict[str, Any]] = []
    for event in events:
        digest = event.digest
        link = chain_link(link, digest)
        chain_rows.append({
            "leaf_index": frontier.size, "position": event.position,
            "originator_id": event.originator_id.hex,
            "originator_version": event.originator_version, "digest": digest,
            "chain": link, "recorded_at": recorded_at(event.state) or fallback,
        })
        node_rows.extend({"level": level, "node_index": index, "hash": value}
                         for level, index, value in frontier.append(leaf_hash(digest)))
    _insert_rows(session, chain_rows, node_rows)
    return ChainTip(frontier.size, link, frontier)


def _insert_rows(session: Session, chain_rows: list[dict[str, Any]],
                 node_rows: list[dict[str, Any]]) -> None:
    """One round trip on PostgreSQL for a command's few rows (the chain's insert rides in a
    WITH clause, which PostgreSQL always runs once); a bulk append (a benchmark's, a
    migration's) keeps one statement per table, far below the limit on bound parameters."""
    if node_rows and len(chain_rows) <= _ROWS_PER_COMBINED_INSERT \
            and session.get_bind().dialect.name == "postgresql":
        session.execute(insert(audit_nodes).values(node_rows).add_cte(
            insert(audit_chain).values(chain_rows).cte("chain_rows")))
        return
    session.execute(insert(audit_chain), chain_rows)
    if node_rows:
        session.execute(insert(audit_nodes), node_rows)


def _load_frontier(session: Session, size: int, last_digest: bytes | None) -> Frontier:
    keys = Frontier.keys(size)
    # An odd-sized tree ends with a lone leaf: the head row just read already holds it.
    interior = [key for key in keys if key[0] > 0]
    hashes = node_hashes(session, interior)
    if last_digest is not None and size % 2:
        hashes[(0, size - 1)] = leaf_hash(last_digest)
    return Frontier(size, [hashes[key] for key in keys])
