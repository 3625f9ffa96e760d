"""Signed checkpoints without a database: the record, its canonical bytes, Ed25519 signing and
verification, and public keys as PEM or hex. Used by the service and the offline verifier."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ledger.audit.digest import encode_fields


def canonical_time(moment: datetime) -> str:
    """The one text form of a time that is signed: UTC, microseconds, explicit offset."""
    if moment.tzinfo is None:
        raise ValueError("a checkpoint time must carry its time zone")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement: the log held ``tree_size`` events up to ``position``, with this
    Merkle root and chain head, at ``created_at``."""

    id: int
    position: int
    tree_size: int
    root: bytes
    chain_head: bytes
    created_at: datetime
    signature: bytes
    public_key: bytes

    def statement(self) -> bytes:
        return checkpoint_statement(self.id, self.position, self.tree_size, self.root,
                                    self.chain_head, self.created_at)

    def signature_valid(self, public_key: Ed25519PublicKey) -> bool:
        """Whether ``public_key`` (the verifier's own copy, not the one stored) signed this."""
        try:
            public_key.verify(self.signature, self.statement())
        except InvalidSignature:
            return False
        return True

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "position": self.position, "tree_size": self.tree_size,
            "root": self.root.hex(), "chain_head": self.chain_head.hex(),
            "created_at": canonical_time(self.created_at),
            "signature": self.signature.hex(), "public_key": self.public_key.hex(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Checkpoint:
        """Parse ``to_dict`` output; raises KeyError, TypeError or ValueError if malformed."""
        created_at = datetime.fromisoformat(data["created_at"])
        canonical_time(created_at)
        return cls(
            id=_integer(data["id"]), position=_integer(data["position"]),
            tree_size=_integer(data["tree_size"]), root=bytes.fromhex(data["root"]),
            chain_head=bytes.fromhex(data["chain_head"]), created_at=created_at,
            signature=bytes.fromhex(data["signature"]),
            public_key=bytes.fromhex(data["public_key"]),
        )


def _integer(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected an integer, got {value!r}")
    return value


def checkpoint_statement(checkpoint_id: int, position: int, tree_size: int, root: bytes,
                         chain_head: bytes, created_at: datetime) -> bytes:
    """The canonical bytes that a checkpoint's signature covers."""
    return encode_fields(
        b"ledger-checkpoint-v1",
        str(checkpoint_id).encode(), str(position).encode(), str(tree_size).encode(),
        root, chain_head, canonical_time(created_at).encode(),
    )


def sign_checkpoint(key: Ed25519PrivateKey, checkpoint_id: int, position: int, tree_size: int,
                    root: bytes, chain_head: bytes, created_at: datetime) -> Checkpoint:
    statement = checkpoint_statement(checkpoint_id, position, tree_size, root, chain_head,
                                     created_at)
    return Checkpoint(checkpoint_id, position, tree_size, root, chain_head, created_at,
                      key.sign(statement), raw_public_key(key.public_key()))


def raw_public_key(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def public_key_hex(key: Ed25519PublicKey) -> str:
    return raw_public_key(key).hex()


def load_public_key(text: str) -> Ed25519PublicKey:
    """A public key given as PEM or as 64 hex digits; raises ValueError otherwise."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_public_key(text.encode())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("the PEM key is not an Ed25519 public key")
        return key
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raise ValueError("not a public key: give a PEM public key or 64 hex digits") from None
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key in hex has 64 hex digits")
    return Ed25519PublicKey.from_public_bytes(raw)
