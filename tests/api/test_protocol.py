"""Cross-cutting HTTP behaviour: concurrency control, idempotency, errors, limits, reads."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.api.conftest import PROGRAM, REPORT, Api, World


def test_stale_if_match_is_412_and_current_one_applies(api: Api, world: World) -> None:
    path = f"/v1/projects/{world.project}/status-reports"
    first = api.post(path, REPORT)
    version = first.json()["version"]
    stale = api.post(path, REPORT, **{"If-Match": f'"{version - 1}"'})
    assert stale.status_code == 412 and stale.json()["title"] == "Precondition failed"
    current = api.post(path, REPORT, **{"If-Match": f'"{version}"'})
    assert current.status_code == 201 and current.json()["version"] == version + 1
    garbage = api.post(path, REPORT, **{"If-Match": "yesterday"})
    assert garbage.status_code == 422


def test_if_match_on_a_command_that_creates_is_refused_not_ignored(api: Api,
                                                                   world: World) -> None:
    head = api.get("/readyz").json()["projection"]["head"]
    response = api.post(f"/v1/programs/{world.program}/risks", {
        "title": "t", "category": "c", "likelihood": 1, "impact": 1, "owner": "o"},
        **{"If-Match": '"1"'})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "If-Match"
    assert api.get("/readyz").json()["projection"]["head"] == head


def test_idempotent_retry_returns_first_response_and_writes_nothing(api: Api,
                                                                    world: World) -> None:
    path = f"/v1/projects/{world.project}/status-reports"
    first = api.post(path, REPORT, **{"Idempotency-Key": "report-2026-11"})
    head = api.get("/readyz").json()["projection"]["head"]
    again = api.post(path, REPORT, **{"Idempotency-Key": "report-2026-11"})
    assert again.status_code == first.status_code == 201
    assert again.json() == first.json() and again.headers["etag"] == first.headers["etag"]
    assert again.headers["idempotent-replayed"] == "true"
    assert api.get("/readyz").json()["projection"]["head"] == head
    other = api.post(path, {**REPORT, "narrative": "changed"},
                     **{"Idempotency-Key": "report-2026-11"})
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"


def test_identical_idempotent_requests_racing_run_the_command_once(api: Api,
                                                                  world: World) -> None:
    path = f"/v1/projects/{world.project}/status-reports"
    head = api.get("/readyz").json()["projection"]["head"]
    start = threading.Barrier(4)

    def post(_: int) -> Any:
        start.wait()
        return api.post(path, REPORT, **{"Idempotency-Key": "race"})

    with ThreadPoolExecutor(4) as pool:
        responses = list(pool.map(post, range(4)))
    assert {r.status_code for r in responses} == {201}
    assert len({r.text for r in responses}) == 1
    assert sum(r.headers.get("idempotent-replayed") == "true" for r in responses) == 3
    assert api.get("/readyz").json()["projection"]["head"] == head + 1


def test_idempotency_keys_are_scoped_to_the_principal(api: Api, world: World) -> None:
    path = f"/v1/projects/{world.project}/status-reports"
    mine = api.post(path, REPORT, role="editor", **{"Idempotency-Key": "k"})
    theirs = api.post(path, REPORT, role="admin", **{"Idempotency-Key": "k"})
    assert theirs.json()["position"] > mine.json()["position"]


def test_actor_comes_from_the_token_not_the_body(api: Api, world: World) -> None:
    spoof = api.post(f"/v1/projects/{world.project}/status-reports",
                     {**REPORT, "actor": "ceo", "recorded_at": "2020-01-01T00:00:00Z"})
    assert spoof.status_code == 422
    assert {e["field"] for e in spoof.json()["errors"]} == {"actor", "recorded_at"}
    api.post(f"/v1/projects/{world.project}/status-reports", REPORT, role="admin")
    history = api.get(f"/v1/aggregates/{world.project}/history", role="auditor").json()
    assert history[-1]["actor"] == "admin.one"


def test_unknown_or_missing_token_is_401(api: Api) -> None:
    for headers in ({}, {"Authorization": "Bearer ldg_nope"}, {"Authorization": "Basic x"}):
        response = api.client.get("/v1/programs", headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("chunked", [False, True])
def test_bodies_over_the_limit_are_413(api: Api, chunked: bool) -> None:
    huge = b'{"code": "' + b"x" * (300 * 1024) + b'"}'
    content = iter([huge[:1000], huge[1000:]]) if chunked else huge
    response = api.client.post("/v1/programs", content=content, headers={
        **api.headers(), "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["title"] == "Payload too large"


def test_request_id_is_echoed_or_generated(api: Api) -> None:
    echoed = api.client.get("/healthz", headers={"X-Request-ID": "trace-42"})
    made = api.client.get("/healthz")
    assert echoed.headers["x-request-id"] == "trace-42"
    assert len(made.headers["x-request-id"]) == 36
    problem = api.client.get("/v1/programs", headers={"X-Request-ID": "trace-43"})
    assert problem.json()["request_id"] == "trace-43"


def test_every_request_is_logged_with_its_id(api: Api,
                                            caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="ledger.api.access"):
        api.client.get("/v1/programs", headers={"X-Request-ID": "trace-44"})
    [line] = [r for r in caplog.records if r.name == "ledger.api.access"]
    assert line.getMessage().startswith("trace-44 GET /v1/programs -> 401")
    assert getattr(line, "request_id", None) == "trace-44"


def test_unknown_route_is_a_problem_without_internals(api: Api) -> None:
    response = api.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "Traceback" not in response.text


def test_min_position_waits_then_answers(api: Api, world: World) -> None:
    position = api.post(f"/v1/projects/{world.project}/status-reports",
                        {**REPORT, "overall": "red", "reason": "late"}).json()["position"]
    fresh = api.get(f"/v1/projects/{world.project}", min_position=position)
    assert fresh.status_code == 200
    assert fresh.json()["latest_report"]["overall"] == "red"
    # A position past the head is a 422 at once; the 503 has its own test in
    # tests/api/test_input_rules.py.
    ahead = api.get(f"/v1/projects/{world.project}", min_position=position + 1000)
    assert ahead.status_code == 422


def test_lists_page_with_a_cursor(api: Api, world: World) -> None:
    for n in range(3):
        api.post(f"/v1/programs/{world.program}/risks", {
            "title": f"Risk {n}", "category": "c", "likelihood": 1, "impact": 1,
            "owner": "o"})
    head = api.get("/readyz").json()["projection"]["head"]
    seen, cursor = [], None
    while True:
        params = {"limit": 2, "min_position": head, **({"cursor": cursor} if cursor else {})}
        page = api.get(f"/v1/programs/{world.program}/risks", **params).json()
        seen += [r["id"] for r in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 4
    assert api.get(f"/v1/programs/{world.program}/risks", limit=501).status_code == 422
    assert api.get(f"/v1/programs/{world.program}/risks", cursor="%%%").status_code == 422


def test_health_and_readiness_report_lag(api: Api) -> None:
    assert api.client.get("/healthz").json() == {"status": "ok"}
    api.post("/v1/programs", PROGRAM)
    ready = api.client.get("/readyz").json()
    assert ready["status"] == "ready"
    assert set(ready["projection"]) == {"position", "head", "lag"}


def test_openapi_documents_every_route_with_problem_responses(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    operations = [(path, method, op) for path, methods in spec["paths"].items()
                  for method, op in methods.items()]
    assert len([o for o in operations if o[0].startswith("/v1")]) >= 45
    for path, _method, operation in operations:
        if path.startswith("/v1"):
            assert {"401", "403", "422"} <= set(operation["responses"]), path
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert api.client.get("/docs").status_code == 200


def test_the_root_leads_a_browser_to_the_web_ui(api: Api) -> None:
    answer = api.client.get("/", follow_redirects=False)
    assert answer.status_code == 307 and answer.headers["location"] == "/ui"
    assert "/ui/login" in str(api.client.get("/").url)  # and /ui asks to sign in


def test_docs_load_without_a_cdn(api: Api) -> None:
    pytest.importorskip("fastapi_offline", reason="the docs' assets come from fastapi-offline")
    for page, asset in (("/docs", "/docs/assets/swagger-ui-bundle.js"),
                        ("/redoc", "/docs/redoc.js")):
        html = api.client.get(page).text
        assert asset in html and "cdn" not in html
        script = api.client.get(asset)
        assert script.status_code == 200 and "javascript" in script.headers["content-type"]
        assert "https://cdn" not in script.text  # ReDoc's own logo came from one
