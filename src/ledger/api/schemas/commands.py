"""Command bodies. Unknown fields are refused, so no body can set actor, time or position."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from ledger.api.schemas.times import IsoDate, IsoDatetime

Text = Annotated[str, Field(min_length=1, max_length=10_000)]
ShortText = Annotated[str, Field(min_length=1, max_length=500)]
Rag = Literal["green", "amber", "red"]
Reason = Annotated[str | None, Field(default=None, max_length=10_000,
                                     description="Why; required where the rule says so.")]
EffectiveAt = Annotated[IsoDatetime | None, Field(
    default=None, description="When the fact became true (RFC 3339, with zone); defaults to "
    "now; may not lie in the future.")]


def example(**fields: Any) -> ConfigDict:
    """Unknown fields refused, and an example body for the OpenAPI document."""
    return ConfigDict(extra="forbid", json_schema_extra={"examples": [fields]})


PROJECT_ID = "0494e40a-1555-4720-8527-9458bb2f0808"
DECISION_ID = "08053456-6d96-45fd-8a9a-e52e3d0e90d9"
BENEFIT_ID = "6f1d3c2b-9a8e-4b7d-8c6f-5e4d3c2b1a09"


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DefineProgram(Command):
    code: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][\w.-]*$")]
    name: ShortText
    objectives: list[ShortText] = []
    sponsor: ShortText
    manager: ShortText
    reason: Reason = None
    effective_at: EffectiveAt = None

    model_config = example(code="ERP-2026", name="ERP transformation",
                           objectives=["One finance platform"], sponsor="Maria Keller, CFO",
                           manager="Tom Becker")


class ChangeStatus(Command):
    model_config = example(
        status="on_hold", reason="Funding paused until the Q3 board")

    status: Annotated[str, Field(min_length=1, max_length=32)]
    reason: Text
    effective_at: EffectiveAt = None


class DeliverableIn(Command):
    model_config = example(
        key="mock-loads", name="Mock data loads", due="2026-02-15")

    key: Annotated[str, Field(min_length=1, max_length=64)]
    name: ShortText
    due: IsoDate


class AuthorizeProject(Command):
    model_config = example(
        name="ERP implementation", manager="Aisha Rahman", planned_start="2025-06-01",
        planned_finish="2026-09-30",
        deliverables=[{"key": "build", "name": "Build", "due": "2026-01-31"}])

    name: ShortText
    manager: ShortText
    planned_start: IsoDate
    planned_finish: IsoDate
    deliverables: list[DeliverableIn] = []
    reason: Reason = None
    effective_at: EffectiveAt = None


class ReportStatus(Command):
    model_config = example(
        overall="amber", schedule="red", cost="green", scope="green", resources="amber",
        narrative="Data migration slipped two weeks", reason="Vendor load tool late")

    overall: Rag
    schedule: Rag
    cost: Rag
    scope: Rag
    resources: Rag
    narrative: Annotated[str, Field(max_length=10_000)] = ""
    reason: Reason = None
    effective_at: EffectiveAt = None


class Impact(Command):
    model_config = example(
        cost=120000, schedule_days=14)

    cost: float = 0.0
    schedule_days: int = 0


class ChangeScope(Command):
    model_config = example(
        defer=["warehouse"], rationale="Protect the go-live date",
        impact={"cost": -80000, "schedule_days": 0}, decision_id=DECISION_ID)

    add: list[DeliverableIn] = []
    remove: list[str] = []
    defer: list[str] = []
    rationale: Text
    impact: Impact = Impact()
    decision_id: UUID | None = None
    effective_at: EffectiveAt = None


class Deliver(Command):
    model_config = example(
        effective_at="2026-01-30T16:00:00Z")

    reason: Reason = None
    effective_at: EffectiveAt = None


class DeclareDependency(Command):
    model_config = example(
        provider_project_id=PROJECT_ID, provider_deliverable="mock-loads",
        consumer_project_id="2e13d478-4acd-435e-8587-fb007718eb29", needed_by="2026-02-20",
        description="Migrated data before system test")

    provider_project_id: UUID
    provider_deliverable: str | None = None
    consumer_project_id: UUID
    needed_by: IsoDate
    description: Text
    effective_at: EffectiveAt = None


class RegisterResource(Command):
    model_config = example(
        name="SAP specialists", unit="FTE", capacity_per_month="6")

    name: ShortText
    unit: Annotated[str, Field(min_length=1, max_length=32)]
    capacity_per_month: Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=4)]
    effective_at: EffectiveAt = None


class ChangeCapacity(Command):
    model_config = example(
        capacity_per_month="8", reason="Two contractors join in March")

    capacity_per_month: Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=4)]
    reason: Text
    decision_id: UUID | None = None
    effective_at: EffectiveAt = None


class Allocate(Command):
    model_config = example(
        project_id=PROJECT_ID, month="2026-02", amount="4")

    project_id: UUID
    month: Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-02"])]
    amount: Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=4)]
    decision_id: UUID | None = None
    reason: Reason = None
    effective_at: EffectiveAt = None


class Release(Command):
    model_config = example(
        reason="Testing moved to March")

    reason: Text
    effective_at: EffectiveAt = None


class IdentifyBenefit(Command):
    model_config = example(
        name="Order-to-cash cycle time", kpi="days from order to cash", unit="days",
        direction="decrease", owner="COO", dis_benefit=False)

    name: ShortText
    description: Annotated[str, Field(max_length=10_000)] = ""
    kpi: ShortText
    unit: Annotated[str, Field(min_length=1, max_length=32)]
    direction: Literal["increase", "decrease"]
    owner: ShortText
    dis_benefit: bool = False
    effective_at: EffectiveAt = None


class SetProfile(Command):
    model_config = example(
        baseline_value=42, baseline_date="2025-05-01", target_value=28,
        target_date="2026-12-31", contributing_project_ids=[PROJECT_ID],
        measurement_method="Monthly BI extract")

    baseline_value: float
    baseline_date: IsoDate
    target_value: float
    target_date: IsoDate
    contributing_project_ids: list[UUID] = []
    measurement_method: ShortText
    reason: Reason = None
    effective_at: EffectiveAt = None


class Measure(Command):
    model_config = example(
        value=41.1, effective_at="2025-09-30T00:00:00Z", source="BI extract",
        note="First month on the new invoicing run")

    value: float
    effective_at: EffectiveAt = None
    source: ShortText
    note: Annotated[str, Field(max_length=10_000)] = ""


class Correct(Command):
    model_config = example(
        value=40.6, reason="Late invoices were missing from the extract")

    value: float
    reason: Text


class ReviseTarget(Command):
    model_config = example(
        target_value=32, reason="Warehouse module deferred", decision_id=DECISION_ID)

    target_value: float | None = None
    target_date: IsoDate | None = None
    reason: Text
    decision_id: UUID
    effective_at: EffectiveAt = None


class RaiseRisk(Command):
    model_config = example(
        title="Poor legacy data quality", category="data", likelihood=4, impact=4,
        owner="Data lead", affected_project_ids=[PROJECT_ID], proximity="before mock loads")

    title: ShortText
    description: Annotated[str, Field(max_length=10_000)] = ""
    category: Annotated[str, Field(min_length=1, max_length=64)]
    likelihood: Annotated[int, Field(ge=1, le=5)]
    impact: Annotated[int, Field(ge=1, le=5)]
    owner: ShortText
    affected_project_ids: list[UUID] = []
    proximity: Annotated[str, Field(max_length=500)] = ""
    effective_at: EffectiveAt = None


class AssessRisk(Command):
    model_config = example(
        likelihood=5, impact=4, rationale="Second mock load failed on customer records")

    likelihood: Annotated[int, Field(ge=1, le=5)]
    impact: Annotated[int, Field(ge=1, le=5)]
    rationale: Text
    effective_at: EffectiveAt = None


class PlanResponse(Command):
    model_config = example(
        strategy="reduce", actions=["Cleanse customer master", "Add a third mock load"])

    strategy: Literal["avoid", "reduce", "transfer", "share", "accept"]
    actions: Annotated[list[ShortText], Field(min_length=1)]
    reason: Reason = None
    effective_at: EffectiveAt = None


class Materialize(Command):
    model_config = example(
        description="Mock load 2 failed", impact="Two weeks of slip in system test")

    description: Text
    impact: Text
    reason: Reason = None
    effective_at: EffectiveAt = None


class CloseRisk(Command):
    model_config = example(
        reason="Cleansed data loaded without errors")

    reason: Text
    effective_at: EffectiveAt = None


class ExpectedImpact(Command):
    model_config = example(
        cost=-80000, schedule_days=0, benefits={BENEFIT_ID: -2})

    cost: float = 0.0
    schedule_days: int = 0
    benefits: dict[UUID, float] = {}


class OptionIn(Command):
    model_config = example(
        key="defer", summary="Defer the warehouse module", pros=["Go-live kept"],
        cons=["Manual stock counts for six months"],
        expected_impact={"cost": -80000, "schedule_days": 0, "benefits": {BENEFIT_ID: -2}})

    key: Annotated[str, Field(min_length=1, max_length=64)]
    summary: ShortText
    pros: list[ShortText] = []
    cons: list[ShortText] = []
    expected_impact: ExpectedImpact = ExpectedImpact()


class Affects(Command):
    model_config = example(
        project_ids=[PROJECT_ID], benefit_ids=[BENEFIT_ID])

    project_ids: list[UUID] = []
    benefit_ids: list[UUID] = []
    risk_ids: list[UUID] = []
    dependency_ids: list[UUID] = []
    resource_ids: list[UUID] = []

    def by_kind(self) -> dict[str, list[UUID]]:
        return {"project": self.project_ids, "benefit": self.benefit_ids,
                "risk": self.risk_ids, "dependency": self.dependency_ids,
                "resource": self.resource_ids}


class RecordDecision(Command):
    model_config = example(
        title="Defer the warehouse module", question="Keep the go-live or the scope?",
        forum="Steering committee", authority="Program sponsor",
        options=[{"key": "defer", "summary": "Defer the warehouse module"},
                 {"key": "keep", "summary": "Keep it and slip go-live",
                  "expected_impact": {"schedule_days": 90}}],
        chosen_option="defer", rationale="The go-live date carries the savings",
        tradeoffs="Six months of manual stock counts", evidence=["position:1207"],
        affects={"project_ids": [PROJECT_ID], "benefit_ids": [BENEFIT_ID]},
        effective_at="2026-01-12T10:00:00Z", review_by="2026-07-01")

    title: ShortText
    question: Text
    forum: ShortText
    authority: ShortText
    options: Annotated[list[OptionIn], Field(min_length=1)]
    chosen_option: Annotated[str, Field(min_length=1, max_length=64)]
    rationale: Text
    tradeoffs: Text
    evidence: list[Annotated[str, Field(max_length=500)]] = []
    affects: Affects = Affects()
    effective_at: EffectiveAt = None
    review_by: IsoDate | None = None


class Supersede(Command):
    model_config = example(
        by_decision_id="8ad23b95-446b-4c3e-9b31-a352152bcb2c",
        reason="Warehouse brought back after the vendor fix")

    by_decision_id: UUID
    reason: Text
    effective_at: EffectiveAt = None


class ReviewOutcome(Command):
    model_config = example(
        verdict="as_expected", summary="Go-live held; cycle time at 35 days",
        evidence=["position:2311"])

    verdict: Literal["as_expected", "better", "worse", "inconclusive"]
    summary: Text
    evidence: list[Annotated[str, Field(max_length=500)]] = []
    effective_at: EffectiveAt = None


class Accepted(BaseModel):
    """What every command returns: the aggregate, its new version and the log position."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"id": PROJECT_ID, "version": 4, "position": 1208}]})

    id: UUID
    version: int
    position: int
    measurement_id: UUID | None = None
    allocation_id: UUID | None = None
