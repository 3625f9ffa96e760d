"""Reading a whole set of aggregates at once (the dependency graph) sees every writer."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.application import ProgramLedger
from ledger.application.commands.dependencies import ChangeDependencyStatus, DeclareDependency
from ledger.domain.dependency import Dependency
from ledger.domain.errors import InvariantViolated, NotFound
from ledger.domain.program import Program
from ledger.settings import Settings
from tests.application.builders import ALICE, ProgramBuilder


def _declare(ledger: ProgramLedger, program_id: object, provider: object,
             consumer: object) -> object:
    return ledger.execute(DeclareDependency(
        program_id=program_id, provider_project_id=provider, consumer_project_id=consumer,
        needed_by=date(2025, 6, 1), description="feeds"), by=ALICE).id


def test_a_dependency_withdrawn_by_another_process_no_longer_closes_a_cycle(
        erp: ProgramBuilder, settings: Settings) -> None:
    ledger = erp.ledger
    a, b = erp.project("A"), erp.project("B")
    first = _declare(ledger, erp.program_id, a, b)
    with pytest.raises(InvariantViolated, match="cycle"):  # also caches the dependency
        _declare(ledger, erp.program_id, b, a)
    other = ProgramLedger(settings)  # its own engine and cache, like a second API process
    try:
        other.execute(ChangeDependencyStatus(
            dependency_id=first, status="withdrawn", reason="descoped"), by=ALICE)
    finally:
        other.close()
    assert [d.is_active for d in ledger.current_states([first], Dependency)] == [False]
    reverse = _declare(ledger, erp.program_id, b, a)
    assert sorted(map(str, ledger.load(erp.program_id, Program).component_ids("dependency"))) \
        == sorted(map(str, [first, reverse]))


def test_current_states_match_a_full_load_and_refuse_other_kinds(erp: ProgramBuilder) -> None:
    ledger = erp.ledger
    projects = [erp.project(f"P{n}") for n in range(4)]
    dependencies = [_declare(ledger, erp.program_id, projects[n], projects[n + 1])
                    for n in range(3)]
    ledger.execute(ChangeDependencyStatus(
        dependency_id=dependencies[1], status="at_risk", reason="late"), by=ALICE)
    states = ledger.current_states(dependencies, Dependency)
    loaded = [ledger.load(i, Dependency) for i in dependencies]
    assert [(s.id, s.version, s.edge, s.status) for s in states] == \
        [(d.id, d.version, d.edge, d.status) for d in loaded]
    with pytest.raises(NotFound, match="no dependency"):
        ledger.current_states([*dependencies, projects[0]], Dependency)
