"""Predicted against actual: each figure a decision's prediction moved, held against what the
ledger shows now. A board asks whether the expected value appeared; this answers per figure,
and sums it up as the decision's prediction error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ledger.application.simulation.differences import delta, figure_at
from ledger.application.simulation.figures import Figures


@dataclass(frozen=True)
class PredictionCheck:
    """``lines``: section, id, name, figure (and its exact ``path``), baseline (when
    decided), predicted, actual (now), ``miss`` (actual - predicted, for numbers) and
    ``held`` (actual equals predicted)."""

    proposal_id: str
    option: str
    position: int
    computed_at: str
    lines: list[dict[str, Any]]

    @property
    def error(self) -> dict[str, Any]:
        """How far the prediction was off: how many figures were predicted, how many did
        not come true, and the mean absolute percentage error over the numeric ones whose
        predicted value was not zero (None when there are none)."""
        numeric = [line for line in self.lines if line["miss"] is not None]
        scaled = [abs(line["miss"] / line["predicted"]) for line in numeric
                  if isinstance(line["predicted"], int | float) and line["predicted"] != 0]
        return {"figures": len(self.lines),
                "missed": sum(1 for line in self.lines if not line["held"]),
                "mean_absolute_percentage_error":
                    round(100 * sum(scaled) / len(scaled), 2) if scaled else None}


def check_prediction(prediction: dict[str, Any], now: Figures) -> PredictionCheck:
    """Each predicted figure beside the same figure in ``now``; an entity that was to be
    added is checked by whether it exists, one that was to go by whether it is gone."""
    lines = []
    for line in prediction.get("lines", []):
        where = {**{k: line.get(k) for k in ("section", "id", "name", "figure")},
                 "path": list(line.get("path", []))}
        if line.get("change") in ("added", "removed"):
            exists = line["id"] in now.get(line["section"], {})
            predicted = line["change"] == "added"
            lines.append({**where, "baseline": not predicted, "predicted": predicted,
                          "actual": exists, "miss": None, "held": exists == predicted})
            continue
        actual = figure_at(now, line["section"], line["id"], line.get("path", []))
        predicted_value = line.get("after")
        lines.append({**where, "baseline": line.get("before"), "predicted": predicted_value,
                      "actual": actual, "miss": delta(predicted_value, actual),
                      "held": actual == predicted_value})
    return PredictionCheck(str(prediction.get("proposal_id")), str(prediction.get("option")),
                           int(prediction.get("position", 0)),
                           str(prediction.get("computed_at")), lines)
