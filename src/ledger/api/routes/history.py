"""Time travel and history, replayed from events: as-of, per-aggregate history, timeline."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel

from ledger.access.tokens import Principal
from ledger.api.deps import AUDITORS, HistoryReaderDep, ReadDep, ServicesDep, require_scope
from ledger.api.problems import PROBLEM_RESPONSES
from ledger.api.routes.decisions import utc
from ledger.api.routes.programs import Cursor, Limit
from ledger.api.schemas.times import IsoDatetime
from ledger.projections.encoding import plain
from ledger.projections.pages import DEFAULT_LIMIT, MAX_POSITION, Page
from ledger.projections.timeline import TimelineEntry, audit_timeline

router = APIRouter(tags=["audit"], responses=PROBLEM_RESPONSES)


class HistoryEntryOut(BaseModel):
    position: int
    version: int
    type: str
    recorded_at: datetime
    effective_at: datetime
    actor: str
    reason: str | None
    correlation_id: str | None
    data: dict[str, Any]
    changes: dict[str, dict[str, Any]]


def _require_history_scope(principal: Principal, program_id: UUID | None) -> None:
    """Auditors and admins read all history; editors only their own programs'."""
    if principal.role in AUDITORS:
        return
    if program_id is None:
        raise HTTPException(403, "editors read history one program at a time; "
                                 "give program_id")
    require_scope(principal, program_id)


@router.get("/programs/{program_id}/as-of")
def as_of(
    program_id: UUID, principal: HistoryReaderDep, services: ServicesDep,
    at: Annotated[IsoDatetime | None, Query(description="Recorded time: what was known then.")]
    = None,
    position: Annotated[int | None, Query(ge=0, le=MAX_POSITION,
                                          description="Log position.")] = None,
    effective: Annotated[IsoDatetime | None, Query(
        description="Business date: the program as it stood then, within what was known.")]
    = None,
) -> dict[str, Any]:
    """The whole program replayed from events (not read models) as known at T or N."""
    _require_history_scope(principal, program_id)
    if at is not None and position is not None:
        raise HTTPException(422, "give either at or position, not both")
    snapshot = services.ledger.program_as_of(program_id, position=position, at=utc(at),
                                             effective=utc(effective))
    return snapshot.to_plain()


@router.get("/aggregates/{aggregate_id}/history", response_model=list[HistoryEntryOut])
def history(aggregate_id: UUID, principal: HistoryReaderDep,
            services: ServicesDep) -> list[HistoryEntryOut]:
    """Every event of one aggregate: who, when (both times), why, and fields before → after."""
    _require_history_scope(principal, services.ledger.program_of(aggregate_id))
    return [HistoryEntryOut(
        position=e.position, version=e.version, type=e.type, recorded_at=e.recorded_at,
        effective_at=e.effective_at, actor=e.actor, reason=e.reason,
        correlation_id=e.correlation_id, data=plain(e.data),
        changes={k: {"before": plain(c.before), "after": plain(c.after)}
                 for k, c in e.changes.items()})
        for e in services.ledger.history(aggregate_id)]


@router.get("/audit/events", response_model=Page[TimelineEntry])
def events(
    principal: HistoryReaderDep, connection: ReadDep,
    program_id: UUID | None = None, aggregate_id: UUID | None = None,
    actor: Annotated[str | None, Query(max_length=64)] = None,
    type: Annotated[str | None, Query(max_length=64, description="Event type name.")] = None,
    recorded_from: Annotated[IsoDatetime | None, Query(alias="from")] = None,
    recorded_to: Annotated[IsoDatetime | None, Query(alias="to")] = None,
    after: Annotated[int | None, Query(ge=0, le=MAX_POSITION,
                                       description="Only positions after this.")] = None,
    limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None,
) -> Page[TimelineEntry]:
    """The audit timeline, in log order."""
    _require_history_scope(principal, program_id)
    return audit_timeline(connection, program_id=program_id, aggregate_id=aggregate_id,
                          actor=actor, event_type=type, recorded_from=utc(recorded_from),
                          recorded_to=utc(recorded_to), after=after, limit=limit,
                          cursor=cursor)
