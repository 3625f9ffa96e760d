"""`ledger what-if --program CODE --file scenarios.json`: scenarios of ordinary commands run
through the real rules against the program; each command's fate and the figures that move,
as tables (or JSON). Nothing is written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from ledger.api.schemas.whatif import ScenarioOut, WhatIfIn, WhatIfOut
from ledger.cli.errors import fail
from ledger.cli.session import editor_of, open_cli_ledger
from ledger.domain.base import Provenance
from ledger.settings import Settings

console = Console()


def what_if(
    program: Annotated[str, typer.Option("--program", help="Program code, e.g. ERP-TRANSFORM.")],
    file: Annotated[Path, typer.Option(
        "--file", exists=True, dir_okay=False, readable=True,
        help='JSON as POST /v1/programs/{id}/what-if takes it: {"scenarios": [{"key": ..., '
             '"commands": [{"type": ..., ...}]}], "position": N}.')],
    token: Annotated[str, typer.Option(
        "--token", envvar="LEDGER_TOKEN", show_default=False,
        help="An editor or admin token for the program.")],
    position: Annotated[int | None, typer.Option(
        "--position", min=1, help="As the program stood at this position (overrides the "
                                  "file's).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Simulate scenarios against a program: what each command would record or why it would
    be refused, and the figures against doing nothing. Writes nothing."""
    settings = Settings()
    try:
        body = WhatIfIn.model_validate_json(file.read_bytes())
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        fail(f"{file.name}: {'.'.join(map(str, first['loc'])) or 'file'}: {first['msg']}")
    principal, program_id = editor_of(settings, token, program)
    with open_cli_ledger(settings) as ledger:
        if not ledger.exists(program_id):
            fail(f"no program with code {program.upper()}")
        result = ledger.what_if(program_id, body.commands(program_id),
                                Provenance(actor=principal.id), position or body.position)
    out = WhatIfOut.of(result)
    if as_json:
        typer.echo(out.model_dump_json(indent=2))
        return
    console.print(f"{program.upper()} at position {out.resolved_position}; nothing written",
                  highlight=False)
    for scenario in out.scenarios:
        _print(scenario, out.baseline)


def _print(scenario: ScenarioOut, baseline: dict[str, Any]) -> None:
    steps = Table(title=f"{scenario.key}: {scenario.accepted} accepted, "
                        f"{scenario.refused} refused")
    for column in ("#", "command", "outcome"):
        steps.add_column(column)
    for step in scenario.steps:
        outcome = "; ".join(e["summary"] for e in step.events) if step.status == "accepted" \
            else f"[red]refused ({step.rule})[/red]: {step.detail}"
        steps.add_row(str(step.index), step.type, outcome)
    console.print(steps)
    moved = Table(title=f"{scenario.key}: figures against doing nothing")
    for column in ("section", "name", "figure", "before", "after", "change"):
        moved.add_column(column)
    for line in scenario.differences:
        unit = _unit(scenario.figures, line.section, line.id) or _unit(baseline, line.section,
                                                                         line.id)
        change = line.change if line.delta is None else f"{line.delta:+g} {unit}".strip()
        moved.add_row(line.section, line.name or line.id, line.figure or "",
                      _text(line.before), _text(line.after), change)
    console.print(moved if scenario.differences else f"{scenario.key}: no figure moves",
                  highlight=False)


def _unit(figures: dict[str, Any], section: str, entity_id: str) -> str:
    return str(figures.get(section, {}).get(entity_id, {}).get("unit") or "")


def _text(value: Any) -> str:
    return "" if value is None else value if isinstance(value, str) else json.dumps(value)
