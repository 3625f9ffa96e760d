"""Plain-JSON forms of event values, for JSON columns and change records."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

_UNCHANGED = frozenset({str, int, float, bool, type(None)})


def plain(value: Any) -> Any:
    """UUIDs, times and decimals as strings; containers recursively; the rest unchanged."""
    if type(value) in _UNCHANGED:  # most values: one set lookup instead of five isinstance
        return value
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
    return value
