"""Rebuild equals incremental: replaying the log from zero gives exactly the same tables."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.application import ProgramLedger
from ledger.domain.errors import LedgerError
from ledger.projections.projector import Projector
from ledger.projections.rebuild import rebuild
from tests.application.builders import ALICE, ProgramBuilder
from tests.projections.conftest import dump

STEPS = st.lists(st.tuples(st.integers(0, 9), st.integers(0, 3), st.integers(0, 3),
                           st.integers(1, 5), st.booleans()), min_size=5, max_size=40)


def _commands(erp: ProgramBuilder, projects: list[uuid.UUID], resource: uuid.UUID,
              benefit: uuid.UUID, risk: uuid.UUID
              ) -> list[Callable[[int, int, int, bool], object]]:
    ledger = erp.ledger
    when = datetime(2025, 1, 1, tzinfo=UTC)
    return [
        lambda a, b, n, flag: ledger.declare_dependency(
            erp.program_id, provider_project_id=projects[a], consumer_project_id=projects[b],
            needed_by=date(2025, 6, n), description="d", by=ALICE),
        lambda a, b, n, flag: ledger.report_project_status(
            projects[a], overall=["green", "amber", "red"][n % 3], schedule="green",
            cost="green", scope="green", resources="green", narrative="n",
            reason="r" if flag else None, by=ALICE, effective_at=when + timedelta(days=n)),
        lambda a, b, n, flag: ledger.allocate_resource(
            resource, project_id=projects[a], month=f"2025-0{b + 1}",
            amount=Decimal(n) / 2, by=ALICE),
        lambda a, b, n, flag: ledger.measure_benefit(
            benefit, value=float(n * 10 + a), source="BI", by=ALICE,
            effective_at=when + timedelta(days=30 * b)),
        lambda a, b, n, flag: ledger.assess_risk(risk, likelihood=n, impact=a + 1,
                                                 rationale="r", by=ALICE),
        lambda a, b, n, flag: ledger.change_project_lifecycle(
            projects[a], status=["in_progress", "on_hold", "completed", "cancelled"][b],
            reason="r", by=ALICE),
        lambda a, b, n, flag: ledger.change_project_scope(
            projects[a], add=[{"key": f"k{n}", "name": "K", "due": date(2026, 1, 1)}],
            remove=[], defer=[], rationale="r", cost_impact=n, schedule_impact_days=b,
            by=ALICE),
        lambda a, b, n, flag: erp.decision(project=[projects[a]], benefit=[benefit]),
        lambda a, b, n, flag: ledger.plan_risk_response(
            risk, strategy=["avoid", "reduce", "transfer", "accept"][b], actions=["a"],
            by=ALICE),
        lambda a, b, n, flag: ledger.change_resource_capacity(
            resource, capacity_per_month=Decimal(n), reason="r", by=ALICE),
    ]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=STEPS)
def test_rebuild_equals_incremental_after_random_commands(
        ledger: ProgramLedger, engine: sa.Engine, project: Projector,
        steps: list[tuple[int, int, int, int, bool]]) -> None:
    erp = ProgramBuilder(ledger, code=f"P{uuid.uuid4().hex[:8]}")
    projects = [erp.project(f"Project {n}", "build") for n in range(4)]
    resource, benefit = erp.resource(capacity="2"), erp.benefit()
    risk = ledger.raise_risk(erp.program_id, title="r", description="", category="c",
                             likelihood=1, impact=1, owner="o", affected_project_ids=[],
                             proximity="", by=ALICE).id
    commands = _commands(erp, projects, resource, benefit, risk)
    for number, (which, a, b, n, flag) in enumerate(steps):
        with suppress(LedgerError):  # rejected commands are part of a realistic history
            commands[which](a, b, n, flag)
        if number % 6 == 0:
            project.catch_up()  # incremental processing at arbitrary points
    project.catch_up()
    incremental = dump(engine)
    result = rebuild(ledger, engine, batch_size=5)
    assert result.position == ledger.head_position()
    assert dump(engine) == incremental
