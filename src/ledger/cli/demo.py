"""`ledger demo`: load the ERP transformation program; running it twice changes nothing."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from ledger.audit.checkpoints import create_checkpoint
from ledger.audit.keys import load_or_create_signing_key
from ledger.bootstrap import open_migrated_engine
from ledger.cli.session import open_cli_ledger
from ledger.demo import DEMO_PROGRAM_CODE, load_demo
from ledger.settings import Settings

console = Console()


def demo(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Load the demo program (18 months of history) through the public commands, and sign a
    checkpoint of it, so the auditor's guide works at once."""
    settings = Settings()
    with console.status("Loading the ERP transformation program…", spinner="dots"), \
            open_cli_ledger(settings) as ledger:
        before = ledger.head_position()
        story = load_demo(ledger)
        after = ledger.head_position()
    checkpoint = _sign_the_head(settings) if story is not None else None
    if as_json:
        import json

        typer.echo(json.dumps({"program": DEMO_PROGRAM_CODE, "loaded": story is not None,
                               "events": after - before, "head": after,
                               "checkpoint": checkpoint}))
    elif story is None:
        console.print(f"{DEMO_PROGRAM_CODE} is already loaded ({after} events); nothing to do.")
    else:
        console.print(f"Loaded {DEMO_PROGRAM_CODE}: {after - before} events, "
                      f"{len(story.projects)} projects, {len(story.decisions)} decisions; "
                      f"signed checkpoint {checkpoint}.")


def _sign_the_head(settings: Settings) -> int:
    """Sign a checkpoint of the demo just loaded; returns its id."""
    engine = open_migrated_engine(settings)
    try:
        key = load_or_create_signing_key(settings.resolved_signing_key_path)
        return create_checkpoint(engine, key).id
    finally:
        engine.dispose()
