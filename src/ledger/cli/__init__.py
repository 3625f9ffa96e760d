"""The ``ledger`` command line: one typer sub-app per concern, registered here."""

from __future__ import annotations

import typer

from ledger.cli.errors import run_cleanly


def build_app() -> typer.Typer:
    """The full command tree; subcommand modules load here so `import ledger` stays light."""
    from ledger.cli.audit import app as audit_app
    from ledger.cli.board_pack import board_pack, verify_pack
    from ledger.cli.db import app as db_app
    from ledger.cli.demo import demo
    from ledger.cli.imports import app as import_app
    from ledger.cli.projections import app as projections_app
    from ledger.cli.projections import projector
    from ledger.cli.publish import publish
    from ledger.cli.serve import serve
    from ledger.cli.state import state
    from ledger.cli.tokens import app as tokens_app
    from ledger.cli.whatif import what_if
    from ledger.cli.witness import app as witness_app

    app = typer.Typer(
        name="ledger",
        help="Ledger: an event-sourced, tamper-evident ledger for program management.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
    )
    app.add_typer(db_app, name="db")
    app.add_typer(projections_app, name="projections")
    app.command()(projector)
    app.command()(serve)
    app.command()(publish)
    app.add_typer(tokens_app, name="tokens")
    audit_app.command("verify-pack")(verify_pack)
    app.add_typer(audit_app, name="audit")
    app.add_typer(witness_app, name="witness")
    app.add_typer(import_app, name="import")
    app.command()(demo)
    app.command()(state)
    app.command("what-if")(what_if)
    app.command("board-pack")(board_pack)
    return app


def main() -> None:
    """Entry point of the ``ledger`` console script."""
    run_cleanly(build_app())
