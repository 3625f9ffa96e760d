"""How two sets of figures differ, as a flat list a person (or a page) can read: one line per
figure that moved, naming the section, the entity, the figure, before, after and, for a
number, the signed change in the figure's own units."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ledger.application.simulation.figures import SECTIONS, Figures, month_load, with_months


def differences(before: Figures, after: Figures) -> list[dict[str, Any]]:
    """Every figure that is not the same in ``after`` as in ``before``; an entity that is
    only in one of them is one line ("added" or "removed")."""
    lines: list[dict[str, Any]] = []
    for section in SECTIONS:
        old, new = before.get(section, {}), after.get(section, {})
        for entity_id in sorted(old.keys() | new.keys()):
            name = (new.get(entity_id) or old.get(entity_id) or {}).get("name")
            where = {"section": section, "id": entity_id, "name": name}
            if entity_id not in new:
                lines.append({**where, "figure": None, "path": [], "change": "removed"})
            elif entity_id not in old:
                lines.append({**where, "figure": None, "path": [], "change": "added"})
            else:
                lines.extend({**where, **line}
                             for line in _changed(*_comparable(section, old[entity_id],
                                                               new[entity_id])))
    return lines


def _comparable(section: str, before: dict[str, Any], after: dict[str, Any]
                ) -> tuple[dict[str, Any], dict[str, Any]]:
    """A resource's months listed alike on both sides (see ``month_load``), without the
    capacity each month repeats: a resource has one capacity, compared once."""
    if section != "resources":
        return before, after
    months = before["months"].keys() | after["months"].keys()
    return _once(with_months(before, months)), _once(with_months(after, months))


def _once(resource: dict[str, Any]) -> dict[str, Any]:
    return {**resource, "months": {m: {k: v for k, v in load.items() if k != "capacity"}
                                   for m, load in resource["months"].items()}}


def _changed(before: dict[str, Any], after: dict[str, Any],
             within: tuple[str, ...] = ()) -> Iterator[dict[str, Any]]:
    """``path`` is exact (a deliverable's key may hold a dot); ``figure`` is for reading."""
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        path = (*within, key)
        if isinstance(old, dict) or isinstance(new, dict):
            yield from _changed(old or {}, new or {}, path)
        elif old != new:
            yield {"figure": ".".join(path), "path": list(path), "change": "changed",
                   "before": old, "after": new, "delta": delta(old, new)}


def delta(before: Any, after: Any) -> float | None:
    """``after - before`` for two numbers (a missing one counts as nothing yet)."""
    numbers = [v for v in (before, after) if v is not None]
    if not numbers or not all(isinstance(v, int | float) and not isinstance(v, bool)
                              for v in numbers):
        return None
    return round(float(after or 0) - float(before or 0), 6)


def figure_at(figures: Figures, section: str, entity_id: str, path: list[str]) -> Any:
    """One figure by its path (``["months", "2026-03", "allocated"]``), or None."""
    value: Any = figures.get(section, {}).get(entity_id)
    if section == "resources" and value is not None and len(path) == 3 \
            and path[0] == "months":
        return month_load(value, path[1]).get(path[2])
    for part in path:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value
