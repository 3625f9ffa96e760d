"""Webhook subscriptions: an admin's URL for some programs and event types, with a secret
shown once. The secret is kept encrypted (AES-GCM, with a key derived from this instance's
signing key), because Standard Webhooks signs each delivery with the secret itself."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import uuid
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import BaseModel
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Engine,
    Integer,
    LargeBinary,
    Table,
    Text,
    delete,
    insert,
    select,
)

from ledger.db import ID, POSITION, UTCDateTime, metadata
from ledger.domain.errors import NotFound

webhooks = Table(
    "ledger_webhooks", metadata,
    Column("id", ID, primary_key=True),
    Column("url", Text, nullable=False),
    Column("programs", JSON(none_as_null=True), nullable=True,
           comment="program ids, or null for all"),
    Column("types", JSON(none_as_null=True), nullable=True,
           comment="event type names, or null for all"),
    Column("secret", LargeBinary, nullable=False, comment="AES-GCM: nonce, then ciphertext"),
    Column("created_by", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("position", POSITION, nullable=False, comment="the last event delivered or skipped"),
    Column("failures", Integer, nullable=False, comment="failed attempts in a row"),
    Column("next_attempt_at", UTCDateTime, nullable=True),
    Column("disabled_at", UTCDateTime, nullable=True),
)

deliveries = Table(
    "ledger_webhook_deliveries", metadata,
    Column("id", POSITION, primary_key=True, autoincrement=True),
    Column("webhook_id", ID, nullable=False, index=True),
    Column("position", POSITION, nullable=False),
    Column("event_type", Text, nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("attempted_at", UTCDateTime, nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("error", Text, nullable=True),
    Column("next_retry_at", UTCDateTime, nullable=True),
)


class Subscription(BaseModel):
    id: UUID
    url: str
    program_ids: list[UUID] | None
    types: list[str] | None
    created_by: str
    created_at: datetime
    position: int
    failures: int
    next_attempt_at: datetime | None
    disabled_at: datetime | None
    status: str  # "active" or "disabled"


class Delivery(BaseModel):
    position: int
    event_type: str
    attempt: int
    attempted_at: datetime
    ok: bool
    status_code: int | None
    error: str | None
    next_retry_at: datetime | None


class SecretBox:
    """Encrypts webhook secrets with a key derived from the instance's signing key."""

    def __init__(self, signing_key: Ed25519PrivateKey) -> None:
        raw = signing_key.private_bytes(serialization.Encoding.Raw,
                                        serialization.PrivateFormat.Raw,
                                        serialization.NoEncryption())
        key = HKDF(hashes.SHA256(), 32, salt=None, info=b"ledger webhook secrets").derive(raw)
        self._aead = AESGCM(key)

    def seal(self, secret: str) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, secret.encode(), b"webhook")

    def open(self, sealed: bytes) -> str:
        return self._aead.decrypt(sealed[:12], sealed[12:], b"webhook").decode()


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The Standard Webhooks `webhook-signature` value: v1, HMAC-SHA256 in base64."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256)
    return "v1," + base64.b64encode(signed.digest()).decode()


def subscribe(engine: Engine, box: SecretBox, *, url: str, programs: list[UUID] | None,
              types: list[str] | None, by: str, head: int) -> tuple[Subscription, str]:
    """A new subscription for the events after ``head``, and its secret (shown once)."""
    secret = new_secret()
    row = {"id": str(uuid.uuid4()), "url": url, "types": types, "created_by": by,
           "programs": None if programs is None else [str(p) for p in programs],
           "secret": box.seal(secret), "created_at": datetime.now(UTC), "position": head,
           "failures": 0, "next_attempt_at": None, "disabled_at": None}
    with engine.begin() as connection:
        connection.execute(insert(webhooks).values(**row))
    return _subscription(row), secret


def subscriptions(engine: Engine) -> list[Subscription]:
    with engine.connect() as connection:
        rows = connection.execute(select(webhooks).order_by(webhooks.c.created_at)).all()
    return [_subscription(dict(row._mapping)) for row in rows]


def unsubscribe(engine: Engine, webhook_id: UUID) -> None:
    with engine.begin() as connection:
        gone = connection.execute(delete(webhooks).where(webhooks.c.id == str(webhook_id)))
        if not gone.rowcount:
            raise NotFound(f"no webhook {webhook_id}")
        connection.execute(delete(deliveries).where(deliveries.c.webhook_id == str(webhook_id)))


def delivery_log(engine: Engine, webhook_id: UUID, limit: int) -> list[Delivery]:
    """The latest attempts first."""
    with engine.connect() as connection:
        if connection.execute(select(webhooks.c.id).where(
                webhooks.c.id == str(webhook_id))).first() is None:
            raise NotFound(f"no webhook {webhook_id}")
        rows = connection.execute(select(deliveries).where(
            deliveries.c.webhook_id == str(webhook_id)).order_by(deliveries.c.id.desc())
            .limit(limit)).all()
    return [Delivery(**dict(row._mapping)) for row in rows]


def _subscription(row: dict[str, Any]) -> Subscription:
    return Subscription(
        id=UUID(row["id"]), url=row["url"], types=row["types"], created_by=row["created_by"],
        program_ids=None if row["programs"] is None else [UUID(p) for p in row["programs"]],
        created_at=row["created_at"], position=row["position"], failures=row["failures"],
        next_attempt_at=row["next_attempt_at"], disabled_at=row["disabled_at"],
        status="disabled" if row["disabled_at"] else "active")
