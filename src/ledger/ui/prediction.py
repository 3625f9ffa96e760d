"""Predicted against actual, as the decision review lists it: each figure the decision was
predicted to move, what it was before, what was predicted, what the ledger shows now and the
miss with its sign and unit."""

from __future__ import annotations

from dataclasses import dataclass

from ledger.application.simulation.predictions import PredictionCheck
from ledger.ui.figure_wording import (
    SECTION_TITLES,
    delta_text,
    figure_label,
    presence_text,
    unit_of,
    value_text,
)
from ledger.ui.wording import count_of


@dataclass(frozen=True)
class PredictionRow:
    section: str
    entity: str
    figure: str
    baseline: str
    predicted: str
    actual: str
    miss: str
    held: bool


def prediction_rows(check: PredictionCheck,
                    units: dict[tuple[str, str], str]) -> list[PredictionRow]:
    """``units``: each resource's and benefit's unit by (section, id), as the page knows
    them; a figure of an entity it does not know is written without one."""
    rows = []
    for line in check.lines:
        section, entity_id = str(line["section"]), str(line["id"])
        path = [str(part) for part in line["path"]]
        unit = unit_of(section, path, units.get((section, entity_id), ""))
        # A line without a figure is an entity the decision was to add or remove.
        baseline, predicted, actual = (
            value_text(line[k], unit) if path else presence_text(line[k])
            for k in ("baseline", "predicted", "actual"))
        rows.append(PredictionRow(
            SECTION_TITLES.get(section, section), str(line.get("name") or entity_id),
            figure_label(section, path, None) or "present", baseline, predicted, actual,
            delta_text(line.get("miss"), unit), bool(line["held"])))
    return rows


def error_summary(check: PredictionCheck) -> str:
    """The prediction error in one sentence."""
    error = check.error
    sentence = (f"{count_of(error['figures'], 'figure')} predicted; "
                f"{error['missed']} not as predicted now.")
    mape = error["mean_absolute_percentage_error"]
    if mape is not None:
        sentence += f" Mean absolute percentage error over the numeric figures: {mape:g}%."
    return sentence
