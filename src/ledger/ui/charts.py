"""Charts as inline SVG, drawn on the server with matplotlib: nothing loads from a CDN."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any, ParamSpec

import matplotlib
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

matplotlib.use("Agg")  # no display on servers

# A page draws at most this many charts; what does not fit goes in a table. Each chart costs
# tens of milliseconds and kilobytes, so a decision affecting a hundred benefits would
# otherwise take seconds and megabytes to review.
MAX_CHARTS_PER_PAGE = 8
# Longer labels are cut (the tables beside the charts give names in full).
MAX_LABEL = 80

STYLE: dict[Any, Any] = {
    # Keep text as text in the SVG: screen readers, search and tests can read the labels.
    "svg.fonttype": "none",
    # Names are data, never markup: "$", "\\", "^" or "_" in a benefit name is drawn as is,
    # not read as mathtext or LaTeX (which fails, or draws something else).
    "text.parse_math": False,
    "text.usetex": False,
}
P = ParamSpec("P")

COLOURS = {"line": "#1f4e79", "target": "#2e7d32", "baseline": "#757575",
           "decision": "#c62828", "bar": "#1f4e79"}


def _days(moment: datetime) -> float:
    """matplotlib's date number (days since 1970-01-01), without its untyped helper."""
    return moment.timestamp() / 86400


def _plain_text(draw: Callable[P, str]) -> Callable[P, str]:
    """Draw with STYLE in force, whatever the process-wide settings are."""
    @wraps(draw)
    def drawn(*args: P.args, **kwargs: P.kwargs) -> str:
        with matplotlib.rc_context(STYLE):
            return draw(*args, **kwargs)
    return drawn


def label(text: str) -> str:
    """A name as a chart shows it: on one line, and cut short if very long."""
    flat = " ".join(text.split())
    return flat if len(flat) <= MAX_LABEL else flat[:MAX_LABEL - 1] + "…"


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(figure)
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]  # drop the XML prolog so it can be inlined


@_plain_text
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
                     label=label(decision_label) or "decision")
    axes.xaxis_date()
    axes.set_title(label(name), fontsize=10)
    axes.set_ylabel(label(unit))
    axes.legend(fontsize=7, loc="best")
    axes.grid(alpha=0.3)
    figure.autofmt_xdate()
    return _svg(figure)


@_plain_text
def realization_bars(names: list[str], shares: list[float]) -> str:
    """Benefits realization as horizontal bars, in percent of the planned improvement."""
    figure, axes = plt.subplots(figsize=(7, 0.5 + 0.45 * max(1, len(names))))
    # Bars by index, labelled after: two benefits with the same name stay two bars.
    rows = range(len(names))
    axes.barh(rows, [share * 100 for share in shares], color=COLOURS["bar"])
    axes.set_yticks(rows, [label(name) for name in names])
    axes.axvline(100, color=COLOURS["target"], linestyle="--")
    axes.set_xlabel("realization (% of planned improvement)")
    axes.invert_yaxis()
    axes.grid(axis="x", alpha=0.3)
    return _svg(figure)
