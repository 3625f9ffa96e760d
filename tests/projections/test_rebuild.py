"""Rebuild equals incremental, and a rebuild never takes the read models offline."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.application import ProgramLedger
from ledger.application.commands.programs import DefineProgram
from ledger.domain.errors import ConcurrencyConflict
from ledger.projections.projector import Projector
from ledger.projections.rebuild import SUFFIX, rebuild
from ledger.projections.summary import list_programs
from ledger.projections.timeline import timeline
from ledger.projections.tracking import LIVE, REBUILD, current_position
from tests.projections.commands import STEPS, RandomProgram, Step
from tests.projections.conftest import dump, on_postgres
from tests.projections.scenario import ALICE, build


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=STEPS, catch_up_every=st.integers(1, 12))
def test_rebuild_equals_incremental_after_random_commands(
        ledger: ProgramLedger, engine: sa.Engine, project: Projector, steps: list[Step],
        catch_up_every: int) -> None:
    program = RandomProgram(ledger)
    for number, step in enumerate(steps):
        program.apply(step)
        if number % catch_up_every == 0:
            project.catch_up()  # incremental processing at arbitrary points
    project.catch_up()
    incremental = dump(engine)
    result = rebuild(ledger, engine, batch_size=5)
    assert result.position == ledger.recorder.max_notification_id()
    assert dump(engine) == incremental
    assert current_position(engine) == result.position


def test_rebuild_equals_incremental_for_every_kind_of_event(
        ledger: ProgramLedger, engine: sa.Engine, project: Projector) -> None:
    history = build(ledger)  # every event type of the catalogue, some back-dated
    project.catch_up()
    incremental = dump(engine)
    assert all(incremental.values())  # every table has rows
    rebuild(ledger, engine, batch_size=1000)
    assert dump(engine) == incremental
    assert current_position(engine) == history.position("review")


def test_rebuild_keeps_answering_from_the_live_tables_until_the_switch(
        ledger: ProgramLedger, engine: sa.Engine, project: Projector) -> None:
    program = RandomProgram(ledger)
    for n in range(30):
        program.report(n, n, n % 5 + 1, True)
    project.catch_up()
    before = dump(engine)
    seen: list[tuple[int, int, list[str], bool]] = []
    late: list[int] = []

    def progress(done: int, total: int) -> None:
        # Mid-rebuild: queries see the complete old state, and commands still commit.
        with engine.connect() as connection:
            codes = [p.code for p in list_programs(connection).items]
        seen.append((done, total, codes, dump(engine) == before))
        if not late:
            late.append(ledger.execute(DefineProgram(
                code="LATE", name="Late", objectives=[], sponsor="s", manager="m"),
                by=ALICE).position)

    result = rebuild(ledger, engine, batch_size=4, progress=progress)
    assert late and result.position == result.events == late[0]  # what arrived meanwhile
    *during, (done, total, codes, unchanged) = seen
    assert len(during) >= 10 and all(old for *_, old in during)
    assert all(c == [program.code] for _d, _t, c, _o in during)
    assert [d for d, *_ in during] == sorted({d for d, *_ in during})
    assert (done, total, sorted(codes), unchanged) == (
        late[0], late[0], sorted(["LATE", program.code]), False)
    with engine.connect() as connection:
        tables = sa.inspect(connection).get_table_names()
        positions = connection.execute(sa.select(timeline.c.position)).scalars().all()
    assert not [t for t in tables if t.endswith(SUFFIX)]
    assert sorted(positions) == list(range(1, result.position + 1))
    assert current_position(engine, REBUILD) == 0 and current_position(engine, LIVE) == late[0]


def test_rebuild_replaces_read_models_that_went_wrong(
        ledger: ProgramLedger, engine: sa.Engine, project: Projector) -> None:
    RandomProgram(ledger).declare(0, 1, 3, True)
    project.catch_up()
    good = dump(engine)
    with engine.begin() as connection:
        connection.execute(sa.delete(timeline).where(timeline.c.position == 1))
        connection.execute(sa.text("UPDATE rm_dependencies SET needed_by = :d"),
                           {"d": date(1999, 1, 1).isoformat()})
        connection.execute(sa.text("DROP TABLE rm_risk_assessments"))  # even a lost table
    with pytest.raises(sa.exc.DBAPIError):
        dump(engine)
    rebuild(ledger, engine)
    assert dump(engine) == good
    project.catch_up()  # the live projector carries on from the switched position
    assert dump(engine) == good


@on_postgres
def test_a_second_rebuild_refuses_to_start_while_one_runs(
        ledger: ProgramLedger, engine: sa.Engine, project: Projector) -> None:
    RandomProgram(ledger)
    refused: list[str] = []

    def progress(done: int, total: int) -> None:
        if not refused:
            with pytest.raises(ConcurrencyConflict) as second:
                rebuild(ledger, engine)
            refused.append(second.value.rule)

    result = rebuild(ledger, engine, batch_size=2, progress=progress)
    assert refused == ["rebuild_running"]
    assert result.position == ledger.recorder.max_notification_id()
    assert rebuild(ledger, engine).position == result.position  # the lock was released
