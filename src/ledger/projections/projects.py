"""Read model of projects: lifecycle, latest status report, scope and status history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field
from sqlalchemy import Column, Index, String, Table, Text, select
from sqlalchemy.engine import Connection

from ledger.db import ID, POSITION, Document, UTCDateTime, metadata
from ledger.domain.errors import NotFound
from ledger.domain.project import RAG_DIMENSIONS, Project
from ledger.projections.encoding import plain
from ledger.projections.failures import raise_if_stale
from ledger.projections.pages import DEFAULT_LIMIT, Page, keyset_page
from ledger.projections.registry import ReadModel
from ledger.projections.view import View

projects = Table(
    "rm_projects", metadata,
    Column("project_id", ID, primary_key=True),
    Column("program_id", ID, nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("manager", Text, nullable=False),
    Column("lifecycle", String(16), nullable=False),
    Column("planned_start", String(10), nullable=False),
    Column("planned_finish", String(10), nullable=False),
    Column("deliverables", Document, nullable=False),
    Column("latest_report", Document, nullable=True),
    Column("authorized_at", UTCDateTime, nullable=False),
    Column("version", POSITION, nullable=False),
    Column("last_position", POSITION, nullable=False),
)

status_history = Table(
    "rm_project_status_history", metadata,
    Column("position", POSITION, primary_key=True, autoincrement=False),
    Column("project_id", ID, nullable=False),
    Column("program_id", ID, nullable=False),
    Column("effective_at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("actor", Text, nullable=False),
    *(Column(d, String(8), nullable=False) for d in RAG_DIMENSIONS),
    Column("narrative", Text, nullable=False),
    Column("reason", Text, nullable=True),
    Index("ix_rm_project_status_history_project", "project_id", "effective_at"),
)

model = ReadModel("projects", {"projects": projects, "status_history": status_history},
                  root="projects")


@model.on(Project.ProjectAuthorized)
def _authorized(event: Project.ProjectAuthorized, position: int, view: View) -> None:
    view.add("projects", {
        "project_id": str(event.originator_id), "program_id": str(event.program_id),
        "name": event.name, "manager": event.manager, "lifecycle": "planned",
        "planned_start": event.planned_start.isoformat(),
        "planned_finish": event.planned_finish.isoformat(),
        "deliverables": {d["key"]: plain(d) for d in event.deliverables},
        "latest_report": None, "authorized_at": event.effective_at,
        "version": event.originator_version, "last_position": position,
    })


@model.on(Project.ProjectLifecycleChanged)
def _lifecycle(event: Project.ProjectLifecycleChanged, position: int, view: View) -> None:
    model.touch(event, position, view)["lifecycle"] = event.to_status


@model.on(Project.ProjectStatusReported)
def _reported(event: Project.ProjectStatusReported, position: int, view: View) -> None:
    row = model.touch(event, position, view)
    report: dict[str, object] = {
        **event.ratings, "narrative": event.narrative, "reason": event.reason,
        "effective_at": event.effective_at.isoformat(),
        "recorded_at": event.timestamp.isoformat(), "actor": event.actor, "position": position}
    latest = row["latest_report"]
    # The latest report is the one latest in business time, whatever order it arrived in;
    # of two with the same effective time, the later recording.
    if not isinstance(latest, dict) or (
            datetime.fromisoformat(latest["effective_at"]) <= event.effective_at):
        row["latest_report"] = report
    view.add("status_history", {
        "position": position, "project_id": str(event.originator_id),
        "program_id": row["program_id"], "effective_at": event.effective_at,
        "recorded_at": event.timestamp, "actor": event.actor, **event.ratings,
        "narrative": event.narrative, "reason": event.reason,
    })


@model.on(Project.ScopeChanged)
def _scope(event: Project.ScopeChanged, position: int, view: View) -> None:
    row = model.touch(event, position, view)
    deliverables = dict(row["deliverables"])
    for item in event.added:
        deliverables[item["key"]] = plain(item)
    for key, status in [*((k, "removed") for k in event.removed),
                        *((k, "deferred") for k in event.deferred)]:
        deliverables[key] = {**deliverables[key], "status": status}
    row["deliverables"] = deliverables


@model.on(Project.DeliverableDelivered)
def _delivered(event: Project.DeliverableDelivered, position: int, view: View) -> None:
    row = model.touch(event, position, view)
    deliverables = dict(row["deliverables"])
    deliverables[event.key] = {**deliverables[event.key], "status": "delivered",
                               "delivered_at": event.effective_at.isoformat()}
    row["deliverables"] = deliverables


class Deliverable(BaseModel):
    key: str
    name: str
    due: date
    status: str = Field(description="planned, delivered, deferred or removed.")
    delivered_at: datetime | None = None


class StatusReport(BaseModel):
    overall: str
    schedule: str
    cost: str
    scope: str
    resources: str
    narrative: str
    reason: str | None
    effective_at: datetime
    recorded_at: datetime
    actor: str
    position: int


class ProjectView(BaseModel):
    id: UUID
    program_id: UUID
    name: str
    manager: str
    lifecycle: str
    planned_start: date
    planned_finish: date
    deliverables: list[Deliverable] = Field(description="In the order they were added.")
    latest_report: StatusReport | None = Field(
        description="The report latest in business time (effective_at).")
    status_history: list[StatusReport] = Field(
        default=[], description="Every report in business-time order (in detail only).")
    authorized_at: datetime
    version: int
    position: int


def _project(row: Any, history: list[StatusReport]) -> ProjectView:
    return ProjectView(
        id=row.project_id, program_id=row.program_id, name=row.name, manager=row.manager,
        lifecycle=row.lifecycle, planned_start=row.planned_start,
        planned_finish=row.planned_finish, deliverables=list(row.deliverables.values()),
        latest_report=row.latest_report, status_history=history,
        authorized_at=row.authorized_at, version=row.version, position=row.last_position)


def get_project(connection: Connection, project_id: UUID) -> ProjectView:
    raise_if_stale(connection, "project", project_id)
    row = connection.execute(
        select(projects).where(projects.c.project_id == str(project_id))).first()
    if row is None:
        raise NotFound(f"no project with id {project_id}")
    history = [StatusReport(**dict(r._mapping)) for r in connection.execute(
        select(status_history).where(status_history.c.project_id == str(project_id))
        .order_by(status_history.c.effective_at, status_history.c.position))]
    return _project(row, history)


def list_projects(connection: Connection, program_id: UUID, limit: int = DEFAULT_LIMIT,
                  cursor: str | None = None) -> Page[ProjectView]:
    query = select(projects).where(projects.c.program_id == str(program_id))
    return keyset_page(connection, query, projects.c.project_id, limit, cursor,
                       lambda row: _project(row, []))


def recent_reports(connection: Connection, program_id: UUID, per_project: int,
                   known_at: int | None = None,
                   effective_by: datetime | None = None) -> dict[UUID, list[StatusReport]]:
    """Each project's last ``per_project`` status reports, oldest first (business time);
    only those recorded by position ``known_at`` and effective by ``effective_by``, if given.
    """
    query = select(status_history).where(status_history.c.program_id == str(program_id))
    if known_at is not None:
        query = query.where(status_history.c.position <= known_at)
    if effective_by is not None:
        query = query.where(status_history.c.effective_at <= effective_by)
    rows = connection.execute(
        query.order_by(status_history.c.effective_at, status_history.c.position))
    recent: dict[UUID, list[StatusReport]] = {}
    for row in rows:
        reports = recent.setdefault(UUID(str(row.project_id)), [])
        reports.append(StatusReport(**dict(row._mapping)))
        del reports[:-per_project]
    return recent
