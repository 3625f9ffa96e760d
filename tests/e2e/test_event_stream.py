"""GET /v1/events/stream against a real uvicorn: CloudEvents, resume by Last-Event-ID with
nothing lost or repeated while commands keep coming, filters, scope and bad input."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import Server, start_server, stop_server
from tests.e2e.sse import sse_events

REPORT = {"overall": "green", "schedule": "amber", "cost": "green", "scope": "green",
          "resources": "green", "narrative": "on track", "reason": "weekly"}


@pytest.fixture(scope="module")
def feed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the module, on SQLite (PostgreSQL's publisher test covers that)."""
    data = tmp_path_factory.mktemp("feed")
    running = start_server(f"sqlite:///{data / 'ledger.db'}", data,
                           LEDGER_FEED_POLL_SECONDS="0.05")
    yield running
    stop_server(running)


def define_program(http: httpx.Client, code: str) -> tuple[str, str]:
    """A program with one project: (program id, project id)."""
    program = http.post("/v1/programs", json={"code": code, "name": f"Program {code}",
                                              "objectives": ["Ship"], "sponsor": "CFO",
                                              "manager": "Pat"}).json()["id"]
    project = http.post(f"/v1/programs/{program}/projects", json={
        "name": f"{code} build", "manager": "m", "planned_start": "2025-06-01",
        "planned_finish": "2026-09-30", "deliverables": []}).json()["id"]
    return program, project


def report(http: httpx.Client, project: str, narrative: str) -> int:
    response = http.post(f"/v1/projects/{project}/status-reports",
                         json={**REPORT, "narrative": narrative})
    assert response.status_code == 201, response.text
    return int(response.json()["position"])


def write_late_reports(server: Server, project: str) -> None:
    with server.client() as http:
        for n in range(20):
            report(http, project, f"late {n}")


def test_a_client_that_keeps_dropping_off_receives_every_position_once(
        feed_server: Server) -> None:
    assert_resumes_exactly(feed_server)


@pytest.mark.postgres
def test_on_postgresql_too_a_resuming_client_receives_every_position_once(
        postgres_url: str, tmp_path: Path) -> None:
    server = start_server(postgres_url, tmp_path, LEDGER_FEED_POLL_SECONDS="0.05")
    try:
        assert_resumes_exactly(server)
    finally:
        stop_server(server)


def assert_resumes_exactly(feed_server: Server) -> None:
    """A client reads a few events, hangs up and resumes with Last-Event-ID, again and again,
    while commands keep coming: it receives every position of the log once, in order."""
    rng = random.Random(19)
    with feed_server.client() as http:
        _program, project = define_program(http, "FEED")
        for n in range(20):
            report(http, project, f"week {n}")
        # More commands arrive while the client reads, drops off and resumes.
        writer = threading.Thread(target=write_late_reports, args=(feed_server, project))
        writer.start()
        received: list[int] = []
        with httpx.Client(base_url=feed_server.url, timeout=15, headers={
                "Authorization": f"Bearer {feed_server.admin_token}"}) as stream:
            while True:
                writer_done = not writer.is_alive()
                head = http.get("/v1/audit/verify").json()["head"]["position"]
                if writer_done and received and received[-1] == head:
                    break
                resume = ({"Last-Event-ID": str(received[-1])} if received else {})
                params = {} if received else {"after": 0}
                with stream.stream("GET", "/v1/events/stream", params=params,
                                   headers=resume) as response:
                    assert response.status_code == 200
                    assert response.headers["content-type"].startswith("text/event-stream")
                    wanted = rng.randint(1, 9)
                    for position, _event in sse_events(response):
                        received.append(position)
                        if len(received) >= head or (wanted := wanted - 1) == 0:
                            break  # hang up mid-stream
        writer.join()
    assert received == list(range(1, len(received) + 1))


def test_each_event_is_a_cloudevent_with_its_provenance(feed_server: Server) -> None:
    with feed_server.client() as http:
        program, project = define_program(http, "CLOUD")
        position = report(http, project, "all good")
        with http.stream("GET", "/v1/events/stream",
                         params={"after": position - 1}) as response:
            _id, event = next(sse_events(response))
    assert event["specversion"] == "1.0"
    assert event["id"] == str(position)
    assert event["type"] == "org.ledger.ProjectStatusReported"
    assert event["source"] == f"/v1/programs/{program}"
    assert event["subject"] == project
    assert event["time"].endswith("Z")
    assert event["data"]["fields"]["narrative"] == "all good"
    metadata = event["data"]["metadata"]
    assert metadata["actor"] == "admin" and metadata["position"] == position
    assert metadata["effective_at"] and "correlation_id" in metadata and "reason" in metadata
    assert metadata["program_id"] == program and metadata["aggregate_type"] == "Project"
    assert metadata["event_version"] >= 1 and "class_version" not in event["data"]["fields"]


