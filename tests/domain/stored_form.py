"""Events' stored form as Ledger writes it: the library's transcodings and Ledger's dates."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    UUIDAsHex,
)

from ledger.application.transcoding import DateAsISO


def ledger_mapper() -> Mapper[UUID]:
    """A mapper that writes and reads events as Ledger's event store does."""
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DatetimeAsISO(), DecimalAsStr(), DateAsISO()):
        transcoder.register(transcoding)
    return Mapper(transcoder=transcoder)
