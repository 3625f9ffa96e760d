"""Commands on shared resources: register, change capacity, allocate and release."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID, uuid4

from pydantic import Field

from ledger.application.commands.base import PROJECT_ID, Command, InProgram, ToResource, example
from ledger.application.commands.fields import (
    MONTH,
    Amount,
    EffectiveAt,
    Reason,
    ShortCode,
    ShortText,
    Text,
)


class NewResource(Command):
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


class RegisterResource(NewResource, InProgram):
    """Register a resource shared by the program's projects, with its monthly capacity."""


class ChangeResourceCapacity(ChangeCapacity, ToResource):
    """Change the monthly capacity, optionally citing a decision."""


class AllocateResource(Allocate, ToResource):
    """Refused with 409 `capacity_exceeded` over capacity, unless a decision governs it."""

    reports = ("allocation_id",)
    allocation_id: UUID = Field(default_factory=uuid4)


class ReleaseAllocation(Release, ToResource):
    """Release an allocation."""

    allocation_id: UUID
