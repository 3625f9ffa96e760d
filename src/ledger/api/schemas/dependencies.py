"""Command bodies for dependencies between projects."""

from __future__ import annotations

from uuid import UUID

from ledger.api.schemas.commands import PROJECT_ID, Command, example
from ledger.api.schemas.strict import Code, EffectiveAt, Text
from ledger.api.schemas.times import IsoDate


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
