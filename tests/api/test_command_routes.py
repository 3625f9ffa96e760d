"""Every command route: success, a validation error, an unknown id, and a rule it can break."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import pytest

from tests.api.conftest import OPTIONS, PROGRAM, PROJECT, REPORT, Api, World

Body = dict[str, Any]
UNKNOWN = str(uuid4())


@dataclass
class Case:
    path: Callable[[World], str]
    ok: Callable[[World], Body]
    invalid: Body  # fails request validation: 422 with a field list
    refused: Callable[[World], tuple[Body, int, str | None]] | None = None  # body, status, rule
    unknown: Callable[[str], str] | None = None  # the path with an unknown id
    given: Callable[[Api, World], None] | None = None  # preconditions for the refusal
    ready: Callable[[Api, World], None] | None = None  # preconditions for success


def _start(api: Api, w: World) -> None:
    api.post(f"/v1/projects/{w.project}/lifecycle", {"status": "in_progress", "reason": "go"})


def _close_risk(api: Api, w: World) -> None:
    api.post(f"/v1/risks/{w.risk}/close", {"reason": "gone"})


CASES: dict[str, Case] = {
    "define program": Case(
        lambda w: "/v1/programs", lambda w: {**PROGRAM, "code": "CRM"}, {"code": "X"},
        lambda w: (PROGRAM, 409, "program_code_taken")),
    "program status": Case(
        lambda w: f"/v1/programs/{w.program}/status",
        lambda w: {"status": "on_hold", "reason": "funding"}, {"status": "on_hold"},
        lambda w: ({"status": "closed", "reason": "x"}, 409, "invalid_transition"),
        lambda i: f"/v1/programs/{i}/status"),
    "authorize project": Case(
        lambda w: f"/v1/programs/{w.program}/projects", lambda w: {**PROJECT, "name": "New"},
        {"name": "No dates"},
        lambda w: ({**PROJECT, "planned_finish": "2020-01-01"}, 422, None),
        lambda i: f"/v1/programs/{i}/projects"),
    "project lifecycle": Case(
        lambda w: f"/v1/projects/{w.project}/lifecycle",
        lambda w: {"status": "in_progress", "reason": "kick-off"}, {"reason": "x"},
        lambda w: ({"status": "completed", "reason": "x"}, 409, "invalid_transition"),
        lambda i: f"/v1/projects/{i}/lifecycle"),
    "status report": Case(
        lambda w: f"/v1/projects/{w.project}/status-reports", lambda w: REPORT,
        {**REPORT, "overall": "purple"},
        lambda w: ({**REPORT, "overall": "red"}, 422, None),
        lambda i: f"/v1/projects/{i}/status-reports"),
    "scope change": Case(
        lambda w: f"/v1/projects/{w.project}/scope-changes",
        lambda w: {"defer": ["warehouse"], "rationale": "protect go-live",
                   "decision_id": str(w.decision)},
        {"defer": ["warehouse"]},
        lambda w: ({"defer": ["warehouse"], "rationale": "silent"}, 409,
                   "scope_baseline_locked"),
        lambda i: f"/v1/projects/{i}/scope-changes", _start),
    "deliver": Case(
        lambda w: f"/v1/projects/{w.project}/deliverables/build/delivered", lambda w: {},
        {"effective_at": "yesterday"},
        lambda w: ({}, 409, "deliverable_closed"),
        lambda i: f"/v1/projects/{i}/deliverables/build/delivered",
        lambda api, w: (_start(api, w), api.post(
            f"/v1/projects/{w.project}/deliverables/build/delivered")), _start),
    "declare dependency": Case(
        lambda w: f"/v1/programs/{w.program}/dependencies",
        lambda w: {"provider_project_id": str(w.other_project), "provider_deliverable": "build",
                   "consumer_project_id": str(w.project), "needed_by": "2026-03-01",
                   "description": "build before test"},
        {"needed_by": "2026-03-01"},
        lambda w: ({"provider_project_id": str(w.project),
                    "consumer_project_id": str(w.other_project), "needed_by": "2026-03-01",
                    "description": "reverse"}, 409, "dependency_cycle"),
        lambda i: f"/v1/programs/{i}/dependencies"),
    "dependency status": Case(
        lambda w: f"/v1/dependencies/{w.dependency}/status",
        lambda w: {"status": "committed", "reason": "agreed"}, {"status": "met"},
        lambda w: ({"status": "met", "reason": "x"}, 409, "invalid_transition"),
        lambda i: f"/v1/dependencies/{i}/status"),
    "register resource": Case(
        lambda w: f"/v1/programs/{w.program}/resources",
        lambda w: {"name": "Testers", "unit": "FTE", "capacity_per_month": "3"},
        {"name": "Testers", "unit": "FTE", "capacity_per_month": "0"}, None,
        lambda i: f"/v1/programs/{i}/resources"),
    "capacity": Case(
        lambda w: f"/v1/resources/{w.resource}/capacity",
        lambda w: {"capacity_per_month": "4", "reason": "contractor"},
        {"capacity_per_month": "-1", "reason": "x"},
        lambda w: ({"capacity_per_month": "1", "reason": "cut"}, 409, "capacity_exceeded"),
        lambda i: f"/v1/resources/{i}/capacity"),
    "allocate": Case(
        lambda w: f"/v1/resources/{w.resource}/allocations",
        lambda w: {"project_id": str(w.project), "month": "2026-03", "amount": "2"},
        {"project_id": "x", "month": "March", "amount": "1"},
        lambda w: ({"project_id": str(w.project), "month": "2026-02", "amount": "1"}, 409,
                   "capacity_exceeded"),
        lambda i: f"/v1/resources/{i}/allocations"),
    "release": Case(
        lambda w: f"/v1/resources/{w.resource}/allocations/{w.allocation}/release",
        lambda w: {"reason": "moved"}, {},
        lambda w: ({"reason": "x"}, 404, None),
        lambda i: f"/v1/resources/{i}/allocations/{UNKNOWN}/release",
        lambda api, w: api.post(
            f"/v1/resources/{w.resource}/allocations/{w.allocation}/release",
            {"reason": "first"})),
    "identify benefit": Case(
        lambda w: f"/v1/programs/{w.program}/benefits",
        lambda w: {"name": "Adoption", "kpi": "users", "unit": "%", "direction": "increase",
                   "owner": "Change lead"},
        {"name": "Adoption", "kpi": "u", "unit": "%", "direction": "up", "owner": "o"},
        None, lambda i: f"/v1/programs/{i}/benefits"),
    "benefit profile": Case(
        lambda w: f"/v1/benefits/{w.benefit}/profile",
        lambda w: {"baseline_value": 42, "baseline_date": "2025-01-01", "target_value": 30,
                   "target_date": "2026-12-31", "measurement_method": "extract"},
        {"baseline_value": "forty"},
        lambda w: ({"baseline_value": 42, "baseline_date": "2025-01-01", "target_value": 42,
                    "target_date": "2026-12-31", "measurement_method": "m"}, 422, None),
        lambda i: f"/v1/benefits/{i}/profile"),
    "measure": Case(
        lambda w: f"/v1/benefits/{w.benefit}/measurements",
        lambda w: {"value": 40, "source": "BI", "effective_at": "2025-06-30T00:00:00Z"},
        {"value": 40},
        lambda w: ({"value": 1, "source": "BI", "effective_at": "2999-01-01T00:00:00Z"}, 422,
                   None),
        lambda i: f"/v1/benefits/{i}/measurements"),
    "correct": Case(
        lambda w: f"/v1/benefits/{w.benefit}/measurements/{w.measurement}/corrections",
        lambda w: {"value": 40.5, "reason": "late invoices"}, {"value": 40.5},
        lambda w: ({"value": 41, "reason": "same"}, 422, None),
        lambda i: f"/v1/benefits/{i}/measurements/{UNKNOWN}/corrections"),
    "revise target": Case(
        lambda w: f"/v1/benefits/{w.benefit}/target-revisions",
        lambda w: {"target_value": 32, "reason": "slower", "decision_id": str(w.decision)},
        {"target_value": 32, "reason": "no decision"},
        lambda w: ({"target_value": 32, "reason": "r", "decision_id": str(w.decision)},
                   409, "decision_superseded"),
        lambda i: f"/v1/benefits/{i}/target-revisions",
        lambda api, w: api.post(f"/v1/decisions/{w.decision}/supersede", {
            "by_decision_id": str(w.later_decision), "reason": "newer"})),
    "benefit status": Case(
        lambda w: f"/v1/benefits/{w.benefit}/status",
        lambda w: {"status": "planned", "reason": "agreed"}, {"reason": "x"},
        lambda w: ({"status": "realized", "reason": "x"}, 409, "invalid_transition"),
        lambda i: f"/v1/benefits/{i}/status"),
    "raise risk": Case(
        lambda w: f"/v1/programs/{w.program}/risks",
        lambda w: {"title": "Vendor", "category": "supply", "likelihood": 2, "impact": 3,
                   "owner": "Ops"},
        {"title": "Vendor", "category": "supply", "likelihood": 6, "impact": 3, "owner": "o"},
        None, lambda i: f"/v1/programs/{i}/risks"),
    "assess risk": Case(
        lambda w: f"/v1/risks/{w.risk}/assessments",
        lambda w: {"likelihood": 4, "impact": 4, "rationale": "worse"}, {"likelihood": 4},
        lambda w: ({"likelihood": 1, "impact": 1, "rationale": "x"}, 409, "risk_closed"),
        lambda i: f"/v1/risks/{i}/assessments", _close_risk),
    "risk response": Case(
        lambda w: f"/v1/risks/{w.risk}/responses",
        lambda w: {"strategy": "reduce", "actions": ["cleanse"]},
        {"strategy": "pray", "actions": ["x"]},
        lambda w: ({"strategy": "accept", "actions": ["x"]}, 409, "risk_closed"),
        lambda i: f"/v1/risks/{i}/responses", _close_risk),
    "materialized": Case(
        lambda w: f"/v1/risks/{w.risk}/materialized",
        lambda w: {"description": "Load failed", "impact": "3 weeks"}, {"impact": "x"},
        lambda w: ({"description": "d", "impact": "i"}, 409, "risk_not_open"),
        lambda i: f"/v1/risks/{i}/materialized", _close_risk),
    "close risk": Case(
        lambda w: f"/v1/risks/{w.risk}/close", lambda w: {"reason": "resolved"}, {},
        lambda w: ({"reason": "again"}, 409, "risk_closed"),
        lambda i: f"/v1/risks/{i}/close", _close_risk),
    "record decision": Case(
        lambda w: f"/v1/programs/{w.program}/decisions",
        lambda w: {"title": "T", "question": "Q", "forum": "F", "authority": "A",
                   "options": OPTIONS, "chosen_option": "keep", "rationale": "R",
                   "tradeoffs": "T"},
        {"title": "T", "options": []},
        lambda w: ({"title": "T", "question": "Q", "forum": "F", "authority": "A",
                    "options": OPTIONS, "chosen_option": "other", "rationale": "R",
                    "tradeoffs": "T"}, 422, None),
        lambda i: f"/v1/programs/{i}/decisions"),
    "supersede": Case(
        lambda w: f"/v1/decisions/{w.decision}/supersede",
        lambda w: {"by_decision_id": str(w.later_decision), "reason": "newer"},
        {"reason": "x"},
        lambda w: ({"by_decision_id": str(w.decision), "reason": "self"}, 409,
                   "decision_supersession_invalid"),
        lambda i: f"/v1/decisions/{i}/supersede"),
    "outcome review": Case(
        lambda w: f"/v1/decisions/{w.decision}/outcome-reviews",
        lambda w: {"verdict": "better", "summary": "faster"},
        {"verdict": "great", "summary": "x"}, None,
        lambda i: f"/v1/decisions/{i}/outcome-reviews"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_command_succeeds_with_id_version_position_and_etag(api: Api, world: World,
                                                            name: str) -> None:
    case = CASES[name]
    if case.ready:
        case.ready(api, world)
    response = api.post(case.path(world), case.ok(world))
    assert response.status_code == 201, response.text
    body = response.json()
    assert {"id", "version", "position"} <= set(body)
    assert response.headers["etag"] == f'"{body["version"]}"'


@pytest.mark.parametrize("name", list(CASES))
def test_invalid_body_is_422_problem_with_field_list(api: Api, world: World, name: str) -> None:
    case = CASES[name]
    head = api.get("/readyz").json()["projection"]["head"]
    response = api.post(case.path(world), case.invalid)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422 and problem["errors"]
    assert all(e["field"] and e["message"] for e in problem["errors"])
    assert api.get("/readyz").json()["projection"]["head"] == head  # nothing written


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.unknown])
def test_unknown_id_is_404_problem(api: Api, world: World, name: str) -> None:
    case = CASES[name]
    assert case.unknown is not None
    response = api.post(case.unknown(UNKNOWN), case.ok(world))
    assert response.status_code == 404, response.text
    assert response.json()["title"] == "Not found"


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.refused])
def test_broken_rule_is_refused_naming_it_and_writes_nothing(api: Api, world: World,
                                                             name: str) -> None:
    case = CASES[name]
    assert case.refused is not None
    if case.given:
        case.given(api, world)
    body, status, rule = case.refused(world)
    head = api.get("/readyz").json()["projection"]["head"]
    response = api.post(case.path(world), body)
    assert response.status_code == status, response.text
    if rule:
        assert response.json()["rule"] == rule
    assert api.get("/readyz").json()["projection"]["head"] == head


def test_closed_program_refuses_component_commands(api: Api, world: World) -> None:
    assert api.post(f"/v1/programs/{world.program}/status",
                    {"status": "cancelled", "reason": "stopped"}).status_code == 201
    for path, body in ((f"/v1/programs/{world.program}/projects", PROJECT),
                       (f"/v1/projects/{world.project}/status-reports", REPORT),
                       (f"/v1/risks/{world.risk}/close", {"reason": "x"})):
        response = api.post(path, body)
        assert (response.status_code, response.json()["rule"]) == (409, "program_closed")
