"""Read model of the decision log: options, choice, trade-offs, what is affected,
supersession both ways, and outcome reviews."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy import Column, String, Table, Text, func, or_, select
from sqlalchemy.engine import Connection

from ledger.db import ID, POSITION, Document, UTCDateTime, metadata
from ledger.domain.decision import Decision
from ledger.domain.errors import NotFound
from ledger.projections.encoding import plain
from ledger.projections.failures import raise_if_stale
from ledger.projections.pages import DEFAULT_LIMIT, Page, keyset_page
from ledger.projections.registry import ReadModel
from ledger.projections.view import View

decisions = Table(
    "rm_decisions", metadata,
    Column("decision_id", ID, primary_key=True),
    Column("program_id", ID, nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("question", Text, nullable=False),
    Column("forum", Text, nullable=False),
    Column("authority", Text, nullable=False),
    Column("options", Document, nullable=False),
    Column("chosen_option", String(64), nullable=False),
    Column("rationale", Text, nullable=False),
    Column("tradeoffs", Text, nullable=False),
    Column("evidence", Document, nullable=False),
    Column("affects", Document, nullable=False),
    Column("taken_at", UTCDateTime, nullable=False, index=True),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("recorded_position", POSITION, nullable=False),
    Column("review_by", String(10), nullable=True),
    Column("superseded_by", ID, nullable=True),
    Column("superseded_reason", Text, nullable=True),
    Column("supersedes", Document, nullable=False),
    Column("actor", Text, nullable=False),
    Column("version", POSITION, nullable=False),
    Column("last_position", POSITION, nullable=False),
)

affected = Table(
    "rm_decision_affects", metadata,
    Column("decision_id", ID, primary_key=True),
    Column("entity_id", ID, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("program_id", ID, nullable=False),
)

reviews = Table(
    "rm_decision_reviews", metadata,
    Column("position", POSITION, primary_key=True, autoincrement=False),
    Column("decision_id", ID, nullable=False, index=True),
    Column("verdict", String(16), nullable=False),
    Column("summary", Text, nullable=False),
    Column("evidence", Document, nullable=False),
    Column("reviewed_at", UTCDateTime, nullable=False),
    Column("actor", Text, nullable=False),
)

model = ReadModel("decisions", {"decisions": decisions, "affected": affected,
                                "reviews": reviews}, root="decisions")


@model.on(Decision.DecisionRecorded)
def _recorded(event: Decision.DecisionRecorded, position: int, view: View) -> None:
    decision_id, program_id = str(event.originator_id), str(event.program_id)
    view.add("decisions", {
        "decision_id": decision_id, "program_id": program_id, "title": event.title,
        "question": event.question, "forum": event.forum, "authority": event.authority,
        "options": plain(event.options), "chosen_option": event.chosen_option,
        "rationale": event.rationale, "tradeoffs": event.tradeoffs,
        "evidence": list(event.evidence), "affects": plain(event.affects),
        "taken_at": event.effective_at, "recorded_at": event.timestamp,
        "recorded_position": position,
        "review_by": event.review_by.isoformat() if event.review_by else None,
        "superseded_by": None, "superseded_reason": None, "supersedes": [],
        "actor": event.actor, "version": event.originator_version, "last_position": position,
    })
    for kind, ids in event.affects.items():
        for entity_id in ids:
            view.add("affected", {"decision_id": decision_id, "entity_id": str(entity_id),
                                  "kind": kind, "program_id": program_id})


@model.on(Decision.DecisionSuperseded)
def _superseded(event: Decision.DecisionSuperseded, position: int, view: View) -> None:
    model.touch(event, position, view).update(superseded_by=str(event.by_decision_id),
                                              superseded_reason=event.reason)
    later = view.changed("decisions", str(event.by_decision_id))
    later["supersedes"] = [*later["supersedes"], str(event.originator_id)]


@model.on(Decision.DecisionOutcomeReviewed)
def _reviewed(event: Decision.DecisionOutcomeReviewed, position: int, view: View) -> None:
    model.touch(event, position, view)
    view.add("reviews", {
        "position": position, "decision_id": str(event.originator_id),
        "verdict": event.verdict, "summary": event.summary, "evidence": list(event.evidence),
        "reviewed_at": event.effective_at, "actor": event.actor,
    })


class OutcomeReview(BaseModel):
    position: int
    verdict: str
    summary: str
    evidence: list[str]
    reviewed_at: datetime
    actor: str


class DecisionView(BaseModel):
    id: UUID
    program_id: UUID
    title: str
    question: str
    forum: str
    authority: str
    options: list[dict[str, Any]]
    chosen_option: str
    rationale: str
    tradeoffs: str
    evidence: list[str]
    affects: dict[str, list[UUID]]
    taken_at: datetime
    recorded_at: datetime
    recorded_position: int
    review_by: date | None
    superseded_by: UUID | None
    superseded_reason: str | None
    supersedes: list[UUID]
    outcome_reviews: list[OutcomeReview] = []
    actor: str
    version: int
    position: int


def _decision(connection: Connection, row: Any) -> DecisionView:
    values = {k: v for k, v in row._mapping.items()
              if k not in {"decision_id", "last_position"}}
    outcome = [OutcomeReview(**{k: v for k, v in r._mapping.items() if k != "decision_id"})
               for r in connection.execute(select(reviews).where(
                   reviews.c.decision_id == row.decision_id).order_by(reviews.c.position))]
    return DecisionView(id=row.decision_id, position=row.last_position,
                        outcome_reviews=outcome, **values)


def get_decision(connection: Connection, decision_id: UUID) -> DecisionView:
    raise_if_stale(connection, "decision", decision_id)
    row = connection.execute(
        select(decisions).where(decisions.c.decision_id == str(decision_id))).first()
    if row is None:
        raise NotFound(f"no decision with id {decision_id}")
    return _decision(connection, row)


def list_decisions(
    connection: Connection, program_id: UUID, *, affects: UUID | None = None,
    taken_from: datetime | None = None, taken_to: datetime | None = None,
    text: str | None = None, limit: int = DEFAULT_LIMIT, cursor: str | None = None,
) -> Page[DecisionView]:
    """The decision log, filtered by an affected entity, a period and words."""
    query = select(decisions).where(decisions.c.program_id == str(program_id))
    if affects is not None:
        query = query.where(decisions.c.decision_id.in_(
            select(affected.c.decision_id).where(affected.c.entity_id == str(affects))))
    if taken_from is not None:
        query = query.where(decisions.c.taken_at >= taken_from)
    if taken_to is not None:
        query = query.where(decisions.c.taken_at <= taken_to)
    if text:
        pattern = f"%{text.lower()}%"
        query = query.where(or_(*(func.lower(c).like(pattern) for c in (
            decisions.c.title, decisions.c.question, decisions.c.rationale,
            decisions.c.tradeoffs))))
    return keyset_page(connection, query, decisions.c.decision_id, limit, cursor,
                       lambda row: _decision(connection, row))
