"""`ledger import measurements FILE --program CODE`: a CSV or XLSX file of benefit
measurements, checked row by row, then recorded all or nothing (or, with --dry-run, shown)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ledger.api.schemas.imports import ImportOut
from ledger.application.imports.measurements import ImportOptions, import_measurements
from ledger.cli.errors import fail
from ledger.cli.session import editor_of, open_cli_ledger
from ledger.domain.base import Provenance
from ledger.domain.errors import InvalidRows
from ledger.settings import Settings

app = typer.Typer(help="Import facts from other systems' exports.", no_args_is_help=True)
console = Console()


@app.command()
def measurements(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                         help="A CSV (UTF-8) or XLSX file.")],
    program: Annotated[str, typer.Option("--program", help="Program code, e.g. ERP-TRANSFORM.")],
    token: Annotated[str, typer.Option(
        "--token", envvar="LEDGER_TOKEN", show_default=False,
        help="An editor or admin token for the program; it is recorded as the actor.")],
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Show what would be recorded and what is refused; write nothing.")
    ] = False,
    corrections: Annotated[bool, typer.Option(
        "--corrections", help="Correct values already recorded for a benefit and date "
                              "(needs --reason) instead of refusing those rows.")] = False,
    reason: Annotated[str | None, typer.Option(
        "--reason", help="Why the corrections are made; recorded on each.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Import benefit measurements: columns benefit, value, effective_at, source, note."""
    settings = Settings()
    content = file.read_bytes()
    principal, program_id = editor_of(settings, token, program)
    with open_cli_ledger(settings) as ledger:
        if not ledger.exists(program_id):
            fail(f"no program with code {program.upper()}")
        try:
            report = import_measurements(
                ledger, program_id, Provenance(actor=principal.id), content, file.name,
                ImportOptions(dry_run, corrections, reason))
        except InvalidRows as refused:
            _print_refusals(refused, as_json)
            raise typer.Exit(1) from None
    out = ImportOut.of(report)
    if as_json:
        typer.echo(out.model_dump_json(indent=2))
    else:
        _print(out)


def _print(out: ImportOut) -> None:
    table = Table(title=f"{out.file.name} (sha256 {out.file.sha256[:12]}…)")
    for column in ("row", "action", "benefit", "value", "effective_at", "was"):
        table.add_column(column)
    for row in out.rows:
        table.add_row(str(row.row), row.action, row.benefit, f"{row.value:g}",
                      row.effective_at.isoformat(),
                      "" if row.previous_value is None else f"{row.previous_value:g}")
    console.print(table)
    if out.errors:
        _refusal_table([(e.row, e.column, e.rule, e.message) for e in out.errors])
    verb = "would record" if out.dry_run else "recorded"
    console.print(f"{verb} {out.recorded}, corrected {out.corrected}; unchanged "
                  f"{out.unchanged}, already imported {out.already_imported}; refused "
                  f"{out.refused}" + ("" if out.position is None else
                                      f"; log position {out.position}"), highlight=False)


def _print_refusals(refused: InvalidRows, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps({"detail": refused.message, "errors": [
            {"field": f, "rule": r, "message": m} for f, r, m in refused.problems]}, indent=2))
        return
    _refusal_table([(None, field, rule, message) for field, rule, message in refused.problems])
    Console(stderr=True).print(f"[red]error:[/red] {refused.message}", highlight=False)


def _refusal_table(rows: list[tuple[int | None, str, str, str]]) -> None:
    table = Table(title="refused")
    for column in ("where", "rule", "why"):
        table.add_column(column)
    for row, column, rule, message in rows:
        table.add_row(column if row is None else f"row {row}, {column}", rule, message)
    console.print(table)
