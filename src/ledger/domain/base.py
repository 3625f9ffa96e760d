"""What every Ledger aggregate and event shares: provenance metadata and the guard helpers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Self
from uuid import UUID

from eventsourcing.domain import Aggregate

from ledger.domain.errors import InvalidInput

# Clients' clocks drift; a fact may be stamped this far ahead of ours and still count as "now".
MAX_CLOCK_SKEW = timedelta(minutes=5)
MONTH_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Provenance:
    """Who records a fact, and which request and earlier event led to it."""

    actor: str
    correlation_id: str | None = None
    causation_id: str | None = None


# Set while a command runs: the one moment at which all of its events are recorded.
_command_moment: ContextVar[datetime | None] = ContextVar("command_moment", default=None)


def utc_now() -> datetime:
    """Now, or inside a command the moment the command is recorded at."""
    return _command_moment.get() or datetime.now(UTC)


@contextmanager
def one_moment() -> Iterator[datetime]:
    """Record every event of one command at the same time, as one transaction is one fact
    about the log: readers see all of it or none, and replay can tell where it ends."""
    moment = datetime.now(UTC)
    token = _command_moment.set(moment)
    try:
        yield moment
    finally:
        _command_moment.reset(token)


# Set while the demo loads: picks each new aggregate's id from what it records, so every fresh
# demo has the same ids. The id is the event's originator id already; no event changes shape.
IdChooser = Callable[[type["LedgerAggregate"], Mapping[str, Any]], UUID]
_id_chooser: ContextVar[IdChooser | None] = ContextVar("id_chooser", default=None)


@contextmanager
def ids_chosen_by(chooser: IdChooser) -> Iterator[None]:
    """Aggregates created inside take their id from ``chooser(aggregate class, fields)``
    instead of a random one, unless their class derives it itself (a program, from its code)."""
    token = _id_chooser.set(chooser)
    try:
        yield
    finally:
        _id_chooser.reset(token)


def check_effective_at(effective_at: datetime | None, now: datetime) -> datetime:
    """Default effective time to the recording time; refuse naive or future times."""
    if effective_at is None:
        return now
    if effective_at.tzinfo is None:
        raise InvalidInput("effective_at", "give a time zone, for example 2025-03-01T00:00:00Z")
    if effective_at > now + MAX_CLOCK_SKEW:
        raise InvalidInput(
            "effective_at",
            f"{effective_at.isoformat()} lies in the future; a fact can only be recorded "
            "once it is true",
        )
    return effective_at.astimezone(UTC)


def require_text(field: str, value: str | None) -> str:
    """Return the stripped text, or raise if it is missing or blank."""
    if value is None or not value.strip():
        raise InvalidInput(field, "is required and may not be blank")
    return value.strip()


def require_month(field: str, month: str) -> str:
    if not MONTH_PATTERN.fullmatch(month):
        raise InvalidInput(field, f"'{month}' is not a month; use YYYY-MM, for example 2025-07")
    return month


def require_choice(field: str, value: str, choices: frozenset[str]) -> str:
    if value not in choices:
        raise InvalidInput(field, f"'{value}' is not one of: {', '.join(sorted(choices))}")
    return value


def require_order(first: str, first_date: date, second: str, second_date: date) -> None:
    if second_date < first_date:
        raise InvalidInput(second, f"must not be before {first} ({first_date.isoformat()})")


class LedgerAggregate(Aggregate):
    """Base aggregate: every event carries actor, reason, effective time and causality."""

    if TYPE_CHECKING:  # set by Created.apply; declared here only for the type checker
        effective_since: datetime

    class Event(Aggregate.Event):
        actor: str
        reason: str | None
        effective_at: datetime
        correlation_id: str | None
        causation_id: str | None

    class Created(Event, Aggregate.Created):
        def apply(self, aggregate: Any) -> None:
            # When the entity began to exist in the world, as opposed to when it was recorded.
            aggregate.effective_since = self.effective_at

    @classmethod
    def _start(
        cls,
        event_class: type[LedgerAggregate.Created],
        by: Provenance,
        *,
        id: UUID | None = None,
        reason: str | None = None,
        effective_at: datetime | None = None,
        **fields: Any,
    ) -> Self:
        """Create the aggregate by recording its first event."""
        now = utc_now()
        chooser = _id_chooser.get()
        if id is None and chooser is not None:
            id = chooser(cls, fields)
        return cls._create(
            event_class,
            id=id,
            timestamp=now,
            **_metadata(by, reason, check_effective_at(effective_at, now)),
            **fields,
        )

    def _record(
        self,
        event_class: type[LedgerAggregate.Event],
        by: Provenance,
        *,
        reason: str | None = None,
        effective_at: datetime | None = None,
        **fields: Any,
    ) -> None:
        """Record a further event; guards have already run, so this only records."""
        now = utc_now()
        self.trigger_event(
            event_class,
            timestamp=now,
            **_metadata(by, reason, check_effective_at(effective_at, now)),
            **fields,
        )


def _metadata(by: Provenance, reason: str | None, effective_at: datetime) -> dict[str, Any]:
    return {
        "actor": by.actor,
        "reason": reason.strip() if reason and reason.strip() else None,
        "effective_at": effective_at,
        "correlation_id": by.correlation_id,
        "causation_id": by.causation_id,
    }
