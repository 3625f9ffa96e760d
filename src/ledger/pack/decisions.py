"""Section 5, decisions taken since the last pack: the options weighed, the trade-offs
accepted, and the decision's recorded position."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ledger.pack.cut import Cut, end_of
from ledger.pack.model import DecisionEntry, Figure, Line
from ledger.pack.wording import number


def _option(option: dict[str, Any], now: Cut) -> str:
    pros, cons = "; ".join(option.get("pros", [])), "; ".join(option.get("cons", []))
    return (f"{option.get('key')}: {option.get('summary', '')} (for: {pros or '–'}; "
            f"against: {cons or '–'}{_predicted(option.get('expected_impact') or {}, now)})")


def _predicted(impact: dict[str, Any], now: Cut) -> str:
    """What the option was expected to do, where the decision recorded it."""
    parts = []
    if impact.get("cost") is not None:
        parts.append(f"cost {number(float(impact['cost']))}")
    if impact.get("schedule_days") is not None:
        parts.append(f"schedule {int(impact['schedule_days']):+d} days")
    parts += [f"{_benefit(now, key)} {number(float(value))}"
              for key, value in sorted((impact.get("benefits") or {}).items())]
    return f"; predicted: {', '.join(parts)}" if parts else ""


def _benefit(now: Cut, key: str) -> str:
    """A benefit named in a prediction: by id (a proposal's options) or already by name."""
    try:
        return now.name_of(UUID(key), key)
    except ValueError:
        return key


def decisions_since(now: Cut, then: Cut | None) -> list[DecisionEntry]:
    since = end_of(then.day) if then else None
    entries = []
    for decision in now.of("decision"):
        aggregate: Any = decision.aggregate
        if since is not None and aggregate.taken_at <= since:
            continue
        figure = Figure(f"decision/{aggregate.id}/chosen", f"{aggregate.title}: chosen option",
                        aggregate.chosen_option, (decision.created,))
        entries.append(DecisionEntry(
            aggregate.title, aggregate.taken_at.date(), aggregate.chosen_option,
            tuple(_option(o, now) for o in aggregate.options), aggregate.tradeoffs,
            aggregate.rationale, Line(f"Chose “{aggregate.chosen_option}”.", (figure,))))
    return entries
