"""Read model of dependencies between projects, and their status."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy import Column, Select, String, Table, Text, and_, func, select
from sqlalchemy.engine import Connection

from ledger.db import ID, POSITION, UTCDateTime, metadata
from ledger.domain.dependency import Dependency
from ledger.domain.errors import NotFound
from ledger.projections.failures import raise_if_stale
from ledger.projections.pages import DEFAULT_LIMIT, Page, keyset_page
from ledger.projections.projects import projects
from ledger.projections.registry import ReadModel
from ledger.projections.view import View

dependencies = Table(
    "rm_dependencies", metadata,
    Column("dependency_id", ID, primary_key=True),
    Column("program_id", ID, nullable=False, index=True),
    Column("provider_project_id", ID, nullable=False),
    Column("provider_deliverable", Text, nullable=True),
    Column("consumer_project_id", ID, nullable=False),
    Column("needed_by", String(10), nullable=False),
    Column("description", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("status_reason", Text, nullable=True),
    Column("declared_at", UTCDateTime, nullable=False),
    Column("status_changed_at", UTCDateTime, nullable=False),
    Column("version", POSITION, nullable=False),
    Column("last_position", POSITION, nullable=False),
)

model = ReadModel("dependencies", {"dependencies": dependencies},
                  root="dependencies")


@model.on(Dependency.DependencyDeclared)
def _declared(event: Dependency.DependencyDeclared, position: int, view: View) -> None:
    view.add("dependencies", {
        "dependency_id": str(event.originator_id), "program_id": str(event.program_id),
        "provider_project_id": str(event.provider_project_id),
        "provider_deliverable": event.provider_deliverable,
        "consumer_project_id": str(event.consumer_project_id),
        "needed_by": event.needed_by.isoformat(), "description": event.description,
        "status": "open", "status_reason": None, "declared_at": event.effective_at,
        "status_changed_at": event.effective_at, "version": event.originator_version,
        "last_position": position,
    })


@model.on(Dependency.DependencyStatusChanged)
def _status(event: Dependency.DependencyStatusChanged, position: int, view: View) -> None:
    model.touch(event, position, view).update(
        status=event.to_status, status_reason=event.reason, status_changed_at=event.effective_at)


class DependencyView(BaseModel):
    id: UUID
    program_id: UUID
    provider_project_id: UUID
    provider_deliverable: str | None
    consumer_project_id: UUID
    needed_by: date
    description: str
    status: str
    status_reason: str | None
    declared_at: datetime
    status_changed_at: datetime
    provider_red: bool
    needed_by_passed: bool
    version: int
    position: int


# Statuses in which a dependency is still owed: its needed-by date can pass.
OPEN_STATUSES = ("open", "committed", "at_risk", "broken")


def today() -> date:
    """The UTC date that callers ask "overdue" against (the queries take it as an argument)."""
    return datetime.now(UTC).date()


def _with_flags(today: date) -> Select[Any]:
    """Dependencies with their derived flags: the provider reports red, or the date passed
    while the dependency is still open. ``today`` is an argument: queries never read clocks
    inside SQL, so tests pin it."""
    provider = projects.alias("provider")
    red = func.coalesce(provider.c.latest_report["overall"].as_string() == "red", False)
    return select(
        dependencies,
        red.label("provider_red"),
        and_(dependencies.c.needed_by < today.isoformat(),
             dependencies.c.status.in_(OPEN_STATUSES)).label("needed_by_passed"),
    ).join(provider, provider.c.project_id == dependencies.c.provider_project_id, isouter=True)


def _dependency(row: Any) -> DependencyView:
    return DependencyView(
        id=row.dependency_id, program_id=row.program_id,
        provider_project_id=row.provider_project_id,
        provider_deliverable=row.provider_deliverable,
        consumer_project_id=row.consumer_project_id, needed_by=row.needed_by,
        description=row.description, status=row.status, status_reason=row.status_reason,
        declared_at=row.declared_at, status_changed_at=row.status_changed_at,
        provider_red=bool(row.provider_red), needed_by_passed=bool(row.needed_by_passed),
        version=row.version, position=row.last_position)


TROUBLED_STATUSES = ("at_risk", "broken")


def is_at_risk(status: str, provider_red: bool, needed_by_passed: bool) -> bool:
    """The one rule for "at risk", which the rollup, the tiles and the tables all ask: marked
    at_risk or broken, or its provider reports red, or still open after its needed-by date."""
    return status in TROUBLED_STATUSES or provider_red or needed_by_passed


def at_risk(dependency: DependencyView) -> bool:
    return is_at_risk(dependency.status, dependency.provider_red, dependency.needed_by_passed)


def count_at_risk(connection: Connection, program_id: UUID, today: date) -> int:
    """How many of the program's dependencies are ``at_risk``."""
    rows = connection.execute(_with_flags(today).where(
        dependencies.c.program_id == str(program_id)))
    return sum(1 for row in rows if at_risk(_dependency(row)))


def get_dependency(connection: Connection, dependency_id: UUID, today: date) -> DependencyView:
    raise_if_stale(connection, "dependency", dependency_id)
    row = connection.execute(_with_flags(today).where(
        dependencies.c.dependency_id == str(dependency_id))).first()
    if row is None:
        raise NotFound(f"no dependency with id {dependency_id}")
    return _dependency(row)


def list_dependencies(connection: Connection, program_id: UUID, today: date,
                      limit: int = DEFAULT_LIMIT,
                      cursor: str | None = None) -> Page[DependencyView]:
    query = _with_flags(today).where(dependencies.c.program_id == str(program_id))
    return keyset_page(connection, query, dependencies.c.dependency_id, limit, cursor,
                       _dependency)
