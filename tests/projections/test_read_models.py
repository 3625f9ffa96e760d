"""Every read-model field is derived from events: exact values after a known history."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

import pytest
import sqlalchemy as sa

from ledger.application import ProgramLedger
from ledger.projections import benefits, decisions, dependencies, projects, resources, risks
from ledger.projections.projector import Projector
from ledger.projections.summary import get_program, list_programs
from ledger.projections.timeline import audit_timeline
from tests.application.builders import ALICE, OPTIONS, ProgramBuilder


def at(month: int, day: int) -> datetime:
    return datetime(2025, month, day, 9, tzinfo=UTC)


@pytest.fixture
def history(ledger: ProgramLedger, project: Projector) -> dict[str, UUID]:
    erp = ProgramBuilder(ledger)
    ids = {"program": erp.program_id}
    ids["erp"] = erp.project("ERP implementation", "build", "warehouse")
    ids["data"] = erp.project("Data migration", "load")
    ledger.change_project_lifecycle(ids["erp"], status="in_progress", reason="go", by=ALICE)
    for when, overall in ((at(3, 31), "green"), (at(1, 31), "amber"), (at(4, 30), "red")):
        ledger.report_project_status(ids["data"], overall=overall, schedule="green",
                                     cost="green", scope="green", resources="green",
                                     narrative=f"{when:%b}", reason="slip", by=ALICE,
                                     effective_at=when)
    ids["dependency"] = ledger.declare_dependency(
        erp.program_id, provider_project_id=ids["data"], provider_deliverable="load",
        consumer_project_id=ids["erp"], needed_by=date(2025, 6, 1), description="data first",
        by=ALICE).id
    ids["resource"] = erp.resource(capacity="2")
    ids["decision"] = erp.decision(resource=[ids["resource"]], project=[ids["erp"]])
    ledger.allocate_resource(ids["resource"], project_id=ids["erp"], month="2025-07",
                             amount=Decimal("1.5"), by=ALICE)
    ledger.allocate_resource(ids["resource"], project_id=ids["data"], month="2025-07",
                             amount=Decimal(1), decision_id=ids["decision"], by=ALICE)
    released = ledger.allocate_resource(ids["resource"], project_id=ids["data"],
                                        month="2025-08", amount=Decimal(1), by=ALICE)
    ledger.release_allocation(ids["resource"], UUID(released.extra["allocation_id"]),
                              reason="moved", by=ALICE)
    ids["benefit"] = erp.benefit()  # 45 → 30 days
    first = ledger.measure_benefit(ids["benefit"], value=44, source="BI",
                                   effective_at=at(2, 28), by=ALICE)
    ledger.measure_benefit(ids["benefit"], value=39, source="BI", effective_at=at(5, 31),
                           by=ALICE)
    ledger.correct_measurement(ids["benefit"], UUID(first.extra["measurement_id"]), value=43,
                               reason="late invoices", by=ALICE)
    ids["benefit_decision"] = erp.decision(benefit=[ids["benefit"]])
    ledger.revise_benefit_target(ids["benefit"], target_value=33, reason="slower",
                                 decision_id=ids["benefit_decision"], by=ALICE)
    ids["risk"] = ledger.raise_risk(
        erp.program_id, title="Data quality", description="dups", category="data",
        likelihood=3, impact=4, owner="Li", affected_project_ids=[ids["data"]],
        proximity="Q3", by=ALICE).id
    ledger.assess_risk(ids["risk"], likelihood=4, impact=4, rationale="worse", by=ALICE)
    ledger.plan_risk_response(ids["risk"], strategy="reduce", actions=["cleanse"], by=ALICE)
    ledger.supersede_decision(ids["decision"], by_decision_id=ids["benefit_decision"],
                              reason="new facts", by=ALICE)
    ledger.review_decision_outcome(ids["decision"], verdict="worse", summary="late",
                                   by=ALICE)
    project.catch_up()
    return ids


def test_program_summary_rolls_up_every_component(engine: sa.Engine,
                                                  history: dict[str, UUID]) -> None:
    with engine.connect() as connection:
        summary = get_program(connection, history["program"])
        listed = list_programs(connection, visible={history["program"]})
    rollups = summary.rollups
    assert (summary.code, summary.status) == ("ERP", "active")
    assert rollups.projects_by_lifecycle == {"in_progress": 1, "planned": 1}
    assert rollups.worst_health == "red"
    assert rollups.benefit_realization == pytest.approx((39 - 45) / (33 - 45))
    assert (rollups.open_high_risks, rollups.dependencies_at_risk) == (1, 0)
    assert rollups.over_allocated_months == 1
    assert [p.id for p in listed.items] == [history["program"]]


def test_project_latest_report_is_latest_in_business_time(engine: sa.Engine,
                                                           history: dict[str, UUID]) -> None:
    with engine.connect() as connection:
        data = projects.get_project(connection, history["data"])
        erp = projects.get_project(connection, history["erp"])
    assert data.latest_report is not None and data.latest_report.overall == "red"
    assert [r.overall for r in data.status_history] == ["amber", "green", "red"]
    assert {d["key"]: d["status"] for d in erp.deliverables} == {"build": "planned",
                                                                 "warehouse": "planned"}
    assert erp.lifecycle == "in_progress"


def test_dependency_flags_derive_from_provider_health_and_date(
        engine: sa.Engine, history: dict[str, UUID]) -> None:
    with engine.connect() as connection:
        before = dependencies.get_dependency(connection, history["dependency"], date(2025, 5, 1))
        after = dependencies.get_dependency(connection, history["dependency"], date(2025, 7, 1))
    assert before.provider_red is True and before.needed_by_passed is False
    assert after.needed_by_passed is True and after.status == "open"


def test_resource_months_show_governed_over_allocation(engine: sa.Engine,
                                                       history: dict[str, UUID]) -> None:
    with engine.connect() as connection:
        resource = resources.get_resource(connection, history["resource"])
    (july,) = resource.months
    assert (july.month, july.allocated, july.over_allocated_by) == ("2025-07", Decimal("2.5"),
                                                                    Decimal("0.5"))
    assert july.governed is True and resource.over_allocated_months == ["2025-07"]


def test_benefit_series_keeps_originals_and_tracks_drift(engine: sa.Engine,
                                                         history: dict[str, UUID]) -> None:
    with engine.connect() as connection:
        benefit = benefits.get_benefit(connection, history["benefit"])
    assert [(m.value, m.original_value, m.corrected) for m in benefit.measurements] == [
        (43.0, 44.0, True), (39.0, 39.0, False)]
    assert benefit.latest_value == 39.0
    assert benefit.realization == pytest.approx((39 - 45) / (33 - 45))
    assert (benefit.original_target_value, benefit.target_drift) == (30.0, 3.0)
    (revision,) = benefit.target_revisions
    assert (revision.from_target_value, revision.to_target_value,
            revision.decision_id) == (30.0, 33.0, history["benefit_decision"])


def test_risk_exposure_history_and_heat_map(engine: sa.Engine,
                                            history: dict[str, UUID]) -> None:
    with engine.connect() as connection:
        risk = risks.get_risk(connection, history["risk"])
        heat = risks.heat_map(connection, history["program"])
    assert (risk.exposure, risk.status) == (16, "open")
    assert [a.exposure for a in risk.assessments] == [12, 16]
    assert risk.response == {"strategy": "reduce", "actions": ["cleanse"]}
    assert [(c.likelihood, c.impact, c.count) for c in heat] == [(4, 4, 1)]


def test_decision_log_links_supersession_both_ways_and_filters(
        engine: sa.Engine, history: dict[str, UUID]) -> None:
    with engine.connect() as connection:
        first = decisions.get_decision(connection, history["decision"])
        later = decisions.get_decision(connection, history["benefit_decision"])
        about_resource = decisions.list_decisions(connection, history["program"],
                                                  affects=history["resource"])
        by_words = decisions.list_decisions(connection, history["program"], text="TRADE-OFF")
    assert first.superseded_by == history["benefit_decision"]
    assert later.supersedes == [history["decision"]]
    assert [r.verdict for r in first.outcome_reviews] == ["worse"]
    assert [o["key"] for o in first.options] == [o["key"] for o in OPTIONS]
    assert [d.id for d in about_resource.items] == [history["decision"]]
    assert len(by_words.items) == 2


def test_timeline_records_changed_fields_before_and_after(engine: sa.Engine,
                                                          history: dict[str, UUID]) -> None:
    with engine.connect() as connection:
        entries = audit_timeline(connection, aggregate_id=history["risk"]).items
        everything = audit_timeline(connection, limit=500).items
    assessed = next(e for e in entries if e.event_type == "RiskAssessed")
    assert assessed.changes["likelihood"] == {"before": 3, "after": 4}
    assert assessed.program_id == history["program"] and assessed.actor == "alice"
    assert [e.position for e in everything] == sorted(e.position for e in everything)
    assert len(everything) == everything[-1].position
