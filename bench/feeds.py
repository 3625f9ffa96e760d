"""P9: the event feeds catching up a log from position 0, against B3e (the same rows read
raw): the SSE stream over HTTP from a real `ledger serve`, and `ledger publish`'s publisher
into NATS JetStream (the machine's server, a stream of its own, deleted afterwards)."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid

import httpx
import nats
from sqlalchemy import Engine, create_engine

from bench.measure import Figure, rate
from ledger.access.tokens import issue_token
from ledger.bootstrap import open_migrated_engine, open_read_engine
from ledger.feeds.publisher import Publisher, sleep_unless, tracking_name
from ledger.projections.tracking import current_position
from ledger.settings import Settings

SHARE = 0.10


def p9_figures(url: str, b3: Figure) -> list[Figure]:
    engine = open_migrated_engine(Settings(database_url=url))
    try:
        token = issue_token(engine, principal_id="bench.feeds", role="admin", programs=None)
    finally:
        engine.dispose()
    return [_figure("P9.sse", "SSE stream catch-up over HTTP", *sse_catch_up(url, token.token),
                    b3),
            _figure("P9.nats", "NATS JetStream publisher catch-up", *publisher_catch_up(url),
                    b3)]


def _figure(figure_id: str, what: str, events: int, seconds: float, b3: Figure) -> Figure:
    value = rate(events, seconds)
    return Figure(figure_id, f"{what}, {events:,} events", value, "events/s", b3.id, b3.value,
                  value / b3.value, f">= {SHARE:.2f} x {b3.id}", value >= SHARE * b3.value,
                  {"seconds": seconds, "events": float(events)})


def sse_catch_up(url: str, token: str) -> tuple[int, float]:
    """Events and seconds for one client reading the stream from 0 to the head."""
    port = _free_port()
    with tempfile.TemporaryDirectory() as data:
        server = subprocess.Popen(
            [sys.executable, "-c", "from ledger.cli import main; main()", "serve",
             "--no-projector", "--port", str(port)],
            env={**os.environ, "LEDGER_DATABASE_URL": url, "LEDGER_DATA_DIR": data},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            _until_up(base, server)
            with httpx.Client(base_url=base, timeout=60,
                              headers={"Authorization": f"Bearer {token}"}) as http:
                head = http.get("/readyz").json()["projection"]["head"]
                started, count = time.perf_counter(), 0
                with http.stream("GET", "/v1/events/stream", params={"after": 0}) as response:
                    for line in response.iter_lines():
                        if line.startswith("id:"):
                            count += 1
                            if int(line[3:]) >= head:
                                break
                return count, time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=30)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert server.poll() is None, "ledger serve exited"
        try:
            if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError("ledger serve never answered")


def publisher_catch_up(url: str) -> tuple[int, float]:
    """Events and seconds for the publisher to take the log from 0 into a new stream."""
    stream = f"BENCH{uuid.uuid4().hex[:8].upper()}"
    settings = Settings(database_url=url, nats_stream=stream,
                        nats_subject=f"bench.{stream.lower()}")
    engine = open_read_engine(settings)
    head_engine = create_engine(url)
    try:
        with head_engine.connect() as connection:
            head = int(connection.exec_driver_sql("SELECT max(id) FROM ledger_events").scalar()
                       or 0)
        started = time.perf_counter()
        asyncio.run(_publish_until(Publisher(engine, settings), engine, stream, head))
        return head, time.perf_counter() - started
    finally:
        asyncio.run(_delete_stream(settings))
        engine.dispose()
        head_engine.dispose()


async def _publish_until(publisher: Publisher, engine: Engine, stream: str, head: int) -> None:
    stop = asyncio.Event()

    async def watch() -> None:
        while await asyncio.to_thread(current_position, engine, tracking_name(stream)) < head:
            await sleep_unless(stop, 0.05)
        stop.set()

    await asyncio.gather(publisher.run(stop), watch())


async def _delete_stream(settings: Settings) -> None:
    client = await nats.connect(settings.nats_url)
    try:
        await client.jetstream().delete_stream(settings.nats_stream)
    finally:
        await client.close()


