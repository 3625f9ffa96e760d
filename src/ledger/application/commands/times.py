"""Times and dates exactly as RFC 3339 / ISO 8601 text: pydantic's lax mode would also take
numbers as Unix timestamps, which a client almost never means."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

# The first and last days of the calendar: a time on them with a zone may lie outside it once
# converted to UTC, so the schema leaves them out and the server refuses such a time.
IN_RANGE = r"^(?!0001-01-01|9999-12-31)"


def _iso_datetime(value: Any) -> Any:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError("give an RFC 3339 time, for example 2026-01-31T09:00:00Z")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
        if moment.tzinfo is not None:
            moment.astimezone(UTC)  # every time is compared and stored in UTC
    except ValueError:
        raise ValueError("give an RFC 3339 time, for example 2026-01-31T09:00:00Z") from None
    except OverflowError:
        raise ValueError("lies outside the calendar once converted to UTC") from None
    return moment


def _iso_date(value: Any) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError("give a date as YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("give a date as YYYY-MM-DD") from None


IsoDatetime = Annotated[datetime, BeforeValidator(_iso_datetime),
                        Field(json_schema_extra={"pattern": IN_RANGE})]
IsoDate = Annotated[date, BeforeValidator(_iso_date)]
