"""Random command sequences over one program: every kind of command, valid or not.

Each step is (command, a, b, n, flag): small integers pick targets and values, so hypothesis
can shrink a failure to a short, readable history. Rejected commands stay in the sequence on
purpose: they must write nothing, so the read models must not notice them either.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from hypothesis import strategies as st
from pydantic import ValidationError

from ledger.application import ProgramLedger
from ledger.application.commands.benefits import (
    ChangeBenefitStatus,
    CorrectMeasurement,
    IdentifyBenefit,
    MeasureBenefit,
    ReviseBenefitTarget,
    SetBenefitProfile,
)
from ledger.application.commands.decisions import (
    RecordDecision,
    ReviewDecisionOutcome,
    SupersedeDecision,
)
from ledger.application.commands.dependencies import ChangeDependencyStatus, DeclareDependency
from ledger.application.commands.programs import (
    AddProgramObjective,
    ChangeProgramStatus,
    DefineProgram,
)
from ledger.application.commands.projects import (
    AuthorizeProject,
    ChangeProjectLifecycle,
    ChangeProjectScope,
    DeliverDeliverable,
    ReportProjectStatus,
)
from ledger.application.commands.resources import (
    AllocateResource,
    ChangeResourceCapacity,
    RegisterResource,
    ReleaseAllocation,
)
from ledger.application.commands.risks import (
    AssessRisk,
    CloseRisk,
    PlanRiskResponse,
    RaiseRisk,
    RecordRiskMaterialized,
)
from ledger.domain.errors import LedgerError
from tests.projections.scenario import ALICE, options

Step = tuple[int, int, int, int, bool]
START = datetime(2025, 1, 1, tzinfo=UTC)
RAG = ("green", "amber", "red")
PROJECT_STATES = ("in_progress", "on_hold", "completed", "cancelled")
DEPENDENCY_STATES = ("committed", "at_risk", "met", "broken", "open", "withdrawn")
BENEFIT_STATES = ("planned", "in_delivery", "realized", "sustained", "cancelled")


class RandomProgram:
    """A small active program, and one method per command that picks its targets by index."""

    def __init__(self, ledger: ProgramLedger) -> None:
        self.ledger = ledger
        self.code = f"P{uuid.uuid4().hex[:8]}".upper()
        self.program = ledger.execute(DefineProgram(
            code=self.code, name=self.code, objectives=["o"], sponsor="s", manager="m"),
            by=ALICE).id
        ledger.execute(ChangeProgramStatus(
            program_id=self.program, status="active", reason="go"), by=ALICE)
        self.projects = [self._project(n) for n in range(3)]
        self.resource = ledger.execute(RegisterResource(
            program_id=self.program, name="r", unit="FTE", capacity_per_month=Decimal(2)),
            by=ALICE).id
        self.benefits: list[UUID] = []
        self.risks: list[UUID] = []
        self.decisions: list[UUID] = []
        self.dependencies: list[UUID] = []
        self.allocations: list[UUID] = []
        self.measurements: list[tuple[UUID, UUID]] = []
        # One of each to start with, so that most random commands have a valid target.
        self.identify(0, 1, 1, False)
        self.raise_risk(0, 2, 3, False)
        self.declare(0, 1, 1, False)
        self.decide(0, 1, 1, True)
        ledger.execute(ChangeProjectLifecycle(
            project_id=self.projects[0], status="in_progress", reason="go"), by=ALICE)
        self.commands: list[Callable[[int, int, int, bool], object]] = [
            self.declare, self.report, self.allocate, self.release, self.measure, self.correct,
            self.revise, self.benefit_status, self.assess, self.respond, self.materialize,
            self.close_risk, self.lifecycle, self.scope, self.deliver, self.decide,
            self.supersede, self.review, self.capacity, self.dependency_status,
            self.program_status, self.objective, self.raise_risk, self.identify,
        ]

    def apply(self, step: Step) -> None:
        which, a, b, n, flag = step
        # A refused command, by the domain or by the command value itself, writes nothing.
        with suppress(LedgerError, ValidationError):
            self.commands[which % len(self.commands)](a, b, n, flag)

    @staticmethod
    def pick(items: list[UUID], index: int) -> UUID:
        return items[index % len(items)] if items else uuid.uuid4()

    def when(self, n: int) -> datetime:
        return START + timedelta(days=7 * n)

    def _project(self, n: int) -> UUID:
        return self.ledger.execute(AuthorizeProject(
            program_id=self.program, name=f"p{n}", manager="m", planned_start=date(2025, 1, 1),
            planned_finish=date(2026, 1, 1),
            deliverables=[{"key": "d", "name": "D", "due": date(2025, 6, 1)}]), by=ALICE).id

    def declare(self, a: int, b: int, n: int, flag: bool) -> None:
        self.dependencies.append(self.ledger.execute(DeclareDependency(
            program_id=self.program, provider_project_id=self.pick(self.projects, a),
            consumer_project_id=self.pick(self.projects, b), needed_by=date(2025, 6, n),
            description="d", provider_deliverable="d" if flag else None), by=ALICE).id)

    def report(self, a: int, b: int, n: int, flag: bool) -> None:
        self.ledger.execute(ReportProjectStatus(
            project_id=self.pick(self.projects, a), overall=RAG[n % 3], schedule=RAG[b % 3],
            cost="green", scope="green", resources="green", narrative="n",
            reason="r" if flag else None, effective_at=self.when(n)), by=ALICE)

    def allocate(self, a: int, b: int, n: int, flag: bool) -> None:
        decision = self.pick(self.decisions, a) if flag and self.decisions else None
        self.allocations.append(UUID(self.ledger.execute(AllocateResource(
            resource_id=self.resource, project_id=self.pick(self.projects, a),
            month=f"2025-0{b + 1}", amount=Decimal(n) / 2, decision_id=decision),
            by=ALICE).extra["allocation_id"]))

    def release(self, a: int, b: int, n: int, flag: bool) -> None:
        self.ledger.execute(ReleaseAllocation(
            resource_id=self.resource, allocation_id=self.pick(self.allocations, a), reason="r"),
            by=ALICE)

    def measure(self, a: int, b: int, n: int, flag: bool) -> None:
        benefit = self.pick(self.benefits, a)
        result = self.ledger.execute(MeasureBenefit(
            benefit_id=benefit, value=float(n * 10 + b), source="BI",
            effective_at=self.when(b * n)), by=ALICE)
        self.measurements.append((benefit, UUID(result.extra["measurement_id"])))

    def correct(self, a: int, b: int, n: int, flag: bool) -> None:
        if self.measurements:
            benefit, measurement = self.measurements[a % len(self.measurements)]
            self.ledger.execute(CorrectMeasurement(
                benefit_id=benefit, measurement_id=measurement, value=float(n), reason="r"),
                by=ALICE)

    def revise(self, a: int, b: int, n: int, flag: bool) -> None:
        self.ledger.execute(ReviseBenefitTarget(
            benefit_id=self.pick(self.benefits, a), target_value=float(100 + n),
            target_date=date(2027, b + 1, 1) if flag else None, reason="r",
            decision_id=self.pick(self.decisions, b)), by=ALICE)

    def benefit_status(self, a: int, b: int, n: int, flag: bool) -> None:
        self.ledger.execute(ChangeBenefitStatus(
            benefit_id=self.pick(self.benefits, a), status=BENEFIT_STATES[b % 5], reason="r"),
            by=ALICE)

    def assess(self, a: int, b: int, n: int, flag: bool) -> None:
        self.ledger.execute(AssessRisk(
            risk_id=self.pick(self.risks, a), likelihood=n, impact=b + 1, rationale="r",
            effective_at=self.when(n)), by=ALICE)

    def respond(self, a: int, b: int, n: int, flag: bool) -> None:
        self.ledger.execute(PlanRiskResponse(
            risk_id=self.pick(self.risks, a), strategy=("avoid", "reduce", "accept", "bogus")[b],
            actions=["a"] if flag else []), by=ALICE)

    def materialize(self, a: int, b: int, n: int, flag: bool) -> None:
        self.ledger.execute(RecordRiskMaterialized(
            risk_id=self.pick(self.risks, a), description="d", impact="i"), by=ALICE)

    def close_risk(self, a: int, b: int, n: int, flag: bool) -> None:
        self.ledger.execute(CloseRisk(risk_id=self.pick(self.risks, a), reason="r"), by=ALICE)

    def lifecycle(self, a: int, b: int, n: int, flag: bool) -> None:
        self.ledger.execute(ChangeProjectLifecycle(
            project_id=self.pick(self.projects, a), status=PROJECT_STATES[b], reason="r"),
            by=ALICE)

    def scope(self, a: int, b: int, n: int, flag: bool) -> None:
        self.ledger.execute(ChangeProjectScope(
            project_id=self.pick(self.projects, a), remove=[], defer=["d"] if flag else [],
            add=[{"key": f"k{n}{b}", "name": "K", "due": date(2026, 1, 1)}], rationale="r",
            decision_id=self.pick(self.decisions, b) if self.decisions else None,
            impact={"cost": n, "schedule_days": b}), by=ALICE)

    def deliver(self, a: int, b: int, n: int, flag: bool) -> None:
        self.ledger.execute(DeliverDeliverable(
            project_id=self.pick(self.projects, a), key="d" if flag else f"k{n}{b}"), by=ALICE)

    def decide(self, a: int, b: int, n: int, flag: bool) -> None:
        affects = {"project_ids": [self.pick(self.projects, a)], "resource_ids": [self.resource],
                   "benefit_ids": self.benefits[:b]}
        self.decisions.append(self.ledger.execute(RecordDecision(
            program_id=self.program, title=f"t{n}", question="q", forum="f", authority="a",
            options=options(), chosen_option="defer" if flag else "keep", rationale="r",
            tradeoffs="t", affects=affects, effective_at=self.when(n)), by=ALICE).id)

    def supersede(self, a: int, b: int, n: int, flag: bool) -> None:
        later = self.decisions[-1] if flag and self.decisions else self.pick(self.decisions, b)
        self.ledger.execute(SupersedeDecision(
            decision_id=self.pick(self.decisions, a), by_decision_id=later, reason="r"), by=ALICE)

    def review(self, a: int, b: int, n: int, flag: bool) -> None:
        self.ledger.execute(ReviewDecisionOutcome(
            decision_id=self.pick(self.decisions, a),
            verdict=("as_expected", "better", "worse", "x")[b], summary="s"), by=ALICE)

    def capacity(self, a: int, b: int, n: int, flag: bool) -> None:
        self.ledger.execute(ChangeResourceCapacity(
            resource_id=self.resource, capacity_per_month=Decimal(n) / 2, reason="r",
            decision_id=self.pick(self.decisions, a) if flag and self.decisions else None),
            by=ALICE)

    def dependency_status(self, a: int, b: int, n: int, flag: bool) -> None:
        self.ledger.execute(ChangeDependencyStatus(
            dependency_id=self.pick(self.dependencies, a),
            status=DEPENDENCY_STATES[b + (2 if flag else 0)], reason="r"), by=ALICE)

    def program_status(self, a: int, b: int, n: int, flag: bool) -> None:
        self.ledger.execute(ChangeProgramStatus(
            program_id=self.program, status=("on_hold", "active")[b % 2], reason="r"), by=ALICE)

    def objective(self, a: int, b: int, n: int, flag: bool) -> None:
        self.ledger.execute(AddProgramObjective(
            program_id=self.program, objective=f"o{n}"), by=ALICE)

    def raise_risk(self, a: int, b: int, n: int, flag: bool) -> None:
        self.risks.append(self.ledger.execute(RaiseRisk(
            program_id=self.program, title=f"r{n}", description="", category="c", likelihood=n,
            impact=b + 1, owner="o", affected_project_ids=[self.pick(self.projects, a)],
            proximity=""), by=ALICE).id)

    def identify(self, a: int, b: int, n: int, flag: bool) -> None:
        benefit = self.ledger.execute(IdentifyBenefit(
            program_id=self.program, name=f"b{n}", description="", kpi="k", unit="u",
            direction="increase", owner="o", dis_benefit=flag), by=ALICE).id
        self.benefits.append(benefit)
        if b:
            self.ledger.execute(SetBenefitProfile(
                benefit_id=benefit, baseline_value=10, baseline_date=date(2025, 1, 1),
                target_value=10 + 10 * b, target_date=date(2026, 1, 1),
                contributing_project_ids=[], measurement_method="m"), by=ALICE)


STEPS = st.lists(st.tuples(st.integers(0, 23), st.integers(0, 3), st.integers(0, 3),
                           st.integers(1, 5), st.booleans()), min_size=5, max_size=50)
