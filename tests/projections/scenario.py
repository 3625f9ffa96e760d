"""One program's known history, written through ProgramLedger's commands, for exact checks.

Every command that takes an effective time gets one, so expected values are exact; the few
that do not (and every recorded time) are read back from the event log by position.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

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
from ledger.application.service import CommandResult
from ledger.domain.base import Provenance

ALICE = Provenance("alice", correlation_id="req-7")
BOB = Provenance("bob")


def at(month: int, day: int, hour: int = 9) -> datetime:
    return datetime(2025, month, day, hour, tzinfo=UTC)


@dataclass
class History:
    """Ids of what the scenario created, and the result of each command by a short name."""

    ledger: ProgramLedger
    ids: dict[str, UUID] = field(default_factory=dict)
    results: dict[str, CommandResult] = field(default_factory=dict)

    def run(self, name: str, result: CommandResult) -> CommandResult:
        self.results[name] = result
        return result

    def position(self, name: str) -> int:
        return self.results[name].position

    def extra(self, name: str, key: str) -> UUID:
        return UUID(self.results[name].extra[key])


def options(benefit: UUID | None = None) -> list[dict[str, Any]]:
    impact = {"benefits": {str(benefit): -3}} if benefit else {}
    return [
        {"key": "defer", "summary": "Defer the module", "pros": ["on time"],
         "cons": ["less value"], "expected_impact": {"cost": -50000, "schedule_days": 0,
                                                     **impact}},
        {"key": "keep", "summary": "Keep the module", "pros": ["full value"], "cons": ["late"],
         "expected_impact": {"cost": 80000, "schedule_days": 60}},
    ]


def build(ledger: ProgramLedger) -> History:
    history = History(ledger)
    _program_and_projects(history)
    _dependencies(history)
    _resources(history)
    _benefits(history)
    _risks(history)
    _decisions(history)
    return history


def _program_and_projects(h: History) -> None:
    lg, ids = h.ledger, h.ids
    ids["program"] = h.run("defined", lg.execute(DefineProgram(
        code="otc", name="Order to cash", objectives=["Faster cash"], sponsor="CFO", manager="Pat",
        effective_at=at(1, 2)), by=ALICE)).id
    h.run("activated", lg.execute(ChangeProgramStatus(
        program_id=ids["program"], status="active", reason="approved", effective_at=at(1, 3)),
        by=ALICE))
    h.run("objective", lg.execute(AddProgramObjective(
        program_id=ids["program"], objective="Fewer disputes"), by=BOB))
    for name, manager, day, keys in (("ERP", "Sam", 5, ("build", "train")),
                                     ("Data migration", "Kim", 6, ("load",)),
                                     ("Portal", "Lee", 7, ())):
        ids[name] = h.run(name, lg.execute(AuthorizeProject(
            program_id=ids["program"], name=name, manager=manager, planned_start=date(2025, 1, 1),
            planned_finish=date(2026, 6, 30), effective_at=at(1, day),
            deliverables=[{"key": k, "name": k.title(), "due": date(2025, 9, 30)}
                          for k in keys]),
            by=ALICE)).id
    erp, data, portal = ids["ERP"], ids["Data migration"], ids["Portal"]
    h.run("scope", lg.execute(ChangeProjectScope(
        project_id=erp, add=[{"key": "reports", "name": "Reports", "due": date(2025, 11, 30)}],
        remove=["train"], defer=[], rationale="training moves to HR", effective_at=at(1, 10),
        impact={"cost": -1000, "schedule_days": 0}), by=ALICE))
    for project in (erp, data, portal):
        lg.execute(ChangeProjectLifecycle(
            project_id=project, status="in_progress", reason="kick-off", effective_at=at(2, 1)),
            by=ALICE)
    h.run("delivered", lg.execute(DeliverDeliverable(
        project_id=erp, key="build", effective_at=at(4, 20)), by=BOB))
    reports = ((data, "mar", at(3, 31), "green", None), (data, "jan", at(1, 31), "red", "slip"),
               (data, "apr", at(4, 30), "amber", "vendor late"),
               (erp, "erp", at(4, 15), "green", None), (portal, "portal", at(2, 10), "red", "x"))
    for project, name, when, overall, reason in reports:
        h.run(name, lg.execute(ReportProjectStatus(
            project_id=project, overall=overall, schedule="green",
            cost="amber" if reason else "green", scope="green", resources="green",
            narrative=name.title(), reason=reason, effective_at=when), by=BOB))
    h.run("cancelled", lg.execute(ChangeProjectLifecycle(
        project_id=portal, status="cancelled", reason="merged into ERP", effective_at=at(2, 20)),
        by=ALICE))


def _dependencies(h: History) -> None:
    lg, ids = h.ledger, h.ids
    ids["dependency"] = h.run("declared", lg.execute(DeclareDependency(
        program_id=ids["program"], provider_project_id=ids["Data migration"],
        provider_deliverable="load", consumer_project_id=ids["ERP"], needed_by=date(2025, 6, 1),
        description="data before go-live", effective_at=at(2, 2)), by=ALICE)).id
    lg.execute(ChangeDependencyStatus(
        dependency_id=ids["dependency"], status="committed", reason="plan agreed",
        effective_at=at(2, 3)), by=ALICE)
    h.run("at_risk", lg.execute(ChangeDependencyStatus(
        dependency_id=ids["dependency"], status="at_risk", reason="load slipping",
        effective_at=at(4, 30)), by=BOB))
    ids["withdrawn"] = lg.execute(DeclareDependency(
        program_id=ids["program"], provider_project_id=ids["ERP"],
        consumer_project_id=ids["Portal"], needed_by=date(2025, 9, 1), description="portal on ERP",
        effective_at=at(2, 4)), by=ALICE).id
    lg.execute(ChangeDependencyStatus(
        dependency_id=ids["withdrawn"], status="withdrawn", reason="portal cancelled",
        effective_at=at(2, 21)), by=ALICE)


def _resources(h: History) -> None:
    lg, ids = h.ledger, h.ids
    ids["resource"] = lg.execute(RegisterResource(
        program_id=ids["program"], name="SAP specialists", unit="FTE",
        capacity_per_month=Decimal(2), effective_at=at(1, 8)), by=ALICE).id
    ids["overload"] = lg.execute(RecordDecision(
        program_id=ids["program"], title="Accept overload in July",
        question="Overload specialists?", forum="Steering committee", authority="Sponsor",
        options=options(), chosen_option="defer", rationale="Protect go-live",
        tradeoffs="Less scope in Q3", evidence=["position:5"], review_by=date(2025, 12, 31),
        affects={"resource_ids": [ids["resource"]], "project_ids": [ids["ERP"]]},
        effective_at=at(3, 1)), by=ALICE).id
    allocations = (("a1", "ERP", "2025-07", "1.5", None), ("a2", "Data migration", "2025-07",
                                                          "1", ids["overload"]),
                   ("a3", "Data migration", "2025-08", "1", None),
                   ("a4", "Data migration", "2025-09", "0.5", None))
    for day, (name, project, month, amount, decision) in enumerate(allocations, start=2):
        h.run(name, lg.execute(AllocateResource(
            resource_id=ids["resource"], project_id=ids[project], month=month,
            amount=Decimal(amount), decision_id=decision, effective_at=at(3, day)), by=ALICE))
    lg.execute(ReleaseAllocation(
        resource_id=ids["resource"], allocation_id=h.extra("a3", "allocation_id"), reason="moved",
        effective_at=at(3, 7)), by=ALICE)
    lg.execute(ChangeResourceCapacity(
        resource_id=ids["resource"], capacity_per_month=Decimal("2.25"), reason="one leaves",
        decision_id=ids["overload"], effective_at=at(3, 8)), by=ALICE)


def _benefits(h: History) -> None:
    lg, ids = h.ledger, h.ids
    ids["benefit"] = lg.execute(IdentifyBenefit(
        program_id=ids["program"], name="Cycle time", description="Faster cash",
        kpi="days from order to cash", unit="days", direction="decrease", owner="COO",
        dis_benefit=False, effective_at=at(1, 9)), by=ALICE).id
    lg.execute(SetBenefitProfile(
        benefit_id=ids["benefit"], baseline_value=45, baseline_date=date(2025, 1, 1),
        target_value=30, target_date=date(2026, 12, 31),
        contributing_project_ids=[ids["ERP"], ids["Data migration"]],
        measurement_method="ERP report", effective_at=at(1, 10)), by=ALICE)
    lg.execute(ChangeBenefitStatus(
        benefit_id=ids["benefit"], status="planned", reason="profile agreed",
        effective_at=at(1, 11)), by=ALICE)
    for name, value, when, note in (("m1", 44, at(2, 28), "first"), ("m2", 39, at(5, 31), ""),
                                    ("m3", 41, at(4, 30), "back-dated")):
        h.run(name, lg.execute(MeasureBenefit(
            benefit_id=ids["benefit"], value=value, source="BI", note=note, effective_at=when),
            by=BOB))
    h.run("c1", lg.execute(CorrectMeasurement(
        benefit_id=ids["benefit"], measurement_id=h.extra("m1", "measurement_id"), value=43,
        reason="late invoices"), by=ALICE))
    h.run("c2", lg.execute(CorrectMeasurement(
        benefit_id=ids["benefit"], measurement_id=h.extra("m2", "measurement_id"), value=38,
        reason="rounding"), by=ALICE))
    # Measured, but without a profile: no realization, so not in the program's average.
    ids["unprofiled"] = lg.execute(IdentifyBenefit(
        program_id=ids["program"], name="Disputes", description="", kpi="open disputes",
        unit="count", direction="decrease", owner="CFO", dis_benefit=True, effective_at=at(1, 9)),
        by=ALICE).id
    lg.execute(MeasureBenefit(
        benefit_id=ids["unprofiled"], value=120, source="CRM", effective_at=at(2, 1)), by=BOB)


def _risks(h: History) -> None:
    lg, ids = h.ledger, h.ids
    raised = (("quality", "Data quality", 3, 4, 5), ("vendor", "Vendor insolvency", 5, 3, 6),
              ("people", "Key person leaves", 5, 5, 7), ("minor", "Minor", 2, 2, 8))
    for key, title, likelihood, impact, day in raised:
        ids[key] = h.run(key, lg.execute(RaiseRisk(
            program_id=ids["program"], title=title, description=f"{title} risk",
            category="delivery", likelihood=likelihood, impact=impact, owner="Li",
            affected_project_ids=[ids["Data migration"]], proximity="Q3", effective_at=at(2, day)),
            by=ALICE)).id
    h.run("assessed", lg.execute(AssessRisk(
        risk_id=ids["quality"], likelihood=4, impact=4, rationale="worse", effective_at=at(3, 10)),
        by=BOB))
    lg.execute(PlanRiskResponse(
        risk_id=ids["quality"], strategy="reduce", actions=["cleanse", "dedupe"], reason="plan",
        effective_at=at(3, 11)), by=ALICE)
    lg.execute(RecordRiskMaterialized(
        risk_id=ids["vendor"], description="vendor filed", impact="two weeks delay",
        effective_at=at(4, 1)), by=ALICE)
    lg.execute(CloseRisk(
        risk_id=ids["people"], reason="retained", effective_at=at(3, 1)), by=ALICE)


def _decisions(h: History) -> None:
    lg, ids = h.ledger, h.ids
    ids["ramp"] = h.run("ramp", lg.execute(RecordDecision(
        program_id=ids["program"], title="Slower benefit ramp", question="Revise the target?",
        forum="Board", authority="Sponsor", options=options(ids["benefit"]), chosen_option="keep",
        rationale="Data issues", tradeoffs="Cash later", affects={"benefit_ids": [ids["benefit"]]},
        effective_at=at(5, 1)), by=ALICE)).id
    h.run("revised", lg.execute(ReviseBenefitTarget(
        benefit_id=ids["benefit"], target_value=33, reason="slower ramp", decision_id=ids["ramp"],
        effective_at=at(5, 2)), by=ALICE))
    h.run("superseded", lg.execute(SupersedeDecision(
        decision_id=ids["overload"], by_decision_id=ids["ramp"], reason="new facts"), by=ALICE))
    h.run("review", lg.execute(ReviewDecisionOutcome(
        decision_id=ids["overload"], verdict="worse", summary="July overload hurt",
        evidence=["position:40"], effective_at=at(6, 1)), by=BOB))
