"""What each event changed on its own entity, in words a reader can check: the entity's
state folded from its events just before and just after, compared field by field."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from ledger.application.replay import aggregate_state
from ledger.application.service import LedgerService
from ledger.domain.base import LedgerAggregate
from ledger.ui.wording import number

HEX_ID = re.compile(r"^[0-9a-f]{32}$|^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$")
ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
SKIPPED = {"program_id"}  # set once, never changed: it would only repeat the filter
Change = tuple[str, str, str]  # (field, before, after); before is "" when first set


def entity_changes(ledger: LedgerService, events: Iterable[tuple[UUID, int]],
                   names: Mapping[str, str]) -> dict[tuple[UUID, int], list[Change]]:
    """For each (aggregate id, version), the fields that event changed on that aggregate;
    an id is written as the name in ``names`` (by its 32 hex digits) where there is one.

    Each aggregate's events are read and folded once, however many of its events the page
    shows."""
    wanted: dict[UUID, set[int]] = {}
    for aggregate_id, version in events:
        wanted.setdefault(aggregate_id, set()).add(version)
    found: dict[tuple[UUID, int], list[Change]] = {}
    for aggregate_id, versions in wanted.items():
        aggregate: Any = None
        before: dict[str, Any] = {}
        known: list[Any] = list(ledger.events.get(aggregate_id, lte=max(versions)))
        for event in known:
            aggregate = event.mutate(aggregate)
            if not isinstance(aggregate, LedgerAggregate):
                break
            after = aggregate_state(aggregate)["state"]  # plain: a copy, not a view
            if event.originator_version in versions:
                found[(aggregate_id, event.originator_version)] = _diff(before, after, names)
            before = after
    return found


def _diff(before: dict[str, Any], after: dict[str, Any],
          names: Mapping[str, str]) -> list[Change]:
    changes: list[Change] = []
    for field in after:
        old, new = before.get(field), after[field]
        if field in SKIPPED or old == new or (old is None and new in ("", [], {})):
            continue
        label = field.replace("_", " ")
        if isinstance(old, dict) and isinstance(new, dict):
            changes.extend(_dict_changes(label, old, new, names))
        elif isinstance(old, list) and isinstance(new, list) and new[:len(old)] == old:
            changes.append((label, "", "added " + readable(new[len(old):], names)))
        else:
            changes.append((label, readable(old, names) if old not in (None, {}, []) else "",
                            readable(new, names)))
    return changes


def _dict_changes(label: str, old: dict[str, Any], new: dict[str, Any],
                  names: Mapping[str, str]) -> list[Change]:
    """Keyed collections (components, deliverables, allocations) by the keys that moved."""
    changes: list[Change] = []
    for key in new.keys() | old.keys():
        if old.get(key) == new.get(key):
            continue
        name = label if HEX_ID.match(key) else f"{label}: {key.replace('_', ' ')}"
        if isinstance(old.get(key), dict) and isinstance(new.get(key), dict):
            changes.extend((f"{name} {field}", before, after)
                           for field, before, after in _diff(old[key], new[key], names))
        elif key not in new:
            changes.append((name, readable(old[key], names), "removed"))
        else:
            changes.append((name, readable(old[key], names) if key in old else "",
                            readable(new[key], names)))
    return sorted(changes)


def readable(value: Any, names: Mapping[str, str] | None = None) -> str:
    """A stored value as a person writes it: no Python reprs, no "None", an id as the name
    of what it identifies (or shortened, for an entity without one)."""
    names = names or {}
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return number(value)
    if isinstance(value, str):
        if HEX_ID.match(value):
            digits = value.replace("-", "")
            return names.get(digits) or digits[:8]
        if ISO_MOMENT.match(value):
            return datetime.fromisoformat(value).strftime("%d %b %Y")
        return value
    if isinstance(value, list):
        return "; ".join(readable(item, names) for item in value) or "none"
    if isinstance(value, dict):
        parts = [f"{k.replace('_', ' ')} {readable(v, names)}" for k, v in value.items()
                 if v not in (None, "", [], {}) and not HEX_ID.match(k)]
        return ", ".join(parts) or "none"
    return str(value)
