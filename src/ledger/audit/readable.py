"""An event's stored state as plain JSON, for people reading an export without Ledger.

The stored state is the event store's JSON, where values JSON has no type for are wrapped
as ``{"_type_": name, "_data_": text}``. The readable form unwraps them: ids, times, dates and
decimals become their text (an id in the usual dashed form), so a reader sees
``"effective_at": "2025-06-28T09:00:00+00:00"``. Numbers that standard JSON cannot hold
(NaN, ±Infinity, which an older version could have stored) become the strings ``"NaN"``,
``"Infinity"`` and ``"-Infinity"``. Nothing here touches the stored bytes, which the
digest covers: this is a view beside them.
"""

from __future__ import annotations

import json
import math
from typing import Any
from uuid import UUID


def readable_event(state: bytes) -> dict[str, Any] | None:
    """The event's fields as plain JSON values, or None if the state is not a JSON object."""
    try:
        decoded = json.loads(state, parse_constant=float)
    except (UnicodeDecodeError, ValueError):
        return None
    return plain(decoded) if isinstance(decoded, dict) else None


def plain(value: Any) -> Any:
    """A decoded state value with the store's ``_type_``/``_data_`` wrappers removed."""
    if isinstance(value, dict):
        if set(value) == {"_type_", "_data_"}:
            return _unwrapped(value["_type_"], value["_data_"])
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return json.dumps(value)  # "NaN", "Infinity" or "-Infinity", as text
    return value


def _unwrapped(name: Any, data: Any) -> Any:
    if name == "uuid_hex" and isinstance(data, str):
        try:
            return str(UUID(hex=data))
        except ValueError:
            return data
    return plain(data)  # datetime_iso, date_iso, decimal_str: already their ISO or exact text
