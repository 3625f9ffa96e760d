"""`python -m ledger.projections`: the projection runner as its own process (an entry point;
the wiring is in ``ledger.bootstrap``)."""

from __future__ import annotations

from ledger.bootstrap import run_projector_process
from ledger.settings import Settings


def main() -> None:
    run_projector_process(Settings())


if __name__ == "__main__":
    main()
