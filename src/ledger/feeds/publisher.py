"""`ledger publish`: every event of the log, in order, to a NATS JetStream stream.

Each message carries ``Nats-Msg-Id`` = its position, so the server drops a message sent
twice (a crash between the server's ack and the position's commit), and
``Nats-Expected-Last-Msg-Id`` = the position published before it, so the server refuses a
message that would land out of order (one lost while later ones arrived). A page of events
is sent without waiting message by message; the position is recorded after the acks. On
start, the stream's own last message says where publishing stopped, so nothing is sent
twice even past the server's de-duplication window. One publisher leads at a time (a
PostgreSQL advisory lock per stream); NATS or the database going away is waited out.
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from collections.abc import Awaitable, Callable, Sequence
from contextlib import suppress
from typing import Any

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError
from sqlalchemy import Engine

from ledger.feeds.cloudevents import CONTENT_TYPE, structured
from ledger.feeds.log import LoggedEvent, ProgramIndex, read_page
from ledger.projections.leadership import Leadership
from ledger.projections.tracking import current_position, record_position
from ledger.settings import Settings
from ledger.store import DATABASE_DOWN

log = logging.getLogger(__name__)
PAGE_SIZE = 500
ACK_TIMEOUT_SECONDS = 10.0
RETRY_SECONDS = 1.0
PUBLISHER_LOCK_BASE = 0x1ED6E2_0100_0000
WAITED_OUT: tuple[type[BaseException], ...] = (*DATABASE_DOWN, nats.errors.Error, OSError,
                                               TimeoutError)


def tracking_name(stream: str) -> str:
    """The publisher's row in the tracking table, beside the projections'."""
    return f"nats:{stream}"


def subject_for(settings: Settings, event: LoggedEvent) -> str:
    return f"{settings.nats_subject}.{event.program_id or 'none'}.{event.name}"


class Publisher:
    """Follows the log from its tracked position and publishes each event to JetStream."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self.stream = settings.nats_stream
        self.name = tracking_name(self.stream)
        self.index = ProgramIndex()
        self.leadership = Leadership(
            engine, PUBLISHER_LOCK_BASE + zlib.crc32(self.stream.encode()),
            f"publisher leads: it publishes the log to JetStream stream {self.stream}")
        self.published = 0  # by this process, for the operator's log

    async def run(self, stop: asyncio.Event) -> None:
        """Publish until ``stop`` is set; outages of NATS or the database are waited out."""
        client: Client | None = None
        try:
            while not stop.is_set():
                try:
                    client = client or await self._connect()
                    await self._publish_while_leading(client.jetstream(), stop)
                except WAITED_OUT as error:
                    log.warning("publisher waiting: %s: %s", type(error).__name__, error)
                    await asyncio.to_thread(self.leadership.resign)
                    await sleep_unless(stop, RETRY_SECONDS)
        finally:
            await asyncio.to_thread(self.leadership.resign)
            if client is not None:
                with suppress(Exception):
                    await client.close()

    async def _connect(self) -> Client:
        return await nats.connect(self.settings.nats_url, max_reconnect_attempts=-1,
                                  reconnect_time_wait=0.5, connect_timeout=2,
                                  allow_reconnect=True)

    async def _publish_while_leading(self, js: JetStreamContext, stop: asyncio.Event) -> None:
        while not stop.is_set():
            if await asyncio.to_thread(self.leadership.lead) is None:
                await sleep_unless(stop, RETRY_SECONDS)  # another publisher leads
                continue
            position = await self._start(js)
            while not stop.is_set():
                events, last_read = await asyncio.to_thread(
                    read_page, self.engine, self.index, position, PAGE_SIZE)
                if last_read == position:
                    await sleep_unless(stop, self.settings.projection_poll_seconds)
                    continue
                await self._publish(js, events, previous=position)
                position = last_read
                await asyncio.to_thread(self._record, position)

    async def _start(self, js: JetStreamContext) -> int:
        """The stream (made if missing) and the position to go on from: the tracked one, or
        the stream's last message if the publisher died after an ack it never recorded."""
        try:
            info = await js.stream_info(self.stream)
        except NotFoundError:
            info = await js.add_stream(name=self.stream,
                                       subjects=[f"{self.settings.nats_subject}.>"],
                                       duplicate_window=24 * 3600.0)
        tracked = await asyncio.to_thread(current_position, self.engine, self.name)
        last_seq = info.state.last_seq if info.state else 0
        if not last_seq:
            return tracked
        last = await js.get_msg(self.stream, seq=last_seq)
        published = str((last.headers or {}).get("Nats-Msg-Id", ""))
        # A message not published here (no position as its id) tells nothing.
        return max(tracked, int(published) if published.isdigit() else 0)

    async def _publish(self, js: JetStreamContext, events: list[LoggedEvent], *,
                       previous: int) -> None:
        """Send a page without waiting for each ack, then wait for all of them. Positions
        filtered out never occur here (the publisher takes every event), so each message's
        expected predecessor is the one before it."""
        acks: list[Awaitable[Any]] = []
        for event in events:
            headers = {"Nats-Msg-Id": str(event.position), "Content-Type": CONTENT_TYPE}
            if previous:
                headers["Nats-Expected-Last-Msg-Id"] = str(previous)
            else:
                headers["Nats-Expected-Last-Sequence"] = "0"
            acks.append(await js.publish_async(subject_for(self.settings, event),
                                               structured(event), headers=headers))
            previous = event.position
        await asyncio.wait_for(asyncio.gather(*acks), ACK_TIMEOUT_SECONDS)
        self.published += len(events)

    def _record(self, position: int) -> None:
        with self.engine.begin() as connection:
            record_position(connection, position, self.name)


async def sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    with suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


Follower = Callable[[asyncio.Event], Awaitable[None]]


def run_until_signalled(followers: Sequence[Follower],
                        install: Callable[[asyncio.Event], None]) -> None:
    """Run the followers (the publisher, webhook delivery) side by side on a new event loop
    until ``install``'s signal handlers set stop."""
    async def main() -> None:
        stop = asyncio.Event()
        install(stop)
        await asyncio.gather(*(follow(stop) for follow in followers))

    asyncio.run(main())
