"""What the proposal page shows: each option's commands (accepted, or refused with the rule
a real write would break), every figure any option moves with each option's change beside
the others, and each moved resource's load per option as a chart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from ledger.application import ProgramLedger
from ledger.application.simulation.differences import figure_at
from ledger.application.simulation.figures import SECTIONS, Figures
from ledger.application.simulation.whatif import ScenarioOutcome, Step, WhatIf
from ledger.domain.program import Program
from ledger.domain.proposal import Proposal
from ledger.ui import charts
from ledger.ui.figure_wording import (
    SECTION_TITLES,
    delta_text,
    figure_label,
    own_units,
    presence_text,
    unit_of,
    value_text,
)

DECISION_STEP = "record_proposed_decision"  # step 0 of every option: the decision itself
BASELINE = "As it stands"
MONTH_FIGURES = ("allocated", "over", "governed")


@dataclass(frozen=True)
class StepRow:
    what: str
    where: str  # how the proposal names the command: "options.hire.commands[0]"
    accepted: bool
    rule: str | None
    detail: str | None
    events: list[str]  # one line each


@dataclass(frozen=True)
class OptionColumn:
    key: str
    summary: str
    pros: list[str]
    cons: list[str]
    steps: list[StepRow]

    @property
    def refused(self) -> int:
        return sum(1 for step in self.steps if not step.accepted)


@dataclass(frozen=True)
class Cell:
    """One option's effect on one figure: ``change`` with sign and unit when a number (or
    "added", "removed"), ``after`` as the figure would read."""

    moved: bool
    change: str
    after: str


@dataclass(frozen=True)
class FigureRow:
    entity: str
    figure: str
    baseline: str
    cells: list[Cell]  # one per option, in the proposal's order


@dataclass(frozen=True)
class Comparison:
    proposal: Proposal
    what_if: WhatIf
    options: list[OptionColumn]
    sections: list[tuple[str, list[FigureRow]]]
    charts: list[tuple[str, str]]  # (resource name, svg)
    uncharted: list[str]  # moved resources beyond the page's charts


def comparison(proposal: Proposal, what_if: WhatIf) -> Comparison:
    by_key = {outcome.key: outcome for outcome in what_if.scenarios}
    outcomes = [by_key[option["key"]] for option in proposal.options]
    columns = [_column(option, outcome) for option, outcome in zip(
        proposal.options, outcomes, strict=True)]
    moved = [resource_id for resource_id in dict.fromkeys(
        line["id"] for outcome in outcomes for line in outcome.differences
        if line["section"] == "resources") if _months(resource_id, what_if.baseline, outcomes)]
    charted = moved[:charts.MAX_CHARTS_PER_PAGE]
    return Comparison(
        proposal, what_if, columns, _sections(what_if.baseline, outcomes),
        [_chart(resource_id, what_if.baseline, outcomes) for resource_id in charted],
        [_name("resources", resource_id, what_if.baseline, outcomes)
         for resource_id in moved[len(charted):]])


def open_proposals(ledger: ProgramLedger, program_id: UUID) -> list[Proposal]:
    """The program's proposals still to be decided, the oldest first."""
    ids = ledger.load(program_id, Program).component_ids("proposal")
    return sorted((p for p in ledger.current_states(ids, Proposal) if p.status == "open"),
                  key=lambda p: p.proposed_at)


def _column(option: dict[str, Any], outcome: ScenarioOutcome) -> OptionColumn:
    return OptionColumn(option["key"], option.get("summary", ""), option.get("pros", []),
                        option.get("cons", []), [_step(outcome.key, s) for s in outcome.steps])


def _step(key: str, step: Step) -> StepRow:
    if step.type == DECISION_STEP:
        what, where = "Record the decision", "the decision itself"
    else:
        what, where = step.type.replace("_", " ").capitalize(), \
            f"options.{key}.commands[{step.index - 1}]"
    # The decision's own events restate the proposal, and a component's registration with
    # its program is bookkeeping: neither tells a board anything.
    events = [] if step.type == DECISION_STEP else [
        str(event.get("summary", "")) for event in step.events
        if event.get("event_type") != "ProgramComponentRegistered"]
    return StepRow(what, where, step.status == "accepted", step.rule, step.detail, events)


