"""Random command sequences never break the rules that span aggregates (hypothesis)."""

from __future__ import annotations

import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from uuid import UUID

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from ledger.application import ProgramLedger
from ledger.application.commands.dependencies import ChangeDependencyStatus, DeclareDependency
from ledger.application.commands.programs import ChangeProgramStatus
from ledger.application.commands.resources import AllocateResource, ChangeResourceCapacity
from ledger.bootstrap import open_ledger
from ledger.domain.dependency import Dependency, find_path
from ledger.domain.errors import LedgerError
from ledger.domain.program import Program
from ledger.domain.resource import SharedResource
from ledger.settings import Settings
from tests.application.builders import ALICE, ProgramBuilder

AMOUNTS = st.sampled_from([Decimal("0.5"), Decimal(1), Decimal("1.5")])
MONTHS = st.sampled_from(["2025-05", "2025-06"])


class LedgerMachine(RuleBasedStateMachine):
    """Drives one program with random commands; every step either writes or writes nothing."""

    @initialize()
    def open_program(self) -> None:
        self.directory = tempfile.TemporaryDirectory()
        path = Path(self.directory.name)
        self.ledger: ProgramLedger = open_ledger(
            Settings(database_url=f"sqlite:///{path / 'ledger.db'}", data_dir=path)
        )
        self.erp = ProgramBuilder(self.ledger)
        self.projects = [self.erp.project(f"P{n}") for n in range(4)]
        self.resource = self.erp.resource(capacity="2")
        self.dependencies: list[UUID] = []
        self.decisions: list[UUID] = []
        self.closed_at: int | None = None

    def teardown(self) -> None:
        if hasattr(self, "ledger"):
            self.ledger.close()
            self.directory.cleanup()

    def _attempt(self, command) -> object | None:  # type: ignore[no-untyped-def]
        before = self.ledger.head_position()
        try:
            result = command()
        except LedgerError:
            assert self.ledger.head_position() == before, "a rejected command wrote events"
            return None
        assert self.ledger.head_position() > before
        return result

    @rule(pair=st.permutations(range(4)))
    def declare_dependency(self, pair: list[int]) -> None:
        provider, consumer = self.projects[pair[0]], self.projects[pair[1]]
        result = self._attempt(lambda: self.ledger.execute(DeclareDependency(
            program_id=self.erp.program_id, provider_project_id=provider,
            consumer_project_id=consumer, needed_by=date(2025, 9, 1), description="needs"),
            by=ALICE))
        if result is not None:
            self.dependencies.append(result.id)  # type: ignore[attr-defined]

    @precondition(lambda self: bool(self.dependencies))
    @rule(index=st.integers(min_value=0, max_value=20))
    def withdraw_dependency(self, index: int) -> None:
        dependency_id = self.dependencies[index % len(self.dependencies)]
        self._attempt(lambda: self.ledger.execute(ChangeDependencyStatus(
            dependency_id=dependency_id, status="withdrawn", reason="replanned"), by=ALICE))

    @rule(amount=AMOUNTS, month=MONTHS, governed=st.booleans(), project=st.integers(0, 3))
    def allocate(self, amount: Decimal, month: str, governed: bool, project: int) -> None:
        decision_id = self.decisions[-1] if governed and self.decisions else None
        self._attempt(lambda: self.ledger.execute(AllocateResource(
            resource_id=self.resource, project_id=self.projects[project], month=month,
            amount=amount, decision_id=decision_id), by=ALICE))

    @rule(capacity=st.sampled_from(["0.5", "1", "2", "3"]))
    def change_capacity(self, capacity: str) -> None:
        self._attempt(lambda: self.ledger.execute(ChangeResourceCapacity(
            resource_id=self.resource, capacity_per_month=Decimal(capacity), reason="replan"),
            by=ALICE))

    @rule()
    def record_governing_decision(self) -> None:
        result = self._attempt(lambda: self.erp.decision(resource=[self.resource]))
        if result is not None:
            self.decisions.append(result)  # type: ignore[arg-type]

    @precondition(lambda self: self.closed_at is None)
    @rule()
    def cancel_program(self) -> None:
        if self._attempt(lambda: self.ledger.execute(ChangeProgramStatus(
            program_id=self.erp.program_id, status="cancelled", reason="stopped"), by=ALICE)):
            self.closed_at = self.ledger.head_position()

    @invariant()
    def dependency_graph_is_acyclic(self) -> None:
        if not hasattr(self, "ledger"):
            return
        active = [self.ledger.load(i, Dependency) for i in self.dependencies]
        edges = [d.edge for d in active if d.is_active]
        assert all(not find_path(edges, consumer, provider) for provider, consumer in edges)

    @invariant()
    def over_allocation_is_always_governed(self) -> None:
        if not hasattr(self, "ledger"):
            return
        resource = self.ledger.load(self.resource, SharedResource)
        for month in resource.over_allocated_months():
            assert resource.is_governed(month)

    @invariant()
    def closed_program_takes_no_commands(self) -> None:
        if getattr(self, "closed_at", None) is None:
            return
        assert self.ledger.head_position() == self.closed_at
        assert self.ledger.load(self.erp.program_id, Program).is_closed


LedgerMachine.TestCase.settings = settings(
    max_examples=15, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestLedgerInvariants = LedgerMachine.TestCase
