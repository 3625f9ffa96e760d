"""A benefit's measurements as one series in effective-time order, corrections applied: what
reviews, reports and the what-if figures all read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ledger.domain.benefit import Benefit


@dataclass(frozen=True)
class Measurement:
    measurement_id: str
    effective_at: datetime
    value: float


def measurement_series(benefit: Benefit) -> list[Measurement]:
    """Measurements in effective-time order, corrections applied."""
    return sorted(
        (Measurement(key, benefit.measured_at[key], value)
         for key, value in benefit.measurements.items()),
        key=lambda m: (m.effective_at, m.measurement_id),
    )


def linear_forecast(series: list[Measurement], since: date | None,
                    target_date: date | None) -> float | None:
    """Least-squares line through the measurements since the baseline, read at the target
    date. Two points at least; a forecast is a trend, not a promise."""
    if since is None or target_date is None:
        return None
    points = [(_days(m.effective_at.date(), since), m.value)
              for m in series if m.effective_at.date() >= since]
    if len(points) < 2:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if spread == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread
    return mean_y + slope * (_days(target_date, since) - mean_x)


def _days(day: date, since: date) -> float:
    return float((day - since).days)
