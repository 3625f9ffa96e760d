"""Shared fixtures: a fresh database per test, on embedded SQLite and on a real PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

POSTGRES_ADMIN_URL = os.environ.get(
    "LEDGER_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _postgres_admin_engine() -> sa.Engine:
    return sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[sa.Engine]:
    """An AUTOCOMMIT engine on the server's maintenance database; fails (not skips) in CI."""
    engine = _postgres_admin_engine()
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as error:
        engine.dispose()
        if IN_CI:
            pytest.fail(f"PostgreSQL is required under CI=true but is unreachable: {error}")
        pytest.skip(f"PostgreSQL unreachable: {error}")
    yield engine
    engine.dispose()


def create_postgres_database(admin: sa.Engine) -> str:
    """Create a throwaway database and return its URL."""
    name = f"ledger_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return admin.url.set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(admin: sa.Engine, url: str) -> None:
    name = sa.make_url(url).database
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
        return
    admin: sa.Engine = request.getfixturevalue("postgres_admin")
    url = create_postgres_database(admin)
    try:
        yield url
    finally:
        drop_postgres_database(admin, url)


@pytest.fixture
def postgres_url(postgres_admin: sa.Engine) -> Iterator[str]:
    """A URL of an empty PostgreSQL database, for tests that only make sense there."""
    url = create_postgres_database(postgres_admin)
    try:
        yield url
    finally:
        drop_postgres_database(postgres_admin, url)
