"""Hostile input thrown at every command and every query the OpenAPI document lists: non-finite
numbers, NUL and control characters, times outside the calendar once in UTC, cursors this
API never returned, and imported files of any bytes. Each is refused with a 4xx (never a
5xx), and the log does not grow.

SQLite only: the rules live in the request schemas, which are the same on both backends, and
tests/api/test_input_rules.py runs each rule on PostgreSQL too.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.settings import Settings
from tests.api.conftest import Api, World, build_world, running_api
from tests.finance_export import finance_export

NON_FINITE = ["NaN", "Infinity", "-Infinity", "1e309", "-1e309", "1E400"]
OUT_OF_CALENDAR = ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-14:00",
                   "0000-01-01T00:00:00Z", "2026-02-30T00:00:00Z", "99999-01-01T00:00:00Z"]
RAW = "__raw_json__"  # a placeholder, swapped for a non-finite number once the body is text


@pytest.fixture(scope="module")
def app_and_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Api, World]]:
    data = Path(tmp_path_factory.mktemp("hostile"))
    with running_api(Settings(database_url=f"sqlite:///{data / 'ledger.db'}", data_dir=data,
                              read_wait_seconds=0.5, projection_poll_seconds=0.05)) as api:
        yield api, build_world(api)


def operations(api: Api, method: str) -> list[tuple[str, dict[str, Any]]]:
    schema = api.client.get("/openapi.json").json()
    return [(path, ops[method]) for path, ops in sorted(schema["paths"].items())
            if path.startswith("/v1/") and method in ops]


def fill_path(path: str, world: World) -> str:
    ids = {"program_id": world.program, "project_id": world.project,
           "dependency_id": world.dependency, "resource_id": world.resource,
           "allocation_id": world.allocation, "benefit_id": world.benefit,
           "measurement_id": world.measurement, "risk_id": world.risk,
           "decision_id": world.decision, "aggregate_id": world.project,
           "webhook_id": world.project, "proposal_id": world.decision, "key": "build",
           "position": 1}
    return re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), path)


def example_body(api: Api, operation: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """The body's documented example, and the names of its properties."""
    schema = api.client.get("/openapi.json").json()
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    ref = next(b["$ref"] for b in [body, *body.get("anyOf", [])] if "$ref" in b)
    model = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return model["examples"][0], set(model["properties"])


def leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, (*path, index))
    else:
        yield path, value


def replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: replaced(value[head], rest, new)}
    return [replaced(v, rest, new) if i == head else v for i, v in enumerate(value)]


def with_nul(text: str, at: int, extra: str) -> str:
    at = min(at, len(text))
    return text[:at] + "\x00" + extra + text[at:]


def head(api: Api) -> int:
    position: int = api.client.app.state.services.ledger.head_position()  # type: ignore[attr-defined]
    return position


hostile_text = st.builds(with_nul, st.text(max_size=10), st.integers(0, 10),
                         st.text(alphabet=st.characters(categories=["Cc", "Cf"]), max_size=3))
json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=5)
foreign_cursor = st.one_of(
    st.builds(lambda v: base64.urlsafe_b64encode(json.dumps(v).encode()).decode(),
              json_values.filter(lambda v: not (isinstance(v, list) and len(v) == 1
                                                and type(v[0]) in (int, str)))),
    st.builds(lambda v: base64.urlsafe_b64encode(json.dumps([v]).encode()).decode(),
              st.integers(min_value=2**63) | st.integers(max_value=-1)
              | st.text(alphabet=st.characters(categories=["Cc"]), min_size=1)),
    st.text(max_size=20).filter(lambda t: not re.fullmatch(r"[A-Za-z0-9_-]+={0,2}", t)))


