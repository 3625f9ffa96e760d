"""Each command of the service records the expected facts, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

from ledger.application import ProgramLedger
from ledger.application.commands.benefits import (
    ChangeBenefitStatus,
    CorrectMeasurement,
    MeasureBenefit,
    ReviseBenefitTarget,
)
from ledger.application.commands.decisions import ReviewDecisionOutcome, SupersedeDecision
from ledger.application.commands.dependencies import ChangeDependencyStatus, DeclareDependency
from ledger.application.commands.programs import DefineProgram
from ledger.application.commands.projects import (
    ChangeProjectLifecycle,
    ChangeProjectScope,
    DeliverDeliverable,
    ReportProjectStatus,
)
from ledger.application.commands.resources import (
    AllocateResource,
    ChangeResourceCapacity,
    ReleaseAllocation,
)
from ledger.application.commands.risks import (
    AssessRisk,
    CloseRisk,
    PlanRiskResponse,
    RaiseRisk,
    RecordRiskMaterialized,
)
from ledger.domain.benefit import Benefit
from ledger.domain.decision import Decision
from ledger.domain.dependency import Dependency
from ledger.domain.program import Program, program_id_for_code
from ledger.domain.project import Project
from ledger.domain.resource import SharedResource
from ledger.domain.risk import Risk
from tests.application.builders import ALICE, ProgramBuilder


def test_defining_a_program_returns_its_id_version_and_position(ledger: ProgramLedger) -> None:
    result = ledger.execute(DefineProgram(
        code="erp-2025", name="ERP", objectives=["Single ledger"], sponsor="CFO", manager="Pat"),
        by=ALICE)
    program = ledger.load(result.id, Program)
    assert result.id == program_id_for_code("ERP-2025")
    assert (result.version, result.position) == (1, ledger.head_position())
    assert (program.code, program.status, program.objectives) == ("ERP-2025", "proposed",
                                                                  ["Single ledger"])


def test_component_creation_registers_it_in_the_program(erp: ProgramBuilder) -> None:
    project_id = erp.project("Data migration", "load")
    program = erp.ledger.load(erp.program_id, Program)
    assert program.components == {project_id.hex: "project"}
    project = erp.ledger.load(project_id, Project)
    assert project.deliverables["load"]["status"] == "planned"


def test_project_lifecycle_status_scope_and_delivery(erp: ProgramBuilder) -> None:
    ledger = erp.ledger
    project_id = erp.project("ERP implementation", "design", "warehouse")
    ledger.execute(ChangeProjectLifecycle(
        project_id=project_id, status="in_progress", reason="kick-off"), by=ALICE)
    ledger.execute(ReportProjectStatus(
        project_id=project_id, overall="amber", schedule="red", cost="green", scope="green",
        resources="amber", narrative="Design late", reason="Key architect left"), by=ALICE)
    decision_id = erp.decision(project=[project_id])
    ledger.execute(ChangeProjectScope(
        project_id=project_id,
        add=[{"key": "reports", "name": "Reports", "due": date(2026, 3, 1)}], remove=[],
        defer=["warehouse"], rationale="Protect go-live", decision_id=decision_id,
        impact={"cost": -50000, "schedule_days": 0}), by=ALICE)
    ledger.execute(DeliverDeliverable(project_id=project_id, key="design"), by=ALICE)
    project = ledger.load(project_id, Project)
    assert project.lifecycle == "in_progress"
    assert project.latest_ratings["schedule"] == "red"
    assert {k: d["status"] for k, d in project.deliverables.items()} == {
        "design": "delivered", "warehouse": "deferred", "reports": "planned"}


def test_dependency_declared_and_moved_through_its_lifecycle(erp: ProgramBuilder) -> None:
    provider = erp.project("Data migration", "load")
    consumer = erp.project("ERP implementation", "system-test")
    result = erp.ledger.execute(DeclareDependency(
        program_id=erp.program_id, provider_project_id=provider, provider_deliverable="load",
        consumer_project_id=consumer, needed_by=date(2025, 9, 1),
        description="Migrated data before system test"), by=ALICE)
    erp.ledger.execute(ChangeDependencyStatus(
        dependency_id=result.id, status="committed", reason="Plan agreed"), by=ALICE)
    dependency = erp.ledger.load(result.id, Dependency)
    assert (dependency.status, dependency.edge) == ("committed", (provider, consumer))


def test_allocations_over_capacity_need_a_decision(erp: ProgramBuilder) -> None:
    ledger = erp.ledger
    project_id = erp.project("ERP implementation")
    resource_id = erp.resource(capacity="2")
    first = ledger.execute(AllocateResource(
        resource_id=resource_id, project_id=project_id, month="2025-06", amount=Decimal("1.5")),
        by=ALICE)
    decision_id = erp.decision(resource=[resource_id])
    ledger.execute(AllocateResource(
        resource_id=resource_id, project_id=project_id, month="2025-06", amount=Decimal("1"),
        decision_id=decision_id), by=ALICE)
    ledger.execute(ReleaseAllocation(
        resource_id=resource_id, allocation_id=UUID(first.extra["allocation_id"]),
        reason="Moved to July"), by=ALICE)
    ledger.execute(ChangeResourceCapacity(
        resource_id=resource_id, capacity_per_month=Decimal("3"), reason="Contractor hired"),
        by=ALICE)
    resource = ledger.load(resource_id, SharedResource)
    assert resource.allocated_in("2025-06") == Decimal("1")
    assert resource.capacity_per_month == Decimal("3")


def test_benefit_measured_corrected_and_target_revised(erp: ProgramBuilder) -> None:
    ledger = erp.ledger
    benefit_id = erp.benefit()
    measured = ledger.execute(MeasureBenefit(
        benefit_id=benefit_id, value=44, source="BI",
        effective_at=datetime(2025, 3, 31, tzinfo=UTC)), by=ALICE)
    measurement_id = UUID(measured.extra["measurement_id"])
    ledger.execute(CorrectMeasurement(
        benefit_id=benefit_id, measurement_id=measurement_id, value=43.5, reason="Late invoices"),
        by=ALICE)
    decision_id = erp.decision(benefit=[benefit_id])
    ledger.execute(ReviseBenefitTarget(
        benefit_id=benefit_id, target_value=33, reason="Market slower", decision_id=decision_id),
        by=ALICE)
    ledger.execute(ChangeBenefitStatus(
        benefit_id=benefit_id, status="planned", reason="Profile agreed"), by=ALICE)
    benefit = ledger.load(benefit_id, Benefit)
    assert benefit.measurements == {measurement_id.hex: 43.5}
    assert benefit.profile is not None and benefit.profile["target_value"] == 33.0
    assert benefit.status == "planned"


def test_risk_raised_assessed_responded_materialised_and_closed(erp: ProgramBuilder) -> None:
    ledger = erp.ledger
    project_id = erp.project("Data migration")
    risk_id = ledger.execute(RaiseRisk(
        program_id=erp.program_id, title="Poor data quality", description="Legacy duplicates",
        category="data", likelihood=3, impact=4, owner="Data lead",
        affected_project_ids=[project_id], proximity="Q3 2025"), by=ALICE).id
    ledger.execute(AssessRisk(
        risk_id=risk_id, likelihood=5, impact=4, rationale="Profiling found 12% dups"), by=ALICE)
    ledger.execute(PlanRiskResponse(
        risk_id=risk_id, strategy="reduce", actions=["Cleansing sprint"]), by=ALICE)
    ledger.execute(RecordRiskMaterialized(
        risk_id=risk_id, description="Cutover data rejected", impact="Two-week slip"), by=ALICE)
    ledger.execute(CloseRisk(risk_id=risk_id, reason="Data reloaded"), by=ALICE)
    risk = ledger.load(risk_id, Risk)
    assert (risk.exposure, risk.response, risk.status) == (20, "reduce", "closed")


def test_decision_superseded_and_reviewed(erp: ProgramBuilder) -> None:
    ledger = erp.ledger
    first = erp.decision()
    second = erp.decision()
    ledger.execute(SupersedeDecision(
        decision_id=first, by_decision_id=second, reason="New facts"), by=ALICE)
    ledger.execute(ReviewDecisionOutcome(
        decision_id=second, verdict="as_expected", summary="On time", evidence=["42"]), by=ALICE)
    assert ledger.load(first, Decision).superseded_by == second
    assert ledger.load(second, Decision).outcome_verdicts == ["as_expected"]


def test_every_event_carries_the_actor_and_correlation(erp: ProgramBuilder) -> None:
    entries = erp.ledger.history(erp.program_id)
    assert [e.type for e in entries] == ["ProgramDefined", "ProgramStatusChanged"]
    assert {(e.actor, e.correlation_id) for e in entries} == {("alice", "req-1")}
    assert entries[1].reason == "approved"
    assert entries[1].changes["status"].before == "proposed"
    assert entries[1].changes["status"].after == "active"
