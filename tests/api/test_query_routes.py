"""Every query route: what it answers, a validation error, and an unknown id; then time travel
(as-of and history), which is replayed from events rather than read from the read models."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import pytest

from tests.api.conftest import REPORT, Api, World

UNKNOWN = str(uuid4())


@dataclass
class Query:
    path: Callable[[World], str]  # "{id}" stands where the unknown id goes
    answers: Callable[[Any, World], bool]
    invalid: dict[str, str]  # query parameters that fail validation
    role: str = "viewer"


def _ids(page: Any) -> set[str]:
    return {item["id"] for item in page["items"]}


PROGRAM = "/v1/programs/{id}"
QUERIES: dict[str, Query] = {
    "program": Query(lambda w: PROGRAM, lambda b, w: b["id"] == str(w.program),
                     {"min_position": "-1"}),
    "projects": Query(lambda w: PROGRAM + "/projects",
                      lambda b, w: _ids(b) == {str(w.project), str(w.other_project)},
                      {"limit": "0"}),
    "dependencies": Query(lambda w: PROGRAM + "/dependencies",
                          lambda b, w: _ids(b) == {str(w.dependency)}, {"limit": "501"}),
    "resources": Query(lambda w: PROGRAM + "/resources",
                       lambda b, w: _ids(b) == {str(w.resource)}, {"cursor": "%%"}),
    "benefits": Query(lambda w: PROGRAM + "/benefits",
                      lambda b, w: _ids(b) == {str(w.benefit)}, {"limit": "x"}),
    "risks": Query(lambda w: PROGRAM + "/risks", lambda b, w: _ids(b) == {str(w.risk)},
                   {"limit": "-3"}),
    "heat map": Query(lambda w: PROGRAM + "/risks/heat-map",
                      lambda b, w: any(c["likelihood"] == 3 and c["impact"] == 4 for c in b),
                      {"min_position": "x"}),
    "decisions": Query(lambda w: PROGRAM + "/decisions",
                       lambda b, w: _ids(b) == {str(w.decision), str(w.later_decision)},
                       {"affects": "not-a-uuid"}),
    "project": Query(lambda w: "/v1/projects/{id}",
                     lambda b, w: [d["key"] for d in b["deliverables"]] == ["build",
                                                                             "warehouse"],
                     {"min_position": "1.5"}),
    "dependency": Query(lambda w: "/v1/dependencies/{id}",
                        lambda b, w: b["provider_project_id"] == str(w.other_project),
                        {"min_position": "-1"}),
    "resource": Query(lambda w: "/v1/resources/{id}",
                      lambda b, w: any(m["month"] == "2026-02" for m in b["months"]),
                      {"min_position": "-1"}),
    "benefit": Query(lambda w: "/v1/benefits/{id}",
                     lambda b, w: [m["value"] for m in b["measurements"]] == [41.0],
                     {"min_position": "-1"}),
    "risk": Query(lambda w: "/v1/risks/{id}", lambda b, w: b["id"] == str(w.risk),
                  {"min_position": "-1"}),
    "decision": Query(lambda w: "/v1/decisions/{id}",
                      lambda b, w: b["chosen_option"] == "defer", {"min_position": "-1"}),
    "decision review": Query(lambda w: "/v1/decisions/{id}/review",
                             lambda b, w: b["decision"]["chosen_option"] == "defer",
                             {}),
    "benefits report": Query(lambda w: PROGRAM + "/reports/benefits",
                             lambda b, w: [r["benefit_id"] for r in b] == [str(w.benefit)],
                             {}),
    "decisions report": Query(lambda w: PROGRAM + "/reports/decisions",
                              lambda b, w: len(b) == 2, {"from": "last tuesday"}),
    "watermelons": Query(lambda w: PROGRAM + "/reports/watermelons", lambda b, w: b == [],
                         {"within_days": "-1"}),
    "as-of": Query(lambda w: PROGRAM + "/as-of",
                   lambda b, w: b["program"]["id"] == str(w.program), {"position": "-1"},
                   role="auditor"),
    "history": Query(lambda w: "/v1/aggregates/{id}/history",
                     lambda b, w: b[0]["type"] == "ProjectAuthorized", {}, role="auditor"),
}
SUBJECT: dict[str, Callable[[World], object]] = {
    "project": lambda w: w.project, "dependency": lambda w: w.dependency,
    "resource": lambda w: w.resource, "benefit": lambda w: w.benefit, "risk": lambda w: w.risk,
    "decision": lambda w: w.decision, "decision review": lambda w: w.decision,
    "history": lambda w: w.project,
}


def _path(name: str, world: World, subject: object | None = None) -> str:
    default = SUBJECT.get(name, lambda w: w.program)(world)
    return QUERIES[name].path(world).replace("{id}", str(subject or default))


@pytest.mark.parametrize("name", list(QUERIES))
def test_query_answers_from_what_was_recorded(api: Api, world: World, name: str) -> None:
    query = QUERIES[name]
    response = api.get(_path(name, world), role=query.role)
    assert response.status_code == 200, response.text
    assert query.answers(response.json(), world), response.text


@pytest.mark.parametrize("name", [n for n, q in QUERIES.items() if q.invalid])
def test_query_with_invalid_parameters_is_422_naming_them(api: Api, world: World,
                                                          name: str) -> None:
    query = QUERIES[name]
    response = api.get(_path(name, world), role=query.role, **query.invalid)
    assert response.status_code == 422, response.text
    assert {e["field"].split(".")[-1] for e in response.json()["errors"]} == set(query.invalid)


@pytest.mark.parametrize("name", list(QUERIES))
def test_query_of_an_unknown_or_malformed_id_is_404_or_422(api: Api, world: World,
                                                           name: str) -> None:
    role = QUERIES[name].role
    # Admin: scope cannot hide an unknown id behind a 403.
    unknown = api.get(_path(name, world, UNKNOWN), role="admin" if role == "viewer" else role)
    assert unknown.status_code == 404, unknown.text
    assert unknown.json()["title"] == "Not found"
    assert api.get(_path(name, world, "not-a-uuid"), role=role).status_code == 422


def test_as_of_replays_what_was_known_then(api: Api, world: World) -> None:
    before = api.get("/readyz").json()["projection"]["head"]
    api.post(f"/v1/projects/{world.project}/lifecycle", {"status": "in_progress",
                                                         "reason": "kick-off"})
    path = f"/v1/programs/{world.program}/as-of"

    def lifecycle(**params: Any) -> str:
        body = api.get(path, role="auditor", **params).json()
        [project] = [p for p in body["components"]["project"] if p["id"] == str(world.project)]
        return str(project["state"]["lifecycle"])

    assert lifecycle(position=before) == "planned"
    assert lifecycle() == "in_progress"
    assert api.get(path, role="auditor", position=before).json()["position"] == before
    both = api.get(path, role="auditor", position=1, at="2026-01-01T00:00:00Z")
    assert both.status_code == 422 and both.json()["errors"][0]["field"] == "position"


def test_history_lists_every_event_with_who_when_why_and_changes(api: Api,
                                                                 world: World) -> None:
    api.post(f"/v1/projects/{world.project}/status-reports", REPORT)
    api.post(f"/v1/projects/{world.project}/status-reports",
             {**REPORT, "overall": "amber", "reason": "vendor late"},
             **{"X-Request-ID": "trace-history"})
    history = api.get(f"/v1/aggregates/{world.project}/history", role="editor").json()
    assert [e["version"] for e in history] == list(range(1, len(history) + 1))
    assert [e["position"] for e in history] == sorted(e["position"] for e in history)
    last = history[-1]
    assert (last["type"], last["actor"], last["reason"]) == (
        "ProjectStatusReported", "editor.one", "vendor late")
    assert last["correlation_id"] == "trace-history"
    assert last["changes"]["latest_ratings.overall"] == {"before": "green", "after": "amber"}
    assert "latest_ratings.cost" not in last["changes"]  # only what changed
