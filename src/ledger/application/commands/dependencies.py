"""Commands on dependencies: declare one (keeping the graph acyclic), change its status."""

from __future__ import annotations

from uuid import UUID

from ledger.application.commands.base import (
    PROJECT_ID,
    ChangeStatus,
    Command,
    InProgram,
    ToDependency,
    example,
)
from ledger.application.commands.fields import Code, EffectiveAt, Text
from ledger.application.commands.times import IsoDate


class NewDependency(Command):
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


class DeclareDependency(NewDependency, InProgram):
    """Declare that one project needs another's work by a date; the graph stays acyclic."""


class ChangeDependencyStatus(ChangeStatus, ToDependency):
    """Move the dependency through its lifecycle."""
