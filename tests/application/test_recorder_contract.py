"""The eventsourcing library's own recorder test suite, run against Ledger's recorder on the
migrated PostgreSQL schema: Ledger inserts events its own way (one INSERT ... RETURNING, the
lock and the chain's head in one round trip), so it must still keep every promise the
library's recorders keep, and the audit chain it extends must verify afterwards."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.tests.persistence import ApplicationRecorderTestCase
from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore

from ledger.audit.verify import verify
from ledger.migrate import upgrade_database
from ledger.settings import Settings
from ledger.store import ChainedApplicationRecorder
from tests.conftest import (
    _postgres_admin_engine,
    create_postgres_database,
    drop_postgres_database,
)

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True, scope="module")
def _postgres_reachable(postgres_admin: sa.Engine) -> None:
    """Skip (or, under CI=true, fail) the whole module without a PostgreSQL, as the fixture
    does for every other PostgreSQL test."""


class TestLedgerRecorderKeepsTheLibrarysContract(
        ApplicationRecorderTestCase[ChainedApplicationRecorder]):
    def setUp(self) -> None:
        self.admin = _postgres_admin_engine()
        self.url = create_postgres_database(self.admin)
        upgrade_database(Settings(database_url=self.url))
        self.datastores: list[SQLAlchemyDatastore] = []

    def tearDown(self) -> None:
        try:
            engine = sa.create_engine(self.url)
            try:
                result = verify(engine, Ed25519PrivateKey.generate().public_key())
                with engine.connect() as connection:
                    events = connection.execute(sa.text(
                        "SELECT count(*) FROM ledger_events")).scalar_one()
            finally:
                engine.dispose()
            # Every event the suite wrote is on the chain, and the chain and tree verify.
            assert result.ok, result.first_failure
            assert result.checked == events
        finally:
            for datastore in self.datastores:
                datastore.engine.dispose()  # type: ignore[union-attr]
            drop_postgres_database(self.admin, self.url)
            self.admin.dispose()

    def create_recorder(self) -> ChainedApplicationRecorder:
        datastore = SQLAlchemyDatastore(url=self.url)
        self.datastores.append(datastore)
        return ChainedApplicationRecorder(datastore, events_table_name="ledger_events")

    def test_performance(self) -> None:
        pytest.skip("a timing, printed not asserted: `make bench` measures the append")

    def test_concurrent_throughput(self) -> None:
        pytest.skip("a timing, printed not asserted: `make bench` measures P2")