@st.composite
def hostile_command(draw: st.DrawFn, api: Api, world: World) -> tuple[str, str, dict[str, str]]:
    """A command's documented example with one value made hostile: (path, body, headers)."""
    path, operation = draw(st.sampled_from([
        (p, o) for p, o in operations(api, "post")
        if "application/json" in o.get("requestBody", {}).get("content", {})]))
    body, properties = example_body(api, operation)
    headers: dict[str, str] = {}
    targets = [(p, v) for p, v in leaves(body) if p]
    # If-Match is tried where the operation takes it (token management, say, does not).
    conditional = any(q["in"] == "header" and q["name"].lower() == "if-match"
                      for q in operation.get("parameters", []))
    kind = draw(st.sampled_from(["value", "effective_at", *(["if_match"] if conditional else [])]))
    raw = ""
    if kind == "effective_at" and "effective_at" in properties:
        body = {**body, "effective_at": draw(st.sampled_from(OUT_OF_CALENDAR))}
    elif kind == "if_match":
        headers["If-Match"] = draw(st.sampled_from(['"\xb3"', "", '"1", "2"', "W/", '"-1"',
                                                    '"99999999999999999999"']))
    else:
        where, old = draw(st.sampled_from(targets))
        if isinstance(old, bool) or not isinstance(old, int | float | str):
            new: Any = draw(hostile_text)
        elif isinstance(old, str):
            new = draw(hostile_text)
        else:
            new, raw = RAW, draw(st.sampled_from(NON_FINITE))
        body = replaced(body, where, new)
    text = json.dumps(body).replace(f'"{RAW}"', raw)
    return fill_path(path, world), text, headers


@st.composite
def hostile_query(draw: st.DrawFn, api: Api, world: World) -> tuple[str, dict[str, str]]:
    """A query with one parameter made hostile: (path, params)."""
    path, operation = draw(st.sampled_from([
        (p, o) for p, o in operations(api, "get")
        if any(q["in"] == "query" for q in o.get("parameters", []))]))
    parameter = draw(st.sampled_from([q for q in operation["parameters"] if q["in"] == "query"]))
    name, schema = parameter["name"], json.dumps(parameter["schema"])
    if name == "cursor":
        value = draw(foreign_cursor)
    elif '"integer"' in schema:
        value = draw(st.sampled_from(["NaN", "Infinity", "1e309", str(10**30), "-1", "1.5",
                                      "\x00"]))
    elif "date-time" in schema:
        value = draw(st.sampled_from(OUT_OF_CALENDAR))
    else:
        value = draw(hostile_text)
    return fill_path(path, world), {name: value}


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_command_refuses_hostile_input_and_writes_nothing(
        app_and_world: tuple[Api, World], data: st.DataObject) -> None:
    api, world = app_and_world
    path, body, headers = data.draw(hostile_command(api, world))
    before = head(api)
    sent = api.headers("admin", **{"Content-Type": "application/json", **headers})
    response = api.client.post(path, content=body.encode(), headers=[
        (name.encode(), value.encode("latin-1")) for name, value in sent.items()])
    assert 400 <= response.status_code < 500, (path, body, headers, response.text)
    assert head(api) == before, (path, body, headers)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_query_refuses_hostile_parameters(app_and_world: tuple[Api, World],
                                                data: st.DataObject) -> None:
    api, world = app_and_world
    path, params = data.draw(hostile_query(api, world))
    before = head(api)
    response = api.client.get(path, params=params, headers=api.headers("admin"))
    assert 400 <= response.status_code < 500, (path, params, response.text)
    assert head(api) == before, (path, params)


HEADER = b"benefit,value,effective_at,source,note\n"
XLSX_BYTES = finance_export()
hostile_files = st.one_of(
    st.binary(max_size=600),
    st.builds(lambda rest: HEADER + rest, st.binary(max_size=300)),
    st.builds(lambda rest: HEADER + rest.encode(), st.text(max_size=300)),
    st.builds(lambda rest: b"PK\x03\x04" + rest, st.binary(max_size=300)),
    st.builds(lambda at, junk: XLSX_BYTES[:at] + junk + XLSX_BYTES[at + len(junk):],
              st.integers(0, len(XLSX_BYTES) - 1), st.binary(min_size=1, max_size=8)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(content=hostile_files, dry_run=st.booleans())
def test_an_imported_file_of_any_bytes_never_gives_5xx_nor_writes(
        app_and_world: tuple[Api, World], content: bytes, dry_run: bool) -> None:
    api, world = app_and_world
    before = head(api)
    response = api.client.post(
        f"/v1/programs/{world.program}/imports/measurements", content=content,
        params={"dry_run": str(dry_run).lower()}, headers=api.headers("admin"))
    assert response.status_code in {200, 413, 422}, (content, response.text)
    assert head(api) == before, content
