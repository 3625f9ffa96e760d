"""The names people know a program's entities by, for pages that would otherwise show ids."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ledger.projections.benefits import benefits
from ledger.projections.decisions import decisions
from ledger.projections.dependencies import dependencies
from ledger.projections.programs import programs
from ledger.projections.projects import projects
from ledger.projections.resources import resources
from ledger.projections.risks import risks

NAMED = (
    (programs.c.program_id, programs.c.code, programs.c.program_id),
    (projects.c.project_id, projects.c.name, projects.c.program_id),
    (benefits.c.benefit_id, benefits.c.name, benefits.c.program_id),
    (risks.c.risk_id, risks.c.title, risks.c.program_id),
    (decisions.c.decision_id, decisions.c.title, decisions.c.program_id),
    (resources.c.resource_id, resources.c.name, resources.c.program_id),
    (dependencies.c.dependency_id, dependencies.c.description, dependencies.c.program_id),
)


def entity_names(connection: Connection, program_ids: set[UUID]) -> dict[str, str]:
    """Each entity of these programs by its id's 32 hex digits: a code, name or title."""
    wanted = [str(p) for p in program_ids]
    found: dict[str, str] = {}
    for id_column, name_column, program_column in NAMED:
        for entity_id, name in connection.execute(
                select(id_column, name_column).where(program_column.in_(wanted))):
            found[UUID(str(entity_id)).hex] = name
    return found
