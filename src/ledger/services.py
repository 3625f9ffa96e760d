"""The long-lived objects a web process works with, built once by ``ledger.bootstrap`` in the
app's lifespan, and the dependency through which the API and the UI reach them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import Depends, Request
from sqlalchemy import Engine

from ledger.access.principals import PrincipalCache
from ledger.application import ProgramLedger
from ledger.audit.scheduler import CheckpointScheduler
from ledger.audit.witnessing import Witnessing
from ledger.feeds.log import ProgramIndex
from ledger.projections.runner import ProjectionRunner
from ledger.projections.standby import StandbyMonitor
from ledger.projections.waiting import wait_for_position
from ledger.settings import Settings


@dataclass
class Standby:
    """LEDGER_READ_DATABASE_URL: a hot standby, read only, and how fresh it is."""

    engine: Engine  # read models, tracking, audit tables as replicated
    ledger: ProgramLedger  # replays (as-of, history, reports) from the replicated events
    monitor: StandbyMonitor

    def close(self) -> None:
        self.monitor.stop()
        self.ledger.close()
        self.engine.dispose()


@dataclass
class Services:
    settings: Settings
    ledger: ProgramLedger
    read_engine: Engine  # the projector's: on SQLite its transactions take the write lock
    runner: ProjectionRunner | None  # None when a separate `ledger projector` runs
    query_engine: Engine  # queries, tokens and audit reads
    signing_key: Ed25519PrivateKey  # signs audit checkpoints
    principals: PrincipalCache  # who each bearer token names
    checkpoints: CheckpointScheduler | None = None  # runs beside the in-process projector
    witnessing: Witnessing | None = None  # asks LEDGER_WITNESSES to cosign checkpoints
    programs: ProgramIndex = field(default_factory=ProgramIndex)  # shared by event streams
    standby: Standby | None = None  # LEDGER_READ_DATABASE_URL, when set

    def wait_for(self, position: int, timeout: float) -> bool:
        """Read-your-writes: wait until the read models include ``position``."""
        if self.runner is not None:
            return self.runner.wait_for(position, timeout)
        return wait_for_position(self.query_engine, position, timeout)

    def standby_has_head(self) -> bool:
        """Whether reads from events (as-of, history, reports, verify, export) may go to the
        standby: it is fresh enough and has replayed the whole log as the primary holds it
        now (waited for up to read_wait_seconds), so it answers as the primary would."""
        standby = self.standby
        if standby is None or not standby.monitor.usable():
            return False
        return standby.monitor.wait_for_log(self.ledger.head_position(),
                                            self.settings.read_wait_seconds)

    def recorded(self) -> None:
        """A command committed here: let the in-process projector look at once."""
        if self.runner is not None:
            self.runner.poke()

    def close(self) -> None:
        self.principals.close()
        if self.standby is not None:
            self.standby.close()
        if self.checkpoints is not None:
            self.checkpoints.stop()
        if self.runner is not None:
            self.runner.stop()
        self.ledger.close()
        self.read_engine.dispose()
        self.query_engine.dispose()


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]
