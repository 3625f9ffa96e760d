"""The ``ledger`` command line: one typer sub-app per concern, registered here."""

from __future__ import annotations

import typer

from ledger.cli.errors import run_cleanly

app = typer.Typer(
    name="ledger",
    help="Ledger: an event-sourced, tamper-evident ledger for program management.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _register_subcommands() -> None:
    # Imported here so that `ledger --help` stays fast and import cycles cannot form.
    from ledger.cli.db import app as db_app
    from ledger.cli.demo import demo
    from ledger.cli.state import state

    app.add_typer(db_app, name="db")
    app.command()(demo)
    app.command()(state)


def main() -> None:
    """Entry point of the ``ledger`` console script."""
    _register_subcommands()
    run_cleanly(app)
