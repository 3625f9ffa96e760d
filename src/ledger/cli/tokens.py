"""`ledger tokens create|list|revoke`: API credentials, printed once and stored hashed."""

from __future__ import annotations

import json
from typing import Annotated
from uuid import UUID

import typer
from rich.console import Console
from rich.table import Column, Table
from sqlalchemy import Engine

from ledger.access.tokens import ROLES, issue_token, list_tokens, revoke_token
from ledger.bootstrap import open_migrated_engine
from ledger.cli.errors import fail
from ledger.domain.program import program_id_for_code
from ledger.settings import Settings

app = typer.Typer(help="Create, list and revoke API tokens.", no_args_is_help=True)
console = Console()


def _engine() -> Engine:
    return open_migrated_engine(Settings())


def _program_id(value: str) -> UUID:
    """A program given by id or by code."""
    try:
        return UUID(value)
    except ValueError:
        return program_id_for_code(value)


@app.command()
def create(
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}.")],
    name: Annotated[str, typer.Option(help="Principal id recorded as the actor, e.g. pat.pm")],
    programs: Annotated[str | None, typer.Option(
        help="Comma-separated program codes or ids the token may touch.")] = None,
    all_programs: Annotated[bool, typer.Option("--all-programs",
                                               help="Every program, present and future.")]
    = False,
) -> None:
    """Create a token and print it once; only its hash is stored."""
    if role not in ROLES:
        fail(f"--role must be one of: {', '.join(ROLES)}", code=2)
    if all_programs == (programs is not None):
        fail("give exactly one of --programs or --all-programs", code=2)
    scope = None if all_programs else [_program_id(p.strip())
                                       for p in (programs or "").split(",") if p.strip()]
    issued = issue_token(_engine(), principal_id=name, role=role, programs=scope)
    console.print(f"token id {issued.token_id}; keep this token, it is not shown again:")
    typer.echo(issued.token)


@app.command("list")
def list_(as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
          ) -> None:
    """Every token (never the secret): principal, role, scope, when last used (to the
    minute), and whether it is revoked."""
    rows = list_tokens(_engine())
    if as_json:
        typer.echo(json.dumps(rows, default=str))
        return
    # The id is what `revoke` takes: never cut, however narrow the terminal.
    table = Table(Column("token id", no_wrap=True, min_width=36), "principal", "role",
                  "programs", "created", "last used", "revoked")
    for row in rows:
        programs = row["programs"]
        scope = "all" if not isinstance(programs, list) else ", ".join(map(str, programs))
        table.add_row(str(row["token_id"]), str(row["principal_id"]), str(row["role"]), scope,
                      str(row["created_at"])[:19], str(row["last_used_at"] or "")[:16],
                      str(row["revoked_at"] or "")[:19])
    console.print(table)


@app.command()
def revoke(token_id: Annotated[str, typer.Argument(
        help="The token id from `tokens list`, or enough of its start to name one token.")],
           ) -> None:
    """Revoke a token; requests with it get 401 from now on, and its UI sessions end."""
    engine = _engine()
    wanted = token_id.strip().lower()
    live = [str(row["token_id"]) for row in list_tokens(engine) if row["revoked_at"] is None]
    matching = [i for i in live if i == wanted] or [
        i for i in live if len(wanted) >= 4 and i.startswith(wanted)]  # never "" for all
    if len(matching) > 1:
        fail(f"{len(matching)} live tokens have ids starting with {token_id}; give more of it")
    chosen = matching[0] if matching else token_id  # none: revoke_token names the error
    revoke_token(engine, chosen)
    console.print(f"revoked {chosen}")
