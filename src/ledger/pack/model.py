"""The pack as values: figures with their positions, sentences built from them, sections."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

Value = str | int | float | None


@dataclass(frozen=True)
class Figure:
    """One number or rating the pack states, and the log positions it was derived from.

    ``key`` is stable between a pack and its recomputation, so verify-pack can name the
    figure that differs."""

    key: str
    label: str
    value: Value
    positions: tuple[int, ...]
    unit: str = ""

    def to_plain(self) -> dict[str, Any]:
        return {"label": self.label, "value": self.value, "unit": self.unit,
                "positions": list(self.positions)}


@dataclass(frozen=True)
class Line:
    """A sentence of the pack and the figures it states."""

    text: str
    figures: tuple[Figure, ...] = ()

    @property
    def positions(self) -> list[int]:
        return sorted({p for f in self.figures for p in f.positions})


@dataclass(frozen=True)
class ProjectHeadline:
    name: str
    rating: Figure  # the overall RAG on the pack's date
    previous: str | None  # the overall RAG on the previous pack's date (None: not reported)
    trend: str  # "better", "worse", "steady" or "new"
    reason: str | None


@dataclass(frozen=True)
class BenefitHeadline:
    name: str
    unit: str
    realization: Figure  # percent of the planned improvement
    forecast: Figure  # the linear trend read at the target date, in the benefit's unit
    target: Figure
    target_date: date | None


@dataclass
class BenefitChart:
    """A benefit's lines, and its chart drawn when a page asks for it (never to verify)."""

    name: str
    unit: str
    draw: Callable[[], str] = field(repr=False, compare=False)
    lines: tuple[Line, ...]  # baseline, target, revisions, latest measurement

    @cached_property
    def svg(self) -> str:
        return self.draw()


@dataclass(frozen=True)
class DecisionEntry:
    title: str
    taken: date
    chosen: str
    options: tuple[str, ...]  # "key: summary (pros; cons)"
    tradeoffs: str
    rationale: str
    line: Line  # the decision recorded, with its position


@dataclass(frozen=True)
class Checkpoint:
    """The signed checkpoint the pack was cut under (None fields: none covers it)."""

    id: int | None
    position: int | None
    tree_size: int | None
    root: str | None
    witnesses: tuple[str, ...] = ()
    signed_at: datetime | None = None

    @property
    def covers(self) -> bool:
        return self.id is not None


# Escalation groups, in the order the board takes them. PROPOSALS lists the program's open
# proposals (#16) by default (``escalations.open_proposals``).
PROPOSALS = "proposals_awaiting_decision"
ESCALATION_TITLES = {
    PROPOSALS: "Proposals awaiting a decision",
    "overdue_reviews": "Decisions past their review-by date with no outcome review",
    "dependencies_at_risk": "Dependencies at risk",
    "over_capacity": "Resource months over capacity in the next quarter",
    "program_risks": "Risks over the exposure threshold or across projects",
}


@dataclass
class Pack:
    program_id: str
    code: str
    name: str
    as_of: date
    since: date | None
    position: int  # the knowledge cut: events up to here, and no others
    knowledge: str  # what the position is, in words (the checkpoint signed by as_of, …)
    status: Figure
    projects: list[ProjectHeadline]
    benefits: list[BenefitHeadline]
    changes: list[Line]
    escalations: dict[str, list[Line]]
    charts: list[BenefitChart]
    decisions: list[DecisionEntry]
    checkpoint: Checkpoint
    figures: dict[str, Figure] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.figures = _collect(self)


def _collect(pack: Pack) -> dict[str, Figure]:
    """Every figure the pack states, by key (one key states one value)."""
    found: list[Figure] = [pack.status]
    for project in pack.projects:
        found.append(project.rating)
    for benefit in pack.benefits:
        found += [benefit.realization, benefit.forecast, benefit.target]
    lines = [*pack.changes, *(line for group in pack.escalations.values() for line in group),
             *(line for chart in pack.charts for line in chart.lines),
             *(d.line for d in pack.decisions)]
    for line in lines:
        found.extend(line.figures)
    return {figure.key: figure for figure in found}
