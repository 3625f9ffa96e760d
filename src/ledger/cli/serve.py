"""`ledger serve`: the API under uvicorn; embedded SQLite by default, projector in-process."""

from __future__ import annotations

import errno
import socket
from typing import Annotated

import typer
import uvicorn
from rich.console import Console

from ledger.access.tokens import ensure_first_admin
from ledger.bootstrap import open_migrated_engine
from ledger.cli.errors import fail
from ledger.cli.workers import serve_with_workers
from ledger.settings import Settings
from ledger.web import create_app

console = Console()


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (LEDGER_HOST).")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="Port (LEDGER_PORT).")]
    = None,
    projector: Annotated[bool, typer.Option(
        help="Run the projector in this process (with --workers, in a process of its own); "
             "turn off when `ledger projector` runs.")]
    = True,
    workers: Annotated[int, typer.Option(
        min=1, max=64, help="API processes. With more than one, the projector runs in a "
                            "process of its own beside them.")] = 1,
) -> None:
    """Serve the HTTP API (docs at /docs), migrating the database first."""
    settings = Settings()
    bind_host, bind_port = host or settings.host, port or settings.port
    _refuse_a_busy_port(bind_host, bind_port)
    engine = open_migrated_engine(settings)
    token = ensure_first_admin(engine)
    if token is not None:
        console.print("[bold]First start: an admin token was created. Keep it; it is not "
                      "shown again.[/bold]")
        typer.echo(f"LEDGER_ADMIN_TOKEN={token}")
    engine.dispose()
    address = f"http://{bind_host}:{bind_port}"
    console.print(f"Ledger on {address}  (web UI: {address}/ui, sign in with a token; "
                  f"API docs: {address}/docs)", highlight=False)
    if workers > 1:
        serve_with_workers(bind_host, bind_port, workers, projector)
        return
    uvicorn.run(create_app(settings, run_projector=projector), host=bind_host, port=bind_port,
                log_level="info")


def _refuse_a_busy_port(host: str, port: int) -> None:
    """Say so before starting when something already listens there (uvicorn would only log
    it and exit with the code reserved for an unreachable database)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise
            fail(f"port {port} on {host} is in use; stop what listens there, or choose "
                 "another with --port (or LEDGER_PORT)", code=2)
