"""How the pages write a figure of the what-if (``application/simulation/figures.py``): its
name in words, and its value and change with their units, so "months.2026-03.allocated" of
a resource reads "2026-03 allocated" and its change "+1.5 FTE", a risk's exposure "−8
exposure", a realization share "55%" and its change "+10 pts"."""

from __future__ import annotations

from typing import Any

from ledger.ui.wording import number, response_text, signed

SECTION_TITLES = {"summary": "Program summary", "resources": "Resource load",
                  "dependencies": "Dependencies", "scope": "Scope and deliverables",
                  "benefits": "Benefits", "risks": "Risks"}
SHARE = "%"  # a figure that is a share of the planned improvement (0.55 reads "55%")
# Figures in the entity's own unit (a resource's FTE, a benefit's days), by section.
IN_OWN_UNIT = {"resources": {"allocated", "capacity", "over"},
               "benefits": {"baseline", "target", "latest", "forecast_at_target_date"}}
SHARES = {"realization", "forecast_realization"}
FIXED_UNITS = {("risks", "exposure"): "exposure", ("summary", "open_risk_exposure"): "exposure"}
WORDS = {"over": "over capacity", "overall": "overall health", "needed_by": "needed by",
         "ungoverned_over_allocated_months": "over-allocated months without a decision",
         "over_allocated_months": "over-allocated months",
         "benefits_forecast_short_of_target": "benefits forecast short of target"}


def own_units(figures: dict[str, Any]) -> dict[tuple[str, str], str]:
    """Each resource's and benefit's unit, by (section, id)."""
    return {(section, entity_id): str(entity.get("unit") or "")
            for section in IN_OWN_UNIT
            for entity_id, entity in figures.get(section, {}).items()}


def unit_of(section: str, path: list[str], own_unit: str) -> str:
    """The unit a figure is counted in: the entity's own, "%" for a share, or a fixed one."""
    leaf = path[-1] if path else ""
    if leaf in IN_OWN_UNIT.get(section, set()):
        return own_unit
    if leaf in SHARES:
        return SHARE
    return FIXED_UNITS.get((section, leaf), "")


def figure_label(section: str, path: list[str], entity: dict[str, Any] | None) -> str:
    """The figure in words; a deliverable is named as its project names it."""
    if not path:
        return ""
    if section == "scope" and path[0] == "deliverables" and len(path) == 3:
        deliverable = ((entity or {}).get("deliverables") or {}).get(path[1]) or {}
        return f"“{deliverable.get('name') or path[1]}”: {_words(path[2])}"
    if section == "resources" and path[0] == "months" and len(path) == 3:
        return f"{path[1]} {_words(path[2])}"
    return " ".join(_words(part) for part in path)


def value_text(value: Any, unit: str = "") -> str:
    """A figure's value as a board reads it, with its unit."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        if unit == SHARE:
            return f"{value * 100:.0f}%"
        return f"{number(value)} {unit}".rstrip()
    if isinstance(value, dict):
        return response_text(value) or "—"
    return str(value).replace("_", " ")


def delta_text(delta: float | None, unit: str = "") -> str:
    """A change with its sign and unit ("+1.5 FTE", "−8 exposure", "+10 pts"); empty for
    a change that is not a number."""
    if delta is None:
        return ""
    if unit == SHARE:
        return f"{signed(round(delta * 100))} pts"
    return f"{signed(delta)} {unit}".rstrip()


def presence_text(present: Any) -> str:
    """Whether an entity a line adds or removes exists."""
    return "exists" if present else "absent"


def _words(key: str) -> str:
    return WORDS.get(key, key.replace("_", " "))
