"""`python -m ledger.projections`: the same projector process as `ledger projector` (an
entry point; the wiring is in ``ledger.bootstrap``)."""

from __future__ import annotations

import logging

from ledger.bootstrap import run_projector_process
from ledger.settings import Settings


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    run_projector_process(Settings())


if __name__ == "__main__":
    main()
