"""Commands on projects: authorise, move through the lifecycle, report, change scope, deliver."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import Field

from ledger.application.commands.base import (
    DECISION_ID,
    ChangeStatus,
    Command,
    InProgram,
    ToProject,
    example,
)
from ledger.application.commands.fields import (
    MAX_IDS,
    Code,
    Days,
    EffectiveAt,
    Keys,
    Number,
    OptionalText,
    Rag,
    Reason,
    ShortText,
    Text,
)
from ledger.application.commands.times import IsoDate


class DeliverableIn(Command):
    model_config = example(
        key="mock-loads", name="Mock data loads", due="2026-02-15")

    key: Code
    name: ShortText
    due: IsoDate


class NewProject(Command):
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


class AuthorizeProject(NewProject, InProgram):
    """Authorise a project within the program, with its baseline of deliverables."""


class ChangeProjectLifecycle(ChangeStatus, ToProject):
    """planned → in_progress ⇄ on_hold → completed, or cancelled."""


class ReportProjectStatus(ReportStatus, ToProject):
    """A RAG report on every dimension; amber or red needs a reason."""


class ChangeProjectScope(ChangeScope, ToProject):
    """Once work has started, the baseline is locked: cite a decision that lists the project."""


class DeliverDeliverable(Deliver, ToProject):
    """Record that one of the project's deliverables was delivered."""

    key: Annotated[str, Field(min_length=1, max_length=64)]
