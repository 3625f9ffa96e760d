"""R8: two witnesses, as real processes beside a real server on PostgreSQL, cosign honest
checkpoints and refuse a rewritten history, even after a restart."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from ledger.audit import notes
from ledger.audit.keys import load_or_create_signing_key
from ledger.audit.signing import public_key_hex
from ledger.audit.tlog import log_verifier, open_checkpoint
from tests.audit.tampering import rewrite_and_resign
from tests.e2e.conftest import Server, start_server, stop_server
from tests.e2e.witnesses import WitnessProcess, witness

ORIGIN = "ledger.test/witnessed"


@pytest.fixture
def log_key_path(tmp_path: Path) -> Path:
    path = tmp_path / "log" / "signing-key.pem"
    load_or_create_signing_key(path)
    return path


@pytest.fixture
def witnesses(tmp_path: Path, log_key_path: Path) -> Iterator[list[WitnessProcess]]:
    log_vkey = log_verifier(ORIGIN, load_or_create_signing_key(log_key_path).public_key()
                            ).vkey()
    running = [witness(tmp_path / name, f"{name}.auditors.example", log_vkey).start()
               for name in ("w1", "w2")]
    yield running
    for process in running:
        process.stop()


@pytest.fixture
def witnessed_server(postgres_url: str, tmp_path: Path, log_key_path: Path,
                     witnesses: list[WitnessProcess]) -> Iterator[Server]:
    running = start_server(postgres_url, tmp_path / "log", **_log_env(log_key_path, witnesses))
    yield running
    stop_server(running)


def _log_env(log_key_path: Path, witnesses: list[WitnessProcess]) -> dict[str, str]:
    return {"LEDGER_SIGNING_KEY_PATH": str(log_key_path), "LEDGER_LOG_ORIGIN": ORIGIN,
            "LEDGER_WITNESSES": ",".join(f"{w.url} {w.vkey}" for w in witnesses)}


def _append_and_sign(server: Server, code: str) -> None:
    with server.client() as http:
        made = http.post("/v1/programs", json={"code": code, "name": code, "sponsor": "S",
                                               "manager": "M"})
        assert made.status_code == 201, made.text
        assert http.post("/v1/audit/checkpoints").status_code == 201


def _audit_cli(server: Server, log_key_path: Path, *arguments: str
               ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LEDGER_DATABASE_URL": server.database_url,
           "LEDGER_SIGNING_KEY_PATH": str(log_key_path), "LEDGER_LOG_ORIGIN": ORIGIN}
    return subprocess.run([sys.executable, "-c", "from ledger.cli import main; main()",
                           "audit", *arguments], env=env, capture_output=True,
                          text=True, timeout=120)


def _offline(server: Server, log_key_path: Path, export: Path, *policy: str
             ) -> subprocess.CompletedProcess[str]:
    """Export the trail, then check it with the offline verifier and a witness policy."""
    assert _audit_cli(server, log_key_path, "export", "--out", str(export)).returncode == 0
    public = load_or_create_signing_key(log_key_path).public_key()
    return subprocess.run([sys.executable, "-m", "ledger.audit.offline", str(export),
                           "--public-key", public_key_hex(public), *policy],
                          capture_output=True, text=True, timeout=120)


def test_witnesses_cosign_the_log_and_refuse_a_rewritten_history(
        witnessed_server: Server, witnesses: list[WitnessProcess], log_key_path: Path,
        tmp_path: Path) -> None:
    server, log_key = witnessed_server, load_or_create_signing_key(log_key_path)
    keys = [notes.parse_vkey(w.vkey) for w in witnesses]
    log = log_verifier(ORIGIN, log_key.public_key())
    for code in ("ONE", "TWO", "THREE"):
        _append_and_sign(server, code)
    note = httpx.get(f"{server.url}/checkpoint").text
    opened = open_checkpoint(note, log, keys, min_witnesses=2)
    assert opened.witnesses == keys
    listed = httpx.get(f"{server.url}/v1/audit/witnesses").json()
    assert [(w["name"], w["tree_size"]) for w in listed] == [
        (w.name, opened.head.size) for w in witnesses]
    policy = [option for w in witnesses for option in ("--witness", w.vkey)]
    honest = _audit_cli(server, log_key_path, "verify", *policy, "--min-witnesses", "2")
    assert honest.returncode == 0, honest.stdout + honest.stderr
    offline = _offline(server, log_key_path, tmp_path / "honest.jsonl", *policy,
                       "--min-witnesses", "2")
    assert offline.returncode == 0, offline.stderr

    engine = sa.create_engine(server.database_url)
    try:
        rewrite_and_resign(engine, 1, log_key)  # the first event, re-signed by the operator
    finally:
        engine.dispose()
    witnesses[0].stop()  # a restarted witness still remembers what it cosigned
    witnesses[0].start()
    _append_and_sign(server, "FOUR")
    forged = open_checkpoint(httpx.get(f"{server.url}/checkpoint").text, log, keys)
    assert forged.witnesses == [] and forged.missing == keys
    failed = _audit_cli(server, log_key_path, "verify", *policy, "--min-witnesses", "1")
    assert failed.returncode == 1
    latest = f"checkpoint {forged.note.body.split('checkpoint ')[1].split(' ')[0]}"
    assert f"FAILED witness policy: {latest} (tree size {forged.head.size})" in failed.stdout
    assert "0 of the required 1 witness cosignatures" in failed.stdout
    assert "w1.auditors.example, w2.auditors.example" in failed.stdout
    offline = _offline(server, log_key_path, tmp_path / "rewritten.jsonl", *policy,
                       "--min-witnesses", "1")
    assert offline.returncode == 1
    assert f"{latest}: 0 of the required 1 witness cosignatures" in offline.stderr


def test_a_witness_refuses_a_fork_with_the_status_the_protocol_gives(
        witnessed_server: Server, witnesses: list[WitnessProcess], log_key_path: Path) -> None:
    _append_and_sign(witnessed_server, "ONE")
    note = httpx.get(f"{witnessed_server.url}/checkpoint").text
    body, _, signatures = note.partition("\n\n")
    log_line = signatures.splitlines()[0]
    answer = httpx.post(f"{witnesses[0].url}/add-checkpoint",
                        content=f"old 0\n\n{body}\n\n{log_line}\n")
    assert answer.status_code == 409  # it cosigned a larger size already
    assert answer.headers["content-type"].startswith("text/x.tlog.size")
    size = int(answer.text)
    assert size >= 1
    other = load_or_create_signing_key(log_key_path.parent / "other.pem")
    wrong = notes.sign(body + "\n", ORIGIN, other).line()
    refused = httpx.post(f"{witnesses[0].url}/add-checkpoint",
                         content=f"old {size}\n\n{body}\n\n{wrong}")
    assert refused.status_code == 403 and "no signature by the log's key" in refused.text
    extra = httpx.post(f"{witnesses[0].url}/add-checkpoint",
                       content=f"old {size}\n\n{body}\n\n{log_line}\nnot a signature\n")
    assert extra.status_code == 400 and "is not a signature line" in extra.text


@pytest.fixture(scope="session")
def go_interop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/audit/interop/main.go built once per session with Debian's Go and x/mod."""
    go, source = shutil.which("go"), Path("/usr/share/gocode/src/golang.org/x/mod/sumdb")
    if go is None or not source.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs golang-go and golang-golang-x-mod-dev (.ci/run installs them)")
        pytest.skip("install golang-go and golang-golang-x-mod-dev to run the Go interop test")
    build = tmp_path_factory.mktemp("go")
    binary = build / "interop"
    subprocess.run([go, "build", "-o", str(binary),
                    str(Path(__file__).parents[1] / "audit" / "interop" / "main.go")],
                   env={**os.environ, "GO111MODULE": "off", "GOPATH": "/usr/share/gocode",
                        "GOCACHE": str(build / "cache"), "GOFLAGS": "", "GOPROXY": "off"},
                   check=True, capture_output=True, timeout=300)
    return binary


