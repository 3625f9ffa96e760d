"""Read model of program headers: code, name, status, sponsor, manager and objectives."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import Column, String, Table, Text, select
from sqlalchemy.engine import Connection

from ledger.db import ID, POSITION, Document, UTCDateTime, metadata
from ledger.domain.program import Program
from ledger.projections.registry import ReadModel
from ledger.projections.view import View

programs = Table(
    "rm_programs", metadata,
    Column("program_id", ID, primary_key=True),
    Column("code", String(64), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("sponsor", Text, nullable=False),
    Column("manager", Text, nullable=False),
    Column("objectives", Document, nullable=False),
    Column("defined_at", UTCDateTime, nullable=False),
    Column("version", POSITION, nullable=False),
    Column("last_position", POSITION, nullable=False),
)

model = ReadModel("programs", {"programs": programs}, root="programs")


@model.on(Program.ProgramDefined)
def _defined(event: Program.ProgramDefined, position: int, view: View) -> None:
    view.add("programs", {
        "program_id": str(event.originator_id), "code": event.code, "name": event.name,
        "status": "proposed", "sponsor": event.sponsor, "manager": event.manager,
        "objectives": list(event.objectives), "defined_at": event.effective_at,
        "version": event.originator_version, "last_position": position,
    })


@model.on(Program.ProgramObjectiveAdded)
def _objective(event: Program.ProgramObjectiveAdded, position: int, view: View) -> None:
    row = model.touch(event, position, view)
    row["objectives"] = [*row["objectives"], event.objective]


@model.on(Program.ProgramStatusChanged)
def _status(event: Program.ProgramStatusChanged, position: int, view: View) -> None:
    model.touch(event, position, view)["status"] = event.to_status


@model.on(Program.ProgramComponentRegistered)
def _component(event: Program.ProgramComponentRegistered, position: int, view: View) -> None:
    model.touch(event, position, view)


def program_id_by_code(connection: Connection, code: str) -> UUID | None:
    """The id of the program with this code (codes are unique), if there is one."""
    found = connection.execute(
        select(programs.c.program_id).where(programs.c.code == code)).scalar()
    return UUID(str(found)) if found is not None else None
