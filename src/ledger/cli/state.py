"""`ledger state`: a program as the ledger knew it at a time or position, replayed from events."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from ledger.application import ProgramAsOf
from ledger.cli.errors import fail
from ledger.cli.session import open_cli_ledger
from ledger.domain.errors import NotFound
from ledger.domain.program import program_id_for_code

console = Console()


def state(
    program: Annotated[str, typer.Option("--program", help="Program code, e.g. ERP-TRANSFORM.")],
    as_of: Annotated[datetime | None, typer.Option(
        "--as-of", help="Recorded time: what the ledger knew then (ISO 8601, UTC).")] = None,
    position: Annotated[int | None, typer.Option(
        "--position", min=0, help="Log position: what the ledger knew after it.")] = None,
    effective: Annotated[datetime | None, typer.Option(
        "--effective", help="Business date: the program as it stood then.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Show a program replayed from events as of a recorded time or a position."""
    if as_of is not None and position is not None:
        fail("give either --as-of or --position, not both", code=2)
    code = program.upper()
    with open_cli_ledger() as ledger:
        if not ledger.exists(program_id_for_code(program)):
            fail(f"no program with code {code}; `ledger demo` loads ERP-TRANSFORM")
        head = ledger.head_position()
        if position is not None and position > head:
            fail(f"--position {position} is past the head of the log ({head}); "
                 f"give a position from 0 to {head}", code=2)
        try:
            snapshot = ledger.program_as_of(
                program_id_for_code(program), position=position, at=_utc(as_of),
                effective=_utc(effective),
            )
        except NotFound:
            when = f"position {position}" if position is not None else f"{_utc(as_of)}"
            fail(f"{code} was not yet recorded at {when}: --as-of and --position ask what the "
                 "ledger knew then (recorded time); for the program as it stood on a business "
                 "date, use --effective")
    if as_json:
        typer.echo(json.dumps(describe(snapshot), indent=2, default=str))
    else:
        _print(snapshot)


def _utc(moment: datetime | None) -> datetime | None:
    from datetime import UTC

    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def describe(snapshot: ProgramAsOf) -> dict[str, Any]:
    """The replayed program as plain data: header plus one line per component."""
    program = snapshot.program
    return {
        "position": snapshot.position,
        "effective": snapshot.effective,
        "program": {"id": str(program.id), "code": program.code, "name": program.name,
                    "status": program.status, "version": program.version},
        "components": {
            kind: [{"id": str(c.id), "name": _name(c), "state": _state(c),
                    "version": c.version} for c in components]
            for kind, components in sorted(snapshot.components.items())
        },
    }


def _name(component: Any) -> str:
    for attribute in ("name", "title", "description"):
        if getattr(component, attribute, None):
            return str(getattr(component, attribute))
    return ""


def _state(component: Any) -> str:
    for attribute in ("lifecycle", "status"):
        if hasattr(component, attribute):
            return str(getattr(component, attribute))
    if hasattr(component, "allocations"):
        return f"{len(component.allocations)} allocations"
    if hasattr(component, "chosen_option"):
        superseded = " (superseded)" if component.superseded_by else ""
        return f"chose {component.chosen_option}{superseded}"
    return ""


def _print(snapshot: ProgramAsOf) -> None:
    data = describe(snapshot)
    header = data["program"]
    on_date = (f", as it stood on {snapshot.effective:%Y-%m-%d %H:%M} UTC"
               if snapshot.effective else "")
    console.print(f"[bold]{header['code']}[/bold] {header['name']} — {header['status']} "
                  f"(as known at position {snapshot.position}{on_date})")
    table = Table("kind", "name", "state", "version")
    for kind, components in data["components"].items():
        for component in components:
            table.add_row(kind, component["name"], component["state"],
                          str(component["version"]))
    console.print(table)
