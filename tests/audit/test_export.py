"""Exports, checked by the standalone verifier run as an auditor would: a separate process."""

from __future__ import annotations

import csv
import inspect
import json
import re
import subprocess
import sys
from pathlib import Path
from uuid import uuid4

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.audit.checkpoints import create_checkpoint
from ledger.audit.export import export_csv, export_jsonl
from ledger.audit.signing import Checkpoint, public_key_hex, public_key_pem
from ledger.domain.errors import NotFound
from tests.audit.kennel import Dog, Kennel
from tests.audit.tampering import alter_one_byte


def offline(export: Path, public_key: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ledger.audit.offline", str(export), "--public-key", public_key],
        capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def key_file(tmp_path: Path, key: Ed25519PrivateKey) -> str:
    path = tmp_path / "signer.pub"
    path.write_text(public_key_pem(key.public_key()))
    return str(path)


@pytest.fixture
def checkpoint(kennel: Kennel, engine: sa.Engine, key: Ed25519PrivateKey) -> Checkpoint:
    kennel.write(30, per_save=3)
    return create_checkpoint(engine, key)


def _save(lines: object, path: Path) -> Path:
    with path.open("w", encoding="utf-8") as file:
        for line in lines:  # type: ignore[attr-defined]
            file.write(line)
    return path


def _change_byte(path: Path, line: int, pattern: str) -> None:
    """Replace one character (the one after ``pattern``) on the given line."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    found = re.search(pattern, lines[line - 1])
    assert found is not None, (pattern, lines[line - 1])
    at = found.end()
    old = lines[line - 1][at]
    new = "0" if old != "0" else "1"
    lines[line - 1] = lines[line - 1][:at] + new + lines[line - 1][at + 1:]
    path.write_text("".join(lines), encoding="utf-8")


def test_a_full_export_holds_every_event_and_ends_with_its_checkpoint(
        checkpoint: Checkpoint, kennel: Kennel, engine: sa.Engine) -> None:
    kennel.write(5)  # after the checkpoint: not part of what it can vouch for
    lines = export_jsonl(engine)
    assert inspect.isgenerator(lines)
    records = [json.loads(line) for line in lines]
    assert records[0]["type"] == "header" and records[0]["checkpoint_id"] == checkpoint.id
    events = records[1:-1]
    assert [e["leaf_index"] for e in events] == list(range(30))
    assert [e["position"] for e in events] == list(range(1, 31))
    assert {"originator_id", "originator_version", "topic", "recorded_at", "state", "digest",
            "chain"} <= set(events[0])
    assert records[-1] == {"type": "checkpoint", **checkpoint.to_dict()}


def test_the_offline_verifier_accepts_a_fresh_export(
        checkpoint: Checkpoint, engine: sa.Engine, tmp_path: Path, key_file: str,
        key: Ed25519PrivateKey) -> None:
    export = _save(export_jsonl(engine, batch_size=7), tmp_path / "audit.jsonl")
    result = offline(export, key_file)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK 30 events verified against checkpoint 1")
    assert offline(export, public_key_hex(key.public_key())).returncode == 0


CHANGES = {
    "a character of the state": (12, r'"state":"[^\n]*?(dog|trick)-'),
    "a character of the readable event": (13, r'"event":\{[^\n]*?(dog|trick)-'),
    "a digit of the digest": (20, r'"digest":"'),
    "a digit of the chain link": (31, r'"chain":"'),
    "a digit of the recorded time": (5, r'"recorded_at":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.'),
    "the leaf index": (9, r'"leaf_index":'),
    "the signature": (32, r'"signature":"'),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_the_offline_verifier_names_the_line_with_one_changed_byte(
        change: str, checkpoint: Checkpoint, engine: sa.Engine, tmp_path: Path,
        key_file: str) -> None:
    line, pattern = CHANGES[change]
    export = _save(export_jsonl(engine), tmp_path / "audit.jsonl")
    _change_byte(export, line, pattern)
    result = offline(export, key_file)
    assert result.returncode == 1
    assert f"audit.jsonl:{line}:" in result.stderr, result.stderr


def test_the_offline_verifier_rejects_a_key_that_did_not_sign(
        checkpoint: Checkpoint, engine: sa.Engine, tmp_path: Path) -> None:
    export = _save(export_jsonl(engine), tmp_path / "audit.jsonl")
    stranger = public_key_hex(Ed25519PrivateKey.generate().public_key())
    result = offline(export, stranger)
    assert result.returncode == 1 and "audit.jsonl:32:" in result.stderr
    assert offline(export, "not a key").returncode == 2


def test_an_export_of_a_tampered_database_fails_at_the_tampered_event(
        checkpoint: Checkpoint, engine: sa.Engine, tmp_path: Path, key_file: str) -> None:
    alter_one_byte(engine, 17)
    export = _save(export_jsonl(engine), tmp_path / "audit.jsonl")
    result = offline(export, key_file)
    assert result.returncode == 1 and "audit.jsonl:18:" in result.stderr


def test_a_csv_export_verifies_offline_and_names_a_changed_line(
        checkpoint: Checkpoint, engine: sa.Engine, tmp_path: Path, key_file: str) -> None:
    export = _save(export_csv(engine), tmp_path / "audit.csv")
    assert export.read_text().splitlines()[0].startswith("type,position,leaf_index")
    result = offline(export, key_file)
    assert result.returncode == 0, result.stderr
    _change_byte(export, 10, r"(dog|trick)-")
    result = offline(export, key_file)
    assert result.returncode == 1 and "audit.csv:10:" in result.stderr, result.stderr


def test_a_program_export_carries_inclusion_proofs_instead_of_the_chain(
        kennel: Kennel, engine: sa.Engine, key: Ed25519PrivateKey, tmp_path: Path,
        key_file: str) -> None:
    ours, theirs = uuid4(), uuid4()
    for _ in range(6):
        kennel.write(3, program_id=ours)
        kennel.write(4, per_save=2, program_id=theirs)
    create_checkpoint(engine, key)
    export = _save(export_jsonl(engine, program_id=ours), tmp_path / "ours.jsonl")
    records = [json.loads(line) for line in export.read_text().splitlines()]
    events = records[1:-1]
    assert records[0]["program_id"] == str(ours)
    assert len(events) == 18 and all(len(e["proof"]) >= 5 for e in events)
    result = offline(export, key_file)
    assert result.returncode == 0, result.stderr
    assert "18 events of one program" in result.stdout
    _change_byte(export, 7, r'"proof":\["')
    result = offline(export, key_file)
    assert result.returncode == 1 and "ours.jsonl:7:" in result.stderr, result.stderr


def test_a_missing_checkpoint_is_reported_before_anything_is_streamed(
        kennel: Kennel, engine: sa.Engine, key: Ed25519PrivateKey) -> None:
    kennel.write(2)
    with pytest.raises(NotFound, match="no checkpoint has been signed"):
        export_jsonl(engine)
    create_checkpoint(engine, key)
    with pytest.raises(NotFound, match="no checkpoint 7"):
        export_csv(engine, checkpoint_id=7)


def _standard(text: str) -> object:
    def refuse(token: str) -> object:
        raise AssertionError(f"bare {token} in an export line")
    return json.loads(text, parse_constant=refuse)


def test_events_holding_nan_infinity_and_nul_export_as_standard_json_and_verify(
        kennel: Kennel, engine: sa.Engine, key: Ed25519PrivateKey, key_file: str,
        tmp_path: Path) -> None:
    kennel.write(4)
    # Written straight through the store, as an older version could have: nothing checks.
    dog = Dog(float("nan"))  # type: ignore[arg-type]
    dog.add_trick("sit\x00")
    dog.add_trick(float("-inf"))  # type: ignore[arg-type]
    kennel.save(dog)
    kennel.write(2)
    create_checkpoint(engine, key)
    jsonl = _save(export_jsonl(engine), tmp_path / "export.jsonl")
    csv_export = _save(export_csv(engine), tmp_path / "export.csv")

    records = [_standard(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    states = [r["state"] for r in records if isinstance(r, dict) and r["type"] == "event"
              and r["originator_id"] == str(dog.id)]
    # The stored bytes are carried as text, unchanged: the tokens are inside a string.
    assert len(states) == 3 and "NaN" in states[0] and "-Infinity" in states[2]
    # The readable view spells them as strings, and keeps the NUL as the character it is.
    readable = [r["event"] for r in records if isinstance(r, dict) and r["type"] == "event"
                and r["originator_id"] == str(dog.id)]
    assert [readable[0]["name"], readable[1]["trick"], readable[2]["trick"]] == [
        "NaN", "sit\x00", "-Infinity"]
    with csv_export.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            for column in ("record", "event"):
                if row[column]:
                    _standard(row[column])
    for export in (jsonl, csv_export):
        verified = offline(export, key_file)
        assert verified.returncode == 0, verified.stderr
        assert verified.stdout.startswith("OK 9 events")


def test_offline_refuses_a_line_with_a_bare_nan(checkpoint: Checkpoint, engine: sa.Engine,
                                                key_file: str, tmp_path: Path) -> None:
    export = _save(export_jsonl(engine), tmp_path / "export.jsonl")
    lines = export.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[0] = lines[0].replace('"version":1', '"version":1,"note":NaN')
    export.write_text("".join(lines), encoding="utf-8")
    refused = offline(export, key_file)
    assert refused.returncode == 1
    assert ":1: not a JSON object: NaN is not standard JSON" in refused.stderr
