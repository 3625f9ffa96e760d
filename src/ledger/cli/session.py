"""Opening the ledger from the command line, with settings from the environment."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID

from ledger.access.authorization import may_post_commands, require_program
from ledger.access.tokens import Principal, authenticate
from ledger.application import ProgramLedger
from ledger.bootstrap import open_ledger, open_migrated_engine
from ledger.cli.errors import fail
from ledger.domain.program import program_id_for_code
from ledger.settings import Settings


@contextmanager
def open_cli_ledger(settings: Settings | None = None) -> Iterator[ProgramLedger]:
    """A ledger on an up-to-date schema, closed when the command ends."""
    ledger = open_ledger(settings or Settings())
    try:
        yield ledger
    finally:
        ledger.close()


def editor_of(settings: Settings, token: str, program_code: str) -> tuple[Principal, UUID]:
    """The principal of an editor or admin token in scope of the program, and the program's
    id; a clear error otherwise. The CLI asks for a token as the API does: the actor of
    anything it records comes from credentials."""
    engine = open_migrated_engine(settings)
    try:
        principal = authenticate(engine, token.strip())
    finally:
        engine.dispose()
    if principal is None:
        fail("the token is unknown or revoked; create one with `ledger tokens create`", code=2)
    program_id = program_id_for_code(program_code)
    may_post_commands(principal)
    require_program(principal, program_id)
    return principal, program_id
