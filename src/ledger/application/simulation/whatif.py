"""What-if: scenarios of ordinary commands run through the real handlers and rules against
the program at one position, each in its own batch over an in-memory snapshot that is thrown
away. Nothing is written and no lock is taken: not the program's, not the append lock.

Within a scenario, commands see each other's effects in order; a refused command is reported
with the rule a real write would break, and the scenario goes on without it.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from uuid import UUID

from ledger.application.batch import Batch
from ledger.application.commands.base import Command
from ledger.application.replay import Replay
from ledger.application.simulation.catalog import type_name
from ledger.application.simulation.differences import differences
from ledger.application.simulation.figures import Figures, program_figures
from ledger.application.simulation.snapshot import Snapshot
from ledger.domain.base import LedgerAggregate, Provenance
from ledger.domain.errors import InvalidInput, LedgerError
from ledger.domain.program import Program
from ledger.projections.encoding import plain
from ledger.projections.timeline import METADATA_FIELDS, summarize


@dataclass(frozen=True)
class Step:
    """One command of a scenario: accepted with the events it would record, or refused."""

    index: int
    type: str
    status: Literal["accepted", "refused"]
    events: list[dict[str, Any]] = field(default_factory=list)
    rule: str | None = None
    detail: str | None = None
    field: str | None = None


@dataclass(frozen=True)
class ScenarioOutcome:
    key: str
    steps: list[Step]
    figures: Figures
    differences: list[dict[str, Any]]

    @property
    def refused(self) -> list[Step]:
        return [step for step in self.steps if step.status == "refused"]


@dataclass(frozen=True)
class WhatIf:
    """Every scenario against one baseline: the program at ``resolved_position``, with no
    command of the scenarios applied."""

    program_id: UUID
    position: int
    resolved_position: int
    note: str | None
    computed_at: datetime
    baseline: Figures
    scenarios: list[ScenarioOutcome]


class Simulations(Replay):
    def snapshot(self, program_id: UUID, position: int | None = None) -> Snapshot:
        """The program at ``position`` (the head if none), ready to simulate against."""
        if position is not None and position < 1:
            raise InvalidInput("position", "give a position of 1 or more, or leave it out "
                                            "for the program as it stands")
        head = self.head_position() if position is not None else 0
        if position is not None and position > head:
            raise InvalidInput("position", f"the log holds {head} events; "
                                            "give a position it has reached")
        state = self.program_as_of(program_id, position=position)
        return Snapshot(state, self.latest_checkpoint())

    def what_if(self, program_id: UUID, scenarios: list[tuple[str, list[Command]]],
                by: Provenance, position: int | None = None) -> WhatIf:
        """Each scenario's commands against the same snapshot; see the module's docstring."""
        snapshot = self.snapshot(program_id, position)
        now = datetime.now(UTC)
        baseline = program_figures(snapshot.program, snapshot.components(), now.date())
        outcomes = [self.simulate(snapshot, key, commands, by, baseline, now)
                    for key, commands in scenarios]
        return WhatIf(program_id, snapshot.state.position, snapshot.position,
                      snapshot.state.note, now, baseline, outcomes)

    def simulate(self, snapshot: Snapshot, key: str, commands: list[Command],
                 by: Provenance, baseline: Figures, now: datetime) -> ScenarioOutcome:
        steps = []
        with ExitStack() as appending:  # Snapshot.appending takes no lock
            batch = Batch(snapshot, snapshot.program.id, by, appending)
            for index, command in enumerate(commands):
                steps.append(_step(batch, index, command))
        after = _program_after(snapshot, batch.aggregates)
        figures = program_figures(after[0], after[1], now.date())
        return ScenarioOutcome(key, steps, figures, differences(baseline, figures))



def _step(batch: Batch, index: int, command: Command) -> Step:
    """Run one command of a scenario; refused, it leaves the batch as it was."""
    name = type_name(type(command))
    try:
        batch.attempt(command)
    except LedgerError as refusal:
        return Step(index, name, "refused", rule=refusal.rule, detail=refusal.message,
                    field=getattr(refusal, "field", None))
    # What this command recorded: the events it left pending (earlier ones were taken).
    events = [_readable(event) for event in batch.take_events()]
    return Step(index, name, "accepted",
                events=sorted(events, key=lambda e: (e["aggregate_type"] == "Program",)))


def _readable(event: Any) -> dict[str, Any]:
    """An event that would be recorded, as the audit timeline shows one."""
    data = {k: plain(v) for k, v in vars(event).items() if k not in METADATA_FIELDS}
    event_type = type(event).__name__
    return {"aggregate_type": type(event).__qualname__.split(".")[0],
            "aggregate_id": str(event.originator_id), "version": event.originator_version,
            "event_type": event_type, "effective_at": plain(event.effective_at),
            "reason": event.reason, "summary": summarize(event_type, data, event.reason),
            "fields": data}


def _program_after(snapshot: Snapshot, touched: dict[UUID, LedgerAggregate]
                   ) -> tuple[Program, list[LedgerAggregate]]:
    """The program and its components once a scenario's accepted commands have acted."""
    program = touched.get(snapshot.program.id, snapshot.program)
    assert isinstance(program, Program)
    components = {a.id: a for a in snapshot.components()}
    components.update((i, a) for i, a in touched.items() if i != program.id)
    return program, list(components.values())
