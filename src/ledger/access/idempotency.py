"""Idempotency keys: the first response to a key is stored with the events it caused, in
the same transaction, so a retry returns it and writes nothing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Integer, String, Table, insert, select
from sqlalchemy.orm import Session

from ledger.db import Document, UTCDateTime, metadata

idempotency_keys = Table(
    "ledger_api_idempotency", metadata,
    Column("principal_id", String(64), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("body", Document, nullable=False),
    Column("etag", String(32), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
)


@dataclass(frozen=True)
class StoredResponse:
    request_hash: str
    status_code: int
    body: dict[str, Any]
    etag: str | None


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    """What makes two requests "the same" for a key: method, path and exact body."""
    return hashlib.sha256(b"\n".join((method.encode(), path.encode(), body))).hexdigest()


def find(session: Session, principal_id: str, key: str) -> StoredResponse | None:
    row = session.execute(select(idempotency_keys).where(
        idempotency_keys.c.principal_id == principal_id,
        idempotency_keys.c.key == key)).first()
    if row is None:
        return None
    return StoredResponse(row.request_hash, row.status_code, row.body, row.etag)


def remember(session: Session, principal_id: str, key: str, response: StoredResponse) -> None:
    session.execute(insert(idempotency_keys).values(
        principal_id=principal_id, key=key, request_hash=response.request_hash,
        status_code=response.status_code, body=response.body, etag=response.etag,
        created_at=datetime.now(UTC)))
