"""Correlation ids: every event names the request, or at least the command, that wrote it."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence

from ledger.domain.base import LedgerAggregate


def correlate(aggregates: Sequence[LedgerAggregate]) -> None:
    """Give every pending event of one command the same correlation id.

    A caller that names no request (the demo, the CLI, a script) still gets one: a fresh id
    for the command. So every event in the log carries one, and the events of one command
    share it and their recorded time (``one_moment``), which is how replay finds where a
    command ends (``Replay.command_end``).
    """
    given = {e.correlation_id for a in aggregates for e in _pending(a)} - {None}
    if len(given) > 1:
        raise AssertionError(f"one command recorded events for several requests: {given}")
    command_id = given.pop() if given else str(uuid.uuid4())
    for aggregate in aggregates:
        pending = aggregate.pending_events
        for index, event in enumerate(pending):
            if isinstance(event, LedgerAggregate.Event) and event.correlation_id is None:
                pending[index] = dataclasses.replace(  # type: ignore[call-arg]
                    event, correlation_id=command_id)


def _pending(aggregate: LedgerAggregate) -> list[LedgerAggregate.Event]:
    return [e for e in aggregate.pending_events if isinstance(e, LedgerAggregate.Event)]
