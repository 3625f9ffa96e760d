"""Which database answers a read when a standby is configured (LEDGER_READ_DATABASE_URL), in
process: a standby that cannot be reached (reads go to the primary and say so), and the
primary's own database named as its standby (always caught up, so every read goes there).
Replication itself is exercised by tests/reliability/test_standby.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger.settings import Settings
from tests.api.conftest import REPORT, Api, World, build_world, running_api
from tests.e2e.conftest import free_port

ONLY_POSTGRES = pytest.mark.parametrize(
    "database_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
READ_FROM = "Ledger-Read-From"


def with_standby(database_url: str, tmp_path: Path, standby_url: str) -> Settings:
    return Settings(database_url=database_url, data_dir=tmp_path, read_wait_seconds=2.0,
                    projection_poll_seconds=0.05, read_database_url=standby_url)


@pytest.fixture
def gone_standby(database_url: str, tmp_path: Path) -> Iterator[Api]:
    nowhere = f"postgresql+psycopg2://postgres@127.0.0.1:{free_port()}/gone"
    with running_api(with_standby(database_url, tmp_path, nowhere)) as api:
        yield api


@pytest.fixture
def own_standby(database_url: str, tmp_path: Path) -> Iterator[Api]:
    with running_api(with_standby(database_url, tmp_path, database_url)) as api:
        yield api


def report(api: Api, world: World, narrative: str) -> dict[str, int]:
    response = api.post(f"/v1/projects/{world.project}/status-reports",
                        {**REPORT, "narrative": narrative})
    assert response.status_code == 201, response.text
    return dict(response.json())


def reads(api: Api, world: World, position: int) -> dict[str, object]:
    """Each kind of read, with min_position where it takes one: its status and source."""
    answers = {
        "read model": api.get(f"/v1/projects/{world.project}", min_position=position),
        "as-of": api.get(f"/v1/programs/{world.program}/as-of", role="auditor",
                         position=position),
        "history": api.get(f"/v1/aggregates/{world.project}/history", role="auditor"),
        "report": api.get(f"/v1/programs/{world.program}/reports/benefits"),
        "verify": api.get("/v1/audit/verify", role="auditor"),
    }
    for name, response in answers.items():
        assert response.status_code == 200, (name, response.text)
    return {name: response.headers.get(READ_FROM) for name, response in answers.items()}


@ONLY_POSTGRES
def test_a_standby_that_cannot_be_reached_sends_every_read_to_the_primary_and_says_so(
        gone_standby: Api) -> None:
    world = build_world(gone_standby)
    written = report(gone_standby, world, "slipping")
    assert set(reads(gone_standby, world, written["position"]).values()) == {"primary"}
    project = gone_standby.get(f"/v1/projects/{world.project}",
                               min_position=written["position"]).json()
    assert project["latest_report"]["narrative"] == "slipping"
    ready = gone_standby.client.get("/readyz").json()
    assert ready["standby"]["reachable"] is False and ready["standby"]["read_from"] is False


@ONLY_POSTGRES
def test_a_standby_that_holds_everything_answers_every_read(own_standby: Api) -> None:
    world = build_world(own_standby)
    written = report(own_standby, world, "late")
    assert set(reads(own_standby, world, written["position"]).values()) == {"standby"}
    ready = own_standby.client.get("/readyz").json()
    assert ready["standby"]["reachable"] is True and ready["standby"]["read_from"] is True


@ONLY_POSTGRES
def test_without_a_standby_reads_do_not_name_a_source(api: Api, world: World) -> None:
    response = api.get(f"/v1/projects/{world.project}")
    assert response.status_code == 200 and READ_FROM not in response.headers
    assert "standby" not in api.client.get("/readyz").json()
