"""What the program page shows, as plain rows: built from the read models for today, or from
the as-of replay for a past moment (``ledger.ui.board_then``), so one template draws both."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from uuid import UUID

from ledger.domain.project import RAG_DIMENSIONS
from ledger.projections.dependencies import is_at_risk
from ledger.projections.projects import StatusReport
from ledger.ui import charts
from ledger.ui.wording import number

TREND_LENGTH = 6  # status reports in each project's trend strip
# Exposure (likelihood × impact on a 5 × 5 grid) bands, as the heat map colours them.
EXPOSURE_BANDS = ((15, "high"), (6, "medium"), (0, "low"))  # 15: the rollup's "high"


def exposure_band(exposure: int) -> str:
    return next(band for floor, band in EXPOSURE_BANDS if exposure >= floor)


@dataclass
class Report:
    effective: date
    ratings: dict[str, str]
    reason: str | None = None


@dataclass
class HealthRow:
    name: str
    lifecycle: str
    reports: list[Report]  # oldest first, the last TREND_LENGTH

    @property
    def latest(self) -> Report | None:
        return self.reports[-1] if self.reports else None

    @property
    def watermelon(self) -> bool:
        """Green overall while a dimension is red: green outside, red inside."""
        latest = self.latest
        return (latest is not None and latest.ratings.get("overall") == "green"
                and "red" in latest.ratings.values())


@dataclass
class BenefitRow:
    name: str
    unit: str
    baseline: float | None
    target: float | None
    latest: float | None
    realization: float | None
    target_drift: float | None


@dataclass
class RiskRow:
    title: str
    owner: str
    likelihood: int
    impact: int
    status: str
    response: str

    @property
    def exposure(self) -> int:
        return self.likelihood * self.impact

    @property
    def band(self) -> str:
        return exposure_band(self.exposure)


@dataclass
class DependencyRow:
    provider: str
    consumer: str
    needed_by: date
    status: str
    at_risk: bool
    flags: list[str]


@dataclass
class OverAllocation:
    month: str
    allocated: Decimal
    capacity: Decimal
    decision_ids: list[UUID]

    @property
    def over_by(self) -> Decimal:
        return self.allocated - self.capacity


@dataclass
class ResourceBlock:
    name: str
    unit: str
    chart: str
    over: list[OverAllocation]


@dataclass
class DecisionRow:
    id: UUID
    taken: date
    title: str
    chosen: str
    superseded: bool
    recorded_position: int


@dataclass
class Board:
    """The program page's content, whatever its source."""

    health: list[HealthRow]
    benefits: list[BenefitRow]
    risks: list[RiskRow]
    dependencies: list[DependencyRow]
    resources: list[ResourceBlock]
    decisions: list[DecisionRow]
    realization_chart: str = field(init=False)

    def __post_init__(self) -> None:
        measured = [b for b in self.benefits if b.realization is not None]
        self.realization_chart = charts.realization_bars(
            [b.name for b in measured], [b.realization or 0.0 for b in measured],
            [_against_target(b) for b in measured]) if measured else ""

    @property
    def open_risks(self) -> list[RiskRow]:
        """Not closed, the highest exposure first."""
        return sorted((r for r in self.risks if r.status != "closed"),
                      key=lambda r: (-r.exposure, r.title))

    @property
    def heat(self) -> dict[tuple[int, int], list[RiskRow]]:
        cells: dict[tuple[int, int], list[RiskRow]] = {}
        for risk in self.open_risks:
            cells.setdefault((risk.likelihood, risk.impact), []).append(risk)
        return cells

    @property
    def high_risks(self) -> int:
        return sum(1 for r in self.open_risks if r.band == "high")

    @property
    def dependencies_at_risk(self) -> int:
        return sum(1 for d in self.dependencies if d.at_risk)

    @property
    def over_allocated_months(self) -> int:
        return sum(len(r.over) for r in self.resources)


def _against_target(benefit: BenefitRow) -> str:
    unit = f" {benefit.unit}" if benefit.unit else ""
    return f"({number(benefit.latest)}{unit}, target {number(benefit.target)}{unit})"


def resource_block(name: str, unit: str, months: Iterable[tuple[str, Decimal, Decimal,
                                                                  list[UUID]]]) -> ResourceBlock:
    """A resource's chart and over-allocations from (month, allocated, capacity, decision
    ids that accepted it) per month."""
    loads = sorted(months)
    over = [OverAllocation(month, allocated, capacity, decisions)
            for month, allocated, capacity, decisions in loads if allocated > capacity]
    chart = charts.resource_load(
        name, unit, [m[0] for m in loads], [float(m[1]) for m in loads],
        [float(m[2]) for m in loads], [bool(m[3]) for m in loads]) if loads else ""
    return ResourceBlock(name, unit, chart, over)


def health_row(name: str, lifecycle: str, reports: list[StatusReport]) -> HealthRow:
    return HealthRow(name, lifecycle, [
        Report(r.effective_at.date(), {d: getattr(r, d) for d in RAG_DIMENSIONS}, r.reason)
        for r in reports])


def dependency_row(provider: str, deliverable: str | None, consumer: str, needed_by: date,
                   status: str, provider_red: bool, needed_by_passed: bool) -> DependencyRow:
    """A dependency as the page lists it, at risk by the rollup's own rule."""
    flags = [text for flag, text in ((provider_red, "provider reports red"),
                                     (needed_by_passed, "needed-by date passed")) if flag]
    return DependencyRow(f"{provider} ({deliverable})" if deliverable else provider, consumer,
                         needed_by, status, is_at_risk(status, provider_red, needed_by_passed),
                         flags)
