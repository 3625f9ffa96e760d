"""A small Server-Sent Events reader for the feed tests: events as (id, parsed data)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx


def sse_events(response: httpx.Response) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each event of an open text/event-stream response; comments (heartbeats) skipped."""
    event_id, data = None, []
    for line in response.iter_lines():
        if line.startswith(":"):
            continue
        if not line:
            if data:
                yield int(event_id or 0), json.loads("\n".join(data))
            event_id, data = None, []
            continue
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "id":
            event_id = value
        elif field == "data":
            data.append(value)
