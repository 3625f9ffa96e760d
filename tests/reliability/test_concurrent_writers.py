"""R1: many clients racing over HTTP on one program's aggregates, and spread over four
programs, against a real server."""

from __future__ import annotations

import subprocess
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import Server, start_server, stop_server
from tests.reliability.conftest import (
    LoadProcess,
    ProgramUnderLoad,
    Record,
    accepted,
    bounded,
    scaled,
    set_up_program,
    start_projector,
    stop_projector,
)
from tests.reliability.invariants import (
    EVENTS_PER_COMMAND,
    check_acknowledged_exactly_once,
    check_every_command_whole,
    check_graph_acyclic_and_capacity_governed,
    check_read_models_equal_rebuild,
    check_refusals_wrote_nothing,
    read_log,
    wait_until_projected,
)

CLIENTS = 16
COMMANDS_PER_CLIENT = scaled(200)


@pytest.fixture
def deployment(postgres_url: str, tmp_path: Path
               ) -> Iterator[tuple[Server, subprocess.Popen[str]]]:
    """The API and the projector in two processes, as on PostgreSQL in production."""
    server = start_server(postgres_url, tmp_path, "--no-projector")  # migrates first
    projector = start_projector(postgres_url, tmp_path)
    yield server, projector
    stop_server(server)
    stop_projector(projector)


@pytest.mark.postgres
@pytest.mark.timeout(bounded(600))
def test_racing_clients_get_only_2xx_409_or_412_and_the_log_holds_exactly_the_accepted(
        deployment: tuple[Server, subprocess.Popen[str]],
        start_load: Callable[..., LoadProcess]) -> None:
    server, projector = deployment
    with server.client() as http:
        program = set_up_program(http)
    load = start_load(server, program, clients=CLIENTS, commands=COMMANDS_PER_CLIENT,
                      seconds=bounded(400))
    _check_the_drill(server, projector, load.finish(), [program])


@pytest.mark.postgres
@pytest.mark.timeout(bounded(600))
def test_racing_clients_over_four_programs_keep_every_guarantee(
        deployment: tuple[Server, subprocess.Popen[str]],
        start_load: Callable[..., LoadProcess]) -> None:
    """The same drill with the 16 clients spread over four programs, whose commands run in
    parallel up to the append (each program has its own lock)."""
    server, projector = deployment
    with server.client() as http:
        programs = [set_up_program(http, code=f"LOAD{n}") for n in range(4)]
    loads = [start_load(server, program, clients=CLIENTS // 4, commands=COMMANDS_PER_CLIENT,
                        seconds=bounded(400), seed=n + 1) for n, program in enumerate(programs)]
    _check_the_drill(server, projector, [r for load in loads for r in load.finish()], programs)


def _check_the_drill(server: Server, projector: subprocess.Popen[str], records: list[Record],
                     programs: list[ProgramUnderLoad]) -> None:
    """Only 2xx, 409 or 412; every kind of race happened; each acknowledged command is in
    the log exactly once and whole; refusals wrote nothing; the rules held in every program;
    the read models equal a rebuild."""
    statuses = Counter(r["status"] for r in records)
    assert len(records) == CLIENTS * COMMANDS_PER_CLIENT, statuses  # none cut short
    unexpected = [r for r in records if r["status"] not in (200, 201, 409, 412)]
    assert not unexpected, (statuses, unexpected[:5])
    rules = Counter(r["rule"] for r in records if r["status"] == 409)
    # The drill is only worth something if every kind of race actually happened.
    assert rules["dependency_cycle"] and rules["capacity_exceeded"] and statuses[412], rules
    assert all(r["status"] == 412 for r in records if r["if_match"] == "stale")

    wanted = accepted(records)
    head = max(r["position"] for r in wanted)
    wait_until_projected(server.database_url, head, projector)
    stop_server(server)  # nothing writes or projects from here on
    stop_projector(projector)

    log = read_log(server.database_url)
    setup_head = programs[-1].setup_head  # every program was set up before the load began
    assert len(log) == setup_head + sum(EVENTS_PER_COMMAND[r["kind"]] for r in wanted)
    check_acknowledged_exactly_once(records, log, after=setup_head)
    check_refusals_wrote_nothing(records, log, after=setup_head)
    check_every_command_whole(log, after=setup_head)
    for program in programs:
        check_graph_acyclic_and_capacity_governed(server.database_url, program.id,
                                                  program.resources)
    check_read_models_equal_rebuild(server.database_url)
