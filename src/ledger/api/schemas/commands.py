"""What every command returns over HTTP. The command bodies are the application's own
command values (``ledger.application.commands``), so each field is declared once."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, ConfigDict

from ledger.application.commands.base import PROJECT_ID


class Accepted(BaseModel):
    """What every command returns: the aggregate, its new version and the log position."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"id": PROJECT_ID, "version": 4, "position": 1208}]})

    id: UUID
    version: int
    position: int
    measurement_id: UUID | None = None
    allocation_id: UUID | None = None
