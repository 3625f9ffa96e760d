"""Section 4, benefits against the business case: per benefit, its chart and the lines that
state baseline, target, each revision and the latest measurement, with their positions."""

from __future__ import annotations

from functools import partial
from typing import Any

from ledger.application.measurements import measurement_series
from ledger.domain.benefit import Benefit
from ledger.pack.charts import benefit_chart
from ledger.pack.cut import Cut
from ledger.pack.headline import benefit_figures
from ledger.pack.model import BenefitChart, Figure, Line
from ledger.pack.trace import Traced
from ledger.pack.wording import day, number, rounded


def charts(now: Cut) -> list[BenefitChart]:
    return [_chart(now, benefit) for benefit in now.of("benefit")]


def _chart(now: Cut, benefit: Traced) -> BenefitChart:
    aggregate: Any = benefit.aggregate
    unit, key = aggregate.unit, f"benefit/{aggregate.id}"
    profile = aggregate.profile or {}
    series = measurement_series(aggregate)
    revisions = benefit.of_type(Benefit.BenefitTargetRevised)
    profiled = benefit.of_type(Benefit.BenefitProfileSet)
    _share, forecast, _target = benefit_figures(benefit)  # the target is in the headline
    forecast_value = forecast.value if isinstance(forecast.value, float) else None
    lines: list[Line] = []
    if profiled:
        position, event = profiled[-1]
        lines.append(Line(f"Baseline {number(event.baseline_value, unit)} on "
                          f"{day(event.baseline_date)}; business-case target "
                          f"{number(event.target_value, unit)} by {day(event.target_date)}.",
                          (Figure(f"{key}/baseline", f"{aggregate.name}: baseline",
                                  rounded(event.baseline_value), (position,), unit),)))
    targets = ([(profiled[-1][1].baseline_date, profiled[-1][1].target_value)]
               if profiled else [])
    for position, event in revisions:
        targets.append((event.effective_at.date(), event.to_target_value))
        lines.append(Line(
            f"Target revised on {day(event.effective_at.date())}: "
            f"{number(event.from_target_value, unit)} → {number(event.to_target_value, unit)}"
            f" by {day(event.to_target_date)}, by decision “{now.name_of(event.decision_id)}”.",
            (Figure(f"{key}/revision/{position}", f"{aggregate.name}: revised target",
                    rounded(event.to_target_value), (position,), unit),)))
    if series:
        lines.append(Line(f"Latest measurement {number(series[-1].value, unit)} on "
                          f"{day(series[-1].effective_at.date())}; forecast at the target date "
                          f"{number(forecast_value, unit)}.",
                          (Figure(f"{key}/latest", f"{aggregate.name}: latest measurement",
                                  rounded(series[-1].value),
                                  tuple(benefit.positions("measurements")), unit), forecast)))
    draw = partial(benefit_chart, aggregate.name, unit,
                   [(m.effective_at, m.value) for m in series], profile.get("baseline_value"),
                   profile.get("baseline_date"), targets, profile.get("target_date"),
                   forecast_value, [event.effective_at.date() for _, event in revisions])
    return BenefitChart(aggregate.name, unit, draw, tuple(lines))
