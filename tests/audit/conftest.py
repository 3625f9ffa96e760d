"""Fixtures: a toy application writing real events through ledger.store on each backend,
with the audit tables created, and a signing key."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.audit.tables import audit_chain, audit_checkpoints, audit_nodes
from ledger.db import metadata
from tests.audit.kennel import Kennel
from tests.audit.tampering import guard_events_table


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    engine = sa.create_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def kennel(database_url: str, engine: sa.Engine) -> Iterator[Kennel]:
    app = Kennel(database_url)
    metadata.create_all(engine, tables=[audit_chain, audit_nodes, audit_checkpoints])
    guard_events_table(engine)
    yield app
    app.close()


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()
