"""Event digests and the hash chain over them (standard library only, for offline use)."""

from __future__ import annotations

import hashlib
import struct
from uuid import UUID

GENESIS = bytes(32)


def _field(data: bytes) -> bytes:
    # Length-prefixed, so no two different events can encode to the same bytes.
    return struct.pack(">Q", len(data)) + data


def event_digest(position: int, originator_id: UUID, originator_version: int, topic: str,
                 state: bytes) -> bytes:
    """SHA-256 over a canonical encoding of the stored event's fields."""
    encoded = b"".join((
        b"ledger-event-v1",
        _field(str(position).encode()),
        _field(originator_id.hex.encode()),
        _field(str(originator_version).encode()),
        _field(topic.encode()),
        _field(state),
    ))
    return hashlib.sha256(encoded).digest()


def chain_link(previous: bytes, digest: bytes) -> bytes:
    """chain[n] = SHA-256(chain[n-1] ‖ digest[n])."""
    return hashlib.sha256(previous + digest).digest()
