"""The NATS side of the publisher tests: the shared server, a throwaway one, and reading a
stream back."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nats
import pytest
from nats.js.errors import NotFoundError

from tests.conftest import IN_CI
from tests.e2e.conftest import free_port

SHARED_NATS = "nats://127.0.0.1:4222"
NATS_SERVER = "/usr/sbin/nats-server"


def answers(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="session")
def shared_nats() -> str:
    """The machine's NATS with JetStream (started by .ci/run); fails rather than skips in CI."""
    if not answers(4222):
        if IN_CI:
            pytest.fail("NATS is required under CI=true but nothing answers on 4222")
        pytest.skip("NATS is not running on 127.0.0.1:4222")
    return SHARED_NATS


@contextlib.contextmanager
def own_nats(store: Path, port: int | None = None) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A throwaway nats-server with JetStream on a free port, storing in ``store``."""
    port = port or free_port()
    process = subprocess.Popen([NATS_SERVER, "-a", "127.0.0.1", "-p", str(port), "-js",
                                "-sd", str(store)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while not answers(port):
            assert process.poll() is None, "nats-server exited"
            assert time.monotonic() < deadline, "nats-server never answered"
            time.sleep(0.05)
        yield f"nats://127.0.0.1:{port}", process
    finally:
        process.terminate()
        process.wait(timeout=20)


async def _messages(url: str, stream: str) -> list[tuple[int, dict[str, Any]]]:
    client = await nats.connect(url)
    try:
        js = client.jetstream()
        try:
            info = await js.stream_info(stream)
        except NotFoundError:
            return []
        found = []
        for seq in range(info.state.first_seq, info.state.last_seq + 1):
            message = await js.get_msg(stream, seq=seq)
            found.append((int((message.headers or {})["Nats-Msg-Id"]),
                          json.loads(message.data or b"{}")))
        return found
    finally:
        await client.close()


def stream_messages(url: str, stream: str) -> list[tuple[int, dict[str, Any]]]:
    """Every message of the stream in order: (Nats-Msg-Id, CloudEvent)."""
    return asyncio.run(_messages(url, stream))


async def _last_seq(url: str, stream: str) -> int:
    client = await nats.connect(url, connect_timeout=1, max_reconnect_attempts=0)
    try:
        return int((await client.jetstream().stream_info(stream)).state.last_seq)
    except NotFoundError:
        return 0
    finally:
        await client.close()


def stream_length(url: str, stream: str) -> int:
    return asyncio.run(_last_seq(url, stream))


def wait_for_length(url: str, stream: str, length: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while (found := stream_length(url, stream)) < length:
        assert time.monotonic() < deadline, f"the stream holds {found} of {length} events"
        time.sleep(0.1)
