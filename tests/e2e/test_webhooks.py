"""Webhooks end to end: an admin subscribes, `ledger publish` delivers to a real local HTTP
receiver that fails, times out and recovers; every delivery verifies with the
`standardwebhooks` package; each attempt is logged; a receiver that never answers well gets
its subscription disabled."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from standardwebhooks import Webhook

from tests.e2e.conftest import Server, start_server, stop_server
from tests.e2e.test_event_stream import define_program, report

LEDGER = [sys.executable, "-c", "from ledger.cli import main; main()"]
TIMEOUT = 0.5


@dataclass
class Receiver:
    """Answers each POST as the next entry of ``script`` says ("fail", "slow", then "ok")."""

    script: list[str]
    received: list[tuple[dict[str, str], bytes, str]] = field(default_factory=list)
    url: str = ""

    def handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                outcome = receiver.script.pop(0) if receiver.script else "ok"
                receiver.received.append((dict(self.headers), body, outcome))
                if outcome == "slow":
                    time.sleep(TIMEOUT * 3)
                self.send_response(500 if outcome == "fail" else 200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


@pytest.fixture
def receivers() -> Iterator[list[Receiver]]:
    started: list[tuple[Receiver, ThreadingHTTPServer]] = []

    def start(script: list[str]) -> Receiver:
        receiver = Receiver(script)
        server = ThreadingHTTPServer(("127.0.0.1", 0), receiver.handler())
        receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started.append((receiver, server))
        return receiver

    yield [start(["fail", "fail", "slow"]), start(["fail"] * 100)]
    for _, server in started:
        server.shutdown()


@pytest.fixture(scope="module")
def hook_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("hooks")
    running = start_server(f"sqlite:///{data / 'ledger.db'}", data)
    yield running
    stop_server(running)


def until(condition: Any, what: str, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.05)
    return found


def test_deliveries_are_signed_retried_logged_and_a_dead_receiver_is_disabled(
        hook_server: Server, receivers: list[Receiver]) -> None:
    flaky, dead = receivers
    with hook_server.client() as http:
        _program, project = define_program(http, "HOOK")  # before: not delivered
        wanted = http.post("/v1/webhooks", json={
            "url": flaky.url, "types": ["org.ledger.ProjectStatusReported"]})
        assert wanted.status_code == 201, wanted.text
        hook = wanted.json()
        assert hook["secret"].startswith("whsec_") and hook["status"] == "active"
        doomed = http.post("/v1/webhooks", json={"url": dead.url}).json()
        listed = http.get("/v1/webhooks").json()["items"]
        assert {hook["id"], doomed["id"]} <= {h["id"] for h in listed}
        assert all("secret" not in h for h in listed)
        positions = [report(http, project, f"week {n}") for n in range(3)]
        publisher = subprocess.Popen([*LEDGER, "publish"], env={
            **os.environ, "LEDGER_DATABASE_URL": hook_server.database_url,
            "LEDGER_DATA_DIR": str(Path(hook_server.database_url.removeprefix("sqlite:///")
                                        ).parent),
            "LEDGER_NATS_URL": "",
            "LEDGER_FEED_POLL_SECONDS": "0.05", "LEDGER_WEBHOOK_TIMEOUT_SECONDS": str(TIMEOUT),
            "LEDGER_WEBHOOK_RETRY_BASE_SECONDS": "0.1", "LEDGER_WEBHOOK_RETRY_MAX_SECONDS": "0.4",
            "LEDGER_WEBHOOK_MAX_FAILURES": "4"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            accepted = until(lambda: _accepted(flaky, hook["secret"], positions),
                             "the flaky receiver accepted every report")
            disabled = until(lambda: [h for h in http.get("/v1/webhooks").json()["items"]
                                      if h["id"] == doomed["id"] and h["status"] == "disabled"],
                             "the dead receiver's webhook was disabled")
        finally:
            publisher.terminate()
            publisher.wait(timeout=20)
        assert accepted == positions  # in log order, none missing
        assert disabled[0]["disabled_at"] and disabled[0]["failures"] == 4
        log = http.get(f"/v1/webhooks/{hook['id']}/deliveries").json()["items"][::-1]
        assert [(d["position"], d["ok"]) for d in log] == [
            (positions[0], False), (positions[0], False), (positions[0], False),
            (positions[0], True), (positions[1], True), (positions[2], True)]
        assert [d["status_code"] for d in log[:2]] == [500, 500]
        assert "Timeout" in log[2]["error"] and log[2]["next_retry_at"]
        assert [d["attempt"] for d in log[:4]] == [1, 2, 3, 4]
        dead_log = http.get(f"/v1/webhooks/{doomed['id']}/deliveries").json()["items"]
        assert len(dead_log) == 4 and not any(d["ok"] for d in dead_log)
        assert http.delete(f"/v1/webhooks/{doomed['id']}").status_code == 204
        assert http.get(f"/v1/webhooks/{doomed['id']}/deliveries").status_code == 404


def _accepted(receiver: Receiver, secret: str, positions: list[int]) -> list[int] | None:
    """The positions the receiver answered 200 for, once each, every signature verified by
    the standardwebhooks package; None until all of ``positions`` are there."""
    verifier, seen = Webhook(secret), []
    for headers, body, outcome in list(receiver.received):
        event = verifier.verify(body, headers)
        assert headers["webhook-id"] == event["id"]
        if outcome == "ok" and int(event["id"]) not in seen:
            seen.append(int(event["id"]))
    return seen if set(positions) <= set(seen) else None


@pytest.mark.parametrize(("body", "field"), [
    ({"url": "ftp://example.com/x"}, "url"),
    ({"url": "not a url"}, "url"),
    ({"url": "http://127.0.0.1/h", "types": ["NoSuchEvent"]}, "types"),
    ({"url": "http://127.0.0.1/h", "program_ids": ["nope"]}, "program_ids"),
    ({"url": "http://127.0.0.1/h", "secret": "mine"}, "secret"),
])
def test_bad_subscriptions_are_422_naming_the_field(hook_server: Server, body: dict,
                                                    field: str) -> None:
    with hook_server.client() as http:
        before = http.get("/v1/webhooks").json()["items"]
        response = http.post("/v1/webhooks", json=body)
        assert response.status_code == 422, response.text
        assert field in json.dumps(response.json()["errors"])
        assert http.get("/v1/webhooks").json()["items"] == before


def test_only_an_admin_of_every_program_manages_webhooks(hook_server: Server) -> None:
    with hook_server.client() as http:
        program, _ = define_program(http, "ADM")
        tokens = {name: http.post("/v1/tokens", json=scope | {"role": role, "name": name})
                  .json()["token"]
                  for name, role, scope in (("ed.hooks", "editor", {"all_programs": True}),
                                            ("ad.scoped", "admin", {"program_ids": [program]}))}
    for token in tokens.values():
        with httpx.Client(base_url=hook_server.url, timeout=10,
                          headers={"Authorization": f"Bearer {token}"}) as http:
            assert http.post("/v1/webhooks", json={"url": "http://127.0.0.1/h"}
                             ).status_code == 403
            assert http.get("/v1/webhooks").status_code == 403
