"""R2: kill -9 of the API server, then of the projector, while a load process posts commands."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from tests.e2e.conftest import start_server, stop_server
from tests.reliability.conftest import (
    LoadProcess,
    Record,
    accepted,
    bounded,
    scaled,
    set_up_program,
    start_projector,
    stop_projector,
)
from tests.reliability.invariants import (
    check_acknowledged_exactly_once,
    check_audit_trail_covers_log,
    check_every_command_whole,
    check_read_models_equal_rebuild,
    check_refusals_wrote_nothing,
    read_log,
    wait_until_projected,
)

STEP = scaled(60)  # acknowledged commands between one fault and the next
PROJECTOR_ENV = {"LEDGER_PROJECTION_BATCH_SIZE": "10", "LEDGER_CHECKPOINT_EVERY_EVENTS": "100"}


def acknowledged_since(count: int, since: float) -> Callable[[list[Record]], bool]:
    return lambda records: len([r for r in accepted(records) if r["t0"] >= since]) >= count


def kill_9(process: subprocess.Popen[str]) -> float:
    """SIGKILL: no handler runs, no batch is finished, no connection is closed cleanly.
    Returns when the signal was sent."""
    sent = time.monotonic()
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL
    return sent


@pytest.mark.postgres
@pytest.mark.timeout(bounded(300))
def test_kill_9_of_api_server_then_projector_under_load_loses_and_repeats_nothing(
        postgres_url: str, tmp_path: Path, start_load: Callable[..., LoadProcess]) -> None:
    server = start_server(postgres_url, tmp_path, "--no-projector")
    projector = start_projector(postgres_url, tmp_path, **PROJECTOR_ENV)
    try:
        with server.client() as http:
            program = set_up_program(http)
        load = start_load(server, program, clients=8, commands=scaled(600),
                          seconds=bounded(150))
        load.wait_for(acknowledged_since(STEP, 0), "commands before the server is killed")

        server_killed = kill_9(server.process)
        load.wait_for(lambda rs: any(r["status"] is None and r["t0"] > server_killed
                                     for r in rs), "a client to find the server gone")
        server = replace(start_server(postgres_url, tmp_path, "--no-projector"),
                         admin_token=server.admin_token)  # the token is printed once only
        load.point_at(server)
        server_back = time.monotonic()
        load.wait_for(acknowledged_since(STEP, server_back), "commands after the restart")

        projector_killed = kill_9(projector)
        load.wait_for(acknowledged_since(STEP, projector_killed),
                      "commands while no projector runs")
        projector = start_projector(postgres_url, tmp_path, **PROJECTOR_ENV)
        load.wait_for(acknowledged_since(STEP, time.monotonic()),
                      "commands after the projector restarted")
        load.stop()
        records = load.finish()

        head = read_log(postgres_url)[-1].position
        wait_until_projected(postgres_url, head, projector)
        last = max(accepted(records), key=lambda r: r["position"])
        with server.client() as http:  # the restarted server reads its writes again
            read = http.get(f"/v1/programs/{program.id}",
                            params={"min_position": last["position"]})
            verified = http.get("/v1/audit/verify")
        assert read.status_code == 200, read.text
        assert verified.status_code == 200 and verified.json()["ok"], verified.text
    finally:
        stop_server(server)
        stop_projector(projector)

    unexpected = [r for r in records if r["status"] not in (200, 201, 409, 412, None)]
    assert not unexpected, unexpected[:5]
    # Requests fail only while no server listens: in flight at the kill, or before the restart.
    failed = [r for r in records if r["status"] is None]
    assert failed
    assert not [r for r in failed if r["t1"] < server_killed or r["t0"] > server_back]
    log = read_log(postgres_url)
    assert verified.json()["checked"] == len(log)
    check_acknowledged_exactly_once(records, log, after=program.setup_head)
    check_refusals_wrote_nothing(records, log, after=program.setup_head)
    check_every_command_whole(log, after=program.setup_head)
    check_audit_trail_covers_log(postgres_url, log)
    check_read_models_equal_rebuild(postgres_url)
