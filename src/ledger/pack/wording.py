"""How the pack words numbers, ratings and dates: one place, so the HTML, the PDF and the
manifest say the same."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

RAG_ORDER = {"green": 0, "amber": 1, "red": 2}
HIGH_EXPOSURE = 15  # likelihood × impact on the 5 × 5 grid: the rollup's "high" band


def rounded(value: float | Decimal | None, places: int = 1) -> float | None:
    """A figure as the pack states it: rounded, so a recomputation compares exactly."""
    return None if value is None else round(float(value), places)


def number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "n/a"
    text = f"{value:,.1f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:,.0f}"
    return f"{text} {unit}".strip() if unit else text


def day(value: date | None) -> str:
    return value.strftime("%d %b %Y") if value else "n/a"


def trend(previous: str | None, now: str | None) -> str:
    """Better, worse or steady against the previous pack; new when nothing to compare."""
    if previous not in RAG_ORDER or now not in RAG_ORDER:
        return "new"
    step = RAG_ORDER[now] - RAG_ORDER[previous]
    return "worse" if step > 0 else "better" if step < 0 else "steady"
