"""Command bodies. Unknown fields are refused, so no body can set actor, time or position."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from ledger.api.schemas.strict import (
    MAX_IDS,
    Amount,
    Code,
    Days,
    Flag,
    Number,
    OptionalLine,
    OptionalText,
    Score,
    ShortCode,
    Text,
    Title,
)
from ledger.api.schemas.times import IsoDate, IsoDatetime

ShortText = Title
Rag = Literal["green", "amber", "red"]
Reason = Annotated[OptionalText | None, Field(default=None,
                                              description="Why; required where the rule says so.")]
EffectiveAt = Annotated[IsoDatetime | None, Field(
    default=None, description="When the fact became true (RFC 3339, with zone); defaults to "
    "now; may not lie in the future.")]
Ids = Annotated[list[UUID], Field(max_length=MAX_IDS, description=f"At most {MAX_IDS} ids.")]
Keys = Annotated[list[Code], Field(max_length=MAX_IDS)]
Evidence = Annotated[list[OptionalLine], Field(max_length=MAX_IDS)]
# A real month of a real year: year 0000 does not exist.
MONTH = r"^([0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})-(0[1-9]|1[0-2])$"


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
    objectives: Annotated[list[ShortText], Field(max_length=MAX_IDS)] = []
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

    status: ShortCode
    reason: Text
    effective_at: EffectiveAt = None


class DeliverableIn(Command):
    model_config = example(
        key="mock-loads", name="Mock data loads", due="2026-02-15")

    key: Code
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
    deliverables: Annotated[list[DeliverableIn], Field(max_length=MAX_IDS)] = []
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
    narrative: OptionalText = ""
    reason: Reason = None
    effective_at: EffectiveAt = None


class Impact(Command):
    model_config = example(
        cost=120000, schedule_days=14)

    cost: Number = 0.0
    schedule_days: Days = 0


class ChangeScope(Command):
    model_config = example(
        defer=["warehouse"], rationale="Protect the go-live date",
        impact={"cost": -80000, "schedule_days": 0}, decision_id=DECISION_ID)

    add: Annotated[list[DeliverableIn], Field(max_length=MAX_IDS)] = []
    remove: Keys = []
    defer: Keys = []
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
    provider_deliverable: Code | None = None
    consumer_project_id: UUID
    needed_by: IsoDate
    description: Text
    effective_at: EffectiveAt = None


class RegisterResource(Command):
    model_config = example(
        name="SAP specialists", unit="FTE", capacity_per_month="6")

    name: ShortText
    unit: ShortCode
    capacity_per_month: Amount
    effective_at: EffectiveAt = None


class ChangeCapacity(Command):
    model_config = example(
        capacity_per_month="8", reason="Two contractors join in March")

    capacity_per_month: Amount
    reason: Text
    decision_id: UUID | None = None
    effective_at: EffectiveAt = None


class Allocate(Command):
    model_config = example(
        project_id=PROJECT_ID, month="2026-02", amount="4")

    project_id: UUID
    month: Annotated[str, Field(pattern=MONTH, examples=["2026-02"])]
    amount: Amount
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
    description: OptionalText = ""
    kpi: ShortText
    unit: ShortCode
    direction: Literal["increase", "decrease"]
    owner: ShortText
    dis_benefit: Flag = False
    effective_at: EffectiveAt = None


class SetProfile(Command):
    model_config = example(
        baseline_value=42, baseline_date="2025-05-01", target_value=28,
        target_date="2026-12-31", contributing_project_ids=[PROJECT_ID],
        measurement_method="Monthly BI extract")

    baseline_value: Number
    baseline_date: IsoDate
    target_value: Number
    target_date: IsoDate
    contributing_project_ids: Ids = []
    measurement_method: ShortText
    reason: Reason = None
    effective_at: EffectiveAt = None


class Measure(Command):
    model_config = example(
        value=41.1, effective_at="2025-09-30T00:00:00Z", source="BI extract",
        note="First month on the new invoicing run")

    value: Number
    effective_at: EffectiveAt = None
    source: ShortText
    note: OptionalText = ""


class Correct(Command):
    model_config = example(
        value=40.6, reason="Late invoices were missing from the extract")

    value: Number
    reason: Text


class ReviseTarget(Command):
    model_config = example(
        target_value=32, reason="Warehouse module deferred", decision_id=DECISION_ID)

    target_value: Number | None = None
    target_date: IsoDate | None = None
    reason: Text
    decision_id: UUID
    effective_at: EffectiveAt = None


class RaiseRisk(Command):
    model_config = example(
        title="Poor legacy data quality", category="data", likelihood=4, impact=4,
        owner="Data lead", affected_project_ids=[PROJECT_ID], proximity="before mock loads")

    title: ShortText
    description: OptionalText = ""
    category: Code
    likelihood: Score
    impact: Score
    owner: ShortText
    affected_project_ids: Ids = []
    proximity: OptionalLine = ""
    effective_at: EffectiveAt = None


class AssessRisk(Command):
    model_config = example(
        likelihood=5, impact=4, rationale="Second mock load failed on customer records")

    likelihood: Score
    impact: Score
    rationale: Text
    effective_at: EffectiveAt = None


class PlanResponse(Command):
    model_config = example(
        strategy="reduce", actions=["Cleanse customer master", "Add a third mock load"])

    strategy: Literal["avoid", "reduce", "transfer", "share", "accept"]
    actions: Annotated[list[ShortText], Field(min_length=1, max_length=MAX_IDS)]
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

    cost: Number = 0.0
    schedule_days: Days = 0
    benefits: Annotated[dict[UUID, Number], Field(max_length=MAX_IDS)] = {}


class OptionIn(Command):
    model_config = example(
        key="defer", summary="Defer the warehouse module", pros=["Go-live kept"],
        cons=["Manual stock counts for six months"],
        expected_impact={"cost": -80000, "schedule_days": 0, "benefits": {BENEFIT_ID: -2}})

    key: Code
    summary: ShortText
    pros: Annotated[list[ShortText], Field(max_length=MAX_IDS)] = []
    cons: Annotated[list[ShortText], Field(max_length=MAX_IDS)] = []
    expected_impact: ExpectedImpact = ExpectedImpact()


class Affects(Command):
    model_config = example(
        project_ids=[PROJECT_ID], benefit_ids=[BENEFIT_ID])

    project_ids: Ids = []
    benefit_ids: Ids = []
    risk_ids: Ids = []
    dependency_ids: Ids = []
    resource_ids: Ids = []

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
    options: Annotated[list[OptionIn], Field(min_length=1, max_length=MAX_IDS)]
    chosen_option: Code
    rationale: Text
    tradeoffs: Text
    evidence: Evidence = []
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
    evidence: Evidence = []
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
