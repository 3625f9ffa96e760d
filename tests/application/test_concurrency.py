"""Cross-aggregate rules hold when many writers race on one program (PostgreSQL)."""

from __future__ import annotations

import random
import threading
from collections import Counter
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from ledger.application import ProgramLedger
from ledger.application.commands.dependencies import DeclareDependency
from ledger.application.commands.resources import AllocateResource
from ledger.domain.dependency import Dependency, find_path
from ledger.domain.errors import LedgerError
from ledger.domain.resource import SharedResource
from ledger.settings import Settings
from tests.application.builders import ALICE, ProgramBuilder

WRITERS = 8
ATTEMPTS_PER_WRITER = 12


@pytest.mark.postgres
def test_racing_writers_keep_graph_acyclic_and_capacity_governed(
    postgres_url: str, tmp_path: object
) -> None:
    settings = Settings(database_url=postgres_url)
    from ledger.bootstrap import open_ledger

    setup = open_ledger(settings)
    erp = ProgramBuilder(setup)
    projects = [erp.project(f"Project {n}") for n in range(5)]
    resource_id = erp.resource(capacity="3")
    baseline = len(setup.recorder.select_notifications(start=1, limit=100_000))
    accepted: list[tuple[str, UUID, int]] = []
    rejected: Counter[str] = Counter()
    crashed: list[BaseException] = []  # a writer that dies must fail the test, not shrink it
    lock = threading.Lock()
    start = threading.Barrier(WRITERS)

    def writer(seed: int) -> None:
        try:
            attempts(seed)
        except BaseException as error:
            with lock:
                crashed.append(error)

    def attempts(seed: int) -> None:
        ledger = ProgramLedger(settings)  # each writer has its own engine, like a process
        chooser = random.Random(seed)
        start.wait(timeout=60)  # a writer that failed to start breaks the barrier
        for _ in range(ATTEMPTS_PER_WRITER):
            kind, attempt = _random_command(ledger, chooser, erp.program_id, projects,
                                            resource_id)
            try:
                result = attempt()
            except LedgerError as error:
                with lock:
                    rejected[error.rule] += 1
            else:
                with lock:
                    accepted.append((kind, result.id, result.position))
        ledger.close()

    threads = [threading.Thread(target=writer, args=(seed,)) for seed in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert crashed == []

    notifications = setup.recorder.select_notifications(start=1, limit=100_000)
    positions = [n.id for n in notifications]
    # Every accepted command appears exactly once; rejected ones wrote nothing.
    assert len({position for _, _, position in accepted}) == len(accepted)
    assert set(position for _, _, position in accepted) <= set(positions)
    dependency_count = sum(1 for kind, _, _ in accepted if kind == "dependency")
    allocation_count = sum(1 for kind, _, _ in accepted if kind == "allocation")
    # A declared dependency also registers itself in the program: two events per command.
    assert len(positions) - baseline == 2 * dependency_count + allocation_count
    assert rejected["dependency_cycle"] > 0 and rejected["capacity_exceeded"] > 0
    # No cycle among the dependencies that exist.
    edges = [setup.load(i, Dependency).edge for kind, i, _ in accepted if kind == "dependency"]
    assert all(not find_path(edges, consumer, provider) for provider, consumer in edges)
    # No month is over-allocated without a decision.
    resource = setup.load(resource_id, SharedResource)
    assert resource.over_allocated_months() == {}
    assert resource.allocated_in("2025-07") <= Decimal(3)
    setup.close()


def _random_command(ledger, chooser, program_id, projects, resource_id):  # type: ignore[no-untyped-def]
    if chooser.random() < 0.5:
        provider, consumer = chooser.sample(projects, 2)

        def declare():  # type: ignore[no-untyped-def]
            return ledger.execute(DeclareDependency(
                program_id=program_id, provider_project_id=provider, consumer_project_id=consumer,
                needed_by=date(2025, 9, 1), description="race"), by=ALICE)

        return "dependency", declare

    def allocate():  # type: ignore[no-untyped-def]
        return ledger.execute(AllocateResource(
            resource_id=resource_id, project_id=chooser.choice(projects), month="2025-07",
            amount=Decimal("0.5")), by=ALICE)

    return "allocation", allocate
