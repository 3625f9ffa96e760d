"""R9: a hot standby for queries and audits. A throwaway primary and a `pg_basebackup -R`
streaming standby (bench/cluster.py, never the machine's 5432), two API processes and the
projector on the primary, and a query-only API process reading the standby
(LEDGER_READ_DATABASE_URL), all under write load.

What the standby may answer is documented in README "Deploying at scale": a read with
min_position is answered once the standby has replayed and projected it; a standby that is
down or further behind than LEDGER_READ_MAX_LAG_SECONDS is not read from, and its reads go to
the primary (``Ledger-Read-From: primary``); the only 5xx is the documented 503.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from bench.cluster import Cluster, binaries_present

from tests.conftest import IN_CI
from tests.e2e.conftest import Server, start_server, stop_server
from tests.reliability.conftest import (
    REPORT,
    LoadProcess,
    bounded,
    poll,
    scaled,
    set_up_program,
    start_projector,
    stop_projector,
)
from tests.reliability.invariants import wait_until_projected

READ_FROM = "Ledger-Read-From"
MAX_LAG = "5"


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if not binaries_present():
        if IN_CI:
            pytest.fail("the standby drill needs PostgreSQL's server binaries under CI=true")
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup)")
    running = Cluster()
    try:
        yield running.start()
    finally:
        running.close()


@dataclass
class Deployment:
    cluster: Cluster
    writers: Server  # two API processes on the primary
    reader: Server  # one API process reading the standby
    projector: subprocess.Popen[str]
    data_dir: Path


@pytest.fixture
def deployment(cluster: Cluster, tmp_path: Path) -> Iterator[Deployment]:
    primary = cluster.primary_url
    started: list[Server] = []
    projector = None
    try:
        started.append(start_server(primary, tmp_path, "--no-projector", "--workers", "2"))
        projector = start_projector(primary, tmp_path)
        started.append(start_server(primary, tmp_path, "--no-projector",
                                    LEDGER_READ_DATABASE_URL=cluster.standby_url,
                                    LEDGER_READ_MAX_LAG_SECONDS=MAX_LAG,
                                    LEDGER_READ_WAIT_SECONDS="5"))
        yield Deployment(cluster, started[0], started[1], projector, tmp_path)
    finally:
        for server in started:
            stop_server(server)
        if projector is not None:
            stop_projector(projector)


def report(http: httpx.Client, project: str, narrative: str) -> dict[str, Any]:
    response = http.post(f"/v1/projects/{project}/status-reports",
                         json={**REPORT, "narrative": narrative})
    assert response.status_code == 201, response.text
    return dict(response.json())


def read_your_write(writers: httpx.Client, reader: httpx.Client, project: str,
                    narrative: str) -> httpx.Response:
    """Write on the primary, then read it back through the standby's API process with
    min_position; whichever database answers, the answer includes the write."""
    written = report(writers, project, narrative)
    response = reader.get(f"/v1/projects/{project}",
                          params={"min_position": written["position"]})
    if response.status_code == 200:
        body = response.json()
        assert body["version"] >= written["version"], (response.headers, body)
        assert body["position"] >= written["position"]
        assert response.headers[READ_FROM] in {"standby", "primary"}
    else:  # the one documented failure: the database answering could not be reached
        assert response.status_code == 503, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["title"] in {"Service unavailable", "Not caught up"}
        assert "Retry-After" in response.headers
    return response


@pytest.mark.postgres
@pytest.mark.timeout(bounded(240))
def test_a_hot_standby_answers_reads_as_the_primary_would_degrades_to_it_and_catches_up(
        deployment: Deployment, start_load: Callable[..., LoadProcess]) -> None:
    cluster = deployment.cluster
    with deployment.writers.client() as writers, \
            deployment.reader.client(deployment.writers.admin_token) as reader:
        program = set_up_program(writers)
        load = start_load(deployment.writers, program, clients=4, commands=scaled(400),
                          seconds=bounded(90))
        load.wait_for(lambda records: len(records) >= 20, "the load to be under way")

        # Read-your-writes through the standby, under load.
        reads = [read_your_write(writers, reader, program.projects[n % 3], f"ryw {n}")
                 for n in range(scaled(60))]
        assert [r.status_code for r in reads] == [200] * len(reads)
        assert any(r.headers[READ_FROM] == "standby" for r in reads)

        # As-of at a position: the standby's replay equals the primary's.
        position = report(writers, program.projects[0], "as-of")["position"]
        as_of = {"primary": writers.get(f"/v1/programs/{program.id}/as-of",
                                        params={"position": position})}
        as_of["standby"] = poll(lambda: answered_by_standby(reader.get(
            f"/v1/programs/{program.id}/as-of", params={"position": position})),
            "an as-of answered by the standby", bounded(30))
        assert as_of["primary"].status_code == 200
        assert as_of["standby"].json() == as_of["primary"].json()

        # The standby goes away: its reads go to the primary, never a wrong answer.
        cluster.stop_standby()
        degraded = [read_your_write(writers, reader, program.projects[1], f"down {n}")
                    for n in range(scaled(40))]
        assert {r.status_code for r in degraded} <= {200, 503}
        poll(lambda: read_your_write(writers, reader, program.projects[1], "fallback")
             .headers.get(READ_FROM) == "primary", "reads to fall back to the primary",
             bounded(30))
        history = reader.get(f"/v1/aggregates/{program.projects[1]}/history")
        assert history.status_code == 200 and history.headers[READ_FROM] == "primary"
        down_as_of = reader.get(f"/v1/programs/{program.id}/as-of",
                                params={"position": position})
        assert down_as_of.headers[READ_FROM] == "primary"
        assert down_as_of.json() == as_of["primary"].json()

        # It comes back while the writes go on, and catches up by itself.
        cluster.start_standby()
        poll(lambda: read_your_write(writers, reader, program.projects[2], "back")
             .headers.get(READ_FROM) == "standby", "the standby to answer again",
             bounded(60))

        load.stop()
        load.finish()
        head = report(writers, program.projects[0], "last")["position"]
        wait_until_projected(cluster.primary_url, head, deployment.projector)
        assert writers.post("/v1/audit/checkpoints").status_code == 201
        poll(cluster.replay_lsn_caught_up, "the standby to replay the whole log", bounded(60))

        # Verification on the standby equals the primary's, in the API and the CLI.
        verified = {name: client.get("/v1/audit/verify")
                    for name, client in (("primary", writers), ("standby", reader))}
        assert verified["standby"].headers[READ_FROM] == "standby"
        assert verified["standby"].json() == verified["primary"].json()
        assert verified["primary"].json()["ok"] is True
        assert verified["primary"].json()["head"]["position"] == head
        on_standby = cli_verify(deployment, "--read-url", cluster.standby_url)
        on_primary = cli_verify(deployment, "--read-url", "")
        assert on_standby["source"] == "standby" and on_primary["source"] == "primary"
        assert on_standby["ok"] and on_standby["head"] == on_primary["head"]
        assert on_standby["head"] == verified["primary"].json()["head"]

        # An export read on the standby is the primary's, byte for byte.
        exported = {name: client.get("/v1/audit/export")
                    for name, client in (("primary", writers), ("standby", reader))}
        assert exported["standby"].headers[READ_FROM] == "standby"
        assert exported["standby"].status_code == 200
        assert exported["standby"].content == exported["primary"].content
        files = {name: deployment.data_dir / f"export-{name}.jsonl"
                 for name in ("standby", "primary")}
        cli(deployment, "export", "--out", str(files["standby"]),
            "--read-url", cluster.standby_url)
        cli(deployment, "export", "--out", str(files["primary"]), "--read-url", "")
        assert files["standby"].read_bytes() == files["primary"].read_bytes() \
            == exported["primary"].content


def answered_by_standby(response: httpx.Response) -> httpx.Response | None:
    """The response if the standby gave it; any answer must be a 200 either way."""
    assert response.status_code == 200, response.text
    return response if response.headers[READ_FROM] == "standby" else None


def cli_verify(deployment: Deployment, *options: str) -> dict[str, Any]:
    """`ledger audit verify --json`, its last line."""
    output = cli(deployment, "verify", "--json", *options)
    return dict(json.loads(output.strip().splitlines()[-1]))


def cli(deployment: Deployment, command: str, *options: str) -> str:
    """`ledger audit COMMAND` with the primary as LEDGER_DATABASE_URL; its stdout."""
    done = subprocess.run(
        [sys.executable, "-c", "from ledger.cli import main; main()", "audit", command,
         *options],
        env={**os.environ, "LEDGER_DATABASE_URL": deployment.cluster.primary_url,
             "LEDGER_DATA_DIR": str(deployment.data_dir)},
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