def _sections(baseline: Figures, outcomes: list[ScenarioOutcome]
              ) -> list[tuple[str, list[FigureRow]]]:
    """One row per figure any option moves, grouped by section, each option's cell beside
    the others'; an option that leaves the figure alone says so."""
    units = own_units(baseline)
    for outcome in outcomes:
        units.update(own_units(outcome.figures))
    lines: dict[tuple[str, str, tuple[str, ...]], list[dict[str, Any] | None]] = {}
    for index, outcome in enumerate(outcomes):
        for line in outcome.differences:
            row = lines.setdefault((line["section"], line["id"], tuple(line["path"])),
                                   [None] * len(outcomes))
            row[index] = line
    sections = []
    for section in SECTIONS:
        keys = sorted((k for k in lines if k[0] == section),
                      key=lambda k: (_name(section, k[1], baseline, outcomes), k[1],
                                     *_figure_order(k[2])))
        rows = [_row(key, lines[key], baseline, outcomes, units) for key in keys]
        if rows:
            sections.append((SECTION_TITLES[section], rows))
    return sections


def _figure_order(path: tuple[str, ...]) -> tuple[int, tuple[str, ...]]:
    """A resource's months figure by figure (allocated, then over …), month by month."""
    if len(path) == 3 and path[0] == "months" and path[2] in MONTH_FIGURES:
        return MONTH_FIGURES.index(path[2]), (path[1],)
    return -1, path


def _row(key: tuple[str, str, tuple[str, ...]], lines: list[dict[str, Any] | None],
         baseline: Figures, outcomes: list[ScenarioOutcome],
         units: dict[tuple[str, str], str]) -> FigureRow:
    section, entity_id, path = key
    unit = unit_of(section, list(path), units.get((section, entity_id), ""))
    entity = baseline.get(section, {}).get(entity_id) or next(
        (o.figures.get(section, {}).get(entity_id) for o in outcomes
         if entity_id in o.figures.get(section, {})), None)
    if path:
        before = value_text(figure_at(baseline, section, entity_id, list(path)), unit)
    else:
        before = presence_text(entity_id in baseline.get(section, {}))
    return FigureRow(_name(section, entity_id, baseline, outcomes),
                     figure_label(section, list(path), entity), before,
                     [_cell(line, unit, before) for line in lines])


def _cell(line: dict[str, Any] | None, unit: str, before: str) -> Cell:
    if line is None:
        return Cell(False, "no change", before)
    if line["change"] in ("added", "removed"):
        return Cell(True, line["change"], "")
    return Cell(True, delta_text(line.get("delta"), unit), value_text(line.get("after"), unit))


def _name(section: str, entity_id: str, baseline: Figures,
          outcomes: list[ScenarioOutcome]) -> str:
    for figures in (baseline, *(o.figures for o in outcomes)):
        entity = figures.get(section, {}).get(entity_id)
        if entity and entity.get("name"):
            return str(entity["name"])
    return entity_id


def _months(resource_id: str, baseline: Figures, outcomes: list[ScenarioOutcome]) -> list[str]:
    """Every month with an allocation of the resource, as it stands or after any option."""
    return sorted({month for figures in (baseline, *(o.figures for o in outcomes))
                   for month in (figures.get("resources", {}).get(resource_id) or {}).get(
                       "months", {})})


def _chart(resource_id: str, baseline: Figures, outcomes: list[ScenarioOutcome]
           ) -> tuple[str, str]:
    """The resource's load as it stands and as each option would leave it."""
    states = [(BASELINE, baseline), *((f"Option {o.key}", o.figures) for o in outcomes)]
    loads = [(title, figures.get("resources", {}).get(resource_id) or {})
             for title, figures in states]
    months = _months(resource_id, baseline, outcomes)
    known = [m["capacity"] for _, load in loads for m in load.get("months", {}).values()]
    panels = []
    for title, load in loads:
        by_month = load.get("months", {})
        # Capacity is the resource's, the same every month: a month an option leaves
        # unallocated still has it.
        capacity = next((m["capacity"] for m in by_month.values()), known[0] if known else 0)
        panels.append(charts.LoadPanel(
            title, [float(by_month.get(m, {}).get("allocated") or 0) for m in months],
            [float(by_month.get(m, {}).get("capacity", capacity) or 0) for m in months],
            [bool(by_month.get(m, {}).get("governed")) for m in months]))
    name = _name("resources", resource_id, baseline, outcomes)
    unit = next((str(load["unit"]) for _, load in loads if load.get("unit")), "")
    return name, charts.option_loads(name, unit, months, panels)
