"""Read model of risks: current exposure, response, status and every assessment."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy import Column, Integer, String, Table, Text, func, select
from sqlalchemy.engine import Connection

from ledger.db import ID, POSITION, Document, UTCDateTime, metadata
from ledger.domain.errors import NotFound
from ledger.domain.risk import Risk
from ledger.projections.encoding import plain
from ledger.projections.failures import raise_if_stale
from ledger.projections.pages import DEFAULT_LIMIT, Page, keyset_page
from ledger.projections.registry import ReadModel
from ledger.projections.view import View

risks = Table(
    "rm_risks", metadata,
    Column("risk_id", ID, primary_key=True),
    Column("program_id", ID, nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("category", String(64), nullable=False),
    Column("likelihood", Integer, nullable=False),
    Column("impact", Integer, nullable=False),
    Column("exposure", Integer, nullable=False),
    Column("owner", Text, nullable=False),
    Column("affected_project_ids", Document, nullable=False),
    Column("proximity", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("response", Document, nullable=True),
    Column("issue", Document, nullable=True),
    Column("closed_reason", Text, nullable=True),
    Column("raised_at", UTCDateTime, nullable=False),
    Column("version", POSITION, nullable=False),
    Column("last_position", POSITION, nullable=False),
)

assessments = Table(
    "rm_risk_assessments", metadata,
    Column("position", POSITION, primary_key=True, autoincrement=False),
    Column("risk_id", ID, nullable=False, index=True),
    Column("likelihood", Integer, nullable=False),
    Column("impact", Integer, nullable=False),
    Column("exposure", Integer, nullable=False),
    Column("rationale", Text, nullable=False),
    Column("effective_at", UTCDateTime, nullable=False),
    Column("actor", Text, nullable=False),
)

model = ReadModel("risks", {"risks": risks, "assessments": assessments}, root="risks")


def _assessment(event: Risk.Event, position: int, likelihood: int, impact: int,
                rationale: str) -> dict[str, object]:
    return {"position": position, "risk_id": str(event.originator_id),
            "likelihood": likelihood, "impact": impact, "exposure": likelihood * impact,
            "rationale": rationale, "effective_at": event.effective_at, "actor": event.actor}


@model.on(Risk.RiskRaised)
def _raised(event: Risk.RiskRaised, position: int, view: View) -> None:
    view.add("risks", {
        "risk_id": str(event.originator_id), "program_id": str(event.program_id),
        "title": event.title, "description": event.description, "category": event.category,
        "likelihood": event.likelihood, "impact": event.impact,
        "exposure": event.likelihood * event.impact, "owner": event.owner,
        "affected_project_ids": plain(event.affected_project_ids),
        "proximity": event.proximity, "status": "open", "response": None, "issue": None,
        "closed_reason": None, "raised_at": event.effective_at,
        "version": event.originator_version, "last_position": position,
    })
    view.add("assessments", _assessment(event, position, event.likelihood, event.impact,
                                        "initial assessment"))


@model.on(Risk.RiskAssessed)
def _assessed(event: Risk.RiskAssessed, position: int, view: View) -> None:
    model.touch(event, position, view).update(
        likelihood=event.likelihood, impact=event.impact,
        exposure=event.likelihood * event.impact)
    view.add("assessments", _assessment(event, position, event.likelihood, event.impact,
                                        event.rationale))


@model.on(Risk.RiskResponsePlanned)
def _response(event: Risk.RiskResponsePlanned, position: int, view: View) -> None:
    model.touch(event, position, view)["response"] = {"strategy": event.strategy,
                                                       "actions": list(event.actions)}


@model.on(Risk.RiskMaterialized)
def _materialized(event: Risk.RiskMaterialized, position: int, view: View) -> None:
    model.touch(event, position, view).update(status="materialized", issue={
        "description": event.description, "impact": event.impact_description,
        "at": event.effective_at.isoformat()})


@model.on(Risk.RiskClosed)
def _closed(event: Risk.RiskClosed, position: int, view: View) -> None:
    model.touch(event, position, view).update(status="closed", closed_reason=event.reason)


class AssessmentView(BaseModel):
    position: int
    likelihood: int
    impact: int
    exposure: int
    rationale: str
    effective_at: datetime
    actor: str


class RiskView(BaseModel):
    id: UUID
    program_id: UUID
    title: str
    description: str
    category: str
    likelihood: int
    impact: int
    exposure: int
    owner: str
    affected_project_ids: list[UUID]
    proximity: str
    status: str
    response: dict[str, Any] | None
    issue: dict[str, Any] | None
    closed_reason: str | None
    assessments: list[AssessmentView] = []
    raised_at: datetime
    version: int
    position: int


class HeatCell(BaseModel):
    likelihood: int
    impact: int
    count: int


def _risk(row: Any, history: list[AssessmentView]) -> RiskView:
    values = {k: v for k, v in row._mapping.items()
              if k not in {"risk_id", "last_position"}}
    return RiskView(id=row.risk_id, position=row.last_position, assessments=history, **values)


def get_risk(connection: Connection, risk_id: UUID) -> RiskView:
    raise_if_stale(connection, "risk", risk_id)
    row = connection.execute(select(risks).where(risks.c.risk_id == str(risk_id))).first()
    if row is None:
        raise NotFound(f"no risk with id {risk_id}")
    history = [AssessmentView(**{k: v for k, v in r._mapping.items() if k != "risk_id"})
               for r in connection.execute(select(assessments).where(
                   assessments.c.risk_id == str(risk_id)).order_by(assessments.c.position))]
    return _risk(row, history)


def list_risks(connection: Connection, program_id: UUID, limit: int = DEFAULT_LIMIT,
               cursor: str | None = None) -> Page[RiskView]:
    query = select(risks).where(risks.c.program_id == str(program_id))
    return keyset_page(connection, query, risks.c.risk_id, limit, cursor,
                       lambda row: _risk(row, []))


def heat_map(connection: Connection, program_id: UUID) -> list[HeatCell]:
    """Counts of the program's risks that are not closed, per likelihood and impact."""
    rows = connection.execute(
        select(risks.c.likelihood, risks.c.impact, func.count().label("count"))
        .where(risks.c.program_id == str(program_id), risks.c.status != "closed")
        .group_by(risks.c.likelihood, risks.c.impact)
        .order_by(risks.c.likelihood, risks.c.impact))
    return [HeatCell(likelihood=r.likelihood, impact=r.impact, count=r.count) for r in rows]
