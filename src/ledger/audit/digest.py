"""Event digests and the hash chain over them (standard library only, for offline use)."""

from __future__ import annotations

import hashlib
import struct
from uuid import UUID

GENESIS = bytes(32)

_length = struct.Struct(">Q").pack
_EVENT_TAG = b"ledger-event-v1"


def encode_fields(tag: bytes, *fields: bytes) -> bytes:
    """A canonical encoding: a type tag, then each field prefixed by its 8-byte length, so no
    two different field lists (and no two record types) can encode to the same bytes."""
    return tag + b"".join(_length(len(field)) + field for field in fields)


def event_digest(position: int, originator_id: UUID, originator_version: int, topic: str,
                 state: bytes) -> bytes:
    """SHA-256 over a canonical encoding of the stored event's fields."""
    return digest_of_row(position, originator_id.hex, originator_version, topic, state)


def digest_of_row(position: int, originator_hex: str, originator_version: int, topic: str,
                  state: bytes) -> bytes:
    """``event_digest`` with the originator id as 32 lowercase hex digits.

    Verification calls this once per stored event, so it builds the same bytes as
    ``encode_fields`` inline rather than through a generator.
    """
    fields = (str(position).encode(), originator_hex.encode(),
              str(originator_version).encode(), topic.encode(), state)
    return hashlib.sha256(b"".join((
        _EVENT_TAG,
        _length(len(fields[0])), fields[0], _length(len(fields[1])), fields[1],
        _length(len(fields[2])), fields[2], _length(len(fields[3])), fields[3],
        _length(len(fields[4])), fields[4],
    ))).digest()


def chain_link(previous: bytes, digest: bytes) -> bytes:
    """chain[n] = SHA-256(chain[n-1] ‖ digest[n])."""
    return hashlib.sha256(previous + digest).digest()
