"""The demo program, loaded once per test on each backend, under a signed checkpoint."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Engine

from ledger.application import ProgramLedger
from ledger.audit.checkpoints import create_checkpoint
from ledger.audit.keys import load_or_create_signing_key
from ledger.bootstrap import open_ledger, open_migrated_engine
from ledger.demo import DEMO_PROGRAM_CODE, load_demo
from ledger.domain.program import program_id_for_code
from ledger.settings import Settings


@dataclass
class Demo:
    ledger: ProgramLedger
    engine: Engine
    public_key: Ed25519PublicKey
    settings: Settings
    program_id = program_id_for_code(DEMO_PROGRAM_CODE)


@pytest.fixture
def demo(database_url: str, tmp_path: Path) -> Iterator[Demo]:
    settings = Settings(database_url=database_url, data_dir=tmp_path)
    ledger = open_ledger(settings)
    engine = open_migrated_engine(settings)
    assert load_demo(ledger) is not None
    key = load_or_create_signing_key(settings.resolved_signing_key_path)
    create_checkpoint(engine, key)
    yield Demo(ledger, engine, key.public_key(), settings)
    ledger.close()
    engine.dispose()
