"""Response bodies of time travel: a program replayed as of a moment, and one aggregate's
history. Both come from the events themselves, never from the read models."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ledger.application.history import HistoryEntry
from ledger.application.replay import ProgramAsOf
from ledger.projections.encoding import plain


class AggregateStateOut(BaseModel):
    """One aggregate as replayed: its id, type, version and every public field."""

    id: str
    type: str
    version: int
    state: dict[str, Any]


class AsOfOut(BaseModel):
    """The program and each kind of component, as the ledger knew them at ``position``."""

    position: int = Field(description="The position asked for (or, for `at`, the last one "
                                      "recorded by then).")
    resolved_position: int = Field(description=(
        "The last event position the replay included: the end of the command that recorded "
        "`position`, as a command's events are all seen or none."))
    note: str | None = Field(default=None, description=(
        "Why `resolved_position` differs from `position`, when it does."))
    effective: datetime | None = Field(
        default=None, description="The business date time series were cut at, if asked.")
    program: AggregateStateOut
    components: dict[str, list[AggregateStateOut]] = Field(
        description="Keyed by kind: project, dependency, resource, benefit, risk, decision.")

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "position": 1207, "resolved_position": 1207, "note": None, "effective": None,
        "program": {"id": "ff996219-a491-5404-ba03-a27483c6f6d7", "type": "Program",
                    "version": 3, "state": {"code": "ERP-2026", "status": "active"}},
        "components": {"project": [{"id": "0494e40a-1555-4720-8527-9458bb2f0808",
                                    "type": "Project", "version": 5,
                                    "state": {"name": "ERP implementation",
                                              "lifecycle": "in_progress"}}]}}]})

    @classmethod
    def of(cls, snapshot: ProgramAsOf) -> AsOfOut:
        return cls.model_validate(snapshot.to_plain())


class HistoryEntryOut(BaseModel):
    """One event: who, when (recorded and effective), why, and the fields before → after."""

    position: int
    version: int
    type: str
    recorded_at: datetime
    effective_at: datetime
    actor: str
    reason: str | None
    correlation_id: str | None
    data: dict[str, Any]
    changes: dict[str, dict[str, Any]] = Field(
        description="Each field the event set, as {before, after}.")

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "position": 1208, "version": 4, "type": "ProjectStatusReported",
        "recorded_at": "2026-01-31T09:00:02Z", "effective_at": "2026-01-31T09:00:00Z",
        "actor": "pat.pm", "reason": "Vendor load tool late",
        "correlation_id": "5f1c9a3e-8d2b-4f7a-9c61-2b0e4d7a9f13",
        "data": {"overall": "amber"},
        "changes": {"overall": {"before": "green", "after": "amber"}}}]})

    @classmethod
    def of(cls, entry: HistoryEntry) -> HistoryEntryOut:
        return cls(position=entry.position, version=entry.version, type=entry.type,
                   recorded_at=entry.recorded_at, effective_at=entry.effective_at,
                   actor=entry.actor, reason=entry.reason,
                   correlation_id=entry.correlation_id, data=plain(entry.data),
                   changes={k: {"before": plain(c.before), "after": plain(c.after)}
                            for k, c in entry.changes.items()})
