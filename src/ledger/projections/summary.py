"""The program summary: the header plus rollups across every component read model."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from ledger.domain.errors import NotFound
from ledger.domain.lifecycle import PROJECT_LIFECYCLE
from ledger.projections.benefits import program_realizations
from ledger.projections.dependencies import count_at_risk, today
from ledger.projections.failures import raise_if_stale
from ledger.projections.pages import DEFAULT_LIMIT, Page, keyset_page
from ledger.projections.programs import programs
from ledger.projections.projects import projects
from ledger.projections.resources import program_over_allocated_months
from ledger.projections.risks import risks

HIGH_EXPOSURE = 15  # likelihood × impact at or above this is a "high" risk on a 5×5 grid
SEVERITY = {"green": 0, "amber": 1, "red": 2}


class Rollups(BaseModel):
    projects_total: int
    projects_by_lifecycle: dict[str, int]
    worst_health: str | None = Field(
        description="The worst overall RAG in the latest reports of the projects that are "
        "not completed or cancelled.")
    benefit_realization: float | None = Field(
        description="Mean realization, (latest - baseline) / (target - baseline), of the "
        "benefits that have a profile and a measurement; 1.0 means on target.")
    open_high_risks: int = Field(description=f"Risks not closed with exposure >= {HIGH_EXPOSURE}.")
    dependencies_at_risk: int = Field(
        description="Dependencies marked at_risk or broken, whose provider reports red, or "
        "still open after their needed-by date.")
    over_allocated_months: int = Field(description="Resource-months allocated over capacity.")


class ProgramSummary(BaseModel):
    id: UUID
    code: str
    name: str
    status: str
    sponsor: str
    manager: str
    objectives: list[str]
    defined_at: datetime
    version: int
    position: int
    rollups: Rollups


def _rollups(connection: Connection, program_id: str) -> Rollups:
    lifecycles = Counter(connection.execute(
        select(projects.c.lifecycle).where(projects.c.program_id == program_id)).scalars())
    reports = connection.execute(select(projects.c.lifecycle, projects.c.latest_report).where(
        projects.c.program_id == program_id))
    # A completed or cancelled project's last report no longer says anything about health.
    ratings = [report["overall"] for lifecycle, report in reports
               if report and not PROJECT_LIFECYCLE.is_final(lifecycle)]
    realized = program_realizations(connection, UUID(program_id))
    high = connection.execute(select(func.count()).where(
        risks.c.program_id == program_id, risks.c.status != "closed",
        risks.c.exposure >= HIGH_EXPOSURE)).scalar_one()
    troubled = count_at_risk(connection, UUID(program_id), today())
    over = program_over_allocated_months(connection, UUID(program_id))
    return Rollups(
        projects_total=sum(lifecycles.values()), projects_by_lifecycle=dict(lifecycles),
        worst_health=max(ratings, key=SEVERITY.__getitem__) if ratings else None,
        benefit_realization=sum(realized) / len(realized) if realized else None,
        open_high_risks=high, dependencies_at_risk=troubled, over_allocated_months=over)


def _summary(connection: Connection, row: Any) -> ProgramSummary:
    return ProgramSummary(
        id=row.program_id, code=row.code, name=row.name, status=row.status,
        sponsor=row.sponsor, manager=row.manager, objectives=row.objectives,
        defined_at=row.defined_at, version=row.version, position=row.last_position,
        rollups=_rollups(connection, row.program_id))


def get_program(connection: Connection, program_id: UUID) -> ProgramSummary:
    raise_if_stale(connection, "program", program_id, program=True)
    row = connection.execute(
        select(programs).where(programs.c.program_id == str(program_id))).first()
    if row is None:
        raise NotFound(f"no program with id {program_id}")
    return _summary(connection, row)


def list_programs(connection: Connection, visible: set[UUID] | None = None,
                  limit: int = DEFAULT_LIMIT,
                  cursor: str | None = None) -> Page[ProgramSummary]:
    """Program summaries; ``visible`` limits them to a token's program scope."""
    query = select(programs)
    if visible is not None:
        query = query.where(programs.c.program_id.in_([str(v) for v in visible]))
    return keyset_page(connection, query, programs.c.program_id, limit, cursor,
                       lambda row: _summary(connection, row))

