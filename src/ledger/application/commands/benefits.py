"""Commands on benefits: identify, profile, measure, correct, revise the target, change status."""

from __future__ import annotations

from typing import Literal
from uuid import UUID, uuid4

from pydantic import Field

from ledger.application.commands.base import (
    DECISION_ID,
    PROJECT_ID,
    ChangeStatus,
    Command,
    InProgram,
    ToBenefit,
    example,
)
from ledger.application.commands.fields import (
    EffectiveAt,
    Flag,
    Ids,
    Number,
    OptionalText,
    Reason,
    ShortCode,
    ShortText,
    Text,
)
from ledger.application.commands.times import IsoDate


class NewBenefit(Command):
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


class IdentifyBenefit(NewBenefit, InProgram):
    """Identify a benefit (or dis-benefit) the program is expected to deliver."""


class SetBenefitProfile(SetProfile, ToBenefit):
    """Set the baseline, the target and how the benefit is measured."""


class MeasureBenefit(Measure, ToBenefit):
    """Record a measurement; back-dated ones are welcome (effective_at), future ones are not."""

    reports = ("measurement_id",)
    measurement_id: UUID = Field(default_factory=uuid4)


class CorrectMeasurement(Correct, ToBenefit):
    """Correct a measurement: a new event; the original value stays in the log."""

    measurement_id: UUID


class ReviseBenefitTarget(ReviseTarget, ToBenefit):
    """Revise the target, citing a decision that lists this benefit as affected."""


class ChangeBenefitStatus(ChangeStatus, ToBenefit):
    """Move the benefit through its lifecycle."""