def events_until(server: Server, token: str, last: int, **params: object) -> list[dict]:
    """The stream from the start up to the event at position ``last``."""
    with httpx.Client(base_url=server.url, timeout=15,
                      headers={"Authorization": f"Bearer {token}"}) as http, \
            http.stream("GET", "/v1/events/stream", params={"after": 0, **params}) as response:
        assert response.status_code == 200, response.read()
        events = []
        for _id, event in sse_events(response):
            events.append(event)
            if int(event["id"]) >= last:
                return events
    raise AssertionError("the stream ended")


def test_a_scoped_token_sees_only_its_programs_and_filters_apply(feed_server: Server) -> None:
    with feed_server.client() as http:
        mine, my_project = define_program(http, "MINE")
        theirs, their_project = define_program(http, "THEIRS")
        theirs_last = report(http, their_project, "not yours")
        last = report(http, my_project, "yours")
        token = http.post("/v1/tokens", json={"role": "editor", "name": "scoped.feed",
                                              "program_ids": [mine]}).json()["token"]
    mine_only = events_until(feed_server, token, last)
    assert {e["source"] for e in mine_only} == {f"/v1/programs/{mine}"}
    assert mine_only[-1]["id"] == str(last)
    reports = events_until(feed_server, feed_server.admin_token, theirs_last,
                           type="ProjectStatusReported", program_id=theirs)
    assert [e["data"]["fields"]["narrative"] for e in reports] == ["not yours"]
    assert {e["type"] for e in reports} == {"org.ledger.ProjectStatusReported"}
    with httpx.Client(base_url=feed_server.url, timeout=15,
                      headers={"Authorization": f"Bearer {token}"}) as http:
        assert http.get("/v1/events/stream", params={"program_id": theirs}).status_code == 403


@pytest.mark.parametrize(("params", "headers", "field"), [
    ({"type": "NoSuchEvent"}, {}, "type"),
    ({"type": "org.ledger.Program\x00"}, {}, "type"),
    ({"after": "x"}, {}, "after"),
    ({"after": "-1"}, {}, "after"),
    ({"program_id": "not-a-uuid"}, {}, "program_id"),
    ({}, {"Last-Event-ID": "abc"}, "Last-Event-ID"),
    ({}, {"Last-Event-ID": "99999999"}, "Last-Event-ID"),
    ({"after": "99999999"}, {}, "after"),
])
def test_unreadable_filters_and_positions_are_422_naming_them(
        feed_server: Server, params: dict, headers: dict, field: str) -> None:
    with feed_server.client() as http:
        response = http.get("/v1/events/stream", params=params, headers=headers)
    assert response.status_code == 422, response.text
    assert field.lower() in response.text.lower()


def test_a_stream_needs_a_token_of_a_role_that_reads_history(feed_server: Server) -> None:
    assert httpx.get(f"{feed_server.url}/v1/events/stream", timeout=10).status_code == 401
    with feed_server.client() as http:
        viewer = http.post("/v1/tokens", json={"role": "viewer", "name": "viewer.feed",
                                               "all_programs": True}).json()["token"]
    with feed_server.client(viewer) as http:
        assert http.get("/v1/events/stream").status_code == 403


def test_revoking_the_token_ends_its_open_stream(feed_server: Server) -> None:
    with feed_server.client() as http:
        issued = http.post("/v1/tokens", json={"role": "auditor", "name": "revoked.feed",
                                               "all_programs": True}).json()
        with feed_server.client(issued["token"]) as reader, reader.stream(
                "GET", "/v1/events/stream") as response:
            assert response.status_code == 200
            assert http.delete(f"/v1/tokens/{issued['id']}").status_code == 200
            assert list(sse_events(response)) == []  # it ends instead of waiting for events


def test_shutting_the_server_down_ends_open_streams(tmp_path: Path) -> None:
    server = start_server(f"sqlite:///{tmp_path / 'ledger.db'}", tmp_path)
    try:
        with server.client() as http, http.stream("GET", "/v1/events/stream",
                                                  params={"after": 0}) as response:
            assert response.status_code == 200
            server.process.terminate()
            for _ in sse_events(response):
                pass  # the stream ends rather than hang
        # uvicorn waits for open responses before it exits, then re-raises the signal.
        assert server.process.wait(timeout=20) in (0, -15)
    finally:
        stop_server(server)
