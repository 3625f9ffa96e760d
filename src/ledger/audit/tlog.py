"""Checkpoints as C2SP tlog-checkpoint signed notes: the body, the log's note signature, and
opening a note with a witness policy. Stdlib and ``cryptography`` only (offline verifier)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ledger.audit import notes
from ledger.audit.notes import BadNote, Note, Signature, Verifier
from ledger.audit.signing import Checkpoint, canonical_time


@dataclass(frozen=True)
class TreeHead:
    """The first three lines of a checkpoint body, which witnesses vouch for."""

    origin: str
    size: int
    root: bytes


def checkpoint_body(checkpoint: Checkpoint, origin: str) -> str:
    """Origin, size, base64 root; then extension lines naming Ledger's checkpoint, its last
    position, chain head and time, so one signature covers everything the legacy one did."""
    return (f"{origin}\n{checkpoint.tree_size}\n{_b64(checkpoint.root)}\n"
            f"checkpoint {checkpoint.id} position {checkpoint.position}\n"
            f"chain-head {_b64(checkpoint.chain_head)}\n"
            f"created-at {canonical_time(checkpoint.created_at)}\n")


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def log_verifier(origin: str, key: Ed25519PublicKey) -> Verifier:
    """The log's note verifier: by convention its key name is the origin line."""
    return notes.verifier(origin, key)


def signed_checkpoint(checkpoint: Checkpoint, origin: str, key: Ed25519PrivateKey,
                      cosignatures: tuple[Signature, ...] = ()) -> Note:
    """The checkpoint as a note signed by the log first, then by the witnesses. Ed25519 is
    deterministic, so every checkpoint ever made, old ones too, renders the same note."""
    body = checkpoint_body(checkpoint, origin)
    return Note(body, (notes.sign(body, origin, key), *cosignatures))


def tree_head(body: str) -> TreeHead:
    lines = body.split("\n")[:-1]
    if len(lines) < 3:
        raise BadNote("a checkpoint body has at least three lines: origin, size, root")
    origin, size, root = lines[:3]
    if not size.isdigit() or (size != "0" and size.startswith("0")):
        raise BadNote(f"line 2: the tree size {size[:30]!r} is not a decimal without "
                      "leading zeros")
    try:
        raw = base64.b64decode(root, validate=True)
    except binascii.Error:
        raw = b""
    if len(raw) != 32:
        raise BadNote("line 3: the root is not a base64 SHA-256 hash")
    if any(not line for line in lines):
        raise BadNote("a checkpoint body has no empty lines")
    return TreeHead(origin, int(size), raw)


@dataclass(frozen=True)
class Opened:
    head: TreeHead
    note: Note
    witnesses: list[Verifier]
    missing: list[Verifier]


def open_checkpoint(text: str, log: Verifier, witnesses: Sequence[Verifier] = (),
                    min_witnesses: int = 0) -> Opened:
    """Parse and verify a checkpoint note: the log's signature must come first and verify,
    and at least ``min_witnesses`` of ``witnesses`` must have cosigned it."""
    note = notes.parse(text)
    head = tree_head(note.body)
    if head.origin != log.name:
        raise BadNote(f"the checkpoint's origin {head.origin!r} is not the log {log.name!r}")
    first = note.signatures[0]
    if (first.name, first.key_id) != (log.name, log.key_id):
        raise BadNote(f"the first signature must be the log's ({log.name}, key id "
                      f"{log.key_id.hex()}); found {first.name} key id {first.key_id.hex()}")
    cosigners = [w for w in witnesses if w.alg == notes.COSIGNATURE_V1]
    verified = notes.verified_by(note, [log, *cosigners])
    if log not in verified:
        raise BadNote("the log's signature does not verify")
    signed = [w for w in cosigners if w in verified]
    missing = [w for w in cosigners if w not in verified]
    if len(signed) < min_witnesses:
        raise BadNote(f"{len(signed)} of the required {min_witnesses} witness cosignatures; "
                      f"missing: {', '.join(w.name for w in missing) or 'none configured'}")
    return Opened(head, note, signed, missing)
