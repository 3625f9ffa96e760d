"""The witness's add-checkpoint endpoint, status by status as tlog-witness gives them; the
two-process drill with a real log is tests/e2e/test_witnesses.py."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.audit import notes
from ledger.audit.merkle import consistency_ranges
from ledger.audit.tlog import log_verifier, open_checkpoint
from ledger.witness.app import witness_app
from ledger.witness.protocol import Witness
from ledger.witness.state import WitnessState
from tests.audit.test_merkle import naive_root

ORIGIN = "ledger.test/log"
LOG_KEY = Ed25519PrivateKey.generate()


def _leaves(count: int, salt: bytes = b"") -> list[bytes]:
    """Leaf data (not hashes): what naive_root hashes."""
    return [salt + bytes([i]) for i in range(count)]


def _range(leaves: list[bytes], start: int, end: int) -> bytes:
    return naive_root(leaves[start:end])


def _note(leaves: list[bytes], key: Ed25519PrivateKey = LOG_KEY) -> str:
    body = f"{ORIGIN}\n{len(leaves)}\n{base64.b64encode(_range(leaves, 0, len(leaves))).decode()}\n"
    return notes.Note(body, (notes.sign(body, ORIGIN, key),)).text()


def _request(old: int, leaves: list[bytes], proof: list[bytes] | None = None) -> bytes:
    if proof is None:
        proof = ([] if old == 0 else
                 [_range(leaves, a, b) for a, b in consistency_ranges(old, len(leaves))])
    lines = "".join(base64.b64encode(h).decode() + "\n" for h in proof)
    return f"old {old}\n{lines}\n{_note(leaves)}".encode()


def _client(tmp_path: Path) -> tuple[TestClient, notes.Verifier]:
    key = Ed25519PrivateKey.generate()
    logs = {ORIGIN: log_verifier(ORIGIN, LOG_KEY.public_key())}
    witness = Witness("w.test", key, logs, WitnessState(tmp_path / "state.db"))
    return (TestClient(witness_app(witness)),
            notes.verifier("w.test", key.public_key(), notes.COSIGNATURE_V1))


def test_a_consistent_checkpoint_is_cosigned_and_the_next_must_extend_it(
        tmp_path: Path) -> None:
    client, key = _client(tmp_path)
    first, second = _leaves(5), _leaves(9)
    answer = client.post("/add-checkpoint", content=_request(0, first))
    assert answer.status_code == 200, answer.text
    opened = open_checkpoint(_note(first) + answer.text,
                             log_verifier(ORIGIN, LOG_KEY.public_key()), [key], 1)
    assert opened.witnesses == [key]
    assert client.post("/add-checkpoint", content=_request(5, second)).status_code == 200
    stale = client.post("/add-checkpoint", content=_request(5, _leaves(12)))
    assert (stale.status_code, stale.text) == (409, "9\n")
    assert stale.headers["content-type"].startswith("text/x.tlog.size")


def test_a_fork_is_refused_and_a_new_witness_process_remembers(tmp_path: Path) -> None:
    client, _ = _client(tmp_path)
    assert client.post("/add-checkpoint", content=_request(0, _leaves(6))).status_code == 200
    forked = _leaves(10, salt=b"x")  # same log name, another history
    refused = client.post("/add-checkpoint", content=_request(6, forked))
    assert refused.status_code == 422 and "does not extend" in refused.text
    restarted, _ = _client(tmp_path)  # same state file, new process state
    again = restarted.post("/add-checkpoint", content=_request(6, forked))
    assert again.status_code == 422
    same_size = restarted.post("/add-checkpoint", content=_request(6, _leaves(6, b"y"), []))
    assert same_size.status_code == 409 and "a fork" in same_size.headers["x-reason"]


@pytest.mark.parametrize(("body", "status", "reason"), [
    (b"old 01\n\n", 400, "'old N'"),
    (b"new 0\n\nx\n", 400, "'old N'"),
    (b"old 0\nnot-base64!\n\nx\n", 400, "line 2: a proof line is one base64 hash"),
    (b"old 0\n" + b"AAAA\n" * 2 + b"\nx\n", 400, "a proof hash has 32 bytes"),
    (b"old 0\n", 400, "blank line"),
    (b"\xff", 400, "not UTF-8"),
])
def test_a_malformed_request_is_refused_saying_why(tmp_path: Path, body: bytes, status: int,
                                                   reason: str) -> None:
    client, _ = _client(tmp_path)
    answer = client.post("/add-checkpoint", content=body)
    assert answer.status_code == status and reason in answer.text


def test_unknown_logs_foreign_keys_and_impossible_sizes_are_refused(tmp_path: Path) -> None:
    client, _ = _client(tmp_path)
    leaves = _leaves(4)
    foreign = f"old 0\n\n{_note(leaves, Ed25519PrivateKey.generate())}"
    answer = client.post("/add-checkpoint", content=foreign)
    assert answer.status_code == 403 and "no signature by the log's key" in answer.text
    other = _note(leaves).replace(ORIGIN, "elsewhere.test/log")
    assert client.post("/add-checkpoint", content=f"old 0\n\n{other}").status_code == 404
    too_old = client.post("/add-checkpoint", content=_request(0, leaves).replace(
        b"old 0", b"old 7"))
    assert too_old.status_code == 400 and "larger than" in too_old.text
    with_proof = client.post("/add-checkpoint", content=_request(0, leaves, [bytes(32)]))
    assert with_proof.status_code == 422 and "from size 0 must be empty" in with_proof.text


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(noise=st.binary(max_size=300) | st.text(max_size=300).map(str.encode),
       prefix=st.sampled_from([b"", b"old 0\n", b"old 3\n\n", b"old 0\n\n" + _note(
           _leaves(3)).encode()]))
def test_no_request_makes_the_witness_fail_with_a_server_error(
        tmp_path: Path, noise: bytes, prefix: bytes) -> None:
    client, _ = _client(tmp_path)
    answer = client.post("/add-checkpoint", content=prefix + noise)
    assert answer.status_code in {200, 400, 403, 404, 409, 413, 422}, answer.text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_is_a_note_or_refused_with_a_reason(text: str) -> None:
    try:
        notes.parse(text)
    except notes.BadNote as error:
        assert str(error)
