"""The composition root: the one place that builds engines, the ledger, the projector, the
checkpoint scheduler and the services, for the API, the CLI and the projector process."""

from __future__ import annotations

import asyncio
import ctypes
import logging
import os
import signal
import sys
from collections.abc import Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, create_engine

from ledger.access.principals import PrincipalCache
from ledger.application import ProgramLedger
from ledger.audit.keys import load_or_create_signing_key
from ledger.audit.scheduler import CheckpointScheduler
from ledger.audit.witnessing import Witnessing, parse_witnesses
from ledger.db import metadata, open_engine
from ledger.domain.errors import InvalidInput
from ledger.feeds.delivery import WebhookDelivery
from ledger.feeds.publisher import Publisher, run_until_signalled
from ledger.feeds.webhooks import SecretBox
from ledger.migrate import upgrade_database
from ledger.projections.foreground import run_in_foreground
from ledger.projections.projector import head_of
from ledger.projections.runner import ProjectionRunner
from ledger.projections.standby import StandbyMonitor
from ledger.schema import load_all_tables
from ledger.services import Services, Standby
from ledger.settings import Settings

_PR_SET_PDEATHSIG = 1  # prctl(2): the signal this process gets when its parent dies


def die_with_parent() -> None:
    """Have Linux send this process SIGTERM when its parent dies, even by `kill -9`, so no
    API worker or projector of `ledger serve --workers N` outlives it, still holding the
    port or the projector's lock. Elsewhere a no-op."""
    if not sys.platform.startswith("linux"):
        return
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() == 1:  # the parent died before the request was made
        os.kill(os.getpid(), signal.SIGTERM)


def open_ledger(settings: Settings) -> ProgramLedger:
    """Bring the schema up to date (Alembic), then open the ledger on it."""
    upgrade_database(settings)
    return ProgramLedger(settings)


def create_schema_without_migrations(ledger: ProgramLedger) -> None:
    """Create Ledger's own tables directly; only for throwaway databases in tests."""
    load_all_tables()
    metadata.create_all(ledger.recorder.datastore.engine)  # type: ignore[attr-defined]


def open_migrated_engine(settings: Settings) -> Engine:
    """Bring the schema up to date, then a plain engine for the CLI's one-off work."""
    upgrade_database(settings)
    return create_engine(settings.resolved_database_url)


def open_read_engine(settings: Settings) -> Engine:
    """The projector's engine: on SQLite its transactions take the write lock up front."""
    return open_engine(settings.resolved_database_url,
                       timeout=settings.database_timeout_seconds, writes_read_models=True)


def open_query_engine(settings: Settings) -> Engine:
    """The engine queries, tokens and audit reads use."""
    return open_engine(settings.resolved_database_url,
                       timeout=settings.database_timeout_seconds)


def open_services(settings: Settings, *, run_projector: bool = True) -> Services:
    """Migrate, open the ledger and the engines, load the signing key and, unless a separate
    `ledger projector` runs, start the projector thread."""
    key = load_or_create_signing_key(settings.resolved_signing_key_path)
    ledger = open_ledger(settings)
    read_engine = open_read_engine(settings)
    runner = ProjectionRunner(ledger, read_engine, settings) if run_projector else None
    checkpoints = checkpoint_scheduler(settings, key) if run_projector else None
    if runner is not None:
        runner.start()
    if checkpoints is not None:
        checkpoints.start()
    query_engine = open_query_engine(settings)
    return Services(settings, ledger, read_engine, runner, query_engine, key,
                    PrincipalCache(query_engine, settings), checkpoints,
                    open_witnessing(settings, query_engine, key),
                    standby=open_standby(settings, query_engine))


def open_standby(settings: Settings, primary: Engine) -> Standby | None:
    """LEDGER_READ_DATABASE_URL's hot standby, watched against the primary; None without
    one. It is never migrated (a standby is read only: it gets the schema by replication)."""
    standby_settings = settings.standby
    if standby_settings is None:
        return None
    engine = open_query_engine(standby_settings)
    monitor = StandbyMonitor(engine, primary, max_lag=settings.read_max_lag_seconds)
    monitor.start()
    return Standby(engine, ProgramLedger(standby_settings), monitor)


def checkpoint_scheduler(settings: Settings, key: Ed25519PrivateKey) -> CheckpointScheduler:
    """Automatic checkpoints every N events or M minutes, beside the projector, each pushed
    to the configured witnesses."""
    engine = open_query_engine(settings)
    return CheckpointScheduler(engine, key,
                               every_events=settings.checkpoint_every_events,
                               every_minutes=settings.checkpoint_every_minutes,
                               witnessing=open_witnessing(settings, engine, key))


def open_witnessing(settings: Settings, engine: Engine, key: Ed25519PrivateKey
                    ) -> Witnessing | None:
    """How to ask LEDGER_WITNESSES for cosignatures; None when there are none."""
    try:
        witnesses = parse_witnesses(settings.witnesses)
    except ValueError as error:
        raise InvalidInput("LEDGER_WITNESSES", str(error)) from None
    return Witnessing(engine, key, settings.log_origin, witnesses) if witnesses else None


def run_publisher_process(settings: Settings,
                          announce: Callable[[str], object] | None = None) -> None:
    """`ledger publish`: the log to NATS JetStream as CloudEvents, and the webhooks, until
    SIGINT or SIGTERM. Like the projector it never migrates."""
    engine = open_read_engine(settings)
    box = SecretBox(load_or_create_signing_key(settings.resolved_signing_key_path))
    followers = [WebhookDelivery(engine, settings, box).run]
    if settings.nats_url:
        followers.append(Publisher(engine, settings).run)

    def install(stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, stop.set)
        # Said once the handlers are in place: from now on a signal stops it cleanly.
        (announce or logging.getLogger(__name__).info)(
            f"publishing the log to {settings.nats_url or 'no NATS server'}, stream "
            f"{settings.nats_stream}, subjects {settings.nats_subject}.>, and the webhooks; "
            "Ctrl-C stops it")

    try:
        run_until_signalled(followers, install)
    finally:
        engine.dispose()


def run_projector_process(settings: Settings,
                          announce: Callable[[str], object] | None = None) -> None:
    """The projector as its own process, whether started as `ledger projector` or as
    `python -m ledger.projections`: it keeps the read models current and signs the automatic
    audit checkpoints until SIGINT or SIGTERM. It never migrates: the schema belongs to
    `ledger db upgrade` (or `ledger serve`), so two processes starting never race to
    migrate."""
    ledger = ProgramLedger(settings)
    engine = open_read_engine(settings)
    checkpoints = checkpoint_scheduler(
        settings, load_or_create_signing_key(settings.resolved_signing_key_path))
    checkpoints.start()
    try:
        (announce or logging.getLogger(__name__).info)(
            f"projector following a log of {head_of(ledger):,} events; Ctrl-C stops it")
        run_in_foreground(ProjectionRunner(ledger, engine, settings))
    finally:
        checkpoints.stop()
        engine.dispose()
        ledger.close()
