"""Command bodies for risks: assessment, response, materialization and closure."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ledger.api.schemas.commands import PROJECT_ID, Command, example
from ledger.api.schemas.strict import (
    MAX_IDS,
    Code,
    EffectiveAt,
    Ids,
    OptionalLine,
    OptionalText,
    Reason,
    Score,
    ShortText,
    Text,
)


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