def test_go_reference_packages_verify_the_cosigned_checkpoint_and_the_proofs(
        witnessed_server: Server, witnesses: list[WitnessProcess], log_key_path: Path,
        go_interop: Path) -> None:
    server = witnessed_server
    _append_and_sign(server, "ONE")
    old = notes.parse(httpx.get(f"{server.url}/checkpoint").text).body.split("\n")
    for code in ("TWO", "THREE", "FOUR"):
        _append_and_sign(server, code)
    engine = sa.create_engine(server.database_url)
    try:
        with engine.connect() as connection:
            digest = connection.execute(sa.text(
                "SELECT digest FROM ledger_audit_chain WHERE leaf_index = 2")).scalar_one()
    finally:
        engine.dispose()
    log_vkey = log_verifier(ORIGIN, load_or_create_signing_key(log_key_path).public_key())
    checked = subprocess.run(
        [str(go_interop), server.url, log_vkey.vkey(), ",".join(w.vkey for w in witnesses),
         "2", bytes(digest).hex(), old[1], old[2]], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.splitlines() == [
        "OK note signed by 3 keys", f"OK leaf 2 included in tree {int(old[1]) + 3}",
        f"OK tree {int(old[1]) + 3} extends tree {old[1]}"]
    tampered = subprocess.run(
        [str(go_interop), server.url, log_vkey.vkey(), ",".join(w.vkey for w in witnesses),
         "2", bytes(32).hex(), old[1], old[2]], capture_output=True, text=True, timeout=60)
    assert tampered.returncode == 1 and "FAILED" in tampered.stderr
    partial = httpx.get(f"{server.url}/tile/0/000.p/2")  # no token: hashes only
    assert (partial.status_code, len(partial.content)) == (200, 64)
    assert partial.headers["cache-control"] == "public, max-age=5"
    assert httpx.get(f"{server.url}/tile/0/000").status_code == 404  # not yet 256 wide
    malformed = httpx.get(f"{server.url}/tile/0/67")
    assert malformed.status_code == 422 and "three-digit groups" in malformed.text
