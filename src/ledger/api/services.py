"""The long-lived objects the API works with, built once in the app's lifespan."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from ledger.application import ProgramLedger
from ledger.projections.runner import ProjectionRunner
from ledger.projections.waiting import wait_for_position
from ledger.settings import Settings


@dataclass
class Services:
    settings: Settings
    ledger: ProgramLedger
    read_engine: Engine
    runner: ProjectionRunner | None  # None when a separate `ledger projector` runs

    def wait_for(self, position: int, timeout: float) -> bool:
        """Read-your-writes: wait until the read models include ``position``."""
        if self.runner is not None:
            return self.runner.wait_for(position, timeout)
        return wait_for_position(self.read_engine, position, timeout)

    def recorded(self) -> None:
        """A command committed here: let the in-process projector look at once."""
        if self.runner is not None:
            self.runner.poke()
