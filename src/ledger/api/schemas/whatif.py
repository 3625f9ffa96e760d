"""Request and response bodies of what-if: scenarios of ordinary commands, and per scenario
each command's fate, the events it would record, and the figures against doing nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from ledger.application.commands.base import PROJECT_ID, Command
from ledger.application.commands.fields import Code
from ledger.application.simulation.catalog import parse_command
from ledger.application.simulation.whatif import ScenarioOutcome, WhatIf
from ledger.domain.errors import InvalidInput

MAX_SCENARIOS = 10
MAX_COMMANDS = 50
RESOURCE_ID = "3b241101-e2bb-4255-8caf-4136c566a962"

CommandIn = Annotated[dict[str, Any], Field(
    description="An ordinary command: `type` (snake case, e.g. `allocate_resource`, "
                "`change_project_scope`, `revise_benefit_target`), its target id "
                "(`resource_id`, `project_id`, …; none for a command to the program) and the "
                "body its own route takes.",
    examples=[{"type": "allocate_resource", "resource_id": RESOURCE_ID,
               "project_id": PROJECT_ID, "month": "2026-03", "amount": "2"}])]


class ScenarioIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: Code
    commands: Annotated[list[CommandIn], Field(max_length=MAX_COMMANDS)]


class WhatIfIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "scenarios": [
            {"key": "contractor", "commands": [
                {"type": "change_resource_capacity", "resource_id": RESOURCE_ID,
                 "capacity_per_month": "6", "reason": "Two contractors from March"},
                {"type": "allocate_resource", "resource_id": RESOURCE_ID,
                 "project_id": PROJECT_ID, "month": "2026-03", "amount": "2"}]},
            {"key": "defer", "commands": [
                {"type": "change_project_scope", "project_id": PROJECT_ID,
                 "defer": ["warehouse"], "rationale": "Protect the go-live date"}]}]}]})

    position: Annotated[int | None, Field(ge=1, description=(
        "Simulate against the program as it stood at this position (the end of the command "
        "that recorded it); the head if left out."))] = None
    scenarios: Annotated[list[ScenarioIn], Field(min_length=1, max_length=MAX_SCENARIOS)]

    def commands(self, program_id: UUID) -> list[tuple[str, list[Command]]]:
        """Each scenario's key and its commands as values, checked as their routes check
        them; a refusal names the command by its place (``scenarios[1].commands[0].amount``)."""
        keys = [scenario.key for scenario in self.scenarios]
        if len(set(keys)) != len(keys):
            raise InvalidInput("scenarios.key", "give each scenario its own key")
        return [(scenario.key, [parse_command(command, program_id,
                                              f"scenarios[{i}].commands[{j}]")
                                for j, command in enumerate(scenario.commands)])
                for i, scenario in enumerate(self.scenarios)]


class StepOut(BaseModel):
    index: int
    type: str
    status: Literal["accepted", "refused"]
    rule: str | None = Field(default=None, description="The rule a real write would break.")
    detail: str | None = None
    field: str | None = None
    events: list[dict[str, Any]] = Field(description=(
        "The events it would record: aggregate_type, aggregate_id, version, event_type, "
        "effective_at, reason, summary (one line in words) and fields."))


class DifferenceOut(BaseModel):
    section: str = Field(description="summary, resources, dependencies, scope, benefits, risks")
    id: str
    name: str | None
    figure: str | None = Field(description="The figure, e.g. months.2026-03.allocated.")
    path: list[str]
    change: Literal["changed", "added", "removed"]
    before: Any = None
    after: Any = None
    delta: float | None = Field(default=None, description="after - before, for numbers, in "
                                                          "the figure's own units.")


class ScenarioOut(BaseModel):
    key: str
    accepted: int
    refused: int
    steps: list[StepOut]
    figures: dict[str, Any]
    differences: list[DifferenceOut]

    @classmethod
    def of(cls, outcome: ScenarioOutcome) -> ScenarioOut:
        return cls(key=outcome.key, accepted=len(outcome.steps) - len(outcome.refused),
                   refused=len(outcome.refused),
                   steps=[StepOut(index=s.index, type=s.type, status=s.status, rule=s.rule,
                                  detail=s.detail, field=s.field, events=s.events)
                          for s in outcome.steps],
                   figures=outcome.figures,
                   differences=[DifferenceOut(**d) for d in outcome.differences])


class WhatIfOut(BaseModel):
    program_id: UUID
    position: int = Field(description="The position asked for (the head if none was).")
    resolved_position: int = Field(description="The end of the command at that position: "
                                               "the snapshot every scenario starts from.")
    note: str | None
    computed_at: datetime
    written: Literal[False] = Field(default=False, description="Always false: a what-if "
                                                               "records nothing.")
    baseline: dict[str, Any] = Field(description=(
        "The figures with no command applied: summary, resources (load by month), "
        "dependencies (flags), scope (deliverables), benefits (targets, forecasts), risks."))
    scenarios: list[ScenarioOut]

    @classmethod
    def of(cls, what_if: WhatIf) -> WhatIfOut:
        return cls(program_id=what_if.program_id, position=what_if.position,
                   resolved_position=what_if.resolved_position, note=what_if.note,
                   computed_at=what_if.computed_at, baseline=what_if.baseline,
                   scenarios=[ScenarioOut.of(s) for s in what_if.scenarios])
