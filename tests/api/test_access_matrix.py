"""Every route × every role × a program inside and outside the token's scope."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.api.conftest import OPTIONS, PROGRAM, PROJECT, REPORT, ROLES, Api, World

TOKENS = "tokens"

COMMAND, READ, HISTORY, AUDIT = "command", "read", "history", "audit"
# Audit routes over the whole log: an auditor or admin token for every program.
GLOBAL = "global audit"
SIGN = "sign"  # signing a checkpoint on demand: an admin token for every program
KEY = "public key"  # public by nature: anyone, with or without a token
Route = tuple[str, str, Callable[[World], str], Callable[[World], dict[str, Any]]]
NO_BODY: Callable[[World], dict[str, Any]] = lambda w: {}  # noqa: E731

ROUTES: list[Route] = [
    (COMMAND, "POST", lambda w: f"/v1/programs/{w.program}/status",
     lambda w: {"status": "on_hold", "reason": "r"}),
    (COMMAND, "POST", lambda w: f"/v1/programs/{w.program}/projects", lambda w: PROJECT),
    (COMMAND, "POST", lambda w: f"/v1/projects/{w.project}/lifecycle",
     lambda w: {"status": "in_progress", "reason": "go"}),
    (COMMAND, "POST", lambda w: f"/v1/projects/{w.project}/status-reports", lambda w: REPORT),
    (COMMAND, "POST", lambda w: f"/v1/projects/{w.project}/scope-changes",
     lambda w: {"defer": ["warehouse"], "rationale": "r"}),
    (COMMAND, "POST", lambda w: f"/v1/projects/{w.project}/deliverables/build/delivered",
     NO_BODY),
    (COMMAND, "POST", lambda w: f"/v1/programs/{w.program}/dependencies",
     lambda w: {"provider_project_id": str(w.other_project),
                "consumer_project_id": str(w.project), "needed_by": "2026-01-01",
                "description": "d"}),
    (COMMAND, "POST", lambda w: f"/v1/dependencies/{w.dependency}/status",
     lambda w: {"status": "committed", "reason": "r"}),
    (COMMAND, "POST", lambda w: f"/v1/programs/{w.program}/resources",
     lambda w: {"name": "n", "unit": "FTE", "capacity_per_month": "1"}),
    (COMMAND, "POST", lambda w: f"/v1/resources/{w.resource}/capacity",
     lambda w: {"capacity_per_month": "3", "reason": "r"}),
    (COMMAND, "POST", lambda w: f"/v1/resources/{w.resource}/allocations",
     lambda w: {"project_id": str(w.project), "month": "2026-05", "amount": "0.5"}),
    (COMMAND, "POST",
     lambda w: f"/v1/resources/{w.resource}/allocations/{w.allocation}/release",
     lambda w: {"reason": "r"}),
    (COMMAND, "POST", lambda w: f"/v1/programs/{w.program}/benefits",
     lambda w: {"name": "n", "kpi": "k", "unit": "u", "direction": "increase", "owner": "o"}),
    (COMMAND, "POST", lambda w: f"/v1/benefits/{w.benefit}/profile",
     lambda w: {"baseline_value": 1, "baseline_date": "2025-01-01", "target_value": 2,
                "target_date": "2026-01-01", "measurement_method": "m"}),
    (COMMAND, "POST", lambda w: f"/v1/benefits/{w.benefit}/measurements",
     lambda w: {"value": 40, "source": "BI"}),
    (COMMAND, "POST",
     lambda w: f"/v1/benefits/{w.benefit}/measurements/{w.measurement}/corrections",
     lambda w: {"value": 39, "reason": "r"}),
    (COMMAND, "POST", lambda w: f"/v1/benefits/{w.benefit}/target-revisions",
     lambda w: {"target_value": 30, "reason": "r", "decision_id": str(w.decision)}),
    (COMMAND, "POST", lambda w: f"/v1/benefits/{w.benefit}/status",
     lambda w: {"status": "planned", "reason": "r"}),
    (COMMAND, "POST", lambda w: f"/v1/programs/{w.program}/risks",
     lambda w: {"title": "t", "category": "c", "likelihood": 1, "impact": 1, "owner": "o"}),
    (COMMAND, "POST", lambda w: f"/v1/risks/{w.risk}/assessments",
     lambda w: {"likelihood": 2, "impact": 2, "rationale": "r"}),
    (COMMAND, "POST", lambda w: f"/v1/risks/{w.risk}/responses",
     lambda w: {"strategy": "accept", "actions": ["watch"]}),
    (COMMAND, "POST", lambda w: f"/v1/risks/{w.risk}/materialized",
     lambda w: {"description": "d", "impact": "i"}),
    (COMMAND, "POST", lambda w: f"/v1/risks/{w.risk}/close", lambda w: {"reason": "r"}),
    (COMMAND, "POST", lambda w: f"/v1/programs/{w.program}/decisions",
     lambda w: {"title": "t", "question": "q", "forum": "f", "authority": "a",
                "options": OPTIONS, "chosen_option": "keep", "rationale": "r",
                "tradeoffs": "t"}),
    (COMMAND, "POST", lambda w: f"/v1/decisions/{w.decision}/supersede",
     lambda w: {"by_decision_id": str(w.later_decision), "reason": "r"}),
    (COMMAND, "POST", lambda w: f"/v1/decisions/{w.decision}/outcome-reviews",
     lambda w: {"verdict": "better", "summary": "s"}),
    # A what-if writes nothing, but runs the rules for editors only: it is how they plan.
    (COMMAND, "POST", lambda w: f"/v1/programs/{w.program}/what-if",
     lambda w: {"scenarios": [{"key": "more", "commands": [
         {"type": "allocate_resource", "resource_id": str(w.resource),
          "project_id": str(w.project), "month": "2026-05", "amount": "0.5"}]}]}),
    (COMMAND, "POST", lambda w: f"/v1/programs/{w.program}/proposals", lambda w: PROPOSAL),
    (COMMAND, "GET", lambda w: f"/v1/proposals/{w.proposal}", NO_BODY),
    (COMMAND, "GET", lambda w: f"/v1/proposals/{w.proposal}/comparison", NO_BODY),
    (COMMAND, "POST", lambda w: f"/v1/proposals/{w.proposal}/decide",
     lambda w: {"chosen_option": "a", "rationale": "r", "tradeoffs": "t"}),
    (COMMAND, "POST", lambda w: f"/v1/proposals/{w.proposal}/withdraw",
     lambda w: {"reason": "r"}),
    # The body is a file; an empty one is refused (422) once access is granted.
    (COMMAND, "POST", lambda w: f"/v1/programs/{w.program}/imports/measurements?dry_run=true",
     NO_BODY),
    *((READ, "GET", path, NO_BODY) for path in (
        lambda w: f"/v1/programs/{w.program}",
        lambda w: f"/v1/programs/{w.program}/projects",
        lambda w: f"/v1/programs/{w.program}/dependencies",
        lambda w: f"/v1/programs/{w.program}/resources",
        lambda w: f"/v1/programs/{w.program}/benefits",
        lambda w: f"/v1/programs/{w.program}/risks",
        lambda w: f"/v1/programs/{w.program}/risks/heat-map",
        lambda w: f"/v1/programs/{w.program}/decisions",
        lambda w: f"/v1/projects/{w.project}",
        lambda w: f"/v1/dependencies/{w.dependency}",
        lambda w: f"/v1/resources/{w.resource}",
        lambda w: f"/v1/benefits/{w.benefit}",
        lambda w: f"/v1/risks/{w.risk}",
        lambda w: f"/v1/decisions/{w.decision}",
        lambda w: f"/v1/decisions/{w.decision}/review",
        lambda w: f"/v1/programs/{w.program}/reports/benefits",
        lambda w: f"/v1/programs/{w.program}/reports/decisions",
        lambda w: f"/v1/programs/{w.program}/reports/watermelons",
        lambda w: f"/v1/programs/{w.program}/board-pack",
    )),
    *((HISTORY, "GET", path, NO_BODY) for path in (
        lambda w: f"/v1/programs/{w.program}/as-of?position=3",
        lambda w: f"/v1/aggregates/{w.project}/history",
        lambda w: f"/v1/audit/events?program_id={w.program}",
        lambda w: "/v1/audit/events",  # every program: needs a token for all of them
    )),
    *((AUDIT, "GET", path, NO_BODY) for path in (
        lambda w: f"/v1/audit/export?program_id={w.program}",
        lambda w: "/v1/audit/export",  # every program: needs a token for all of them
    )),
    *((GLOBAL, "GET", path, NO_BODY) for path in (
        lambda w: "/v1/audit/verify",
        lambda w: "/v1/audit/checkpoints",
        lambda w: "/v1/audit/proof/1",
        lambda w: "/v1/audit/consistency?old=1",
    )),
    (SIGN, "POST", lambda w: "/v1/audit/checkpoints", NO_BODY),
    (KEY, "GET", lambda w: "/v1/audit/public-key", NO_BODY),
    (KEY, "GET", lambda w: "/v1/audit/witnesses", NO_BODY),
    *((TOKENS, method, path, body) for method, path, body in (
        ("GET", lambda w: "/v1/tokens", NO_BODY),
        ("POST", lambda w: "/v1/tokens",
         lambda w: {"role": "viewer", "name": "new.viewer", "all_programs": True}),
        ("DELETE", lambda w: f"/v1/tokens/{w.spare_token}", NO_BODY),
        # Webhooks carry events out of the ledger: the same admins as tokens.
        ("GET", lambda w: "/v1/webhooks", NO_BODY),
        ("POST", lambda w: "/v1/webhooks", lambda w: {"url": "http://127.0.0.1:9/hook"}),
        ("DELETE", lambda w: f"/v1/webhooks/{w.spare_token}", NO_BODY),
        ("GET", lambda w: f"/v1/webhooks/{w.spare_token}/deliveries", NO_BODY),
    )),
]

PROPOSAL = {"title": "t", "question": "q", "forum": "f", "authority": "a",
            "options": [{"key": "a", "summary": "A"}, {"key": "b", "summary": "B"}]}
ALLOWED = {COMMAND: {"editor", "admin"}, READ: set(ROLES),
           HISTORY: {"editor", "auditor", "admin"}, AUDIT: {"auditor", "admin"},
           GLOBAL: {"auditor", "admin"}, SIGN: {"admin"}, KEY: set(ROLES),
           TOKENS: {"admin"}}
# A scoped token of an allowed role is refused these too; what it may see is no answer.
NEEDS_SCOPE = {COMMAND, READ, HISTORY, AUDIT, GLOBAL, SIGN, TOKENS}


def _expected_denied(kind: str, role: str, in_scope: bool) -> bool:
    return role not in ALLOWED[kind] or (not in_scope and kind in NEEDS_SCOPE)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r[1]} {r[2].__code__.co_consts}")
def test_route_access_by_role_and_scope(api: Api, world: World, route: Route) -> None:
    kind, method, path, body = route
    # A live token for DELETE /v1/tokens/{id} to revoke.
    spare = {"role": "viewer", "name": "spare", "all_programs": True}
    world.spare_token = api.post("/v1/tokens", spare, role="admin").json()["id"]  # type: ignore[attr-defined]
    if "proposal" in str(path.__code__.co_names):  # an open one, as the admin proposes it
        world.proposal = api.post(f"/v1/programs/{world.program}/proposals", PROPOSAL,  # type: ignore[attr-defined]
                                  role="admin").json()["id"]
    url = path(world)
    assert api.post("/v1/audit/checkpoints", role="admin").status_code == 201  # for proofs
    anonymous = api.client.request(method, url, json=body(world) or None)
    if kind == KEY:
        assert anonymous.status_code == 200
        public = anonymous.json()
        assert public == [] if url.endswith("/witnesses") else len(public["hex"]) == 64
    else:
        assert anonymous.status_code == 401
        assert anonymous.headers["www-authenticate"] == "Bearer"
    for role in ROLES:
        for in_scope in (False, True):  # the denied calls first: they must write nothing
            token = role if in_scope else f"{role}-elsewhere"
            response = api.client.request(method, url, json=body(world) or None,
                                          headers=api.headers(token))
            if _expected_denied(kind, role, in_scope):
                assert response.status_code == 403, (role, in_scope, response.text)
                assert response.json()["title"] == "Forbidden"
            else:
                assert response.status_code not in {401, 403}, (role, in_scope, response.text)
                assert response.status_code < 500


# Scope decides what these return rather than whether they answer; tested just below. The
# event stream never ends once it answers 200, so its roles and scope are tested against a
# real server in tests/e2e/test_event_stream.py.
OUTSIDE_THE_MATRIX = {("GET", "/v1/programs"), ("POST", "/v1/programs"),
                      ("GET", "/v1/events/stream")}
COMPONENT_ROUTES = [
    ("GET", "/v1/projects/{}"), ("GET", "/v1/risks/{}"), ("GET", "/v1/decisions/{}"),
    ("GET", "/v1/decisions/{}/review"), ("GET", "/v1/aggregates/{}/history"),
    ("POST", "/v1/projects/{}/lifecycle"), ("POST", "/v1/risks/{}/close"),
]


def _body(template: str) -> dict[str, str] | None:
    return {"lifecycle": {"status": "in_progress", "reason": "r"},
            "close": {"reason": "r"}}.get(template.rsplit("/", 1)[1])


def test_the_matrix_covers_every_route_of_the_api(api: Api, world: World) -> None:
    spec = api.client.get("/openapi.json").json()
    operations = {(method.upper(), path) for path, methods in spec["paths"].items()
                  for method in methods if path.startswith("/v1")}
    world.spare_token = uuid.uuid4()  # type: ignore[attr-defined]
    world.proposal = uuid.uuid4()  # type: ignore[attr-defined]
    covered = set()
    for _, method, path, _ in ROUTES:
        url = path(world).partition("?")[0]
        covered |= {(m, p) for m, p in operations if m == method and re.fullmatch(
            re.sub(r"\{[^}]+\}", "[^/]+", p), url)}
    assert operations - covered == OUTSIDE_THE_MATRIX


def test_programs_outside_the_scope_are_neither_listed_nor_definable(api: Api,
                                                                     world: World) -> None:
    for role in ROLES:
        mine = api.get("/v1/programs", role=role).json()["items"]
        theirs = api.get("/v1/programs", role=f"{role}-elsewhere").json()["items"]
        assert [p["id"] for p in mine] == [str(world.program)] and theirs == []
    new = {**PROGRAM, "code": "NEW"}
    for role in ROLES:
        expected = 201 if role in {"editor", "admin"} else 403
        assert api.post("/v1/programs", new, role=f"{role}-elsewhere").status_code == 403
        assert api.post("/v1/programs", {**new, "code": f"NEW-{role}"},
                        role=role).status_code == expected


@pytest.mark.parametrize(("method", "template"), COMPONENT_ROUTES)
def test_a_scoped_token_gets_the_same_answer_for_foreign_and_unknown_ids(
        api: Api, world: World, method: str, template: str) -> None:
    """Whether another program's project exists is no business of a token scoped elsewhere."""
    known = {"projects": world.project, "risks": world.risk, "decisions": world.decision,
             "aggregates": world.project}[template.split("/")[2]]
    answers = []
    for target in (known, uuid.uuid4()):
        response = api.client.request(method, template.format(target), json=_body(template),
                                      headers=api.headers("admin-elsewhere"))
        body = response.json()
        answers.append((response.status_code, body["title"], body["detail"]))
        assert str(world.program) not in body["detail"]
    assert answers[0] == answers[1]
    assert answers[0][0] == 403
    # A token for every program is told plainly that an unknown id is unknown.
    unknown = api.client.request(method, template.format(uuid.uuid4()), json=_body(template),
                                 headers=api.headers("admin"))
    assert unknown.status_code == 404
