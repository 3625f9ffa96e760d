"""Given-steps for domain tests: aggregates built through their own commands, events drained."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

from ledger.domain.base import LedgerAggregate, Provenance
from ledger.domain.benefit import Benefit
from ledger.domain.decision import Decision, decision_option
from ledger.domain.dependency import Dependency
from ledger.domain.program import Program
from ledger.domain.project import Project, deliverable
from ledger.domain.resource import SharedResource
from ledger.domain.risk import Risk

PAT = Provenance(actor="pat", correlation_id="req-7", causation_id="evt-3")
PROGRAM_ID = uuid4()


def drained(aggregate: LedgerAggregate) -> LedgerAggregate:
    """Forget the given-events, so a test sees only what its own when-step recorded."""
    aggregate.collect_events()
    return aggregate


def a_program(status: str = "proposed") -> Program:
    program = Program.define(code="erp", name="ERP", objectives=["One platform"],
                             sponsor="CFO", manager="Pat", by=PAT)
    path = {"proposed": [], "active": ["active"], "on_hold": ["active", "on_hold"],
            "closing": ["active", "closing"], "closed": ["active", "closing", "closed"],
            "cancelled": ["cancelled"]}[status]
    for step in path:
        program.change_status(step, PAT, "planned step")
    return drained(program)  # type: ignore[return-value]


def a_project(lifecycle: str = "planned", *keys: str) -> Project:
    project = Project.authorize(
        program_id=PROGRAM_ID, name="ERP implementation", manager="Aisha",
        planned_start=date(2025, 6, 1), planned_finish=date(2026, 9, 30),
        deliverables=[deliverable(k, k.title(), date(2026, 1, 31)) for k in keys or ("build",)],
        by=PAT)
    path = {"planned": [], "in_progress": ["in_progress"],
            "on_hold": ["in_progress", "on_hold"], "completed": ["in_progress", "completed"],
            "cancelled": ["cancelled"]}[lifecycle]
    for step in path:
        project.change_lifecycle(step, PAT, "planned step")
    return drained(project)  # type: ignore[return-value]


def a_decision(program_id: UUID = PROGRAM_ID, **affects: list[UUID]) -> Decision:
    decision = Decision.record(
        program_id=program_id, title="Defer the module", question="Defer or slip?",
        forum="Steering committee", authority="Sponsor",
        options=[decision_option("defer", "Defer it"), decision_option("slip", "Slip")],
        chosen_option="defer", rationale="Protect go-live", tradeoffs="Less scope",
        evidence=["12"], affects=affects, review_by=None, by=PAT)
    return drained(decision)  # type: ignore[return-value]


def a_dependency(status: str = "open") -> Dependency:
    dependency = Dependency.declare(
        program_id=PROGRAM_ID, provider_project_id=uuid4(), provider_deliverable=None,
        consumer_project_id=uuid4(), needed_by=date(2026, 2, 1), description="data first",
        existing_edges=[], by=PAT)
    path = {"open": [], "committed": ["committed"], "at_risk": ["at_risk"],
            "broken": ["broken"], "met": ["committed", "met"], "withdrawn": ["withdrawn"]}
    for step in path[status]:
        dependency.change_status(step, PAT, "planned step")
    return drained(dependency)  # type: ignore[return-value]


def a_resource(capacity: str = "2") -> SharedResource:
    return drained(SharedResource.register(  # type: ignore[return-value]
        program_id=PROGRAM_ID, name="SAP specialists", unit="FTE",
        capacity_per_month=Decimal(capacity), by=PAT))


def a_benefit(with_profile: bool = True) -> Benefit:
    benefit = Benefit.identify(
        program_id=PROGRAM_ID, name="O2C cycle time", description="", kpi="days", unit="days",
        direction="decrease", owner="COO", dis_benefit=False, by=PAT)
    if with_profile:
        benefit.set_profile(baseline_value=42, baseline_date=date(2025, 5, 1), target_value=28,
                            target_date=date(2026, 12, 31), contributing_project_ids=[],
                            measurement_method="warehouse extract", by=PAT)
    return drained(benefit)  # type: ignore[return-value]


def a_risk() -> Risk:
    return drained(Risk.raise_risk(  # type: ignore[return-value]
        program_id=PROGRAM_ID, title="Data quality", description="Duplicates",
        category="data", likelihood=3, impact=4, owner="Li", affected_project_ids=[],
        proximity="Q1", by=PAT))
