"""Benefit: the MSP profile, measurements and their corrections, governed target revisions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest

from ledger.domain.benefit import Benefit, realization
from ledger.domain.errors import InvalidInput, InvariantViolated, NotFound
from tests.domain.given import (
    PAT,
    PROGRAM_ID,
    a_benefit,
    a_decision,
    a_superseded_decision,
    event_names,
)

IDENTITY: dict[str, Any] = dict(program_id=PROGRAM_ID, name="O2C cycle time",
                                description="Order to cash", kpi="days", unit="days",
                                direction="decrease", owner="COO", dis_benefit=False)
PROFILE: dict[str, Any] = dict(baseline_value=42, baseline_date=date(2025, 5, 1),
                               target_value=28, target_date=date(2026, 12, 31),
                               contributing_project_ids=[], measurement_method="extract")


def _measure(benefit: Benefit, value: float, effective_at: datetime | None = None,
             measurement_id: UUID | None = None) -> UUID:
    measurement_id = measurement_id or uuid4()
    benefit.measure(measurement_id=measurement_id, value=value, source="BI", note=" weekly ",
                    by=PAT, effective_at=effective_at)
    return measurement_id


# --- identification and profile ----------------------------------------------------------------

def test_identifying_a_benefit_records_what_is_measured_and_by_whom() -> None:
    benefit = Benefit.identify(**{**IDENTITY, "dis_benefit": True}, by=PAT)
    (event,) = benefit.collect_events()
    assert isinstance(event, Benefit.BenefitIdentified)
    assert (event.name, event.kpi, event.unit, event.direction, event.owner) == (
        "O2C cycle time", "days", "days", "decrease", "COO")
    assert event.dis_benefit is True
    assert (benefit.status, benefit.profile, benefit.measurements) == ("identified", None, {})


@pytest.mark.parametrize("field", ["name", "kpi", "unit", "owner"])
def test_blank_required_text_is_refused_naming_the_field(field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        Benefit.identify(**{**IDENTITY, field: "  "}, by=PAT)
    assert refused.value.field == field


def test_direction_is_increase_or_decrease() -> None:
    with pytest.raises(InvalidInput) as refused:
        Benefit.identify(**{**IDENTITY, "direction": "sideways"}, by=PAT)
    assert refused.value.field == "direction"


def test_setting_the_profile_records_baseline_target_and_contributors() -> None:
    benefit = a_benefit(with_profile=False)
    project = uuid4()
    benefit.set_profile(**{**PROFILE, "contributing_project_ids": [project, project]}, by=PAT)
    (event,) = benefit.collect_events()
    assert isinstance(event, Benefit.BenefitProfileSet)
    assert (event.baseline_value, event.baseline_date) == (42.0, date(2025, 5, 1))
    assert (event.target_value, event.target_date) == (28.0, date(2026, 12, 31))
    assert event.contributing_project_ids == [project]
    assert benefit.profile == {"baseline_value": 42.0, "baseline_date": date(2025, 5, 1),
                               "target_value": 28.0, "target_date": date(2026, 12, 31)}


@pytest.mark.parametrize(("changes", "field"), [
    ({"target_value": 42}, "target_value"),
    ({"target_value": 42.0}, "target_value"),
    ({"target_date": date(2025, 5, 1)}, "target_date"),
    ({"target_date": date(2025, 4, 30)}, "target_date"),
    ({"measurement_method": " "}, "measurement_method"),
])
def test_profile_target_differs_from_baseline_and_comes_after_it(
        changes: dict[str, Any], field: str) -> None:
    benefit = a_benefit(with_profile=False)
    with pytest.raises(InvalidInput) as refused:
        benefit.set_profile(**{**PROFILE, **changes}, by=PAT)
    assert refused.value.field == field
    assert benefit.collect_events() == []
    assert benefit.profile is None


# --- measurements and corrections --------------------------------------------------------------

def test_a_measurement_records_value_source_and_when_it_was_true() -> None:
    benefit = a_benefit()
    march = datetime(2025, 3, 31, tzinfo=UTC)
    measurement = _measure(benefit, 39, effective_at=march)
    (event,) = benefit.collect_events()
    assert isinstance(event, Benefit.BenefitMeasured)
    assert (event.measurement_id, event.value, event.source, event.note) == (
        measurement, 39.0, "BI", "weekly")
    assert event.effective_at == march
    assert benefit.measurements == {measurement.hex: 39.0}


def test_a_measurement_needs_a_source() -> None:
    benefit = a_benefit()
    with pytest.raises(InvalidInput) as refused:
        benefit.measure(measurement_id=uuid4(), value=1, source=" ", note="", by=PAT)
    assert refused.value.field == "source"


def test_a_correction_is_a_new_event_that_keeps_the_original_value() -> None:
    # Given a measurement of 39, taken in March
    benefit = a_benefit()
    march = datetime(2025, 3, 31, tzinfo=UTC)
    measurement = _measure(benefit, 39, effective_at=march)
    # When it is corrected to 42.3
    benefit.correct_measurement(measurement, 42.3, PAT, "Late invoices")
    # Then the log holds both the original and the correction, from and to
    measured, corrected = benefit.collect_events()
    assert isinstance(measured, Benefit.BenefitMeasured) and measured.value == 39.0
    assert isinstance(corrected, Benefit.BenefitMeasurementCorrected)
    assert (corrected.measurement_id, corrected.from_value, corrected.to_value) == (
        measurement, 39.0, 42.3)
    assert corrected.reason == "Late invoices"
    # and the correction is effective when the measurement was, recorded now
    assert corrected.effective_at == march < corrected.timestamp
    assert benefit.measurements == {measurement.hex: 42.3}


def test_a_second_correction_starts_from_the_first() -> None:
    benefit = a_benefit()
    measurement = _measure(benefit, 39)
    benefit.correct_measurement(measurement, 40, PAT, "first")
    benefit.correct_measurement(measurement, 41, PAT, "second")
    _, first, second = benefit.collect_events()
    assert (first.from_value, first.to_value, second.from_value, second.to_value) == (
        39, 40, 40, 41)


def test_correcting_an_unknown_measurement_is_not_found() -> None:
    benefit = a_benefit()
    _measure(benefit, 39)
    benefit.collect_events()
    with pytest.raises(NotFound, match="measurement_id"):
        benefit.correct_measurement(uuid4(), 1.0, PAT, "typo")
    assert benefit.collect_events() == []


def test_a_correction_must_change_the_value_and_give_a_reason() -> None:
    benefit = a_benefit()
    measurement = _measure(benefit, 39)
    benefit.collect_events()
    with pytest.raises(InvalidInput) as same:
        benefit.correct_measurement(measurement, 39, PAT, "no-op")
    with pytest.raises(InvalidInput) as reasonless:
        benefit.correct_measurement(measurement, 40, PAT, " ")
    assert (same.value.field, reasonless.value.field) == ("value", "reason")
    assert benefit.collect_events() == []


def test_a_measurement_id_is_used_once() -> None:
    benefit = a_benefit()
    measurement = _measure(benefit, 39)
    with pytest.raises((InvalidInput, InvariantViolated)):
        _measure(benefit, 12, measurement_id=measurement)


def test_a_cancelled_benefit_refuses_measurements_profiles_and_revisions() -> None:
    benefit = a_benefit("cancelled")
    commands = [
        lambda: _measure(benefit, 1),
        lambda: benefit.set_profile(**PROFILE, by=PAT),
        lambda: benefit.revise_target(target_value=30, target_date=None,
                                      decision=a_decision(benefit=[benefit.id]), by=PAT,
                                      reason="r"),
    ]
    for command in commands:
        with pytest.raises(InvariantViolated) as refused:
            command()
        assert refused.value.rule == "benefit_cancelled"
    assert benefit.collect_events() == []


# --- target revisions --------------------------------------------------------------------------

def test_a_governed_target_revision_records_from_and_to() -> None:
    # Given a profiled benefit and a decision that lists it
    benefit = a_benefit()
    decision = a_decision(benefit=[benefit.id])
    # When its target is revised from 28 to 30 by 2027
    benefit.revise_target(target_value=30, target_date=date(2027, 6, 30), decision=decision,
                          by=PAT, reason="Slower market")
    # Then the revision names both targets and the decision
    (event,) = benefit.collect_events()
    assert isinstance(event, Benefit.BenefitTargetRevised)
    assert (event.from_target_value, event.to_target_value) == (28.0, 30.0)
    assert (event.from_target_date, event.to_target_date) == (date(2026, 12, 31),
                                                              date(2027, 6, 30))
    assert (event.decision_id, event.reason) == (decision.id, "Slower market")
    assert benefit.profile is not None and benefit.profile["target_value"] == 30.0


@pytest.mark.parametrize(("value", "when", "expected"), [
    (30, None, (30.0, date(2026, 12, 31))), (None, date(2027, 1, 31), (28.0, date(2027, 1, 31)))])
def test_a_revision_may_change_only_the_value_or_only_the_date(
        value: float | None, when: date | None, expected: tuple[float, date]) -> None:
    benefit = a_benefit()
    benefit.revise_target(target_value=value, target_date=when,
                          decision=a_decision(benefit=[benefit.id]), by=PAT, reason="r")
    (event,) = benefit.collect_events()
    assert (event.to_target_value, event.to_target_date) == expected


def test_a_revision_needs_a_profile_first() -> None:
    benefit = a_benefit(with_profile=False)
    with pytest.raises(InvariantViolated) as refused:
        benefit.revise_target(target_value=30, target_date=None,
                              decision=a_decision(benefit=[benefit.id]), by=PAT, reason="r")
    assert refused.value.rule == "benefit_profile_missing"


@pytest.mark.parametrize(("cite", "rule"), [
    (lambda b: a_decision(program_id=uuid4(), benefit=[b.id]), "decision_not_in_program"),
    (lambda b: a_decision(), "decision_does_not_govern"),
    (lambda b: a_decision(risk=[b.id]), "decision_does_not_govern"),
    (lambda b: a_superseded_decision(benefit=[b.id]), "decision_superseded"),
])
def test_a_revision_needs_a_decision_that_governs_this_benefit(cite: Any, rule: str) -> None:
    benefit = a_benefit()
    with pytest.raises(InvariantViolated) as refused:
        benefit.revise_target(target_value=30, target_date=None, decision=cite(benefit), by=PAT,
                              reason="r")
    assert refused.value.rule == rule
    assert benefit.collect_events() == []
    assert benefit.profile is not None and benefit.profile["target_value"] == 28.0


@pytest.mark.parametrize(("value", "when", "field"), [
    (None, None, "target_value"), (42, None, "target_value"),
    (None, date(2025, 5, 1), "target_date"), (30, None, "reason")])
def test_a_revision_keeps_the_profile_rules(
        value: float | None, when: date | None, field: str) -> None:
    benefit = a_benefit()
    with pytest.raises(InvalidInput) as refused:
        benefit.revise_target(target_value=value, target_date=when,
                              decision=a_decision(benefit=[benefit.id]), by=PAT,
                              reason=" " if field == "reason" else "r")
    assert refused.value.field == field
    assert benefit.collect_events() == []


def test_a_benefit_runs_from_identified_to_sustained() -> None:
    benefit = a_benefit()
    for status in ("planned", "in_delivery", "realized", "sustained"):
        benefit.change_status(status, PAT, "milestone")
    assert event_names(benefit) == ["BenefitStatusChanged"] * 4
    assert benefit.status == "sustained"


@pytest.mark.parametrize(("baseline", "target", "actual", "share"), [
    (42, 28, 35, 0.5), (0, 90, 81, 0.9), (42, 28, 42, 0.0), (42, 28, 21, 1.5), (10, 20, 5, -0.5)])
def test_realization_is_the_share_of_the_planned_improvement(
        baseline: float, target: float, actual: float, share: float) -> None:
    assert realization(baseline, target, actual) == pytest.approx(share)
