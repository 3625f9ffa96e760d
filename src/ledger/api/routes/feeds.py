"""Feeds: the log as a stream of CloudEvents (Server-Sent Events), resumable by position."""

from __future__ import annotations

import re
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Query
from pydantic import WithJsonSchema
from sse_starlette import EventSourceResponse

from ledger.access.tokens import Principal, is_live
from ledger.api.deps import HistoryReaderDep, require_scope
from ledger.api.problems import PROBLEM_RESPONSES
from ledger.application.commands.fields import LINE
from ledger.domain.errors import InvalidInput
from ledger.feeds.cloudevents import TYPE_PREFIX, name_of
from ledger.feeds.log import FeedFilter
from ledger.feeds.stream import follow
from ledger.projections.pages import MAX_POSITION
from ledger.services import ServicesDep

router = APIRouter(prefix="/events", tags=["feeds"], responses=PROBLEM_RESPONSES)
POSITION = r"^[0-9]{1,19}$"
MAX_FILTERS = 100
SINGLE_LINE = re.compile(LINE)


@router.get("/stream", response_class=EventSourceResponse, responses={200: {
    "content": {"text/event-stream": {}},
    "description": "One CloudEvents 1.0 JSON per event; `id:` is its position."}})
async def stream_events(
    principal: HistoryReaderDep, services: ServicesDep,
    after: Annotated[int | None, Query(ge=0, le=MAX_POSITION, description=(
        "Start after this position (0: from the beginning); by default only new events."))
    ] = None,
    last_event_id: Annotated[str | None, WithJsonSchema({"type": "string", "pattern": POSITION}),
                             Header(
        alias="Last-Event-ID", pattern=POSITION,
        description="Resume after this position; wins over `after`.")] = None,
    program_id: Annotated[list[UUID] | None, Query(
        max_length=MAX_FILTERS, description="Only these programs' events.")] = None,
    type: Annotated[list[str] | None, Query(
        max_length=MAX_FILTERS, description=f"Only these event types (`{TYPE_PREFIX}"
        "ProjectStatusReported`, or the bare name).")] = None,
) -> EventSourceResponse:
    """Every event after a position, then each new one as it is recorded, as CloudEvents.

    A token sees only its programs' events. A client that reconnects with `Last-Event-ID`
    (as browsers do) gets exactly the events after it: none lost, none repeated."""
    head = services.ledger.head_position()
    start = _start(last_event_id, after, head)
    wanted = FeedFilter(_programs(principal, program_id), _names(type))
    settings = services.settings
    return EventSourceResponse(
        follow(services.query_engine, services.programs, start, wanted,
               poll_seconds=settings.feed_poll_seconds,
               still_allowed=lambda: is_live(services.query_engine, principal.token_id)),
        ping=settings.feed_heartbeat_seconds, send_timeout=settings.feed_send_timeout_seconds,
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def _start(last_event_id: str | None, after: int | None, head: int) -> int:
    """Where to start: Last-Event-ID (a browser's reconnect), else ``after``, else the head."""
    field, start = ("Last-Event-ID", int(last_event_id)) if last_event_id is not None \
        else ("after", head if after is None else after)
    if start > head:
        raise InvalidInput(field, f"is past the log's head (position {head}); give a "
                                  "position the stream sent")
    return start


def _programs(principal: Principal, asked: list[UUID] | None) -> frozenset[UUID] | None:
    """The programs named (each must be in scope), else every program the token sees."""
    if asked:
        for program in asked:
            require_scope(principal, program)
        return frozenset(asked)
    return principal.programs


def _names(asked: list[str] | None) -> frozenset[str] | None:
    if not asked:
        return None
    names = set()
    for value in asked:
        if len(value) > 100 or not SINGLE_LINE.fullmatch(value) or (name := name_of(value)) is None:
            raise InvalidInput("type", f"'{value[:100]}' is not an event type; give e.g. "
                                       f"'{TYPE_PREFIX}ProjectStatusReported'")
        names.add(name)
    return frozenset(names)

