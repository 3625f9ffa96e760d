"""Commands on risks: raise, assess, plan a response, record that it materialised, close."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ledger.application.commands.base import PROJECT_ID, Command, InProgram, ToRisk, example
from ledger.application.commands.fields import (
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


class NewRisk(Command):
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


class Assessment(Command):
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


class Closure(Command):
    model_config = example(
        reason="Cleansed data loaded without errors")

    reason: Text
    effective_at: EffectiveAt = None


class RaiseRisk(NewRisk, InProgram):
    """Raise a risk to the program, with its first assessment."""


class AssessRisk(Assessment, ToRisk):
    """Assess the risk again: likelihood and impact, with the rationale."""


class PlanRiskResponse(PlanResponse, ToRisk):
    """Plan how the risk will be answered."""


class RecordRiskMaterialized(Materialize, ToRisk):
    """Record that the risk happened, and what it did."""


class CloseRisk(Closure, ToRisk):
    """Close the risk."""
