"""Command bodies for shared resources: capacity and allocations."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import Field

from ledger.api.schemas.commands import PROJECT_ID, Command, example
from ledger.api.schemas.strict import MONTH, Amount, EffectiveAt, Reason, ShortCode, ShortText, Text


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
