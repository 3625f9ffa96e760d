"""The long-lived objects the API works with, built once in the app's lifespan."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry

from ledger.application import ProgramLedger
from ledger.audit.keys import load_or_create_signing_key
from ledger.audit.scheduler import CheckpointScheduler
from ledger.bootstrap import open_ledger
from ledger.projections.catalog import read_model_engine
from ledger.projections.runner import ProjectionRunner
from ledger.projections.waiting import wait_for_position
from ledger.settings import Settings


@dataclass
class Services:
    settings: Settings
    ledger: ProgramLedger
    read_engine: Engine  # the projector's: on SQLite its transactions take the write lock
    runner: ProjectionRunner | None  # None when a separate `ledger projector` runs
    query_engine: Engine  # queries, tokens and audit reads
    signing_key: Ed25519PrivateKey  # signs audit checkpoints
    checkpoints: CheckpointScheduler | None = None  # runs beside the in-process projector

    def wait_for(self, position: int, timeout: float) -> bool:
        """Read-your-writes: wait until the read models include ``position``."""
        if self.runner is not None:
            return self.runner.wait_for(position, timeout)
        return wait_for_position(self.query_engine, position, timeout)

    def recorded(self) -> None:
        """A command committed here: let the in-process projector look at once."""
        if self.runner is not None:
            self.runner.poke()

    def close(self) -> None:
        if self.checkpoints is not None:
            self.checkpoints.stop()
        if self.runner is not None:
            self.runner.stop()
        self.ledger.close()
        self.read_engine.dispose()
        self.query_engine.dispose()


def open_services(settings: Settings, *, run_projector: bool = True) -> Services:
    """Migrate, open the ledger and the engines, load the signing key and, unless a separate
    `ledger projector` runs, start the projector thread."""
    key = load_or_create_signing_key(settings.resolved_signing_key_path)
    ledger = open_ledger(settings)
    read_engine = read_model_engine(settings.resolved_database_url,
                                    connect_timeout=settings.database_timeout_seconds)
    runner = ProjectionRunner(ledger, read_engine, settings) if run_projector else None
    checkpoints = checkpoint_scheduler(settings, key) if run_projector else None
    if runner is not None:
        runner.start()
    if checkpoints is not None:
        checkpoints.start()
    return Services(settings, ledger, read_engine, runner, query_engine(settings), key,
                    checkpoints)


def checkpoint_scheduler(settings: Settings, key: Ed25519PrivateKey) -> CheckpointScheduler:
    """Automatic checkpoints every N events or M minutes, beside the projector."""
    return CheckpointScheduler(query_engine(settings), key,
                               every_events=settings.checkpoint_every_events,
                               every_minutes=settings.checkpoint_every_minutes)


def query_engine(settings: Settings) -> Engine:
    """The engine requests read with: an outage fails fast (503) instead of hanging a worker,
    and a connection that died with the database is replaced on checkout."""
    url, seconds = settings.resolved_database_url, settings.database_timeout_seconds
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, connect_args={
            "connect_timeout": max(1, round(seconds)),
            # A database host that vanishes without closing the socket is noticed in seconds.
            "keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2,
            "keepalives_count": 2})
    engine = create_engine(url, connect_args={"timeout": seconds})

    # pysqlite would begin no transaction before a read, so a query of several SELECTs could
    # see a projector commit half-way. A deferred BEGIN gives one snapshot (WAL) without
    # taking the write lock, so readers never hold up commands or the projector.
    @event.listens_for(engine, "connect")
    def _own_transactions(dbapi_connection: DBAPIConnection, _: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection: object) -> None:
        connection.exec_driver_sql("BEGIN")  # type: ignore[attr-defined]

    return engine
