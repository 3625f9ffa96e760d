"""Turns expected failures into one clear line on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import sys
from typing import NoReturn

import sqlalchemy.exc
import typer
from eventsourcing.persistence import OperationalError as StoreOperationalError
from pydantic import ValidationError
from rich.console import Console

from ledger.domain.errors import LedgerError

stderr = Console(stderr=True, soft_wrap=True)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one line and exit with ``code``."""
    stderr.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(code)


def run_cleanly(app: typer.Typer) -> None:
    try:
        app(standalone_mode=True)
    except LedgerError as error:
        stderr.print(f"[red]error:[/red] {error.message}", highlight=False)
        sys.exit(1)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "settings"
        stderr.print(f"[red]error:[/red] invalid setting {field}: {first['msg']}", highlight=False)
        sys.exit(2)
    except (sqlalchemy.exc.OperationalError, StoreOperationalError) as error:
        reason = str(error.orig if hasattr(error, "orig") else error).strip().splitlines()[0]
        stderr.print(f"[red]error:[/red] cannot reach the database: {reason}", highlight=False)
        sys.exit(3)
