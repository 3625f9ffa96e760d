"""Read model of the audit timeline: every event, who, when (both times), why, and the
fields it changed as before → after."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field
from sqlalchemy import Column, Index, String, Table, Text, select
from sqlalchemy.engine import Connection

from ledger.db import ID, POSITION, Document, UTCDateTime, metadata
from ledger.domain.base import LedgerAggregate
from ledger.projections.encoding import plain
from ledger.projections.pages import DEFAULT_LIMIT, Page, keyset_page
from ledger.projections.registry import ReadModel
from ledger.projections.view import View

METADATA_FIELDS = frozenset({
    "originator_id", "originator_version", "timestamp", "originator_topic", "actor",
    "reason", "effective_at", "correlation_id", "causation_id",
})

timeline = Table(
    "rm_audit_timeline", metadata,
    Column("position", POSITION, primary_key=True, autoincrement=False),
    Column("recorded_at", UTCDateTime, nullable=False, index=True),
    Column("effective_at", UTCDateTime, nullable=False),
    Column("actor", Text, nullable=False, index=True),
    Column("reason", Text, nullable=True),
    Column("aggregate_type", String(32), nullable=False),
    Column("aggregate_id", ID, nullable=False),
    Column("program_id", ID, nullable=True),
    Column("version", POSITION, nullable=False),
    Column("event_type", String(64), nullable=False, index=True),
    Column("summary", Text, nullable=False),
    Column("changes", Document, nullable=False),
    Column("correlation_id", Text, nullable=True),
    Index("ix_rm_audit_timeline_aggregate", "aggregate_id", "position"),
    Index("ix_rm_audit_timeline_program", "program_id", "position"),
)

# What each aggregate's events last said, field by field: the "before" of the next change.
known_fields = Table(
    "rm_audit_known_fields", metadata,
    Column("aggregate_id", ID, primary_key=True),
    Column("program_id", ID, nullable=True),
    Column("fields", Document, nullable=False),
)

model = ReadModel("timeline", {"timeline": timeline, "known_fields": known_fields},
                  root="known_fields")


@model.on(LedgerAggregate.Event)
def _any_event(event: Any, position: int, view: View) -> None:
    aggregate_id = str(event.originator_id)
    aggregate_type, event_type = _names(event.__class__)
    data = {k: plain(v) for k, v in vars(event).items() if k not in METADATA_FIELDS}
    known = view.get("known_fields", aggregate_id)
    if known is None:
        program_id = data.get("program_id") or (
            aggregate_id if event_type == "ProgramDefined" else None)
        known = view.add("known_fields", {"aggregate_id": aggregate_id,
                                          "program_id": program_id, "fields": {}})
    before: dict[str, Any] = known["fields"]
    changes = {name: {"before": old, "after": value}
               for name, value in data.items() if (old := before.get(name)) != value}
    # In place: the batch's cached row is the only holder of this dict.
    view.changed("known_fields", aggregate_id)["fields"].update(data)
    view.add("timeline", {
        "position": position, "recorded_at": event.timestamp,
        "effective_at": event.effective_at, "actor": event.actor, "reason": event.reason,
        "aggregate_type": aggregate_type, "aggregate_id": aggregate_id,
        "program_id": known["program_id"], "version": event.originator_version,
        "event_type": event_type, "summary": summarize(event_type, data, event.reason),
        "changes": changes, "correlation_id": event.correlation_id,
    })


@cache
def _names(event_class: type) -> tuple[str, str]:
    """(aggregate type, event type) of Risk.RiskAssessed: ('Risk', 'RiskAssessed')."""
    return event_class.__qualname__.split(".")[0], event_class.__name__


@cache
def _in_words(event_type: str) -> str:
    """RiskAssessed → 'risk assessed'."""
    return "".join(f" {c.lower()}" if c.isupper() else c for c in event_type).strip()


def summarize(event_type: str, data: dict[str, Any], reason: str | None) -> str:
    """One human line: the event in words, its most telling values, and the reason."""
    telling = _telling(data, reason)
    line = _in_words(event_type).capitalize() + (
        " (" + "; ".join(telling) + ")" if telling else "")
    return line + _imported_from(data.get("imported_from")) + (
        f" because {reason}" if reason else "")


def _imported_from(source: Any) -> str:
    """Where an imported fact came from: the file's name, its row and its digest's start."""
    if not isinstance(source, dict):
        return ""
    return (f", imported from {source.get('file_name') or 'a file'} row {source.get('row')} "
            f"(sha256 {str(source.get('file_sha256'))[:12]}…)")


def _telling(data: dict[str, Any], reason: str | None) -> list[str]:
    """The first three short plain values that are neither ids nor the reason again."""
    telling: list[str] = []
    for name, value in data.items():
        label = _label(name)
        if label is not None and _short_plain(value) and value not in (reason, ""):
            telling.append(f"{label}: {value}")
            if len(telling) == 3:
                break
    return telling


@cache
def _label(field: str) -> str | None:
    """A field as a summary names it; None for an id, which tells a reader nothing."""
    return None if field.endswith("_id") else field.replace("_", " ")


def _short_plain(value: Any) -> bool:
    """A string or number (not a bool) of at most 60 characters."""
    if type(value) is str:  # the common case, where str(value) is value itself
        return len(value) <= 60
    return (isinstance(value, (str, int, float)) and not isinstance(value, bool)
            and len(str(value)) <= 60)


class TimelineEntry(BaseModel):
    position: int
    recorded_at: datetime
    effective_at: datetime
    actor: str
    reason: str | None
    aggregate_type: str
    aggregate_id: UUID
    program_id: UUID | None
    version: int
    event_type: str
    summary: str
    changes: dict[str, dict[str, Any]] = Field(
        description="Each field the event set, as {before, after}.")
    correlation_id: str | None


def audit_timeline(
    connection: Connection, *, program_id: UUID | None = None,
    aggregate_id: UUID | None = None, actor: str | None = None, event_type: str | None = None,
    recorded_from: datetime | None = None, recorded_to: datetime | None = None,
    after: int | None = None, limit: int = DEFAULT_LIMIT, cursor: str | None = None,
) -> Page[TimelineEntry]:
    """Every event in log order, filtered; ``after`` skips to positions past it."""
    query = select(timeline)
    equal = ((timeline.c.program_id, program_id), (timeline.c.aggregate_id, aggregate_id),
             (timeline.c.actor, actor), (timeline.c.event_type, event_type))
    for column, value in equal:
        if value is not None:
            query = query.where(column == (str(value) if isinstance(value, UUID) else value))
    if recorded_from is not None:
        query = query.where(timeline.c.recorded_at >= recorded_from)
    if recorded_to is not None:
        query = query.where(timeline.c.recorded_at <= recorded_to)
    if after is not None:
        query = query.where(timeline.c.position > after)
    return keyset_page(connection, query, timeline.c.position, limit, cursor,
                       lambda row: TimelineEntry(**dict(row._mapping)))


def event_types(connection: Connection) -> list[str]:
    """Every event type the timeline holds, sorted (the filter's vocabulary)."""
    return sorted(connection.execute(select(timeline.c.event_type).distinct()).scalars())
