"""Decision reviews and program reports, with exact figures on a small fixture program."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from ledger.application import ProgramLedger
from ledger.application.commands.benefits import (
    CorrectMeasurement,
    IdentifyBenefit,
    MeasureBenefit,
    ReviseBenefitTarget,
    SetBenefitProfile,
)
from ledger.application.commands.decisions import (
    RecordDecision,
    ReviewDecisionOutcome,
    SupersedeDecision,
)
from ledger.application.commands.projects import ReportProjectStatus
from tests.application.builders import ALICE, OPTIONS, ProgramBuilder


def day(month: int, dd: int, year: int = 2025) -> datetime:
    return datetime(year, month, dd, 12, tzinfo=UTC)


@pytest.fixture
def story(erp: ProgramBuilder) -> dict[str, UUID]:
    """Benefit 40 → 20 days; a decision on 15 Feb, recorded a week late; a later correction."""
    ledger: ProgramLedger = erp.ledger
    project = erp.project("ERP implementation", "warehouse", effective_at=day(1, 1))
    benefit = ledger.execute(IdentifyBenefit(
        program_id=erp.program_id, name="Cycle time", description="", kpi="days", unit="days",
        direction="decrease", owner="COO", dis_benefit=False, effective_at=day(1, 1)), by=ALICE).id
    ledger.execute(SetBenefitProfile(
        benefit_id=benefit, baseline_value=40, baseline_date=date(2025, 1, 1), target_value=20,
        target_date=date(2025, 12, 31), contributing_project_ids=[project], measurement_method="m",
        effective_at=day(1, 1)), by=ALICE)
    ids = {"project": project, "benefit": benefit}
    for when, overall in ((day(1, 31), "green"), (day(2, 10), "red"), (day(3, 31), "amber")):
        ledger.execute(ReportProjectStatus(
            project_id=project, overall=overall, schedule=overall, cost="green", scope="green",
            resources="green", narrative="monthly", reason=None if overall == "green" else "slip",
            effective_at=when), by=ALICE)
    jan = ledger.execute(MeasureBenefit(
        benefit_id=benefit, value=38, source="BI", effective_at=day(1, 31)), by=ALICE)
    feb = ledger.execute(MeasureBenefit(
        benefit_id=benefit, value=36, source="BI", effective_at=day(2, 14)), by=ALICE)
    # The decision of 15 February is entered a week late, after a March measurement exists.
    ledger.execute(MeasureBenefit(
        benefit_id=benefit, value=30, source="BI", effective_at=day(3, 31)), by=ALICE)
    ids["decision"] = ledger.execute(RecordDecision(
        program_id=erp.program_id, title="Defer warehouse", question="?", forum="SteerCo",
        authority="Sponsor", options=OPTIONS, chosen_option="defer", rationale="Go-live",
        tradeoffs="Inventory savings later",
        affects={"project_ids": [project], "benefit_ids": [benefit]}, effective_at=day(2, 15)),
        by=ALICE).id
    ledger.execute(CorrectMeasurement(
        benefit_id=benefit, measurement_id=UUID(feb.extra["measurement_id"]), value=35,
        reason="late invoices"), by=ALICE)
    ids["later"] = ledger.execute(RecordDecision(
        program_id=erp.program_id, title="Rebaseline", question="?", forum="SteerCo",
        authority="Sponsor", options=OPTIONS, chosen_option="keep", rationale="r", tradeoffs="t",
        affects={"benefit_ids": [benefit]}, effective_at=day(4, 1)), by=ALICE).id
    ledger.execute(SupersedeDecision(
        decision_id=ids["decision"], by_decision_id=ids["later"], reason="new facts"), by=ALICE)
    ledger.execute(ReviseBenefitTarget(
        benefit_id=benefit, target_value=25, reason="slower", decision_id=ids["later"],
        effective_at=day(4, 2)), by=ALICE)
    ledger.execute(ReviewDecisionOutcome(
        decision_id=ids["decision"], verdict="worse", summary="Late savings"), by=ALICE)
    del jan
    return ids


def test_review_shows_the_program_as_known_then_cut_at_the_decision_day(
        erp: ProgramBuilder, story: dict[str, UUID]) -> None:
    review = erp.ledger.review_decision(story["decision"])
    (benefit,) = review.benefits
    # Measurements valid on 15 Feb, corrected as known now: 38 and 35 before, 30 after.
    assert [m.value for m in benefit.before] == [38.0, 35.0]
    assert [m.value for m in benefit.after] == [30.0]
    # Then: the February value as known when recorded (36, before the correction).
    assert benefit.realization_then == pytest.approx((36 - 40) / (20 - 40))
    assert benefit.realization_now == pytest.approx((30 - 40) / (25 - 40))
    assert (benefit.target_then, benefit.target_now) == (20.0, 25.0)
    (project,) = review.projects
    assert (project.health_then["overall"], project.health_now["overall"]) == ("red", "amber")
    assert [d.title for d in review.superseded_by_chain] == ["Rebaseline"]
    assert [r["verdict"] for r in review.decision.outcome_reviews] == ["worse"]
    assert review.decision.chosen_option == "defer"


def test_benefits_report_has_forecast_and_drift(erp: ProgramBuilder,
                                                story: dict[str, UUID]) -> None:
    (report,) = erp.ledger.benefits_realization(erp.program_id)
    assert (report.baseline, report.target, report.original_target) == (40.0, 25.0, 20.0)
    assert (report.latest, report.realization) == (30.0, pytest.approx(10 / 15))
    # Least squares through (30, 38), (44, 35), (89, 30) days since 1 January, at day 364.
    xs, ys = [30.0, 44.0, 89.0], [38.0, 35.0, 30.0]
    mx, my = sum(xs) / 3, sum(ys) / 3
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs)
    assert report.forecast_at_target_date == pytest.approx(my + slope * (364 - mx))
    (revision,) = report.drift
    assert (revision.from_value, revision.to_value, revision.decision_title) == (
        20.0, 25.0, "Rebaseline")


def test_watermelon_report_finds_the_green_to_red_jump(erp: ProgramBuilder,
                                                       story: dict[str, UUID]) -> None:
    (jump,) = erp.ledger.watermelons(erp.program_id, within_days=30)
    assert (jump.green_at, jump.red_at, jump.skipped_amber) == (day(1, 31), day(2, 10), True)
    assert jump.days == pytest.approx(10.0)


def test_decisions_in_a_period(erp: ProgramBuilder, story: dict[str, UUID]) -> None:
    feb = erp.ledger.decisions_in_period(erp.program_id, day(2, 1), day(2, 28))
    assert [d.decision.title for d in feb] == ["Defer warehouse"]
    assert feb[0].decision.superseded_by == story["later"]
    everything = erp.ledger.decisions_in_period(erp.program_id)
    assert [d.decision.title for d in everything] == ["Defer warehouse", "Rebaseline"]
