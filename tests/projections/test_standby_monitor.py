"""The standby monitor's judgement, on two real PostgreSQL databases standing in for the
primary and the standby (their tracking rows set by hand, the clock stepped by hand), and
the settings that configure a standby. The replication itself is exercised by the drill
(tests/reliability/test_standby.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from pydantic import ValidationError

from ledger.db import open_engine
from ledger.projections.standby import StandbyMonitor
from ledger.projections.tracking import record_position, tracking
from ledger.settings import Settings
from tests.conftest import create_postgres_database, drop_postgres_database
from tests.e2e.conftest import free_port

MAX_LAG = 10.0


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def two_databases(postgres_admin: sa.Engine) -> Iterator[tuple[sa.Engine, sa.Engine]]:
    urls = [create_postgres_database(postgres_admin) for _ in range(2)]
    engines = [open_engine(url, timeout=3.0) for url in urls]
    for engine in engines:
        tracking.metadata.create_all(engine)
    try:
        yield engines[0], engines[1]
    finally:
        for engine, url in zip(engines, urls, strict=True):
            engine.dispose()
            drop_postgres_database(postgres_admin, url)


def at(engine: sa.Engine, position: int) -> None:
    with engine.begin() as connection:
        record_position(connection, position)


@pytest.mark.postgres
def test_the_standby_is_read_while_within_the_lag_bound_and_not_once_past_it(
        two_databases: tuple[sa.Engine, sa.Engine]) -> None:
    primary, standby = two_databases
    clock = Clock()
    monitor = StandbyMonitor(standby, primary, max_lag=MAX_LAG, interval=1.0, clock=clock)
    at(primary, 5), at(standby, 5)
    assert monitor.check().lag_seconds == 0 and monitor.usable()

    clock.now = 1.0  # the primary moves on; the standby still shows what it had at t=0
    at(primary, 8)
    state = monitor.check()
    assert (state.position, state.lag_seconds) == (5, 1.0) and monitor.usable()

    clock.now = 11.0  # still at 5: the standby is 11 s behind, past the bound
    assert monitor.check().lag_seconds == 11.0 and not monitor.usable()

    clock.now = 11.5  # it replays position 8: caught up with the latest primary check
    at(standby, 8)
    assert monitor.check().lag_seconds == 0 and monitor.usable()


@pytest.mark.postgres
def test_idle_databases_are_never_lagging_and_a_check_that_stops_ages_out(
        two_databases: tuple[sa.Engine, sa.Engine]) -> None:
    primary, standby = two_databases
    clock = Clock()
    monitor = StandbyMonitor(standby, primary, max_lag=MAX_LAG, interval=1.0, clock=clock)
    at(primary, 3), at(standby, 3)
    for second in range(0, 60, 10):  # nothing written for a minute: no lag
        clock.now = float(second)
        assert monitor.check().lag_seconds == 0 and monitor.usable()
    clock.now += MAX_LAG  # no check since: what it saw may be the bound old, still usable
    assert monitor.usable()
    clock.now += 0.5  # past it: no longer vouched for
    assert not monitor.usable()


@pytest.mark.postgres
def test_an_unreachable_standby_is_not_read_and_is_not_waited_for(
        two_databases: tuple[sa.Engine, sa.Engine]) -> None:
    primary, _ = two_databases
    gone = open_engine(f"postgresql+psycopg2://postgres@127.0.0.1:{free_port()}/none",
                       timeout=1.0)
    monitor = StandbyMonitor(gone, primary, max_lag=MAX_LAG, interval=1.0, clock=Clock())
    state = monitor.check()
    assert not state.reachable and not monitor.usable()
    assert monitor.wait_for(1, timeout=30) is False  # at once: nothing to wait for
    gone.dispose()


def test_a_standby_must_be_postgresql_and_replicate_a_postgresql_primary() -> None:
    with pytest.raises(ValidationError, match="postgresql"):
        Settings(database_url="postgresql+psycopg2://db/ledger",
                 read_database_url="sqlite:///replica.db")
    with pytest.raises(ValidationError, match="LEDGER_DATABASE_URL"):
        Settings(database_url="", read_database_url="postgresql+psycopg2://replica/ledger")
    settings = Settings(database_url="postgresql+psycopg2://db/ledger",
                        read_database_url="postgresql+psycopg2://replica/ledger")
    assert settings.standby is not None
    assert settings.standby.database_url == "postgresql+psycopg2://replica/ledger"
    assert Settings(database_url="postgresql+psycopg2://db/ledger").standby is None
