"""How the proposal page and the decision review write a what-if figure: its name, and its
value and change with their units (issue 16)."""

from __future__ import annotations

from ledger.application.simulation.predictions import PredictionCheck
from ledger.ui.figure_wording import delta_text, figure_label, unit_of, value_text
from ledger.ui.prediction import error_summary, prediction_rows


def test_each_figure_is_written_in_its_own_unit_with_its_sign() -> None:
    assert unit_of("resources", ["months", "2026-03", "allocated"], "FTE") == "FTE"
    assert unit_of("resources", ["months", "2026-03", "governed"], "FTE") == ""
    assert unit_of("benefits", ["forecast_at_target_date"], "days") == "days"
    assert unit_of("risks", ["exposure"], "") == "exposure"
    assert delta_text(1.5, "FTE") == "+1.5 FTE" and delta_text(-8, "exposure") == "−8 exposure"
    assert delta_text(-0.123, "%") == "−12 pts" and value_text(0.555, "%") == "56%"
    assert delta_text(None, "FTE") == "" and value_text(None, "FTE") == "—"
    assert value_text(True) == "yes" and value_text("in_progress") == "in progress"
    assert value_text({"strategy": "reduce", "actions": ["a", "b"]}) == "Reduce: a; b"


def test_a_figure_is_named_as_a_board_names_it() -> None:
    project = {"deliverables": {"wh.v2": {"name": "Warehouse"}}}
    assert figure_label("scope", ["deliverables", "wh.v2", "status"], project) == \
        "“Warehouse”: status"
    assert figure_label("resources", ["months", "2026-03", "over"], None) == \
        "2026-03 over capacity"
    assert figure_label("summary", ["open_risk_exposure"], None) == "open risk exposure"


def test_a_prediction_line_keeps_a_dotted_key_whole_and_sums_up_its_error() -> None:
    check = PredictionCheck("p", "hire", 12, "2026-03-01T00:00:00", [
        {"section": "scope", "id": "x", "name": "ERP", "figure": "deliverables.wh.v2.status",
         "path": ["deliverables", "wh.v2", "status"], "baseline": "planned",
         "predicted": "deferred", "actual": "planned", "miss": None,
         "held": False},
        {"section": "resources", "id": "r", "name": "SAP", "figure": "months.2026-03.allocated",
         "path": ["months", "2026-03", "allocated"], "baseline": 1.5, "predicted": 3.0,
         "actual": 1.5, "miss": -1.5, "held": False},
        {"section": "risks", "id": "k", "name": "New risk", "figure": None, "path": [],
         "baseline": False,
         "predicted": True, "actual": True, "miss": None, "held": True}])
    scope, load, risk = prediction_rows(check, {("resources", "r"): "FTE"})
    assert (scope.figure, scope.predicted, scope.miss) == ("“wh.v2”: status", "deferred", "")
    assert (load.predicted, load.actual, load.miss, load.held) == \
        ("3 FTE", "1.5 FTE", "−1.5 FTE", False)
    assert (risk.figure, risk.baseline, risk.actual, risk.held) == \
        ("present", "absent", "exists", True)
    assert error_summary(check) == ("3 figures predicted; 2 not as predicted now. Mean "
                                    "absolute percentage error over the numeric figures: 50%.")
