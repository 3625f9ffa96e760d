"""How the pages write figures and terms: numbers with separators, money with its unit and
sign, verdicts and statuses in words, and log positions as links to the audit timeline."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from markupsafe import Markup, escape

# The ledger records amounts without a currency; the demo's business case is in euros, and
# a board reads a figure only with its unit.
CURRENCY = "EUR"
VERDICTS = {"as_expected": "As expected", "better": "Better than expected",
            "worse": "Worse than expected", "inconclusive": "Inconclusive"}
POSITION = re.compile(r"\bposition (\d+)\b")


def number(value: float | Decimal | None) -> str:
    """A figure as a board reads it: thousands separated, no needless ".0"."""
    if value is None:
        return ""
    if value == int(value):
        return f"{int(value):,}"
    return f"{float(value):,.2f}".rstrip("0")


def signed(value: float | Decimal) -> str:
    """A change with its sign: "+38,000", "−420,000" (a true minus sign), "0"."""
    if value > 0:
        return "+" + number(value)
    if value < 0:
        return "−" + number(-value)
    return "0"


def count_of(count: int, noun: str) -> str:
    """"1 event", "2 events", "0 signed checkpoints", with separators."""
    return f"{number(count)} {noun}{'' if count == 1 else 's'}"


def money(value: float | Decimal) -> str:
    """A cost with sign, separators and unit: "+38,000 EUR", "−420,000 EUR"."""
    return f"{signed(value)} {CURRENCY}"


def verdict(code: str) -> str:
    return VERDICTS.get(code, code.replace("_", " ").capitalize())


def event_link(position: int) -> str:
    """The audit timeline opened at the event recorded at ``position``."""
    return f"/ui/audit?after={position - 1}#event-{position}"


def linked_positions(text: str) -> Markup:
    """Text with every "position 123" turned into a link to that event in the timeline."""
    parts = POSITION.split(text)
    out = Markup()
    for index, part in enumerate(parts):
        if index % 2:
            out += Markup('<a href="{}">event {}</a>').format(event_link(int(part)), part)
        else:
            out += escape(part)
    return out


def response_text(response: dict[str, Any] | str | None) -> str:
    """A risk response as a sentence: "Reduce: cleansing sprint; daily dashboard"."""
    if not response:
        return ""
    if isinstance(response, str):
        return response.capitalize()
    strategy = str(response.get("strategy", "")).capitalize()
    actions = "; ".join(str(a) for a in response.get("actions", []))
    return f"{strategy}: {actions}" if actions else strategy
