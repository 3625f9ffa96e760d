"""`ledger db`: schema management through Alembic."""

from __future__ import annotations

import typer
from rich.console import Console

from ledger.migrate import current_revision, upgrade_database
from ledger.settings import Settings

app = typer.Typer(help="Manage the database schema (Alembic migrations).", no_args_is_help=True)
console = Console()


@app.command()
def upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Apply migrations up to REVISION (default: head); safe to run repeatedly."""
    settings = Settings()
    upgrade_database(settings, revision)
    console.print(f"database at revision [bold]{current_revision(settings)}[/bold]")


@app.command()
def current() -> None:
    """Print the revision the database is at."""
    console.print(current_revision(Settings()) or "empty (no migrations applied)")
