"""`ledger projections status|rebuild` and `ledger projector`."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from ledger.api.services import checkpoint_scheduler
from ledger.audit.keys import load_or_create_signing_key
from ledger.cli.session import open_cli_ledger
from ledger.projections.catalog import read_model_engine
from ledger.projections.projector import head_of
from ledger.projections.rebuild import REBUILD_BATCH
from ledger.projections.rebuild import rebuild as rebuild_read_models
from ledger.projections.runner import ProjectionRunner, projection_statuses, run_in_foreground
from ledger.settings import Settings

app = typer.Typer(help="Inspect and rebuild the read models.", no_args_is_help=True)
console = Console()


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
           ) -> None:
    """Each projection's position, the head of the log, and the lag."""
    settings = Settings()
    with open_cli_ledger(settings) as ledger:
        engine = read_model_engine(settings.resolved_database_url)
        try:
            live, *rebuilding = projection_statuses(ledger, engine)
        finally:
            engine.dispose()
    if as_json:
        document = {"projection": live.name, "position": live.position, "head": live.head,
                    "lag": live.lag}
        if rebuilding:  # only while a rebuild is in progress
            document["rebuild"] = rebuilding[0].model_dump()
        typer.echo(json.dumps(document))
        return
    table = Table("projection", "position", "head of log", "lag")
    for state in (live, *rebuilding):
        table.add_row(state.name, f"{state.position:,}", f"{state.head:,}", f"{state.lag:,}")
    console.print(table)


@app.command()
def rebuild(batch_size: Annotated[int, typer.Option(min=1, help="Events per transaction.")]
            = REBUILD_BATCH) -> None:
    """Rebuild every read model from the log into fresh tables, then switch atomically;
    queries keep being answered from the current tables meanwhile."""
    settings = Settings()
    with open_cli_ledger(settings) as ledger, _progress() as progress:
        engine = read_model_engine(settings.resolved_database_url)
        task = progress.add_task("rebuilding", total=head_of(ledger) or 1)
        try:
            result = rebuild_read_models(
                ledger, engine, batch_size=batch_size,
                progress=lambda done, head: progress.update(task, completed=done, total=head))
        finally:
            engine.dispose()
    console.print(f"rebuilt {result.events:,} events; read models at position {result.position}")


class EventsPerSecond(ProgressColumn):
    """The rebuild's speed so far."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed or 0:,.0f} events/s")


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    EventsPerSecond(), TimeRemainingColumn(), console=console)


def projector() -> None:
    """Keep the read models current in the foreground until Ctrl-C (or SIGTERM)."""
    settings = Settings()
    with open_cli_ledger(settings) as ledger:
        engine = read_model_engine(settings.resolved_database_url,
                                   connect_timeout=settings.database_timeout_seconds)
        # The projector process also signs the automatic audit checkpoints.
        checkpoints = checkpoint_scheduler(
            settings, load_or_create_signing_key(settings.resolved_signing_key_path))
        checkpoints.start()
        try:
            console.print(f"projector following a log of {head_of(ledger):,} events; "
                          "Ctrl-C stops it")
            run_in_foreground(ProjectionRunner(ledger, engine, settings))
        finally:
            checkpoints.stop()
            engine.dispose()
