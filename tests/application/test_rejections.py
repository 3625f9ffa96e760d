"""Every kind of rejected command raises a typed error and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from pydantic import ValidationError

from ledger.application import ProgramLedger
from ledger.application.commands.benefits import MeasureBenefit, ReviseBenefitTarget
from ledger.application.commands.decisions import ReviewDecisionOutcome, SupersedeDecision
from ledger.application.commands.dependencies import ChangeDependencyStatus, DeclareDependency
from ledger.application.commands.programs import ChangeProgramStatus, DefineProgram
from ledger.application.commands.projects import (
    ChangeProjectLifecycle,
    ChangeProjectScope,
    ReportProjectStatus,
)
from ledger.application.commands.resources import AllocateResource, ChangeResourceCapacity
from ledger.application.commands.risks import AssessRisk, CloseRisk, RaiseRisk
from ledger.domain.errors import (
    InvalidInput,
    InvalidTransition,
    InvariantViolated,
    LedgerError,
    NotFound,
    PreconditionFailed,
)
from tests.application.builders import ALICE, ProgramBuilder


@dataclass
class World:
    """A program with one of everything, for commands to be refused against."""

    erp: ProgramBuilder
    provider: UUID
    consumer: UUID
    dependency: UUID
    resource: UUID
    benefit: UUID
    risk: UUID
    decision: UUID
    other_decision: UUID

    @property
    def ledger(self) -> ProgramLedger:
        return self.erp.ledger


@pytest.fixture
def world(erp: ProgramBuilder) -> World:
    ledger = erp.ledger
    provider = erp.project("Data migration", "load")
    consumer = erp.project("ERP implementation", "test")
    dependency = ledger.execute(DeclareDependency(
        program_id=erp.program_id, provider_project_id=provider, provider_deliverable="load",
        consumer_project_id=consumer, needed_by=date(2025, 9, 1), description="data first"),
        by=ALICE).id
    ledger.execute(ChangeProjectLifecycle(
        project_id=consumer, status="in_progress", reason="go"), by=ALICE)
    resource = erp.resource(capacity="1")
    ledger.execute(AllocateResource(
        resource_id=resource, project_id=consumer, month="2025-06", amount=Decimal(1)), by=ALICE)
    benefit = erp.benefit()
    risk = ledger.execute(RaiseRisk(
        program_id=erp.program_id, title="Data", description="", category="data", likelihood=2,
        impact=2, owner="o", affected_project_ids=[], proximity=""), by=ALICE).id
    ledger.execute(CloseRisk(risk_id=risk, reason="gone"), by=ALICE)
    decision = erp.decision()
    other_program = ProgramBuilder(ledger, code="CRM")
    other_decision = other_program.decision()
    return World(erp, provider, consumer, dependency, resource, benefit, risk, decision,
                 other_decision)


Attempt = Callable[[World], object]
FUTURE = datetime.now(UTC) + timedelta(days=2)

REJECTED: dict[str, tuple[type[LedgerError], str | None, Attempt]] = {
    "unknown project": (NotFound, None, lambda w: w.ledger.execute(ReportProjectStatus(
        project_id=uuid4(), overall="green", schedule="green", cost="green", scope="green",
        resources="green", narrative=""), by=ALICE)),
    "id of another kind": (NotFound, None, lambda w: w.ledger.execute(AssessRisk(
        risk_id=w.benefit, likelihood=1, impact=1, rationale="x"), by=ALICE)),
    "duplicate program code": (InvariantViolated, "program_code_taken",
        lambda w: w.ledger.execute(DefineProgram(
            code="erp", name="Again", objectives=[], sponsor="s", manager="m"), by=ALICE)),
    "future effective_at": (InvalidInput, None, lambda w: w.ledger.execute(MeasureBenefit(
        benefit_id=w.benefit, value=1, source="BI", effective_at=FUTURE), by=ALICE)),
    "invalid program transition": (InvalidTransition, None, lambda w: w.ledger.execute(
        ChangeProgramStatus(program_id=w.erp.program_id, status="closed", reason="x"),
        by=ALICE)),
    "amber without reason": (InvalidInput, None, lambda w: w.ledger.execute(ReportProjectStatus(
        project_id=w.consumer, overall="amber", schedule="green", cost="green", scope="green",
        resources="green", narrative=""), by=ALICE)),
    "scope change after baseline without decision": (InvariantViolated,
        "scope_baseline_locked", lambda w: w.ledger.execute(ChangeProjectScope(
            project_id=w.consumer, add=[], remove=[], defer=["test"], rationale="later",
            impact={"cost": 0, "schedule_days": 0}), by=ALICE)),
    "decision that does not list the project": (InvariantViolated,
        "decision_does_not_govern", lambda w: w.ledger.execute(ChangeProjectScope(
            project_id=w.consumer, add=[], remove=[], defer=["test"], rationale="later",
            decision_id=w.decision, impact={"cost": 0, "schedule_days": 0}), by=ALICE)),
    "decision of another program": (InvariantViolated, "decision_not_in_program",
        lambda w: w.ledger.execute(ChangeProjectScope(
            project_id=w.consumer, add=[], remove=[], defer=["test"], rationale="later",
            decision_id=w.other_decision, impact={"cost": 0, "schedule_days": 0}), by=ALICE)),
    "dependency cycle": (InvariantViolated, "dependency_cycle",
        lambda w: w.ledger.execute(DeclareDependency(
            program_id=w.erp.program_id, provider_project_id=w.consumer,
            consumer_project_id=w.provider, needed_by=date(2025, 9, 1), description="cycle"),
            by=ALICE)),
    "self dependency": (InvalidInput, None, lambda w: w.ledger.execute(DeclareDependency(
        program_id=w.erp.program_id, provider_project_id=w.provider,
        consumer_project_id=w.provider, needed_by=date(2025, 9, 1), description="self"), by=ALICE)),
    "over capacity": (InvariantViolated, "capacity_exceeded",
        lambda w: w.ledger.execute(AllocateResource(
            resource_id=w.resource, project_id=w.provider, month="2025-06", amount=Decimal("0.5")),
            by=ALICE)),
    "capacity below allocations": (InvariantViolated, "capacity_exceeded",
        lambda w: w.ledger.execute(ChangeResourceCapacity(
            resource_id=w.resource, capacity_per_month=Decimal("0.5"), reason="cut"), by=ALICE)),
    "target revision without governing decision": (InvariantViolated,
        "decision_does_not_govern", lambda w: w.ledger.execute(ReviseBenefitTarget(
            benefit_id=w.benefit, target_value=20, reason="x", decision_id=w.decision), by=ALICE)),
    "assessing a closed risk": (InvariantViolated, "risk_closed", lambda w: w.ledger.execute(
        AssessRisk(risk_id=w.risk, likelihood=1, impact=1, rationale="x"), by=ALICE)),
    "superseding a decision by itself": (InvariantViolated, "decision_supersession_invalid",
        lambda w: w.ledger.execute(SupersedeDecision(
            decision_id=w.decision, by_decision_id=w.decision, reason="x"), by=ALICE)),
    "stale If-Match": (PreconditionFailed, None, lambda w: w.ledger.execute(ChangeDependencyStatus(
        dependency_id=w.dependency, status="committed", reason="x"), by=ALICE, if_match=99)),
}


# Input that the command value itself refuses, before anything runs: the domain's own checks
# stay as a second line of defence (tests/domain), and the API answers 422 for the same body.
REFUSED_BY_THE_VALUE: dict[str, tuple[str, Attempt]] = {
    "blank name": ("name", lambda w: w.erp.project(" ")),
    "bad month": ("month", lambda w: w.ledger.execute(AllocateResource(
        resource_id=w.resource, project_id=w.provider, month="June", amount=Decimal(1)),
        by=ALICE)),
    "unknown verdict": ("verdict", lambda w: w.ledger.execute(ReviewDecisionOutcome(
        decision_id=w.decision, verdict="great", summary="x"), by=ALICE)),
}


@pytest.mark.parametrize("case", list(REFUSED_BY_THE_VALUE))
def test_a_command_value_refuses_bad_input_naming_the_field_and_nothing_is_written(
        world: World, case: str) -> None:
    field, attempt = REFUSED_BY_THE_VALUE[case]
    before = _event_count(world.ledger)
    with pytest.raises(ValidationError) as raised:
        attempt(world)
    assert [error["loc"] for error in raised.value.errors()] == [(field,)]
    assert _event_count(world.ledger) == before


def _event_count(ledger: ProgramLedger) -> int:
    return len(ledger.recorder.select_notifications(start=1, limit=1_000_000))


@pytest.mark.parametrize("case", list(REJECTED))
def test_rejected_command_raises_typed_error_and_writes_nothing(world: World, case: str) -> None:
    error_class, rule, attempt = REJECTED[case]
    before = _event_count(world.ledger)
    with pytest.raises(error_class) as raised:
        attempt(world)
    if rule is not None:
        assert raised.value.rule == rule
    assert raised.value.message
    assert _event_count(world.ledger) == before


def test_closed_program_refuses_every_component_command(world: World) -> None:
    ledger = world.ledger
    ledger.execute(ChangeProgramStatus(
        program_id=world.erp.program_id, status="cancelled", reason="stopped"), by=ALICE)
    before = _event_count(ledger)
    attempts: list[Attempt] = [
        lambda w: w.erp.project("New"),
        lambda w: w.ledger.execute(ChangeDependencyStatus(
            dependency_id=w.dependency, status="met", reason="x"), by=ALICE),
        lambda w: w.ledger.execute(MeasureBenefit(
            benefit_id=w.benefit, value=1, source="BI"), by=ALICE),
        lambda w: w.ledger.execute(ReviewDecisionOutcome(
            decision_id=w.decision, verdict="worse", summary="x"), by=ALICE),
        lambda w: w.ledger.execute(ChangeProgramStatus(
            program_id=w.erp.program_id, status="active", reason="x"), by=ALICE),
    ]
    for attempt in attempts:
        with pytest.raises((InvariantViolated, InvalidTransition)):
            attempt(world)
    assert _event_count(ledger) == before
