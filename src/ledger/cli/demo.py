"""`ledger demo`: load the ERP transformation program; running it twice changes nothing."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from ledger.cli.session import open_cli_ledger
from ledger.demo import DEMO_PROGRAM_CODE, load_demo

console = Console()


def demo(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Load the demo program (18 months of history) through the public commands."""
    with console.status("Loading the ERP transformation program…", spinner="dots"), \
            open_cli_ledger() as ledger:
        before = ledger.head_position()
        story = load_demo(ledger)
        after = ledger.head_position()
    if as_json:
        import json

        typer.echo(json.dumps({"program": DEMO_PROGRAM_CODE, "loaded": story is not None,
                               "events": after - before, "head": after}))
    elif story is None:
        console.print(f"{DEMO_PROGRAM_CODE} is already loaded ({after} events); nothing to do.")
    else:
        console.print(f"Loaded {DEMO_PROGRAM_CODE}: {after - before} events, "
                      f"{len(story.projects)} projects, {len(story.decisions)} decisions.")
