"""Benefits, risks, decisions and programs: their invariants, given-when-then."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from ledger.domain.benefit import Benefit, realization
from ledger.domain.decision import Decision, decision_option
from ledger.domain.errors import InvalidInput, InvalidTransition, InvariantViolated, NotFound
from ledger.domain.program import Program, program_id_for_code
from ledger.domain.risk import Risk
from tests.domain.given import PAT, PROGRAM_ID, a_benefit, a_decision, a_program, a_risk


def test_correction_keeps_the_original_value_in_the_event() -> None:
    benefit = a_benefit()
    measurement = uuid4()
    benefit.measure(measurement_id=measurement, value=39.0, source="BI", note="", by=PAT)
    benefit.correct_measurement(measurement, 42.3, PAT, "Late invoices")
    measured, corrected = benefit.collect_events()
    assert isinstance(corrected, Benefit.BenefitMeasurementCorrected)
    assert (corrected.from_value, corrected.to_value) == (39.0, 42.3)
    assert corrected.effective_at == measured.effective_at  # type: ignore[attr-defined]
    assert benefit.measurements == {measurement.hex: 42.3}


def test_correcting_an_unknown_measurement_is_not_found() -> None:
    with pytest.raises(NotFound):
        a_benefit().correct_measurement(uuid4(), 1.0, PAT, "typo")


@pytest.mark.parametrize(("target", "target_date", "field"), [
    (42.0, date(2026, 12, 31), "target_value"), (28.0, date(2025, 1, 1), "target_date")])
def test_profile_target_must_differ_and_come_after_the_baseline(
        target: float, target_date: date, field: str) -> None:
    benefit = a_benefit(with_profile=False)
    with pytest.raises(InvalidInput) as refused:
        benefit.set_profile(baseline_value=42, baseline_date=date(2025, 5, 1),
                            target_value=target, target_date=target_date,
                            contributing_project_ids=[], measurement_method="m", by=PAT)
    assert refused.value.field == field


def test_target_revision_needs_a_profile_and_a_governing_decision() -> None:
    without_profile = a_benefit(with_profile=False)
    with pytest.raises(InvariantViolated) as refused:
        without_profile.revise_target(target_value=30, target_date=None,
                                      decision=a_decision(benefit=[without_profile.id]),
                                      by=PAT, reason="r")
    assert refused.value.rule == "benefit_profile_missing"
    benefit = a_benefit()
    with pytest.raises(InvariantViolated):
        benefit.revise_target(target_value=30, target_date=None, decision=a_decision(),
                              by=PAT, reason="r")
    decision = a_decision(benefit=[benefit.id])
    benefit.revise_target(target_value=30, target_date=None, decision=decision, by=PAT,
                          reason="Slower market")
    (event,) = benefit.collect_events()
    assert isinstance(event, Benefit.BenefitTargetRevised)
    assert (event.from_target_value, event.to_target_value, event.decision_id) == (
        28.0, 30.0, decision.id)


def test_cancelled_benefit_refuses_measurements() -> None:
    benefit = a_benefit()
    benefit.change_status("cancelled", PAT, "Business case withdrawn")
    with pytest.raises(InvariantViolated):
        benefit.measure(measurement_id=uuid4(), value=1, source="BI", note="", by=PAT)


def test_benefit_lifecycle_runs_forward_and_refuses_skips() -> None:
    benefit = a_benefit()
    for status in ("planned", "in_delivery", "realized", "sustained"):
        benefit.change_status(status, PAT, "milestone")
    assert benefit.status == "sustained"
    with pytest.raises(InvalidTransition):
        a_benefit().change_status("realized", PAT, "too early")


def test_realization_is_share_of_the_planned_improvement() -> None:
    assert realization(42, 28, 35) == pytest.approx(0.5)
    assert realization(0, 90, 81) == pytest.approx(0.9)


@pytest.mark.parametrize("score", [0, 6, 2.5, True])
def test_risk_scores_are_whole_numbers_from_one_to_five(score: object) -> None:
    with pytest.raises(InvalidInput):
        a_risk().assess(score, 3, "why", PAT)  # type: ignore[arg-type]


def test_risk_materialises_once_and_closed_risks_refuse_changes() -> None:
    risk = a_risk()
    risk.assess(5, 4, "Mock load failed", PAT)
    assert risk.exposure == 20
    risk.materialize("Load rejected", "Three weeks late", PAT)
    with pytest.raises(InvariantViolated) as refused:
        risk.materialize("Again", "x", PAT)
    assert refused.value.rule == "risk_not_open"
    risk.close(PAT, "Resolved")
    with pytest.raises(InvariantViolated):
        risk.assess(1, 1, "late", PAT)
    assert [type(e).__name__ for e in risk.collect_events()] == [
        "RiskAssessed", "RiskMaterialized", "RiskClosed"]


def test_response_strategy_is_one_of_the_five() -> None:
    with pytest.raises(InvalidInput):
        a_risk().plan_response("ignore", ["nothing"], PAT)
    risk = a_risk()
    risk.plan_response("transfer", ["Insure it"], PAT)
    assert isinstance(risk.collect_events()[0], Risk.RiskResponsePlanned)


def test_decision_choice_must_be_one_of_unique_options() -> None:
    options = [decision_option("a", "A"), decision_option("b", "B")]
    kwargs = dict(program_id=PROGRAM_ID, title="t", question="q", forum="f", authority="s",
                  rationale="r", tradeoffs="t", evidence=[], affects={}, review_by=None, by=PAT)
    with pytest.raises(InvalidInput, match="chosen_option"):
        Decision.record(options=options, chosen_option="c", **kwargs)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="unique"):
        Decision.record(options=options + options[:1], chosen_option="a", **kwargs)  # type: ignore[arg-type]


def test_supersession_by_a_later_decision_of_the_same_program_once() -> None:
    first, later = a_decision(), a_decision()
    with pytest.raises(InvariantViolated):
        first.supersede(first, PAT, "self")
    with pytest.raises(InvariantViolated):
        first.supersede(a_decision(program_id=uuid4()), PAT, "other program")
    with pytest.raises(InvariantViolated, match="taken before"):
        later.supersede(first, PAT, "earlier")
    first.supersede(later, PAT, "New facts")
    with pytest.raises(InvariantViolated) as refused:
        first.supersede(a_decision(), PAT, "twice")
    assert refused.value.rule == "decision_already_superseded"


def test_outcome_review_verdicts_are_restricted() -> None:
    decision = a_decision()
    with pytest.raises(InvalidInput):
        decision.review_outcome("great", "x", [], PAT)
    decision.review_outcome("better", "Cycle time fell faster", ["pos 9"], PAT)
    assert decision.outcome_reviews[0]["verdict"] == "better"


def test_program_id_comes_from_the_code_and_closed_programs_refuse_components() -> None:
    program = a_program("active")
    assert program.id == program_id_for_code("ERP") == program_id_for_code(" erp ")
    program.change_status("cancelled", PAT, "Stopped")
    with pytest.raises(InvariantViolated) as refused:
        program.add_objective("More", PAT)
    assert refused.value.rule == "program_closed"
    with pytest.raises(InvariantViolated):
        program.register_component("risk", a_risk(), PAT)
    assert isinstance(Program.define(code="x", name="n", objectives=[], sponsor="s",
                                     manager="m", by=PAT), Program)
