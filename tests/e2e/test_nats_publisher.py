"""`ledger publish` against real NATS JetStream servers: killed with SIGKILL mid-stream and
raced by a second publisher, the stream still holds the log exactly once, in order; a NATS
restart is waited out; the lag shows in `ledger projections status`."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from bench.workload import activity, define_program, in_batches

from ledger.bootstrap import open_ledger
from ledger.settings import Settings
from tests.e2e.nats import (
    own_nats,
    shared_nats,  # noqa: F401 (a fixture)
    stream_messages,
    wait_for_length,
)

LEDGER = [sys.executable, "-c", "from ledger.cli import main; main()"]
MAX_ROUNDS = 50  # a writer told to keep going stops after this many rounds regardless


def write_events(url: str, commands: int, code: str, per_commit: int = 500,
                 until: threading.Event | None = None) -> None:
    """``commands`` commands in commits of ``per_commit``; with ``until``, keep going in
    rounds of that many until it is set (a bounded number of rounds)."""
    ledger = open_ledger(Settings(database_url=url))
    try:
        program = define_program(ledger, code, projects=2, benefits=1, risks=1)
        for _ in range(1 if until is None else MAX_ROUNDS):
            work = activity(ledger, program, commands, random.Random(code))
            for start in range(0, commands, per_commit):
                in_batches(ledger, work[start:start + per_commit])
            if until is None or until.is_set():
                return
    finally:
        ledger.close()


def log_positions(url: str) -> list[int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(sa.text("SELECT id FROM ledger_events ORDER BY id"))
                        .scalars())
    finally:
        engine.dispose()


def publisher(url: str, nats_url: str, stream: str, tmp_path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([*LEDGER, "publish"], env={
        **os.environ, "LEDGER_DATABASE_URL": url, "LEDGER_DATA_DIR": str(tmp_path),
        "LEDGER_NATS_URL": nats_url, "LEDGER_NATS_STREAM": stream, "COLUMNS": "400",
        "LEDGER_NATS_SUBJECT": f"test.{stream.lower()}", "LEDGER_PROJECTION_POLL_SECONDS": "0.05"},
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def stop(process: subprocess.Popen[str]) -> None:
    """SIGTERM once it has said its signal handlers are in place; it must exit cleanly."""
    assert process.stdout is not None
    for line in process.stdout:
        if "Ctrl-C stops it" in line:
            break
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 0


def assert_stream_is_the_log(nats_url: str, stream: str, url: str) -> None:
    messages = stream_messages(nats_url, stream)
    assert [position for position, _ in messages] == log_positions(url)
    assert all(event["id"] == str(position) and event["type"].startswith("org.ledger.")
               for position, event in messages)


def unique_stream() -> str:
    return f"T{uuid.uuid4().hex[:12].upper()}"


@pytest.mark.postgres
def test_kill_9_mid_stream_then_two_publishers_race_and_the_stream_holds_the_log_once(
        postgres_url: str, shared_nats: str, tmp_path: Path) -> None:  # noqa: F811
    stream = unique_stream()
    write_events(postgres_url, 10, "FIRST")
    first = publisher(postgres_url, shared_nats, stream, tmp_path)
    # Commands keep committing, a few at a time, while the publisher runs, is killed and is
    # raced by two more: however slowly the publisher starts, the log is still growing.
    killed = threading.Event()
    writer = threading.Thread(target=write_events,
                              args=(postgres_url, 200, "NATS", 10), kwargs={"until": killed})
    writer.start()
    wait_for_length(shared_nats, stream, 100)
    first.kill()  # SIGKILL: no chance to record what it had published
    first.wait(timeout=20)
    assert writer.is_alive(), "the log stopped growing before the kill; it proves nothing"
    racing = [publisher(postgres_url, shared_nats, stream, tmp_path) for _ in range(2)]
    killed.set()
    writer.join()
    wait_for_length(shared_nats, stream, len(log_positions(postgres_url)))
    for process in racing:
        stop(process)
    assert_stream_is_the_log(shared_nats, stream, postgres_url)
    status = subprocess.run([*LEDGER, "projections", "status", "--json"], env={
        **os.environ, "LEDGER_DATABASE_URL": postgres_url, "LEDGER_DATA_DIR": str(tmp_path)},
        capture_output=True, text=True, timeout=60, check=True)
    followers = json.loads(status.stdout)["followers"]
    assert followers == [{"name": f"nats:{stream}", "position": log_positions(postgres_url)[-1],
                          "head": log_positions(postgres_url)[-1], "lag": 0}]


def test_a_nats_restart_is_waited_out(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    stream = unique_stream()
    write_events(url, 100, "BEFORE")
    store = tmp_path / "jetstream"
    with own_nats(store) as (nats_url, _server):
        running = publisher(url, nats_url, stream, tmp_path)
        wait_for_length(nats_url, stream, len(log_positions(url)))
    port = int(nats_url.rsplit(":", 1)[1])
    write_events(url, 100, "DURING")  # published once NATS is back, by the same process
    try:
        with own_nats(store, port):
            wait_for_length(nats_url, stream, len(log_positions(url)))
            stop(running)
            assert_stream_is_the_log(nats_url, stream, url)
    finally:
        if running.poll() is None:
            running.kill()
