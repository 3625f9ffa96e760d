"""`python -m ledger.projections`: the projection runner as its own process.

A composition root, like the CLI: it opens the ledger on a schema that must already exist (it
never migrates) and runs the runner in the foreground until SIGINT or SIGTERM.
"""

from __future__ import annotations

import logging

from ledger.application import ProgramLedger
from ledger.projections.catalog import read_model_engine
from ledger.projections.foreground import run_in_foreground
from ledger.projections.runner import ProjectionRunner
from ledger.settings import Settings


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = Settings()
    ledger = ProgramLedger(settings)
    engine = read_model_engine(settings.resolved_database_url,
                               connect_timeout=settings.database_timeout_seconds)
    try:
        run_in_foreground(ProjectionRunner(ledger, engine, settings))
    finally:
        ledger.close()
        engine.dispose()


if __name__ == "__main__":
    main()
