"""While the database is unreachable requests get a prompt 503; afterwards the server
recovers by itself, with no restart."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from tests.e2e.conftest import Server, TcpProxy, start_server, stop_server

REPORT = {"overall": "green", "schedule": "green", "cost": "green", "scope": "green",
          "resources": "green", "narrative": "weekly"}


@pytest.fixture
def proxied(postgres_url: str, tmp_path: Path) -> Iterator[tuple[Server, TcpProxy]]:
    proxy = TcpProxy()
    url = sa.make_url(postgres_url).set(port=proxy.port).render_as_string(hide_password=False)
    server = start_server(url, tmp_path)
    yield server, proxy
    proxy.restore() if proxy._listener is None else None
    stop_server(server)


@pytest.mark.postgres
def test_outage_answers_503_quickly_and_recovers_without_restart(
        proxied: tuple[Server, TcpProxy]) -> None:
    server, proxy = proxied
    with server.client() as http:
        program = http.post("/v1/programs", json={
            "code": "OUT", "name": "Outage drill", "sponsor": "s", "manager": "m"}).json()["id"]
        project = http.post(f"/v1/programs/{program}/projects", json={
            "name": "P", "manager": "m", "planned_start": "2025-01-01",
            "planned_finish": "2025-12-31"}).json()["id"]
        acknowledged = [http.post(f"/v1/projects/{project}/status-reports", json=REPORT)
                        .json()["position"] for _ in range(3)]

        proxy.cut()
        for attempt in (lambda: http.post(f"/v1/projects/{project}/status-reports",
                                          json=REPORT),
                        lambda: http.get(f"/v1/projects/{project}"),
                        lambda: http.get("/readyz")):
            started = time.monotonic()
            response = attempt()
            assert time.monotonic() - started < 5.0
            assert response.status_code == 503, response.text
            assert response.headers["content-type"] == "application/problem+json"
            assert "Traceback" not in response.text and response.headers["retry-after"]

        proxy.restore()
        recovered = _first_success(lambda: http.post(
            f"/v1/projects/{project}/status-reports", json=REPORT))
        position = recovered.json()["position"]
        view = _first_success(lambda: http.get(f"/v1/projects/{project}",
                                               params={"min_position": position}))
        history = http.get(f"/v1/aggregates/{project}/history").json()
    assert [e["position"] for e in history if e["position"] in acknowledged] == acknowledged
    assert view.json()["version"] == len(history)


def _first_success(call: object, seconds: float = 20.0) -> httpx.Response:
    """Retry until the service answers 2xx again (it must, without a restart)."""
    deadline = time.monotonic() + seconds
    while True:
        response: httpx.Response = call()  # type: ignore[operator]
        if response.status_code < 300 or time.monotonic() > deadline:
            assert response.status_code < 300, response.text
            return response
        time.sleep(0.2)
