"""Benefits, risks, decisions and the audit timeline: every field, from a known history."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from ledger.application import ProgramLedger
from ledger.domain.errors import InvalidInput
from ledger.projections import benefits, decisions, risks
from ledger.projections.projector import Projector
from ledger.projections.timeline import audit_timeline
from tests.projections.conftest import recorded
from tests.projections.scenario import History, at, build, options


@pytest.fixture
def history(ledger: ProgramLedger, project: Projector) -> History:
    built = build(ledger)
    project.catch_up()
    return built


def test_benefit_series_keeps_originals_and_realization_uses_the_latest(
        engine: sa.Engine, history: History) -> None:
    ids, ledger = history.ids, history.ledger
    with engine.connect() as connection:
        benefit = benefits.get_benefit(connection, ids["benefit"])
        unprofiled = benefits.get_benefit(connection, ids["unprofiled"])

    def measured(name: str, value: float, original: float, month: int, day: int,
                 note: str, reason: str | None) -> dict[str, object]:
        position = history.position(name)
        return {"id": history.extra(name, "measurement_id"), "effective_at": at(month, day),
                "position": position, "recorded_at": recorded(ledger, position).timestamp,
                "value": value, "original_value": original, "corrected": reason is not None,
                "correction_reason": reason, "source": "BI", "note": note, "actor": "bob"}

    assert benefit.model_dump() == {
        "id": ids["benefit"], "program_id": ids["program"], "name": "Cycle time",
        "description": "Faster cash", "kpi": "days from order to cash", "unit": "days",
        "direction": "decrease", "owner": "COO", "dis_benefit": False, "status": "planned",
        "profile": {"baseline_value": 45.0, "baseline_date": "2025-01-01",
                    "target_value": 33.0, "target_date": "2026-12-31",
                    "contributing_project_ids": [str(ids["ERP"]), str(ids["Data migration"])],
                    "measurement_method": "ERP report"},
        "original_target_value": 30.0, "original_target_date": date(2026, 12, 31),
        # The back-dated 41 (April) does not displace May's 39, corrected to 38.
        "latest_value": 38.0, "latest_at": at(5, 31),
        "realization": pytest.approx((38 - 45) / (33 - 45)), "target_drift": 3.0,
        "measurements": [
            measured("m1", 43.0, 44.0, 2, 28, "first", "late invoices"),
            measured("m3", 41.0, 41.0, 4, 30, "back-dated", None),
            measured("m2", 38.0, 39.0, 5, 31, "", "rounding")],
        "target_revisions": [{
            "position": history.position("revised"), "effective_at": at(5, 2),
            "from_target_value": 30.0, "to_target_value": 33.0,
            "from_target_date": date(2026, 12, 31), "to_target_date": date(2026, 12, 31),
            "decision_id": ids["ramp"], "reason": "slower ramp", "actor": "alice"}],
        "identified_at": at(1, 9), "version": 9, "position": history.position("revised"),
    }
    assert (unprofiled.dis_benefit, unprofiled.latest_value, unprofiled.realization,
            unprofiled.target_drift) == (True, 120.0, None, None)


def test_risk_exposure_assessments_response_issue_and_heat_map(
        engine: sa.Engine, history: History) -> None:
    ids = history.ids
    with engine.connect() as connection:
        quality = risks.get_risk(connection, ids["quality"])
        vendor = risks.get_risk(connection, ids["vendor"])
        people = risks.get_risk(connection, ids["people"])
        heat = risks.heat_map(connection, ids["program"])
        listed = risks.list_risks(connection, ids["program"], limit=500)
    assert quality.model_dump() == {
        "id": ids["quality"], "program_id": ids["program"], "title": "Data quality",
        "description": "Data quality risk", "category": "delivery", "likelihood": 4,
        "impact": 4, "exposure": 16, "owner": "Li",
        "affected_project_ids": [ids["Data migration"]], "proximity": "Q3", "status": "open",
        "response": {"strategy": "reduce", "actions": ["cleanse", "dedupe"]}, "issue": None,
        "closed_reason": None,
        "assessments": [
            {"position": history.position("quality") - 1, "likelihood": 3, "impact": 4,
             "exposure": 12, "rationale": "initial assessment", "effective_at": at(2, 5),
             "actor": "alice"},
            {"position": history.position("assessed"), "likelihood": 4, "impact": 4,
             "exposure": 16, "rationale": "worse", "effective_at": at(3, 10), "actor": "bob"}],
        "raised_at": at(2, 5), "version": 3, "position": history.position("assessed") + 1,
    }
    assert (vendor.status, vendor.exposure, vendor.issue) == ("materialized", 15, {
        "description": "vendor filed", "impact": "two weeks delay",
        "at": at(4, 1).isoformat()})
    assert (people.status, people.closed_reason) == ("closed", "retained")
    # Closed risks leave the heat map; materialized ones stay until closed.
    assert [(c.likelihood, c.impact, c.count) for c in heat] == [(2, 2, 1), (4, 4, 1),
                                                                 (5, 3, 1)]
    assert len(listed.items) == 4 and all(r.assessments == [] for r in listed.items)


def test_decision_log_has_options_choice_supersession_and_reviews(
        engine: sa.Engine, history: History) -> None:
    ids, ledger = history.ids, history.ledger
    with engine.connect() as connection:
        overload = decisions.get_decision(connection, ids["overload"])
        ramp = decisions.get_decision(connection, ids["ramp"])
    decided = history.position("a1") - 2  # the decision, then its registration, then a1
    assert overload.model_dump() == {
        "id": ids["overload"], "program_id": ids["program"], "title": "Accept overload in July",
        "question": "Overload specialists?", "forum": "Steering committee",
        "authority": "Sponsor",
        "options": [{**o, "expected_impact": {"cost": float(o["expected_impact"]["cost"]),
                                              "schedule_days": o["expected_impact"][
                                                  "schedule_days"], "benefits": {}}}
                    for o in options()],
        "chosen_option": "defer", "rationale": "Protect go-live",
        "tradeoffs": "Less scope in Q3", "evidence": ["position:5"],
        "affects": {"project": [ids["ERP"]], "benefit": [], "risk": [], "dependency": [],
                    "resource": [ids["resource"]]},
        "taken_at": at(3, 1), "recorded_at": recorded(ledger, decided).timestamp,
        "recorded_position": decided, "review_by": date(2025, 12, 31),
        "superseded_by": ids["ramp"], "superseded_reason": "new facts", "supersedes": [],
        "outcome_reviews": [{"position": history.position("review"), "verdict": "worse",
                             "summary": "July overload hurt", "evidence": ["position:40"],
                             "reviewed_at": at(6, 1), "actor": "bob"}],
        "actor": "alice", "version": 3, "position": history.position("review"),
    }
    assert ramp.supersedes == [ids["overload"]] and ramp.superseded_by is None
    assert ramp.options[0]["expected_impact"]["benefits"] == {str(ids["benefit"]): -3.0}


@pytest.mark.parametrize(("filters", "expected"), [
    ({}, ["overload", "ramp"]),
    ({"affects": "resource"}, ["overload"]),
    ({"affects": "benefit"}, ["ramp"]),
    ({"taken_from": at(4, 1)}, ["ramp"]),
    ({"taken_to": at(4, 1)}, ["overload"]),
    ({"taken_from": at(3, 1), "taken_to": at(5, 1)}, ["overload", "ramp"]),
    ({"text": "OVERLOAD"}, ["overload"]),  # the title
    ({"text": "revise the"}, ["ramp"]),  # the question
    ({"text": "go-live"}, ["overload"]),  # the rationale
    ({"text": "nothing like this"}, []),
])
def test_decision_log_filters(engine: sa.Engine, history: History,
                              filters: dict[str, object], expected: list[str]) -> None:
    ids = history.ids
    if "affects" in filters:
        filters = {**filters, "affects": ids[str(filters["affects"])]}
    with engine.connect() as connection:
        found = decisions.list_decisions(connection, ids["program"], **filters)  # type: ignore[arg-type]
    assert sorted(str(d.id) for d in found.items) == sorted(str(ids[k]) for k in expected)


def test_timeline_has_every_event_with_both_times_and_changes(engine: sa.Engine,
                                                              history: History) -> None:
    ids, ledger = history.ids, history.ledger
    with engine.connect() as connection:
        everything = audit_timeline(connection, limit=500).items
        of_risk = audit_timeline(connection, aggregate_id=ids["quality"]).items
        by_bob = audit_timeline(connection, actor="bob", event_type="RiskAssessed").items
    head = ledger.recorder.max_notification_id()
    assert [e.position for e in everything] == list(range(1, (head or 0) + 1))
    assert {e.program_id for e in everything} == {ids["program"]}
    position = history.position("assessed")
    assert by_bob == [e for e in of_risk if e.position == position]
    assert by_bob[0].model_dump() == {
        "position": position, "recorded_at": recorded(ledger, position).timestamp,
        "effective_at": at(3, 10), "actor": "bob", "reason": "worse",
        "aggregate_type": "Risk", "aggregate_id": ids["quality"],
        "program_id": ids["program"], "version": 2, "event_type": "RiskAssessed",
        "summary": "Risk assessed (likelihood: 4; impact: 4) because worse",
        "changes": {"likelihood": {"before": 3, "after": 4},
                    "rationale": {"before": None, "after": "worse"}},
        # Recorded without a request id, so the service gave the command a fresh one.
        "correlation_id": recorded(ledger, position).correlation_id,
    }
    assert by_bob[0].correlation_id
    objective = everything[history.position("objective") - 1]
    assert (objective.aggregate_type, objective.event_type, objective.effective_at,
            objective.changes) == (
        "Program", "ProgramObjectiveAdded", recorded(ledger, objective.position).timestamp,
        {"objective": {"before": None, "after": "Fewer disputes"}})
    assert objective.summary == "Program objective added (objective: Fewer disputes)"


def test_timeline_filters_by_program_time_and_position(engine: sa.Engine,
                                                       history: History) -> None:
    ids, ledger = history.ids, history.ledger
    middle = recorded(ledger, 30).timestamp
    with engine.connect() as connection:
        after = audit_timeline(connection, program_id=ids["program"], after=60).items
        upto = audit_timeline(connection, recorded_to=middle, limit=500).items
        since = audit_timeline(connection, recorded_from=middle, limit=500).items
    assert [e.position for e in after] == list(range(61, len(after) + 61))
    # The events of one command share its recorded time: the cut falls at the command's ends.
    first = min(p for p in range(1, 31) if recorded(ledger, p).timestamp == middle)
    assert upto[-1].position == ledger.command_end(30) and since[0].position == first


def test_lists_page_with_a_limit_and_a_cursor(engine: sa.Engine, history: History) -> None:
    pages, cursor = [], None
    with engine.connect() as connection:
        while True:
            page = audit_timeline(connection, limit=7, cursor=cursor)
            pages.append([e.position for e in page.items])
            cursor = page.next_cursor
            if cursor is None:
                break
        default = audit_timeline(connection)
        with pytest.raises(InvalidInput):
            audit_timeline(connection, limit=501)
        with pytest.raises(InvalidInput):
            audit_timeline(connection, cursor="not a cursor")
    flat = [p for page in pages for p in page]
    assert flat == list(range(1, len(flat) + 1)) and all(len(p) == 7 for p in pages[:-1])
    assert len(default.items) == 50 and default.next_cursor is not None
