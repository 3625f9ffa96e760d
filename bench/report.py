"""The run's output: one Markdown table, the same as JSON, and the check that it is whole."""

from __future__ import annotations

import json
import math
import platform
from dataclasses import asdict
from pathlib import Path

from bench.measure import Figure

_SIZES = ("large", "small")
_LOG_FIGURES = (["W", *(f"G.{s}" for s in _SIZES)] + ["P4", "P6"]
                + [f"{f}.{s}" for f in ("P4.rss", "P6.rss", "P6.export.rss") for s in _SIZES])
EXPECTED = (["B1", "B2", "B3", "B3e", "B4", "B5", "P1", "H0", "P1.api", "P2", "P2.one",
             "P2.w2", "P2.one.w2", "P3", "P2.whatif",
             "L1", "P5a", "P5b", "P8", "P9.sse", "P9.nats", "B10", "P10",
             *_LOG_FIGURES, "B1s", "B3s", "B3se", "P7.cmd", "P7.P5a", "P7.P5b", "P7.P8"]
            + [f"P7.{f}" for f in _LOG_FIGURES])


# What `python -m bench --what-if` prints (issue 16).
WHAT_IF = ("B1", "P2", "P2.whatif", "P5a", "P8")


def missing(figures: list[Figure]) -> list[str]:
    """Expected figure ids that are absent, or whose value is not a finite number."""
    finite = {f.id for f in figures if math.isfinite(f.value)}
    return [figure_id for figure_id in EXPECTED if figure_id not in finite]


def markdown(figures: list[Figure]) -> str:
    lines = ["| id | figure | value | baseline | ratio | target | met |",
             "|---|---|---|---|---|---|---|"]
    for f in figures:
        lines.append(f"| {f.id} | {f.what} | {f.value:,.2f} {f.unit} | {_judged(f)} |")
    return "\n".join(lines)


def side_by_side(figures: list[Figure]) -> str:
    """P7: each figure measured on both backends, PostgreSQL beside the embedded SQLite."""
    by_id = {f.id: f for f in figures}
    pairs = [("L1", "P7.cmd"),
             *((f, f"P7.{f}") for f in ("P5a", "P5b", "P8", *_LOG_FIGURES))]
    lines = ["| figure | PostgreSQL | ratio | SQLite | ratio |", "|---|---|---|---|---|"]
    for pg, lite in pairs:
        if pg in by_id and lite in by_id:
            cells = [_value_and_ratio(by_id[pg]), _value_and_ratio(by_id[lite])]
            lines.append(f"| {pg} | {' | '.join(cells)} |")
    return "\n".join(lines)


def derived(figures: dict[str, Figure]) -> list[Figure]:
    """P1.api = P1 - H0 - L1: what the API layer adds over the bare HTTP floor and the
    in-process command, measured in different phases of one run (absent if any part is)."""
    if not all(part in figures for part in ("P1", "H0", "L1")):
        return []
    p1, h0, l1 = figures["P1"].value, figures["H0"].value, figures["L1"].value
    api = p1 - h0 - l1
    return [Figure("P1.api", "API layer over the HTTP floor and the command: P1 - H0 - L1 "
                   "(p50s)", api, "ms", target="<= 1 ms", met=api <= 1.0,
                   detail={"P1_ms": p1, "H0_ms": h0, "L1_ms": l1})]


WRITE_PATH = ("B4", "B5", "L1", "H0", "P1", "P1.api", "P2", "P2.one", "P2.w2", "P2.one.w2",
              "P3")


def write_path(figures: list[Figure]) -> str:
    """Issue 15's figures together: L1 against B5, the API's share of P1, both forms of P2."""
    by_id = {f.id: f for f in figures}
    lines = ["| id | figure | value | p99 | errors | against | ratio | target | met |",
             "|---|---|---|---|---|---|---|---|---|"]
    for f in (by_id[i] for i in WRITE_PATH if i in by_id):
        p99 = f"{f.detail['p99_ms']:,.2f} ms" if "p99_ms" in f.detail else ""
        errors = f"{f.detail['errors']:.0f}" if "errors" in f.detail else ""
        lines.append(f"| {f.id} | {f.what} | {f.value:,.2f} {f.unit} | {p99} | {errors} "
                     f"| {_judged(f)} |")
    return "\n".join(lines)


def _judged(f: Figure) -> str:
    """The baseline, ratio, target and met cells of one figure's row."""
    baseline = f"{f.baseline_id} = {f.baseline_value:,.2f}" if f.baseline_id else ""
    ratio = f"{f.ratio:.2f}" if f.ratio is not None else ""
    met = "" if f.met is None else ("yes" if f.met else "**no**")
    return f"{baseline} | {ratio} | {f.target} | {met}"


def _value_and_ratio(f: Figure) -> str:
    ratio = f"{f.ratio:.2f} x {f.baseline_id}" if f.ratio is not None else ""
    return f"{f.value:,.2f} {f.unit} | {ratio}"


def write_json(figures: list[Figure], size: str, seconds: float, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{size}.json"
    path.write_text(json.dumps({
        "size": size, "machine": platform.platform(), "python": platform.python_version(),
        "wall_seconds": seconds, "missing": missing(figures),
        "figures": [asdict(f) for f in figures]}, indent=2))
    return path
