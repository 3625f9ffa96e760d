"""`ledger board-pack` and `ledger audit verify-pack`: the steering committee's pack cut from
the log, and the check that every figure in a saved pack still follows from the log."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ledger.audit.keys import load_or_create_signing_key
from ledger.bootstrap import open_migrated_engine
from ledger.cli.errors import fail
from ledger.cli.session import open_cli_ledger
from ledger.domain.program import program_id_for_code
from ledger.pack import PackRequest, build_pack
from ledger.pack.manifest import to_manifest
from ledger.pack.render import render_html, render_pdf
from ledger.pack.verify import verify_manifest
from ledger.settings import Settings

console = Console(stderr=True)
FORMATS = ("pdf", "html", "json")


def board_pack(
    program: Annotated[str, typer.Option("--program", help="Program code, e.g. ERP-TRANSFORM.")],
    out: Annotated[Path, typer.Option("--out", help="File to write: .pdf, .html or .json.")],
    as_of: Annotated[datetime | None, typer.Option(
        "--as-of", formats=["%Y-%m-%d"], help="The pack's date (YYYY-MM-DD); default today.")]
    = None,
    since: Annotated[datetime | None, typer.Option(
        "--since", formats=["%Y-%m-%d"], help="The previous pack's date (YYYY-MM-DD).")] = None,
    position: Annotated[int | None, typer.Option(
        "--position", min=0,
        help="Cut at this log position; default the last checkpoint signed by --as-of.")]
    = None,
) -> None:
    """Cut the board pack from the log; a .pdf or .html also writes its manifest (.json)
    beside it, which `ledger audit verify-pack` checks."""
    kind = out.suffix.lower().lstrip(".")
    if kind not in FORMATS:
        fail(f"--out must end in .pdf, .html or .json, not “{out.suffix or out.name}”", code=2)
    settings = Settings()
    engine = open_migrated_engine(settings)
    try:
        with open_cli_ledger(settings) as ledger:
            program_id = program_id_for_code(program)
            if not ledger.exists(program_id):
                fail(f"no program with code {program.upper()}; `ledger demo` loads "
                     "ERP-TRANSFORM")
            pack = build_pack(ledger, engine, PackRequest(
                program_id, _day(as_of) or datetime.now(UTC).date(), _day(since), position))
    finally:
        engine.dispose()
    manifest = json.dumps(to_manifest(pack), indent=2, ensure_ascii=False)
    if kind == "pdf":
        out.write_bytes(render_pdf(pack))
    elif kind == "html":
        out.write_text(render_html(pack), encoding="utf-8")
    if kind != "json":
        out.with_suffix(".json").write_text(manifest, encoding="utf-8")
    else:
        out.write_text(manifest, encoding="utf-8")
    covered = (f"checkpoint {pack.checkpoint.id}" if pack.checkpoint.covers
               else "no signed checkpoint yet")
    typer.echo(f"wrote {out} ({len(pack.figures)} figures, position {pack.position}, {covered})")


def _day(moment: datetime | None) -> date | None:
    return moment.date() if moment else None


def verify_pack(
    manifest_path: Annotated[Path, typer.Argument(
        metavar="PACK.json", help="A pack's manifest, as `ledger board-pack` wrote it.")],
) -> None:
    """Recompute every figure of a saved pack from the log at its position and check the
    checkpoint it names covers it. Exits 1 and names each figure that does not match."""
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        fail(f"cannot read {manifest_path}: {error}", code=2)
    settings = Settings()
    engine = open_migrated_engine(settings)
    key = load_or_create_signing_key(settings.resolved_signing_key_path).public_key()
    try:
        with open_cli_ledger(settings) as ledger:
            check = verify_manifest(ledger, engine, key, manifest)
    finally:
        engine.dispose()
    for problem in check.mismatches + check.checkpoint_problems:
        typer.echo(f"MISMATCH {problem}" if problem in check.mismatches else f"FAILED {problem}")
    if not check.ok:
        raise typer.Exit(1)
    typer.echo(f"ok: {check.figures_checked} figures recomputed from the log at position "
               f"{manifest['position']}; checkpoint {manifest['checkpoint']['id']} covers it")
