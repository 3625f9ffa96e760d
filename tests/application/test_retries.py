"""The bounded retry on optimistic-concurrency conflicts."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from ledger.application import ProgramLedger
from ledger.application.commands.programs import AddProgramObjective
from ledger.bootstrap import open_ledger
from ledger.domain.errors import ConcurrencyConflict
from ledger.domain.program import Program
from ledger.settings import EVENTS_TABLE, Settings
from tests.application.builders import ALICE, ProgramBuilder


def test_a_conflict_is_retried_with_fresh_state(erp: ProgramBuilder) -> None:
    ledger: ProgramLedger = erp.ledger
    stale = ledger.load(erp.program_id, Program)
    ledger.execute(AddProgramObjective(program_id=erp.program_id, objective="Lower TCO"), by=ALICE)
    attempts: list[int] = []

    def command() -> list[Program]:
        attempts.append(1)
        program = stale if len(attempts) == 1 else ledger.load(erp.program_id, Program)
        program.add_objective("Faster close", ALICE)
        return [program]

    result = ledger.run(command)
    assert len(attempts) == 2
    assert ledger.load(erp.program_id, Program).objectives[-2:] == ["Lower TCO", "Faster close"]
    assert result.version == ledger.load(erp.program_id, Program).version


def test_conflicts_that_persist_raise_concurrency_conflict_and_write_nothing(
    erp: ProgramBuilder,
) -> None:
    ledger: ProgramLedger = erp.ledger
    head = ledger.head_position()
    attempts: list[int] = []

    def always_stale() -> list[Program]:
        attempts.append(1)
        program = ledger.aggregate_at(erp.program_id, version=1)
        assert isinstance(program, Program)
        program.add_objective("Never recorded", ALICE)
        return [program]

    with pytest.raises(ConcurrencyConflict):
        ledger.run(always_stale)
    assert len(attempts) == ledger.settings.command_retries
    assert ledger.head_position() == head


@pytest.mark.postgres
def test_a_write_lock_held_too_long_is_a_concurrency_conflict_and_writes_nothing(
    postgres_url: str, tmp_path: Path,
) -> None:
    """Another session holding the events table's lock past lock_timeout is contention,
    not an outage: the caller gets ConcurrencyConflict (409, retry), never a raw error."""
    settings = Settings(database_url=postgres_url, data_dir=tmp_path,
                        database_timeout_seconds=1)
    ledger = open_ledger(settings)
    erp = ProgramBuilder(ledger)
    head = ledger.head_position()
    blocker = sa.create_engine(postgres_url)
    try:
        with blocker.begin() as connection:
            connection.execute(sa.text(f"LOCK TABLE {EVENTS_TABLE} IN EXCLUSIVE MODE"))
            with pytest.raises(ConcurrencyConflict, match="write lock"):
                ledger.execute(AddProgramObjective(
                    program_id=erp.program_id, objective="Blocked"), by=ALICE)
            # The same for any write transaction, e.g. an idempotent command's outer one.
            with pytest.raises(ConcurrencyConflict, match="write lock"), \
                    ledger.serialised_transaction():
                pass
        assert ledger.head_position() == head
        ledger.execute(AddProgramObjective(
            program_id=erp.program_id, objective="Once free"), by=ALICE)
        assert ledger.load(erp.program_id, Program).objectives[-1] == "Once free"
    finally:
        blocker.dispose()
        ledger.close()
