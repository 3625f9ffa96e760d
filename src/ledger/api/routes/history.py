"""Time travel and history, replayed from events (never from read models): the program as-of
a time or position, and one aggregate's history with who, when, why and what changed."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from ledger.access.authorization import component_program
from ledger.api.deps import HistoryReaderDep, ReplayDep, require_scope
from ledger.api.problems import PROBLEM_RESPONSES
from ledger.api.routes.decisions import utc
from ledger.api.schemas.history import AsOfOut, HistoryEntryOut
from ledger.application.commands.times import IsoDatetime
from ledger.domain.errors import InvalidInput
from ledger.projections.pages import MAX_POSITION
from ledger.services import ServicesDep

router = APIRouter(tags=["history"], responses=PROBLEM_RESPONSES)


@router.get("/programs/{program_id}/as-of", response_model=AsOfOut)
def get_program_as_of(
    program_id: UUID, principal: HistoryReaderDep, services: ServicesDep, ledger: ReplayDep,
    at: Annotated[IsoDatetime | None, Query(description=(
        "Recorded time: what was known then. Give `at` or `position`, not both (422)."))]
    = None,
    position: Annotated[int | None, Query(ge=0, le=MAX_POSITION, description=(
        "Log position, up to the head (past it: 422 naming the head). Give `at` or "
        "`position`, not both (422)."))] = None,
    effective: Annotated[IsoDatetime | None, Query(
        description="Business date: the program as it stood then, within what was known.")]
    = None,
) -> AsOfOut:
    """The whole program replayed from events (not read models) as known at T or N."""
    require_scope(principal, program_id)
    if at is not None and position is not None:
        raise InvalidInput("position", "give either at or position, not both")
    if position is not None and position > (head := services.ledger.head_position()):
        raise InvalidInput("position", f"is past the log's head (position {head})")
    snapshot = ledger.program_as_of(program_id, position=position, at=utc(at),
                                             effective=utc(effective))
    return AsOfOut.of(snapshot)


@router.get("/aggregates/{aggregate_id}/history", response_model=list[HistoryEntryOut])
def get_aggregate_history(aggregate_id: UUID, principal: HistoryReaderDep,
                          ledger: ReplayDep) -> list[HistoryEntryOut]:
    """Every event of one aggregate: who, when (both times), why, and fields before → after."""
    component_program(principal, ledger.program_of, aggregate_id)
    return [HistoryEntryOut.of(entry) for entry in ledger.history(aggregate_id)]

