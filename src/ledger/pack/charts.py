"""A benefit against its business case as inline SVG: measurements, baseline, the target as
it was revised over time, and the forecast to the target date. Drawn like the program page's
charts (``ledger.ui.charts``): text kept as text, names never read as markup."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time
from typing import Any

import matplotlib
import matplotlib.pyplot as plt

matplotlib.use("Agg")  # no display on servers

STYLE: dict[Any, Any] = {"svg.fonttype": "none", "text.parse_math": False, "text.usetex": False}
COLOURS = {"line": "#1f4e79", "target": "#2e7d32", "baseline": "#757575",
           "forecast": "#1f4e79", "revision": "#c62828"}


def _days(day: date | datetime) -> float:
    moment = day if isinstance(day, datetime) else datetime.combine(day, time(), tzinfo=UTC)
    return moment.timestamp() / 86400


def benefit_chart(name: str, unit: str, points: list[tuple[datetime, float]],
                  baseline: float | None, baseline_date: date | None,
                  targets: list[tuple[date, float]], target_date: date | None,
                  forecast: float | None, revisions: list[date]) -> str:
    """``targets`` holds the target from each date on (the original, then each revision)."""
    with matplotlib.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(10, 2.4))
        end = target_date or (points[-1][0].date() if points else date.today())
        if points:
            axes.plot([_days(p[0]) for p in points], [p[1] for p in points], marker="o",
                      markersize=3, color=COLOURS["line"], label="measured")
        if baseline is not None:
            axes.axhline(baseline, color=COLOURS["baseline"], linestyle=":", label="baseline")
        if targets:
            xs = [_days(start) for start, _ in targets] + [_days(end)]
            ys = [value for _, value in targets] + [targets[-1][1]]
            axes.step(xs, ys, where="post", color=COLOURS["target"], linestyle="--",
                      label="target (as revised)")
        for revised in revisions:
            axes.axvline(_days(revised), color=COLOURS["revision"], linewidth=1.2,
                         label="target revised")
        if forecast is not None and points and target_date is not None:
            axes.plot([_days(points[-1][0]), _days(target_date)], [points[-1][1], forecast],
                      color=COLOURS["forecast"], linestyle="-.", alpha=0.6,
                      label="forecast to target date")
        if baseline_date is not None:
            axes.set_xlim(left=_days(baseline_date))
        axes.xaxis_date()
        axes.set_title(f"{name} against the business case ({unit})", fontsize=10, loc="left")
        axes.set_ylabel(unit)
        axes.set_xlabel("effective date")
        handles, labels = axes.get_legend_handles_labels()
        unique = dict(zip(labels, handles, strict=True))
        axes.legend(unique.values(), unique.keys(), fontsize=7, loc="center left",
                    bbox_to_anchor=(1.01, 0.5))
        axes.grid(alpha=0.3)
        figure.autofmt_xdate()
        buffer = io.StringIO()
        # A fixed layout rather than bbox_inches="tight", which draws the figure twice.
        figure.subplots_adjust(left=0.07, right=0.82, bottom=0.3, top=0.88)
        figure.savefig(buffer, format="svg")
        plt.close(figure)
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]  # drop the XML prolog so it can be inlined
