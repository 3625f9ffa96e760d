"""An event's stored state as plain JSON, for people reading an export without Ledger.

The stored state is the event store's JSON, where values JSON has no type for are wrapped
as ``{"_type_": name, "_data_": text}``. The readable form unwraps them: ids, times, dates and
decimals become their text (an id in the usual dashed form), so a reader sees
``"effective_at": "2025-06-28T09:00:00+00:00"``. Numbers that standard JSON cannot hold
(NaN, ±Infinity, which an older version could have stored) become the strings ``"NaN"``,
``"Infinity"`` and ``"-Infinity"``. Nothing here touches the stored bytes, which the
digest covers: this is a view beside them. Standard library only, for the offline verifier.
"""

from __future__ import annotations

import json
import re
from typing import Any

HEX_ID = re.compile(r"[0-9a-f]{32}")


def readable_event(state: bytes) -> dict[str, Any] | None:
    """The event's fields as plain JSON values, or None if the state is not a JSON object."""
    try:
        # The hook unwraps each object as the parser closes it, innermost first; the
        # non-finite tokens stay the text they were written as.
        decoded = json.loads(state, object_hook=_unwrapped, parse_constant=str)
    except (UnicodeDecodeError, ValueError):
        return None
    return decoded if isinstance(decoded, dict) else None


def _unwrapped(value: dict[str, Any]) -> Any:
    if len(value) != 2 or "_type_" not in value or "_data_" not in value:
        return value
    data = value["_data_"]
    if value["_type_"] == "uuid_hex" and isinstance(data, str) and HEX_ID.fullmatch(data):
        return f"{data[:8]}-{data[8:12]}-{data[12:16]}-{data[16:20]}-{data[20:]}"
    return data  # datetime_iso, date_iso, decimal_str: already their ISO or exact text
