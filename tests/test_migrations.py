"""Alembic owns the schema: migrations match the models, and the event log is append-only."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from ledger.migrate import upgrade_database
from ledger.schema import all_tables_metadata, compare_type
from ledger.settings import Settings


def test_autogenerate_finds_no_difference_after_upgrade(database_url: str) -> None:
    upgrade_database(Settings(database_url=database_url))
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": compare_type})
        differences = compare_metadata(context, all_tables_metadata())
    engine.dispose()
    assert differences == []


def test_upgrade_is_idempotent(database_url: str) -> None:
    settings = Settings(database_url=database_url)
    upgrade_database(settings)
    upgrade_database(settings)
    engine = sa.create_engine(database_url)
    assert "ledger_events" in sa.inspect(engine).get_table_names()
    engine.dispose()


@pytest.mark.postgres
def test_events_table_rejects_update_delete_and_truncate(postgres_url: str) -> None:
    upgrade_database(Settings(database_url=postgres_url))
    engine = sa.create_engine(postgres_url)
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO ledger_events (originator_id, originator_version, topic, state) "
            "VALUES (gen_random_uuid(), 1, 't', 'x')"))
    for statement in ("UPDATE ledger_events SET state = 'y'", "DELETE FROM ledger_events",
                      "TRUNCATE ledger_events"):
        with engine.begin() as connection, pytest.raises(sa.exc.DBAPIError) as refused:
            connection.execute(sa.text(statement))
        assert "append-only" in str(refused.value)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM ledger_events")).scalar() == 1
    engine.dispose()
