"""Checkpoints as C2SP signed notes: what they say, who signed them, and bad notes refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.audit import notes
from ledger.audit.checkpoints import create_checkpoint, get_checkpoint
from ledger.audit.notes import BadNote, Note
from ledger.audit.signing import sign_checkpoint
from ledger.audit.tlog import log_verifier, open_checkpoint, signed_checkpoint
from tests.audit.kennel import Kennel

ORIGIN = "ledger.example/test"


def _witness(name: str) -> tuple[Ed25519PrivateKey, notes.Verifier]:
    key = Ed25519PrivateKey.generate()
    return key, notes.verifier(name, key.public_key(), notes.COSIGNATURE_V1)


def _sample(key: Ed25519PrivateKey) -> Note:
    checkpoint = sign_checkpoint(key, 3, 40, 12, b"\x01" * 32, b"\x02" * 32,
                                 datetime(2026, 12, 4, 8, 0, tzinfo=UTC))
    return signed_checkpoint(checkpoint, ORIGIN, key)


def test_a_stored_checkpoint_keeps_its_legacy_signature_and_renders_as_a_note(
        kennel: Kennel, engine: sa.Engine, key: Ed25519PrivateKey) -> None:
    kennel.write(5)
    made = create_checkpoint(engine, key)
    with engine.connect() as connection:
        stored = get_checkpoint(connection, made.id)
    assert stored.signature_valid(key.public_key())  # the pre-note form still verifies
    text = signed_checkpoint(stored, ORIGIN, key).text()
    lines = text.split("\n")
    assert lines[:3] == [ORIGIN, "5", notes.base64.b64encode(stored.root).decode()]
    assert f"checkpoint {stored.id} position {stored.position}" in lines
    opened = open_checkpoint(text, log_verifier(ORIGIN, key.public_key()))
    assert (opened.head.size, opened.head.root) == (5, stored.root)


def test_verifier_keys_round_trip_and_name_their_hash() -> None:
    key = Ed25519PrivateKey.generate()
    ours = notes.verifier(ORIGIN, key.public_key())
    assert notes.parse_vkey(ours.vkey()) == ours
    name, digest, _ = ours.vkey().split("+", 2)
    assert (name, digest) == (ORIGIN, notes.key_id(ORIGIN, 1, notes.raw_public_key(
        key.public_key())).hex())
    with pytest.raises(BadNote, match="does not match"):
        notes.parse_vkey(ours.vkey().replace(digest, "00000000"))


def test_cosignatures_count_towards_the_policy_and_missing_ones_are_named() -> None:
    key = Ed25519PrivateKey.generate()
    (one_key, one), (_, two) = _witness("w1.example"), _witness("w2.example")
    note = _sample(key)
    cosigned = Note(note.body, (*note.signatures, notes.cosign(note.body, one.name, one_key,
                                                               1_780_000_000)))
    log = log_verifier(ORIGIN, key.public_key())
    opened = open_checkpoint(cosigned.text(), log, [one, two], min_witnesses=1)
    assert (opened.witnesses, opened.missing) == ([one], [two])
    with pytest.raises(BadNote, match=r"1 of the required 2 .* missing: w2\.example"):
        open_checkpoint(cosigned.text(), log, [one, two], min_witnesses=2)


def test_a_note_signed_by_another_key_is_refused() -> None:
    note = _sample(Ed25519PrivateKey.generate())
    other = log_verifier(ORIGIN, Ed25519PrivateKey.generate().public_key())
    with pytest.raises(BadNote, match="first signature must be the log's"):
        open_checkpoint(note.text(), other)


def test_a_note_with_an_extra_line_is_refused() -> None:
    key = Ed25519PrivateKey.generate()
    text = _sample(key).text()
    with pytest.raises(BadNote, match="is not a signature line"):
        open_checkpoint(text + "trailing words\n", log_verifier(ORIGIN, key.public_key()))
    body, rest = text.split("\n\n")
    with pytest.raises(BadNote, match="does not verify: the body was changed"):
        open_checkpoint(body + "\nextra 1\n\n" + rest, log_verifier(ORIGIN, key.public_key()))


def test_reordered_signatures_are_refused() -> None:
    key = Ed25519PrivateKey.generate()
    witness_key, witness = _witness("w1.example")
    note = _sample(key)
    cosignature = notes.cosign(note.body, witness.name, witness_key, 1_780_000_000)
    swapped = Note(note.body, (cosignature, *note.signatures))
    with pytest.raises(BadNote, match="first signature must be the log's"):
        open_checkpoint(swapped.text(), log_verifier(ORIGIN, key.public_key()), [witness])


def test_a_cosignature_over_another_time_is_refused() -> None:
    key = Ed25519PrivateKey.generate()
    witness_key, witness = _witness("w1.example")
    note = _sample(key)
    real = notes.cosign(note.body, witness.name, witness_key, 1_780_000_000)
    forged = notes.Signature(real.name, real.key_id,
                             (1_780_000_001).to_bytes(8, "big") + real.signature[8:])
    with pytest.raises(BadNote, match=r"signature of w1\.example does not verify"):
        open_checkpoint(Note(note.body, (*note.signatures, forged)).text(),
                        log_verifier(ORIGIN, key.public_key()), [witness])


def test_a_signature_line_split_by_a_unicode_line_separator_is_refused() -> None:
    key = Ed25519PrivateKey.generate()
    text = _sample(key).text()
    with pytest.raises(BadNote, match="is not a signature line"):
        notes.parse(text + f"{notes.DASH} other\u2028name AAAAAAAA\n")
