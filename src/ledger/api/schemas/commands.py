"""Command bodies. Unknown fields are refused, so no body can set actor, time or position."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal
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

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "code": "ERP-2026", "name": "ERP transformation",
        "objectives": ["One finance platform"], "sponsor": "Maria Keller, CFO",
        "manager": "Tom Becker"}]})


class ChangeStatus(Command):
    status: Annotated[str, Field(min_length=1, max_length=32)]
    reason: Text
    effective_at: EffectiveAt = None


class DeliverableIn(Command):
    key: Annotated[str, Field(min_length=1, max_length=64)]
    name: ShortText
    due: IsoDate


class AuthorizeProject(Command):
    name: ShortText
    manager: ShortText
    planned_start: IsoDate
    planned_finish: IsoDate
    deliverables: list[DeliverableIn] = []
    reason: Reason = None
    effective_at: EffectiveAt = None


class ReportStatus(Command):
    overall: Rag
    schedule: Rag
    cost: Rag
    scope: Rag
    resources: Rag
    narrative: Annotated[str, Field(max_length=10_000)] = ""
    reason: Reason = None
    effective_at: EffectiveAt = None


class Impact(Command):
    cost: float = 0.0
    schedule_days: int = 0


class ChangeScope(Command):
    add: list[DeliverableIn] = []
    remove: list[str] = []
    defer: list[str] = []
    rationale: Text
    impact: Impact = Impact()
    decision_id: UUID | None = None
    effective_at: EffectiveAt = None


class Deliver(Command):
    reason: Reason = None
    effective_at: EffectiveAt = None


class DeclareDependency(Command):
    provider_project_id: UUID
    provider_deliverable: str | None = None
    consumer_project_id: UUID
    needed_by: IsoDate
    description: Text
    effective_at: EffectiveAt = None


class RegisterResource(Command):
    name: ShortText
    unit: Annotated[str, Field(min_length=1, max_length=32)]
    capacity_per_month: Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=4)]
    effective_at: EffectiveAt = None


class ChangeCapacity(Command):
    capacity_per_month: Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=4)]
    reason: Text
    decision_id: UUID | None = None
    effective_at: EffectiveAt = None


class Allocate(Command):
    project_id: UUID
    month: Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-02"])]
    amount: Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=4)]
    decision_id: UUID | None = None
    reason: Reason = None
    effective_at: EffectiveAt = None


class Release(Command):
    reason: Text
    effective_at: EffectiveAt = None


class IdentifyBenefit(Command):
    name: ShortText
    description: Annotated[str, Field(max_length=10_000)] = ""
    kpi: ShortText
    unit: Annotated[str, Field(min_length=1, max_length=32)]
    direction: Literal["increase", "decrease"]
    owner: ShortText
    dis_benefit: bool = False
    effective_at: EffectiveAt = None


class SetProfile(Command):
    baseline_value: float
    baseline_date: IsoDate
    target_value: float
    target_date: IsoDate
    contributing_project_ids: list[UUID] = []
    measurement_method: ShortText
    reason: Reason = None
    effective_at: EffectiveAt = None


class Measure(Command):
    value: float
    effective_at: EffectiveAt = None
    source: ShortText
    note: Annotated[str, Field(max_length=10_000)] = ""


class Correct(Command):
    value: float
    reason: Text


class ReviseTarget(Command):
    target_value: float | None = None
    target_date: IsoDate | None = None
    reason: Text
    decision_id: UUID
    effective_at: EffectiveAt = None


class RaiseRisk(Command):
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
    likelihood: Annotated[int, Field(ge=1, le=5)]
    impact: Annotated[int, Field(ge=1, le=5)]
    rationale: Text
    effective_at: EffectiveAt = None


class PlanResponse(Command):
    strategy: Literal["avoid", "reduce", "transfer", "share", "accept"]
    actions: Annotated[list[ShortText], Field(min_length=1)]
    reason: Reason = None
    effective_at: EffectiveAt = None


class Materialize(Command):
    description: Text
    impact: Text
    reason: Reason = None
    effective_at: EffectiveAt = None


class CloseRisk(Command):
    reason: Text
    effective_at: EffectiveAt = None


class ExpectedImpact(Command):
    cost: float = 0.0
    schedule_days: int = 0
    benefits: dict[UUID, float] = {}


class OptionIn(Command):
    key: Annotated[str, Field(min_length=1, max_length=64)]
    summary: ShortText
    pros: list[ShortText] = []
    cons: list[ShortText] = []
    expected_impact: ExpectedImpact = ExpectedImpact()


class Affects(Command):
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
    by_decision_id: UUID
    reason: Text


class ReviewOutcome(Command):
    verdict: Literal["as_expected", "better", "worse", "inconclusive"]
    summary: Text
    evidence: list[Annotated[str, Field(max_length=500)]] = []
    effective_at: EffectiveAt = None


class Accepted(BaseModel):
    """What every command returns: the aggregate, its new version and the log position."""

    id: UUID
    version: int
    position: int
    measurement_id: UUID | None = None
    allocation_id: UUID | None = None
