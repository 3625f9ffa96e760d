"""Principals kept in memory: a request costs no query to learn who calls, and a revoked
token is still refused by every process at once (PostgreSQL NOTIFY), or nothing is kept."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from ledger.access.principals import PrincipalCache
from ledger.access.tokens import issue_token, revoke_token
from ledger.migrate import upgrade_database
from ledger.settings import Settings
from tests.polling import eventually


def _settings(url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=url, data_dir=tmp_path)


@pytest.fixture
def migrated(postgres_url: str, tmp_path: Path) -> Settings:
    settings = _settings(postgres_url, tmp_path)
    upgrade_database(settings)
    return settings


def _statements(engine: sa.Engine) -> list[str]:
    """Every statement ``engine`` runs from now on."""
    seen: list[str] = []
    sa.event.listen(engine, "before_cursor_execute",
                    lambda _c, _cur, statement, *_: seen.append(statement))
    return seen


@pytest.mark.postgres
def test_each_process_keeps_principals_and_forgets_them_when_any_process_revokes(
        migrated: Settings, postgres_url: str) -> None:
    engines = [sa.create_engine(postgres_url) for _ in range(3)]  # two API processes, a CLI
    first, second = (PrincipalCache(e, migrated) for e in engines[:2])
    try:
        issued = issue_token(engines[2], principal_id="pat.pm", role="editor", programs=None)
        # Kept once the listening connection is up: a second request runs no query.
        assert eventually(lambda: first.authenticate(issued.token) is not None
                           and _no_query(engines[0], first, issued.token))
        assert eventually(lambda: second.authenticate(issued.token) is not None
                           and _no_query(engines[1], second, issued.token))
        revoke_token(engines[2], issued.token_id)  # as `ledger tokens revoke` does
        assert eventually(lambda: first.authenticate(issued.token) is None)
        assert eventually(lambda: second.authenticate(issued.token) is None)
    finally:
        first.close()
        second.close()
        for engine in engines:
            engine.dispose()


def _no_query(engine: sa.Engine, cache: PrincipalCache, token: str) -> bool:
    seen = _statements(engine)
    principal = cache.authenticate(token)
    return principal is not None and not seen


@pytest.mark.postgres
def test_while_revocations_cannot_be_heard_nothing_is_kept(
        migrated: Settings, postgres_url: str) -> None:
    engine, other = sa.create_engine(postgres_url), sa.create_engine(postgres_url)
    cache = PrincipalCache(engine, migrated)
    try:
        issued = issue_token(other, principal_id="pat.pm", role="editor", programs=None)
        assert eventually(lambda: cache.authenticate(issued.token) is not None
                           and _no_query(engine, cache, issued.token))
        # The listening connection is cut (a database restart, a network blip), and the
        # token is revoked before it is back: the revocation is never heard, yet refused.
        with other.begin() as connection:
            connection.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query LIKE 'LISTEN ledger_api_tokens%' AND datname = current_database()"))
        revoke_token(other, issued.token_id)
        assert eventually(lambda: cache.authenticate(issued.token) is None)
    finally:
        cache.close()
        engine.dispose()
        other.dispose()


def test_on_sqlite_nothing_is_kept_so_a_revocation_elsewhere_counts_at_once(
        tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    settings = _settings(url, tmp_path)
    upgrade_database(settings)
    engine, cli = sa.create_engine(url), sa.create_engine(url)
    cache = PrincipalCache(engine, settings)
    try:
        issued = issue_token(cli, principal_id="pat.pm", role="editor", programs=None)
        assert cache.authenticate(issued.token) is not None
        seen = _statements(engine)
        assert cache.authenticate(issued.token) is not None and seen  # looked up again
        revoke_token(cli, issued.token_id)
        assert cache.authenticate(issued.token) is None
    finally:
        cache.close()
        engine.dispose()
        cli.dispose()
