"""R3: the database goes away under load. Every request meanwhile gets a prompt 503 problem;
afterwards the API and the projector recover by themselves, and nothing acknowledged is lost.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import start_server, stop_server
from tests.reliability.conftest import (
    REPORT,
    LoadProcess,
    accepted,
    bounded,
    poll,
    scaled,
    set_up_program,
    start_projector,
    stop_projector,
)
from tests.reliability.invariants import (
    check_acknowledged_exactly_once,
    check_every_command_whole,
    check_read_models_equal_rebuild,
    check_refusals_wrote_nothing,
    read_log,
    wait_until_projected,
)
from tests.reliability.outages import (
    Database,
    ProxiedDatabase,
    ThrowawayCluster,
    postgres_binaries,
)

PROMPT_SECONDS = 5.0  # the bound R3 sets on a 503 while the database is down
CLIENTS = 8


@pytest.fixture
def database(request: pytest.FixtureRequest) -> Iterator[Database]:
    """A PostgreSQL of the test's own to stop for real; a proxy to cut where there is none."""
    binaries = postgres_binaries()
    if binaries is not None:
        database: Database = ThrowawayCluster(binaries)
    else:
        database = ProxiedDatabase(request.getfixturevalue("postgres_url"))
    yield database
    database.destroy()


def prompt_problem(call: Callable[[], httpx.Response]) -> httpx.Response:
    """The call's response, which must be a 503 problem with Retry-After, in time."""
    started = time.monotonic()
    response = call()
    assert time.monotonic() - started < PROMPT_SECONDS
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "Traceback" not in response.text and response.headers["retry-after"]
    return response


def report(http: httpx.Client, project: str) -> httpx.Response:
    """A status report whose request id marks it as one, like the load's (see invariants)."""
    return http.post(f"/v1/projects/{project}/status-reports", json=REPORT,
                     headers={"X-Request-ID": f"report-main-{uuid.uuid4().hex[:12]}"})


def first_success(call: Callable[[], httpx.Response], seconds: float = 30) -> httpx.Response:
    """Retry until the service answers 2xx again; it must, without a restart."""
    last: list[httpx.Response] = []

    def succeeded() -> bool:
        last[:] = [call()]
        return last[0].is_success

    poll(succeeded, "a 2xx after the database came back", seconds)
    return last[0]


@pytest.mark.postgres
@pytest.mark.timeout(bounded(300))
def test_database_outage_under_load_answers_prompt_503_and_recovers_without_restart(
        database: Database, tmp_path: Path, start_load: Callable[..., LoadProcess]) -> None:
    server = start_server(database.url, tmp_path, "--no-projector")
    projector = start_projector(database.url, tmp_path)
    try:
        with server.client() as http:
            program = set_up_program(http)
            project = program.projects[0]
            load = start_load(server, program, clients=CLIENTS, commands=scaled(2000),
                              seconds=bounded(150))
            load.wait_for(lambda rs: len(accepted(rs)) >= scaled(60), "commands before")

            going = time.monotonic()
            database.stop()
            down = time.monotonic()
            prompt_problem(lambda: report(http, project))
            prompt_problem(lambda: http.get(f"/v1/projects/{project}"))
            prompt_problem(lambda: http.get("/readyz"))
            load.wait_for(lambda rs: len([r for r in rs if r["t0"] >= down]) >= 3 * CLIENTS,
                          "the load to meet the outage")

            coming = time.monotonic()
            database.start()
            up = time.monotonic()
            load.wait_for(lambda rs: any(r["t0"] >= up for r in accepted(rs)),
                          "the load to be served again")
            written = first_success(lambda: report(http, project))
            read = first_success(lambda: http.get(
                f"/v1/projects/{project}", params={"min_position": written.json()["position"]}))
            assert read.json()["version"] >= written.json()["version"]  # the load goes on
            load.stop()
            records = load.finish()
            assert server.process.poll() is None and projector.poll() is None  # no restart
            wait_until_projected(database.url, read_log(database.url)[-1].position, projector)
    finally:
        stop_server(server)
        stop_projector(projector)

    during = [r for r in records if down <= r["t0"] and r["t1"] <= coming]
    assert len(during) >= 3 * CLIENTS
    slow_or_wrong = [r for r in during if r["status"] != 503 or r["t1"] - r["t0"] >= PROMPT_SECONDS
                     or r["ctype"] != "application/problem+json" or not r["retry_after"]]
    assert not slow_or_wrong, (database.kind, slow_or_wrong[:5])
    # The server never went away, and 503 means the database was away: from the stop on.
    unexpected = [r for r in records if r["status"] not in (200, 201, 409, 412, 503)
                  or (r["status"] == 503 and r["t1"] < going)]
    assert not unexpected, unexpected[:5]
    log = read_log(database.url)
    check_acknowledged_exactly_once(records, log, after=program.setup_head)
    check_refusals_wrote_nothing(records, log, after=program.setup_head)
    check_every_command_whole(log, after=program.setup_head)
    check_read_models_equal_rebuild(database.url)

