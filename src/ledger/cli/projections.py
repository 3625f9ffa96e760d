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

from ledger.bootstrap import open_read_engine, run_projector_process
from ledger.cli.session import open_cli_ledger
from ledger.db import READ_ONLY
from ledger.projections.failures import Failure, live_failures
from ledger.projections.projector import head_of
from ledger.projections.rebuild import REBUILD_BATCH
from ledger.projections.rebuild import rebuild as rebuild_read_models
from ledger.projections.rebuild import retry_failures as retry_read_model_failures
from ledger.projections.status import follower_statuses, projection_statuses
from ledger.settings import Settings

app = typer.Typer(help="Inspect and rebuild the read models.", no_args_is_help=True)
console = Console()
FAILURES_SHOWN = 50


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
           ) -> None:
    """Each projection's position, the head of the log, and the lag; and the events a read
    model could not apply, if any (the read models are then "degraded")."""
    settings = Settings()
    with open_cli_ledger(settings) as ledger:
        engine = open_read_engine(settings)
        try:
            live, *rebuilding = projection_statuses(ledger, engine)
            followers = follower_statuses(ledger, engine)
            with engine.connect().execution_options(**{READ_ONLY: True}) as connection:
                count, failed = live_failures(connection, FAILURES_SHOWN)
        finally:
            engine.dispose()
    if as_json:
        document: dict[str, object] = {
            "projection": live.name, "position": live.position, "head": live.head,
            "lag": live.lag, "status": "degraded" if count else "ready",
            "failures": {"count": count,
                         "listed": [f.model_dump(mode="json") for f in failed]}}
        if rebuilding:  # only while a rebuild is in progress
            document["rebuild"] = rebuilding[0].model_dump()
        if followers:  # feeds that ran here: `ledger publish`
            document["followers"] = [f.model_dump() for f in followers]
        typer.echo(json.dumps(document))
        return
    table = Table("projection", "position", "head of log", "lag")
    for state in (live, *rebuilding, *followers):
        table.add_row(state.name, f"{state.position:,}", f"{state.head:,}", f"{state.lag:,}")
    console.print(table)
    if count:
        _print_failures(count, failed)


def _print_failures(count: int, failed: list[Failure]) -> None:
    table = Table("position", "read model", "entity", "program", "event", "attempts",
                  "first seen", "error",
                  title=f"degraded: {count:,} failed event(s), reads of their entities "
                        "answer 409")
    for f in failed:
        table.add_row(str(f.position), f.read_model, f.entity_id, f.program_id or "-",
                      f.event_type, str(f.attempts), f.first_seen.isoformat(timespec="seconds"),
                      Text(f.error))  # Text: an error may hold [brackets] rich would parse
    console.print(table)
    if count > len(failed):
        console.print(f"... and {count - len(failed):,} more")
    console.print("fix the cause (an upcaster, say), then: ledger projections retry-failures")


@app.command("retry-failures")
def retry_failures(batch_size: Annotated[int, typer.Option(min=1, help="Events per transaction.")]
                   = REBUILD_BATCH) -> None:
    """Apply again the events read models could not apply. This rebuilds the read models
    (online, as `rebuild` does), since only an in-order replay gives correct rows; events
    that now apply are cleared, the others stay listed."""
    settings = Settings()
    with open_cli_ledger(settings) as ledger:
        engine = open_read_engine(settings)
        try:
            result = retry_read_model_failures(ledger, engine, batch_size=batch_size)
        finally:
            engine.dispose()
    if result is None:
        console.print("no failed events: nothing to retry")
        return
    console.print(f"rebuilt {result.events:,} events; read models at position "
                  f"{result.position}; {result.failures:,} failure(s) remain")
    if result.failures:
        raise typer.Exit(1)


@app.command()
def rebuild(batch_size: Annotated[int, typer.Option(min=1, help="Events per transaction.")]
            = REBUILD_BATCH) -> None:
    """Rebuild every read model from the log into fresh tables, then switch atomically;
    queries keep being answered from the current tables meanwhile."""
    settings = Settings()
    with open_cli_ledger(settings) as ledger, _progress() as progress:
        engine = open_read_engine(settings)
        task = progress.add_task("rebuilding", total=head_of(ledger) or 1)
        try:
            result = rebuild_read_models(
                ledger, engine, batch_size=batch_size,
                progress=lambda done, head: progress.update(task, completed=done, total=head))
        finally:
            engine.dispose()
    console.print(f"rebuilt {result.events:,} events; read models at position {result.position}")
    if result.failures:
        console.print(f"{result.failures:,} event(s) could not be applied: see "
                      "`ledger projections status`")


class EventsPerSecond(ProgressColumn):
    """The speed so far: the recent rate, or on a short run (too few samples for one) the
    average since the start; nothing rather than a misleading 0 before any event is done."""

    def render(self, task: Task) -> Text:
        elapsed = task.finished_time or task.elapsed
        speed = task.speed or (task.completed / elapsed if task.completed and elapsed else None)
        return Text(f"{speed:,.0f} events/s" if speed else "")


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    EventsPerSecond(), TimeRemainingColumn(), console=console)


def projector() -> None:
    """Keep the read models current in the foreground until Ctrl-C (or SIGTERM), and sign
    the automatic audit checkpoints."""
    run_projector_process(Settings(), announce=console.print)
