"""Charts as inline SVG, drawn on the server with matplotlib: nothing loads from a CDN."""

from __future__ import annotations

import io
from datetime import datetime

import matplotlib
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

matplotlib.use("Agg")  # no display on servers
# Keep text as text in the SVG: screen readers, search and tests can read the labels.
matplotlib.rcParams["svg.fonttype"] = "none"

COLOURS = {"line": "#1f4e79", "target": "#2e7d32", "baseline": "#757575",
           "decision": "#c62828", "bar": "#1f4e79"}


def _days(moment: datetime) -> float:
    """matplotlib's date number (days since 1970-01-01), without its untyped helper."""
    return moment.timestamp() / 86400


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(figure)
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]  # drop the XML prolog so it can be inlined


def benefit_series(name: str, unit: str, points: list[tuple[datetime, float]],
                   baseline: float | None, target: float | None,
                   decision_at: datetime | None = None, decision_label: str = "") -> str:
    """The measurement series with baseline and target, and a decision date if given."""
    figure, axes = plt.subplots(figsize=(7, 3))
    if points:
        axes.plot([_days(p[0]) for p in points], [p[1] for p in points],
                  marker="o", markersize=3, color=COLOURS["line"], label="measured")
    if baseline is not None:
        axes.axhline(baseline, color=COLOURS["baseline"], linestyle=":", label="baseline")
    if target is not None:
        axes.axhline(target, color=COLOURS["target"], linestyle="--", label="target")
    if decision_at is not None:
        axes.axvline(_days(decision_at), color=COLOURS["decision"], linewidth=2,
                     label=decision_label or "decision")
    axes.xaxis_date()
    axes.set_title(name, fontsize=10)
    axes.set_ylabel(unit)
    axes.legend(fontsize=7, loc="best")
    axes.grid(alpha=0.3)
    figure.autofmt_xdate()
    return _svg(figure)


def realization_bars(names: list[str], shares: list[float]) -> str:
    """Benefits realization as horizontal bars, in percent of the planned improvement."""
    figure, axes = plt.subplots(figsize=(7, 0.5 + 0.45 * max(1, len(names))))
    axes.barh(names, [share * 100 for share in shares], color=COLOURS["bar"])
    axes.axvline(100, color=COLOURS["target"], linestyle="--")
    axes.set_xlabel("realization (% of planned improvement)")
    axes.invert_yaxis()
    axes.grid(axis="x", alpha=0.3)
    return _svg(figure)
