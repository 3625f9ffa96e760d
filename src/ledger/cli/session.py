"""Opening the ledger from the command line, with settings from the environment."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ledger.application import ProgramLedger
from ledger.bootstrap import open_ledger
from ledger.settings import Settings


@contextmanager
def open_cli_ledger(settings: Settings | None = None) -> Iterator[ProgramLedger]:
    """A ledger on an up-to-date schema, closed when the command ends."""
    ledger = open_ledger(settings or Settings())
    try:
        yield ledger
    finally:
        ledger.close()
