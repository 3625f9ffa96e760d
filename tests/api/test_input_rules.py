"""API.md "Input rules": hostile input is refused at the boundary with a 422 (or, for a weak
ETag, a 412) that names the field or parameter, and it writes nothing to the log."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from ledger.settings import Settings
from tests.api.conftest import OPTIONS, Api, World, build_world, running_api
from tests.conftest import create_postgres_database, drop_postgres_database

NON_FINITE = ["NaN", "Infinity", "-Infinity", "1e309", "-1e309"]


@contextmanager
def shared_database(request: pytest.FixtureRequest, data: Path) -> Iterator[str]:
    """One database for a whole module: refused requests change nothing, so the tests can
    share one program (and stay fast), on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{data / 'ledger.db'}"
        return
    admin = request.getfixturevalue("postgres_admin")
    url = create_postgres_database(admin)
    try:
        yield url
    finally:
        drop_postgres_database(admin, url)


@pytest.fixture(scope="module", params=[
    "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Api, World]]:
    data = tmp_path_factory.mktemp("input-rules")
    with shared_database(request, data) as url, running_api(Settings(
            database_url=url, data_dir=data, read_wait_seconds=2.0,
            projection_poll_seconds=0.05)) as api:
        yield api, build_world(api)


@pytest.fixture
def api(shared: tuple[Api, World]) -> Api:
    return shared[0]


@pytest.fixture
def world(shared: tuple[Api, World]) -> World:
    return shared[1]


@pytest.fixture
def own_api(api_settings: Settings) -> Iterator[Api]:
    """An app of the test's own, for tests that stop its projector or add a route."""
    with running_api(api_settings) as api:
        yield api


def head(api: Api) -> int:
    app: Any = api.client.app
    position: int = app.state.services.ledger.head_position()
    return position


@contextmanager
def writes_nothing(api: Api) -> Iterator[None]:
    before = head(api)
    yield
    assert head(api) == before, "a refused request wrote to the log"


def refused(response: Any, field: str, status: int = 422) -> dict[str, Any]:
    """The problem names ``field`` (a body path, or a parameter's name)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = response.json()
    if status == 422:
        fields = [e["field"] for e in problem["errors"]]
        assert any(field in f for f in fields), (field, fields)
    return problem


def post_raw(api: Api, path: str, body: str, **headers: str) -> Any:
    return api.client.post(path, content=body.encode(), headers=api.headers(
        "editor", **{"Content-Type": "application/json", **headers}))


def decision(**more: Any) -> dict[str, Any]:
    return {"title": "T", "question": "Q?", "forum": "F", "authority": "A",
            "options": OPTIONS, "chosen_option": "defer", "rationale": "R",
            "tradeoffs": "X", **more}


# (path template, body with {v} where the number goes, the field the problem names)
NUMBER_FIELDS = [
    ("/v1/benefits/{benefit}/measurements", '{{"value": {v}, "source": "s"}}', "value"),
    ("/v1/benefits/{benefit}/profile",
     '{{"baseline_value": {v}, "baseline_date": "2025-01-01", "target_value": 1, '
     '"target_date": "2026-01-01", "measurement_method": "m"}}', "baseline_value"),
    ("/v1/benefits/{benefit}/measurements/{measurement}/corrections",
     '{{"value": {v}, "reason": "r"}}', "value"),
    ("/v1/programs/{program}/decisions",
     json.dumps(decision(options=[{"key": "defer", "summary": "s",
                                   "expected_impact": {"cost": "__V__"}}]))
     .replace('"__V__"', "{v}").replace("{", "{{").replace("}", "}}")
     .replace("{{v}}", "{v}"), "options.0.expected_impact.cost"),
    ("/v1/programs/{program}/decisions",
     json.dumps(decision(options=[{"key": "defer", "summary": "s", "expected_impact": {
         "benefits": {"6f1d3c2b-9a8e-4b7d-8c6f-5e4d3c2b1a09": "__V__"}}}]))
     .replace('"__V__"', "{v}").replace("{", "{{").replace("}", "}}")
     .replace("{{v}}", "{v}"), "options.0.expected_impact.benefits"),
    ("/v1/projects/{project}/scope-changes",
     '{{"defer": ["warehouse"], "rationale": "r", "impact": {{"cost": {v}}}}}', "impact.cost"),
]


@pytest.mark.parametrize("value", NON_FINITE)
@pytest.mark.parametrize(("path", "body", "field"), NUMBER_FIELDS,
                         ids=[f[2] for f in NUMBER_FIELDS])
def test_non_finite_numbers_are_refused(api: Api, world: World, path: str, body: str,
                                        field: str, value: str) -> None:
    with writes_nothing(api):
        response = post_raw(api, path.format(**vars(world)), body.format(v=value))
        problem = refused(response, field)
    assert "finite" in json.dumps(problem["errors"])


@pytest.mark.parametrize("value", ['"NaN"', '"Infinity"', '"-inf"', '"sNaN"', "NaN", "1e309"])
def test_non_finite_amounts_are_refused(api: Api, world: World, value: str) -> None:
    with writes_nothing(api):
        refused(post_raw(api, f"/v1/resources/{world.resource}/allocations",
                         f'{{"project_id": "{world.project}", "month": "2026-03", '
                         f'"amount": {value}}}'), "amount")
        refused(post_raw(api, f"/v1/resources/{world.resource}/capacity",
                         f'{{"capacity_per_month": {value}, "reason": "r"}}'),
                "capacity_per_month")


TEXT_FIELDS = [  # (path, body, field): the field's value is replaced by each hostile text
    ("/v1/programs/{program}/risks", {"title": "T", "category": "c", "likelihood": 1,
                                      "impact": 1, "owner": "o"}, "title"),
    ("/v1/projects/{project}/status-reports",
     {"overall": "green", "schedule": "green", "cost": "green", "scope": "green",
      "resources": "green", "narrative": "n"}, "narrative"),
    ("/v1/benefits/{benefit}/measurements", {"value": 1, "source": "s", "note": "n"}, "note"),
    ("/v1/benefits/{benefit}/measurements", {"value": 1, "source": "s"}, "source"),
    ("/v1/programs/{program}/status", {"status": "on_hold", "reason": "r"}, "reason"),
    ("/v1/programs/{program}/decisions", decision(), "rationale"),
    ("/v1/programs/{program}/resources",
     {"name": "n", "unit": "FTE", "capacity_per_month": "1"}, "unit"),
]


@pytest.mark.parametrize(("path", "body", "field"), TEXT_FIELDS,
                         ids=[f"{f[2]}-{i}" for i, f in enumerate(TEXT_FIELDS)])
def test_nul_is_refused_in_every_string(api: Api, world: World, path: str,
                                        body: dict[str, Any], field: str) -> None:
    with writes_nothing(api):
        response = api.post(path.format(**vars(world)), {**body, field: "before\x00after"})
        refused(response, field)


SINGLE_LINE = [("/v1/programs/{program}/risks", {"title": "T", "category": "c",
                                                 "likelihood": 1, "impact": 1, "owner": "o"},
                "owner"),
               ("/v1/programs/{program}/projects", {
                   "name": "N", "manager": "M", "planned_start": "2025-01-01",
                   "planned_finish": "2025-12-31"}, "name"),
               ("/v1/benefits/{benefit}/measurements", {"value": 1, "source": "s"}, "source")]


@pytest.mark.parametrize("control", ["a\nb", "tab\there", "esc\x1b[31m", "del\x7f", "c1\x85",
                                     "sep\u2028x", "trailing\n"])
@pytest.mark.parametrize(("path", "body", "field"), SINGLE_LINE, ids=[f[2] for f in SINGLE_LINE])
def test_single_line_fields_carry_no_control_characters(
        api: Api, world: World, path: str, body: dict[str, Any], field: str,
        control: str) -> None:
    with writes_nothing(api):
        refused(api.post(path.format(**vars(world)), {**body, field: control}), field)


def test_free_text_may_span_lines(api: Api, world: World) -> None:
    response = api.post(f"/v1/programs/{world.program}/risks", {
        "title": "T", "category": "c", "likelihood": 1, "impact": 1, "owner": "o",
        "description": "line one\nline two\ttabbed"})
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("blank", ["", "   ", "\u200b", "\ufeff", "\u200b \u3000\u2060", "\t\n"])
@pytest.mark.parametrize(("path", "body", "field"), [
    ("/v1/programs/{program}/status", {"status": "on_hold", "reason": "r"}, "reason"),
    ("/v1/programs/{program}/risks", {"title": "T", "category": "c", "likelihood": 1,
                                      "impact": 1, "owner": "o"}, "title"),
    ("/v1/programs/{program}/decisions", decision(), "rationale")], ids=["reason", "title",
                                                                        "rationale"])
def test_required_text_is_not_blank_or_invisible(api: Api, world: World, path: str,
                                                 body: dict[str, Any], field: str,
                                                 blank: str) -> None:
    with writes_nothing(api):
        refused(api.post(path.format(**vars(world)), {**body, field: blank}), field)


def test_free_text_dict_keys_are_checked(api: Api, world: World) -> None:
    options = [{"key": "defer", "summary": "s",
                "expected_impact": {"benefits": {"not\x00an-id": 1}}}]
    with writes_nothing(api):
        refused(api.post(f"/v1/programs/{world.program}/decisions", decision(options=options)),
                "options.0.expected_impact.benefits")


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/v1/programs/{program}/decisions", decision(affects={"project_ids": "IDS"}),
     "affects.project_ids"),
    ("/v1/programs/{program}/decisions", decision(evidence="KEYS"), "evidence"),
    ("/v1/programs/{program}/risks", {"title": "T", "category": "c", "likelihood": 1,
                                      "impact": 1, "owner": "o",
                                      "affected_project_ids": "IDS"}, "affected_project_ids"),
    ("/v1/benefits/{benefit}/profile", {
        "baseline_value": 1, "baseline_date": "2025-01-01", "target_value": 2,
        "target_date": "2026-01-01", "measurement_method": "m",
        "contributing_project_ids": "IDS"}, "contributing_project_ids"),
], ids=["affects", "evidence", "affected_project_ids", "contributing_project_ids"])
def test_lists_of_ids_hold_at_most_100(api: Api, world: World, path: str, body: dict[str, Any],
                                       field: str) -> None:
    def fill(value: Any, count: int) -> Any:
        if value == "IDS":
            return [str(world.project)] * count
        if value == "KEYS":
            return [f"position:{n}" for n in range(count)]
        if isinstance(value, dict):
            return {k: fill(v, count) for k, v in value.items()}
        return value

    with writes_nothing(api):
        refused(api.post(path.format(**vars(world)), fill(body, 101)), field)


@pytest.mark.parametrize("month", ["0000-01", "2026-13", "2026-00", "2026-1", "2026-01\n"])
def test_allocation_month_is_a_real_month(api: Api, world: World, month: str) -> None:
    with writes_nothing(api):
        refused(api.post(f"/v1/resources/{world.resource}/allocations", {
            "project_id": str(world.project), "month": month, "amount": "1"}), "month")


@pytest.mark.parametrize(("path", "param"), [
    ("/v1/programs/{program}/decisions", "q"), ("/v1/audit/events", "actor"),
    ("/v1/audit/events", "type")])
def test_query_text_with_nul_is_422(api: Api, world: World, path: str, param: str) -> None:
    with writes_nothing(api):
        refused(api.get(path.format(**vars(world)), role="admin", **{param: "a\x00b"}), param)


def cursor_of(key: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


@pytest.mark.parametrize("key", [[None], [True], [{"a": 1}], [1.5], [10**30], [-1], [],
                                 ["x", "y"], "not a list", ["x\x00"]],
                         ids=lambda k: repr(k)[:20])
@pytest.mark.parametrize("path", ["/v1/programs", "/v1/programs/{program}/risks",
                                  "/v1/audit/events", "/v1/audit/checkpoints"])
def test_cursors_that_this_api_never_returned_are_422(api: Api, world: World, path: str,
                                                      key: Any) -> None:
    with writes_nothing(api):
        refused(api.get(path.format(**vars(world)), role="admin", cursor=cursor_of(key)),
                "cursor")


@pytest.mark.parametrize("path", ["/v1/programs", "/v1/audit/events"])
def test_an_empty_cursor_is_refused_as_the_schema_says(api: Api, path: str) -> None:
    refused(api.get(path, role="admin", cursor=""), "cursor")
    schema = api.client.get("/openapi.json").json()
    get = schema["paths"][path]["get"]
    cursor = next(p for p in get["parameters"] if p["name"] == "cursor")
    assert "pattern" in json.dumps(cursor["schema"])


@pytest.mark.parametrize("path", ["/v1/audit/events", "/v1/programs/{program}/decisions",
                                  "/v1/programs/{program}/reports/decisions"])
@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_times_outside_the_calendar_in_utc_are_422(api: Api, world: World, path: str,
                                                   moment: str) -> None:
    refused(api.get(path.format(**vars(world)), role="admin", **{"from": moment}), "from")


def test_a_command_effective_outside_the_calendar_is_422(api: Api, world: World) -> None:
    with writes_nothing(api):
        refused(api.post(f"/v1/benefits/{world.benefit}/measurements", {
            "value": 1, "source": "s", "effective_at": "0001-01-01T00:00:00+01:00"}),
            "effective_at")


@pytest.mark.parametrize("value", [b'"\xb3"', b"", b"   ", b'"3", "4"', b'"abc"', b"W/3"])
def test_an_unreadable_if_match_is_422(api: Api, world: World, value: bytes) -> None:
    with writes_nothing(api):
        response = api.client.post(
            f"/v1/programs/{world.program}/status", json={"status": "on_hold", "reason": "r"},
            headers=[(b"Authorization", api.headers()["Authorization"].encode()),
                     (b"If-Match", value)])
        refused(response, "if-match")


def test_a_weak_etag_never_matches(api: Api, world: World) -> None:
    version = api.get(f"/v1/programs/{world.program}/as-of", role="admin").json()
    current = version["program"]["version"]
    with writes_nothing(api):
        response = api.post(f"/v1/programs/{world.program}/status",
                            {"status": "on_hold", "reason": "r"},
                            **{"If-Match": f'W/"{current}"'})
        assert response.status_code == 412, response.text
        assert "weak" in response.json()["detail"]
    # The same version, strongly compared, matches.
    assert api.post(f"/v1/programs/{world.program}/status",
                    {"status": "on_hold", "reason": "r"},
                    **{"If-Match": f'"{current}"'}).status_code == 201


def test_min_position_past_the_head_is_422_at_once(api: Api, world: World) -> None:
    now = head(api)
    problem = refused(api.get(f"/v1/programs/{world.program}", min_position=now + 1),
                      "min_position")
    assert str(now) in problem["errors"][0]["message"]


def test_min_position_up_to_the_head_waits_then_503_not_caught_up(own_api: Api) -> None:
    api, app = own_api, own_api.client.app
    program = api.created("/v1/programs", {"code": "P", "name": "P", "sponsor": "S",
                                           "manager": "M"})
    reached = head(api)
    assert api.get(f"/v1/programs/{program}", min_position=reached).status_code == 200
    app.state.services.runner.stop()  # type: ignore[attr-defined]  # a stalled projector
    assert api.post(f"/v1/programs/{program}/status",
                    {"status": "active", "reason": "r"}).status_code == 201
    response = api.get(f"/v1/programs/{program}", min_position=head(api))
    assert response.status_code == 503
    problem = response.json()
    assert problem["title"] == "Not caught up"
    assert response.headers["Retry-After"]
    assert problem["position"] == reached


def test_as_of_position_past_the_head_is_422_naming_it(api: Api, world: World) -> None:
    now = head(api)
    problem = refused(api.get(f"/v1/programs/{world.program}/as-of", role="admin",
                              position=now + 1), "position")
    assert str(now) in problem["detail"]
    assert api.get(f"/v1/programs/{world.program}/as-of", role="admin",
                   position=now).status_code == 200


def test_a_500_logs_the_traceback(own_api: Api, caplog: pytest.LogCaptureFixture) -> None:
    api = own_api
    app: FastAPI = api.client.app  # type: ignore[assignment]

    def explode() -> None:
        raise RuntimeError("the test's own unexpected failure")

    app.add_api_route("/test-only/explode", explode)
    with caplog.at_level(logging.ERROR, logger="ledger.api"):
        response = api.client.get("/test-only/explode")
    assert response.status_code == 500
    record = next(r for r in caplog.records if r.getMessage().startswith("unexpected error"))
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError
    assert "the test's own unexpected failure" in caplog.text
    assert "NoneType: None" not in caplog.text
