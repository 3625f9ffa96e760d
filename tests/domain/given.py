"""Given-steps for domain tests: aggregates built through their own commands, events drained."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar
from uuid import UUID, uuid4

from ledger.domain.base import LedgerAggregate, Provenance
from ledger.domain.benefit import Benefit
from ledger.domain.decision import Decision, decision_option
from ledger.domain.dependency import Dependency
from ledger.domain.program import Program, program_id_for_code
from ledger.domain.project import Project, deliverable
from ledger.domain.proposal import Proposal
from ledger.domain.resource import SharedResource
from ledger.domain.risk import Risk

PAT = Provenance(actor="pat", correlation_id="req-7", causation_id="evt-3")
# The program every builder's component belongs to, unless a test says otherwise.
PROGRAM_ID = program_id_for_code("ERP")

A = TypeVar("A", bound=LedgerAggregate)


def drained(aggregate: A) -> A:
    """Forget the given-events, so a test sees only what its own when-step recorded."""
    aggregate.collect_events()
    return aggregate


def event_names(aggregate: LedgerAggregate) -> list[str]:
    return [type(event).__name__ for event in aggregate.collect_events()]


# How each builder walks an aggregate into a state, using only allowed moves.
PROGRAM_PATHS = {
    "proposed": [], "active": ["active"], "on_hold": ["active", "on_hold"],
    "closing": ["active", "closing"], "closed": ["active", "closing", "closed"],
    "cancelled": ["cancelled"],
}
PROJECT_PATHS = {
    "planned": [], "in_progress": ["in_progress"], "on_hold": ["in_progress", "on_hold"],
    "completed": ["in_progress", "completed"], "cancelled": ["cancelled"],
}
DEPENDENCY_PATHS = {
    "open": [], "committed": ["committed"], "at_risk": ["at_risk"], "broken": ["broken"],
    "met": ["committed", "met"], "withdrawn": ["withdrawn"],
}
BENEFIT_PATHS = {
    "identified": [], "planned": ["planned"], "in_delivery": ["planned", "in_delivery"],
    "realized": ["planned", "in_delivery", "realized"],
    "sustained": ["planned", "in_delivery", "realized", "sustained"],
    "cancelled": ["cancelled"],
}


def a_program(status: str = "proposed", code: str = "ERP") -> Program:
    program = Program.define(code=code, name="ERP renewal", objectives=["One platform"],
                             sponsor="CFO", manager="Pat", by=PAT)
    for step in PROGRAM_PATHS[status]:
        program.change_status(step, PAT, "planned step")
    return drained(program)


def a_project(lifecycle: str = "planned", keys: Sequence[str] = ("build",),
              program_id: UUID = PROGRAM_ID) -> Project:
    project = Project.authorize(
        program_id=program_id, name="ERP implementation", manager="Aisha",
        planned_start=date(2025, 6, 1), planned_finish=date(2026, 9, 30),
        deliverables=[deliverable(k, k.title(), date(2026, 1, 31)) for k in keys], by=PAT)
    for step in PROJECT_PATHS[lifecycle]:
        project.change_lifecycle(step, PAT, "planned step")
    return drained(project)


def an_in_progress_project(keys: Sequence[str] = ("build",)) -> Project:
    return a_project("in_progress", keys)


def a_decision(program_id: UUID = PROGRAM_ID, effective_at: datetime | None = None,
               **affects: list[UUID]) -> Decision:
    """A decision of the program; keyword arguments say what it affects, e.g. project=[id]."""
    decision = Decision.record(
        program_id=program_id, title="Defer the module", question="Defer or slip?",
        forum="Steering committee", authority="Sponsor",
        options=[decision_option("defer", "Defer it"), decision_option("slip", "Slip")],
        chosen_option="defer", rationale="Protect go-live", tradeoffs="Less scope",
        evidence=["12"], affects=affects, review_by=None, by=PAT, effective_at=effective_at)
    return drained(decision)


def a_superseded_decision(**affects: list[UUID]) -> Decision:
    decision, later = a_decision(**affects), a_decision(**affects)
    decision.supersede(later, PAT, "New facts")
    return drained(decision)


def a_dependency(status: str = "open", provider: UUID | None = None,
                 consumer: UUID | None = None) -> Dependency:
    dependency = Dependency.declare(
        program_id=PROGRAM_ID, provider_project_id=provider or uuid4(),
        provider_deliverable="build", consumer_project_id=consumer or uuid4(),
        needed_by=date(2026, 2, 1), description="Data must be migrated first",
        existing_edges=[], by=PAT)
    for step in DEPENDENCY_PATHS[status]:
        dependency.change_status(step, PAT, "planned step")
    return drained(dependency)


def a_resource(capacity: str = "2") -> SharedResource:
    return drained(SharedResource.register(
        program_id=PROGRAM_ID, name="SAP specialists", unit="FTE",
        capacity_per_month=Decimal(capacity), by=PAT))


def a_benefit(status: str = "identified", with_profile: bool = True) -> Benefit:
    benefit = Benefit.identify(
        program_id=PROGRAM_ID, name="O2C cycle time", description="Order to cash", kpi="days",
        unit="days", direction="decrease", owner="COO", dis_benefit=False, by=PAT)
    if with_profile:
        benefit.set_profile(baseline_value=42, baseline_date=date(2025, 5, 1), target_value=28,
                            target_date=date(2026, 12, 31), contributing_project_ids=[],
                            measurement_method="warehouse extract", by=PAT)
    for step in BENEFIT_PATHS[status]:
        benefit.change_status(step, PAT, "planned step")
    return drained(benefit)


def a_risk(status: str = "open") -> Risk:
    risk = Risk.raise_risk(
        program_id=PROGRAM_ID, title="Data quality", description="Duplicate customers",
        category="data", likelihood=3, impact=4, owner="Li", affected_project_ids=[],
        proximity="Q1", by=PAT)
    if status == "materialized":
        risk.materialize("Load rejected", "Three weeks late", PAT)
    elif status == "closed":
        risk.close(PAT, "Cleansed")
    return drained(risk)


def a_proposal(program_id: UUID = PROGRAM_ID, effective_at: datetime | None = None
               ) -> Proposal:
    """An open proposal of the program with two options and no commands."""
    proposal = Proposal.propose(
        program_id=program_id, title="Warehouse module", question="Defer or slip?",
        forum="Steering committee", authority="Sponsor",
        options=[{**decision_option("defer", "Defer it"), "commands": []},
                 {**decision_option("slip", "Slip go-live"), "commands": []}],
        affects={}, review_by=None, by=PAT, effective_at=effective_at)
    return drained(proposal)
