"""What every command body shares, and what every command returns.

Unknown fields are refused, so no body can set actor, time or position. The bodies
themselves live in one module per resource (programs, projects, ...).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from ledger.api.schemas.strict import EffectiveAt, ShortCode, Text


def example(**fields: Any) -> ConfigDict:
    """Unknown fields refused, and an example body for the OpenAPI document."""
    return ConfigDict(extra="forbid", json_schema_extra={"examples": [fields]})


PROJECT_ID = "0494e40a-1555-4720-8527-9458bb2f0808"
DECISION_ID = "08053456-6d96-45fd-8a9a-e52e3d0e90d9"
BENEFIT_ID = "6f1d3c2b-9a8e-4b7d-8c6f-5e4d3c2b1a09"


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ChangeStatus(Command):
    model_config = example(
        status="on_hold", reason="Funding paused until the Q3 board")

    status: ShortCode
    reason: Text
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
