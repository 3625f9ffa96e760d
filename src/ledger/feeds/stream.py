"""Follows the log for one SSE client: pages of CloudEvents after a position, for ever.

Each page is read, filtered and written to JSON in a worker thread on a connection held only
for the read, then handed to the client one event at a time: a slow client holds no database
connection and at most one page in memory, and back-pressure from its socket pauses the
reading. When the log has nothing new the stream polls (idle clients cost one small query
per interval); sse-starlette sends the heartbeats and ends the stream when the client goes
away or the server shuts down.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import anyio
from sqlalchemy import Engine
from sse_starlette import ServerSentEvent

from ledger.feeds.cloudevents import structured
from ledger.feeds.log import FeedFilter, ProgramIndex, read_page

PAGE_SIZE = 500


@dataclass(frozen=True)
class StreamPage:
    events: list[tuple[int, str]]  # (position, CloudEvent JSON)
    last_read: int


def page_after(engine: Engine, index: ProgramIndex, after: int, wanted: FeedFilter,
               limit: int = PAGE_SIZE) -> StreamPage:
    events, last_read = read_page(engine, index, after, limit, wanted)
    return StreamPage([(e.position, structured(e).decode()) for e in events], last_read)


async def follow(engine: Engine, index: ProgramIndex, after: int, wanted: FeedFilter, *,
                 poll_seconds: float, still_allowed: Callable[[], bool]) -> AsyncIterator[
                     ServerSentEvent]:
    """Every admitted event after ``after``, in log order, then each new one as it comes;
    ends when ``still_allowed`` (asked once per idle poll) says the token was revoked."""
    while True:
        page = await anyio.to_thread.run_sync(page_after, engine, index, after, wanted)
        for position, data in page.events:
            yield ServerSentEvent(data=data, id=str(position))
        if page.last_read == after:
            if not await anyio.to_thread.run_sync(still_allowed):
                return
            await anyio.sleep(poll_seconds)
        after = page.last_read
