"""A client generated from the live `/openapi.json` with `openapi-python-client` reads well and
works: its functions are named after the operation ids, and a command goes through it end to
end (bearer token, `If-Match`, `Idempotency-Key`) against a real `ledger serve`."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from uuid import uuid4

import pytest

from tests.e2e.conftest import Server, start_demo_server, stop_server

GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_demo_server(Path(tmp_path_factory.mktemp("client-demo")))
    yield server
    stop_server(server)


@pytest.fixture
def generated(live_server: Server, tmp_path: Path,
              monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """The package `ledger_client`, generated into ``tmp_path`` and importable for this test."""
    config = tmp_path / "generator.yaml"
    config.write_text("post_hooks: []\n")  # no formatter needed to use the code
    subprocess.run([str(GENERATOR), "generate", "--url", f"{live_server.url}/openapi.json",
                    "--meta", "none", "--output-path", str(tmp_path / "ledger_client"),
                    "--config", str(config)], check=True, capture_output=True, text=True)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield importlib.import_module("ledger_client")
    for name in [n for n in sys.modules if n.split(".")[0] == "ledger_client"]:
        del sys.modules[name]  # the next generation must be imported afresh


def operation(package: ModuleType, tag: str, operation_id: str) -> Any:
    """The module the generator wrote for one operation: ``api/<tag>/<snake_case id>.py``."""
    return importlib.import_module(f"{package.__name__}.api.{tag}.{operation_id}")


def test_a_status_report_goes_through_the_generated_client(
        generated: ModuleType, live_server: Server) -> None:
    models = importlib.import_module("ledger_client.models")
    client = generated.AuthenticatedClient(base_url=live_server.url,
                                           token=live_server.admin_token)
    programs = operation(generated, "programs", "list_programs").sync(client=client)
    program = programs.items[0]
    projects = operation(generated, "programs", "list_program_projects").sync(
        client=client, program_id=program.id)
    project = next(p for p in projects.items if p.lifecycle == "in_progress")

    report = models.ReportStatus(
        overall=models.ReportStatusOverall("amber"), schedule=models.ReportStatusSchedule("amber"),
        cost=models.ReportStatusCost("green"), scope=models.ReportStatusScope("green"),
        resources=models.ReportStatusResources("green"), narrative="Sent by a generated client",
        reason="Supplier slipped two weeks")
    report_status = operation(generated, "projects", "report_project_status")
    key = str(uuid4())
    sent = report_status.sync_detailed(client=client, project_id=project.id, body=report,
                                       if_match=f'"{project.version}"', idempotency_key=key)
    assert sent.status_code == 201, sent.content
    assert (sent.parsed.id, sent.parsed.version) == (project.id, project.version + 1)

    again = report_status.sync_detailed(client=client, project_id=project.id, body=report,
                                        if_match=f'"{project.version}"', idempotency_key=key)
    assert again.status_code == 201  # the first answer, replayed: nothing new is written
    assert again.parsed.position == sent.parsed.position

    stale = report_status.sync_detailed(client=client, project_id=project.id, body=report,
                                        if_match=f'"{project.version}"',
                                        idempotency_key=str(uuid4()))
    assert stale.status_code == 412

    read = operation(generated, "projects", "get_project").sync(
        client=client, project_id=project.id, min_position=sent.parsed.position)
    assert read.version == project.version + 1
    assert read.latest_report.narrative == "Sent by a generated client"
    assert read.latest_report.overall == "amber"


def test_the_client_refuses_a_call_without_the_token(generated: ModuleType,
                                                     live_server: Server) -> None:
    anonymous = generated.Client(base_url=live_server.url)
    answer = operation(generated, "programs", "list_programs").sync_detailed(client=anonymous)
    assert answer.status_code == 401
