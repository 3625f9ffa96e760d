"""Extends the hash chain in the same transaction that appends the events."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ledger.audit.digest import GENESIS, chain_link, event_digest
from ledger.audit.tables import audit_chain


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


def recorded_at(state: bytes) -> datetime:
    """The recorded time that eventsourcing stores inside the event's state."""
    return datetime.fromisoformat(json.loads(state)["timestamp"]["_data_"])


def append_to_chain(session: Session, events: Sequence[RawEvent]) -> None:
    """Add the events to the chain; the caller holds the events table's write lock."""
    head = session.execute(
        select(audit_chain.c.leaf_index, audit_chain.c.chain)
        .order_by(audit_chain.c.leaf_index.desc()).limit(1)
    ).first()
    leaf_index, link = (head[0] + 1, head[1]) if head else (0, GENESIS)
    rows = []
    for event in events:
        digest = event.digest
        link = chain_link(link, digest)
        rows.append({
            "leaf_index": leaf_index, "position": event.position,
            "originator_id": event.originator_id.hex,
            "originator_version": event.originator_version, "digest": digest,
            "chain": link, "recorded_at": recorded_at(event.state),
        })
        leaf_index += 1
    session.execute(insert(audit_chain), rows)
