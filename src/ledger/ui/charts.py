"""Charts as inline SVG, drawn on the server with matplotlib: nothing loads from a CDN."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
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
# An option comparison draws this many panels side by side before starting a new row.
PANELS_PER_ROW = 4

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
def realization_bars(names: list[str], shares: list[float], notes: list[str]) -> str:
    """Benefits realization as horizontal bars, in percent of the planned improvement, each
    labelled with its share and ``notes`` (the value against its target); the target is the
    100 % line."""
    figure, axes = plt.subplots(figsize=(9, 0.9 + 0.5 * max(1, len(names))))
    # Bars by index, labelled after: two benefits with the same name stay two bars.
    rows = range(len(names))
    percents = [share * 100 for share in shares]
    axes.barh(rows, percents, color=COLOURS["bar"], height=0.6)
    axes.set_yticks(rows, [label(name) for name in names])
    axes.axvline(100, color=COLOURS["target"], linestyle="--", linewidth=1.5)
    axes.annotate("target", (100, 1.0), xycoords=("data", "axes fraction"),
                  xytext=(0, 3), textcoords="offset points", ha="center", fontsize=8,
                  color=COLOURS["target"])
    right = max([120.0, *(p + 60 for p in percents)])
    axes.set_xlim(min([0.0, *percents]) * 1.1, right)
    for row, percent, note in zip(rows, percents, notes, strict=True):
        # On a white ground, so the target line behind a label never strikes it through.
        axes.annotate(f"{percent:.0f}%  {note}", (max(percent, 0), row), xytext=(4, 0),
                      textcoords="offset points", va="center", fontsize=8, zorder=3,
                      bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    axes.set_title("Benefits realization", fontsize=11, loc="left", pad=14)
    axes.set_xlabel("realization (% of the planned improvement from baseline to target)")
    axes.invert_yaxis()
    axes.grid(axis="x", alpha=0.3)
    return _svg(figure)


@_plain_text
def resource_load(name: str, unit: str, months: list[str], allocated: list[float],
                  capacity: list[float], governed: list[bool]) -> str:
    """A resource's monthly load as bars against its capacity; the part over capacity is
    red, hatched where a decision accepted it."""
    figure, axes = plt.subplots(figsize=(9, 2.8))
    _draw_load(axes, LoadPanel("", allocated, capacity, governed), months)
    axes.set_ylim(0, max([*allocated, *capacity]) * 1.25)
    axes.set_title(f"{label(name)}: monthly load against capacity", fontsize=11, loc="left")
    axes.set_ylabel(label(unit) + " per month")
    _legend(axes, ncol=4)
    return _svg(figure)


@dataclass(frozen=True)
class LoadPanel:
    """One resource's load as one option would leave it, month by month."""

    title: str
    allocated: list[float]
    capacity: list[float]
    governed: list[bool]


@_plain_text
def option_loads(name: str, unit: str, months: list[str], panels: list[LoadPanel]) -> str:
    """A resource's monthly load against capacity as each option would leave it: one panel
    per option on one scale, so the options compare at a glance."""
    columns = min(len(panels), PANELS_PER_ROW)
    rows = -(-len(panels) // columns)
    figure, grid = plt.subplots(rows, columns, figsize=(10, 0.9 + 2.5 * rows), sharey=True,
                                squeeze=False)
    top = max([1.0, *(v for p in panels for v in (*p.allocated, *p.capacity))]) * 1.2
    marks: dict[str, Any] = {}
    for index, axes in enumerate(grid.flat):
        if index >= len(panels):
            axes.set_visible(False)
            continue
        _draw_load(axes, panels[index], months, annotate=False)
        axes.set_ylim(0, top)
        axes.set_title(label(panels[index].title), fontsize=9, loc="left")
        if index % columns == 0:
            axes.set_ylabel(label(unit) + " per month")
        if len(months) > 3:
            axes.tick_params(axis="x", labelrotation=90, labelsize=7)
        handles, names = axes.get_legend_handles_labels()
        marks.update(zip(names, handles, strict=True))
    figure.suptitle(f"{label(name)}: monthly load against capacity, per option",
                    fontsize=11, x=0.01, ha="left")
    # One legend for every panel, with each kind of mark any panel carries.
    figure.legend(marks.values(), marks.keys(), fontsize=7, loc="upper right", ncol=4,
                  frameon=False)
    figure.tight_layout()
    return _svg(figure)


def _draw_load(axes: Any, panel: LoadPanel, months: list[str], annotate: bool = True) -> None:
    slots = range(len(months))
    pairs = list(zip(panel.allocated, panel.capacity, strict=True))
    within = [min(a, c) for a, c in pairs]
    over = [max(0.0, a - c) for a, c in pairs]
    axes.bar(slots, within, color=COLOURS["bar"], width=0.6, label="allocated")
    for slot, (base, extra, accepted) in enumerate(zip(within, over, panel.governed,
                                                       strict=True)):
        if extra:
            axes.bar(slot, extra, bottom=base, width=0.6, color=COLOURS["decision"],
                     hatch="//" if accepted else None, edgecolor="white",
                     label="over capacity, governed" if accepted else "over capacity")
            if annotate:
                axes.annotate("governed" if accepted else "not governed",
                              (slot, base + extra), xytext=(0, 3), textcoords="offset points",
                              ha="center", fontsize=8, color=COLOURS["decision"])
    if months:
        axes.step([s - 0.5 for s in slots] + [len(months) - 0.5],
                  panel.capacity + panel.capacity[-1:], where="post", color=COLOURS["target"],
                  linestyle="--", label="capacity")
    axes.set_xticks(slots, months)
    axes.grid(axis="y", alpha=0.3)


def _legend(axes: Any, ncol: int) -> None:
    """Each kind of mark once, however many bars carry it."""
    handles, names = axes.get_legend_handles_labels()
    unique = dict(zip(names, handles, strict=True))
    axes.legend(unique.values(), unique.keys(), fontsize=7, loc="upper left", ncol=ncol)
