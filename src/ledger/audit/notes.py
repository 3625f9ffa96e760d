"""C2SP signed notes (c2sp.org/signed-note) with Ed25519 signatures and cosignature/v1
timestamped cosignatures (c2sp.org/tlog-cosignature): sign, parse strictly, and verify.

Standard library and ``cryptography`` only, so the offline verifier and the witness use it too.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ledger.audit.signing import raw_public_key

ED25519 = 0x01
COSIGNATURE_V1 = 0x04
DASH = "\u2014"  # the em dash that starts every signature line
MAX_SIGNATURES = 100


class BadNote(ValueError):
    """The note is malformed or a signature on it fails; the message says which and why."""


@dataclass(frozen=True)
class Verifier:
    """A named public key: a log's (alg 0x01) or a witness's (cosignature/v1, alg 0x04)."""

    name: str
    alg: int
    key: Ed25519PublicKey

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.alg, raw_public_key(self.key))

    def vkey(self) -> str:
        """The verifier key text ``name+hash+base64(alg || key)``."""
        material = bytes([self.alg]) + raw_public_key(self.key)
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(material).decode()}"


@dataclass(frozen=True)
class Signature:
    name: str
    key_id: bytes
    signature: bytes

    def line(self) -> str:
        encoded = base64.b64encode(self.key_id + self.signature).decode()
        return f"{DASH} {self.name} {encoded}\n"


@dataclass(frozen=True)
class Note:
    body: str
    signatures: tuple[Signature, ...]

    def text(self) -> str:
        return self.body + "\n" + "".join(s.line() for s in self.signatures)


def key_id(name: str, alg: int, public_key: bytes) -> bytes:
    """First four bytes of SHA-256(name || 0x0A || alg || key), per signed-note."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([alg]) + public_key).digest()[:4]


def _valid_name(name: str) -> bool:
    return bool(name) and not any(c.isspace() or c == "+" for c in name)


def verifier(name: str, key: Ed25519PublicKey, alg: int = ED25519) -> Verifier:
    if not _valid_name(name):
        raise BadNote(f"key name {name!r} must be non-empty, without spaces or '+'")
    return Verifier(name, alg, key)


def parse_vkey(text: str) -> Verifier:
    """Parse ``name+hash+base64``; raises BadNote naming what is wrong."""
    parts = text.strip().split("+", 2)
    if len(parts) != 3:
        raise BadNote(f"{text!r} is not a verifier key: expected name+hash+base64")
    name, hash_hex, encoded = parts
    try:
        material = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise BadNote(f"verifier key {name!r}: the key is not base64") from None
    if len(material) != 33 or material[0] not in (ED25519, COSIGNATURE_V1):
        raise BadNote(f"verifier key {name!r}: expected an Ed25519 key of type 0x01 or 0x04")
    found = verifier(name, Ed25519PublicKey.from_public_bytes(material[1:]), material[0])
    if found.key_id.hex() != hash_hex.lower():
        raise BadNote(f"verifier key {name!r}: its hash {hash_hex} does not match the key")
    return found


def sign(body: str, name: str, key: Ed25519PrivateKey) -> Signature:
    """The log's own Ed25519 note signature over ``body``."""
    ours = verifier(name, key.public_key())
    return Signature(name, ours.key_id, key.sign(body.encode()))


def cosign(body: str, name: str, key: Ed25519PrivateKey, timestamp: int) -> Signature:
    """A cosignature/v1 over the checkpoint ``body`` at POSIX time ``timestamp``."""
    ours = verifier(name, key.public_key(), COSIGNATURE_V1)
    signed = key.sign(cosigned_message(body, timestamp))
    return Signature(name, ours.key_id, struct.pack(">Q", timestamp) + signed)


def cosigned_message(body: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n".encode() + body.encode()


def cosignature_time(signature: Signature) -> int:
    return int(struct.unpack(">Q", signature.signature[:8])[0])


def parse(text: str) -> Note:
    """Split a note into body and signature lines, refusing anything signed-note forbids."""
    if not text.endswith("\n"):
        raise BadNote("a note must end with a newline")
    body, separator, tail = text.rpartition("\n\n")
    if not separator:
        raise BadNote("a note needs a blank line between its body and its signatures")
    body += "\n"
    if "\r" in text or any(ord(c) < 0x20 and c != "\n" for c in text):
        raise BadNote("a note holds no control characters but newlines")
    lines = tail[:-1].split("\n") if tail else []  # split only on newlines, nothing else
    if not lines:
        raise BadNote("the note has no signature lines")
    if len(lines) > MAX_SIGNATURES:
        raise BadNote(f"the note has more than {MAX_SIGNATURES} signatures")
    return Note(body, tuple(_signature(number, line) for number, line in
                            enumerate(lines, start=body.count("\n") + 2)))


def _signature(number: int, line: str) -> Signature:
    pieces = line.split(" ")
    if len(pieces) != 3 or pieces[0] != DASH or not _valid_name(pieces[1]):
        raise BadNote(f"line {number} is not a signature line ('{DASH} name base64'): "
                      f"{line[:60]!r}")
    try:
        raw = base64.b64decode(pieces[2], validate=True)
    except binascii.Error:
        raise BadNote(f"line {number}: the signature is not base64") from None
    if len(raw) < 5:
        raise BadNote(f"line {number}: the signature is too short")
    return Signature(pieces[1], raw[:4], raw[4:])


def check(note: Note, signature: Signature, known: Verifier) -> bool:
    """Whether ``signature`` (already matched to ``known`` by name and key id) verifies."""
    try:
        if known.alg == COSIGNATURE_V1:
            if len(signature.signature) != 72:
                return False
            known.key.verify(signature.signature[8:],
                             cosigned_message(note.body, cosignature_time(signature)))
        else:
            known.key.verify(signature.signature, note.body.encode())
    except InvalidSignature:
        return False
    return True


def verified_by(note: Note, verifiers: list[Verifier]) -> list[Verifier]:
    """The ``verifiers`` that validly signed ``note``. Signatures from unknown keys are
    ignored, as signed-note says; a known key's bad or repeated signature is refused."""
    found: list[Verifier] = []
    for signature in note.signatures:
        for known in verifiers:
            if (known.name, known.key_id) != (signature.name, signature.key_id):
                continue
            if known in found:
                raise BadNote(f"{known.name} signed the note twice")
            if not check(note, signature, known):
                raise BadNote(f"the signature of {known.name} does not verify: the body "
                              "was changed or the key is not the one that signed")
            found.append(known)
    return found
