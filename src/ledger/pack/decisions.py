"""Section 5, decisions taken since the last pack: the options weighed, the trade-offs
accepted, and the decision's recorded position."""

from __future__ import annotations

from typing import Any

from ledger.pack.cut import Cut, end_of
from ledger.pack.model import DecisionEntry, Figure, Line


def _option(option: dict[str, Any]) -> str:
    pros, cons = "; ".join(option.get("pros", [])), "; ".join(option.get("cons", []))
    return f"{option.get('key')}: {option.get('summary', '')} (for: {pros or '–'}; " \
           f"against: {cons or '–'})"


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
            tuple(_option(o) for o in aggregate.options), aggregate.tradeoffs,
            aggregate.rationale, Line(f"Chose “{aggregate.chosen_option}”.", (figure,))))
    return entries
