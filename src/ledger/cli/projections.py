"""`ledger projections status|rebuild` and `ledger projector`."""

from __future__ import annotations

import json
import signal
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

from ledger.cli.session import open_cli_ledger
from ledger.projections.catalog import read_model_engine
from ledger.projections.rebuild import rebuild as rebuild_read_models
from ledger.projections.runner import ProjectionRunner
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
        state = ProjectionRunner(ledger, engine, settings).status()
        engine.dispose()
    if as_json:
        typer.echo(json.dumps({"projection": "read-models", "position": state.position,
                               "head": state.head, "lag": state.lag}))
        return
    table = Table("projection", "position", "head of log", "lag")
    table.add_row("read-models", str(state.position), str(state.head), str(state.lag))
    console.print(table)


@app.command()
def rebuild(batch_size: Annotated[int, typer.Option(min=1, help="Events per transaction.")]
            = 1000) -> None:
    """Rebuild every read model from the log into fresh tables, then switch atomically;
    queries keep being answered from the current tables meanwhile."""
    settings = Settings()
    with open_cli_ledger(settings) as ledger, _progress() as progress:
        engine = read_model_engine(settings.resolved_database_url)
        task = progress.add_task("rebuilding", total=ledger.head_position() or 1)
        result = rebuild_read_models(
            ledger, engine, batch_size=batch_size,
            progress=lambda done, head: progress.update(task, completed=done, total=head))
        engine.dispose()
    console.print(f"rebuilt {result.events:,} events; read models at position {result.position}")


class EventsPerSecond(ProgressColumn):
    def render(self, task: Task) -> Text:
        return Text(f"{task.speed or 0:,.0f} events/s")


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    EventsPerSecond(), TimeRemainingColumn(), console=console)


def projector() -> None:
    """Run the projector in the foreground (PostgreSQL deployments) until interrupted."""
    settings = Settings()
    with open_cli_ledger(settings) as ledger:
        engine = read_model_engine(settings.resolved_database_url)
        runner = ProjectionRunner(ledger, engine, settings)
        signal.signal(signal.SIGTERM, lambda *_: runner.stop())
        console.print(f"projector following {ledger.head_position()} events; Ctrl-C stops it")
        try:
            runner.run()
        except KeyboardInterrupt:
            runner.stop()
        engine.dispose()
