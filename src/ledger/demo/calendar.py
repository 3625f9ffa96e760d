"""Dates of the demo story, fixed so that every run tells exactly the same history."""

from __future__ import annotations

from datetime import UTC, date, datetime

# The program ran from May 2025; the story ends before the demo's first release date.
STORY_START = date(2025, 5, 1)
STORY_MONTHS = 18


def on(year: int, month: int, day: int, hour: int = 9) -> datetime:
    """A business time in UTC, on the morning of the given day."""
    return datetime(year, month, day, hour, tzinfo=UTC)


def month_ends(first: date, count: int) -> list[datetime]:
    """The last working morning of ``count`` consecutive months starting with ``first``."""
    ends = []
    year, month = first.year, first.month
    for _ in range(count):
        next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
        last_day = (date(next_year, next_month, 1) - date(year, month, 1)).days
        ends.append(on(year, month, min(last_day, 28)))
        year, month = next_year, next_month
    return ends


def month_key(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


# The steering committee met on these dates; each got a board pack (`ledger board-pack`),
# the second with "since" the first.
STEERING_COMMITTEES = (date(2026, 1, 12), date(2026, 3, 23))
