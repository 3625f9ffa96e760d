"""Large logs (P4-P7): the domain's own command methods, saved by the ledger in big batches.

The command service loads two aggregates and commits once per command: about 100 events/s
on these shared 2-core machines, so a million events would take hours. Here each program
is set up through the service, its aggregates are loaded once, and their command methods
(with every guard) record the events; one ``save`` in one locked transaction then writes a
few thousand of them through Ledger's store: events, snapshots and audit chain, followed by
a signed checkpoint. What is skipped is only the per-command load and the cross-aggregate
checks, which hold by construction (open programs, their own projects, spare capacity).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from uuid import UUID, uuid4

from bench.workload import BENCH, BenchProgram, define_program
from ledger.application import ProgramLedger
from ledger.audit.checkpoints import create_checkpoint
from ledger.audit.keys import load_or_create_signing_key
from ledger.domain.base import LedgerAggregate
from ledger.domain.benefit import Benefit
from ledger.domain.project import Project
from ledger.domain.resource import SharedResource
from ledger.domain.risk import Risk

EVENTS_PER_PROGRAM = 10_000  # P5's "whole program with 10,000 events"
COMMANDS_PER_SAVE = 5_000
GREEN = dict.fromkeys(("overall", "schedule", "cost", "scope", "resources"), "green")
START = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Generation:
    """How a log was written: the figure to report beside what is measured on it."""

    events: int
    seconds: float
    setup_seconds: float
    save_seconds: float


class _Program:
    """One program's aggregates, loaded once and kept in memory while commands run."""

    def __init__(self, ledger: ProgramLedger, program: BenchProgram) -> None:
        assert program.resource is not None
        self.projects = [ledger.load(i, Project) for i in program.projects]
        self.benefits = [ledger.load(i, Benefit) for i in program.benefits]
        self.risks = [ledger.load(i, Risk) for i in program.risks]
        self.resource = ledger.load(program.resource, SharedResource)

    def command(self, rng: random.Random, when: datetime) -> LedgerAggregate:
        """One typical command (the mix of bench.workload), applied; returns its aggregate."""
        kind = rng.random()
        if kind < 0.45:
            project = rng.choice(self.projects)
            project.report_status(GREEN, "weekly", BENCH, effective_at=when)
            return project
        if kind < 0.80:
            benefit = rng.choice(self.benefits)
            benefit.measure(measurement_id=uuid4(), value=rng.uniform(0, 100), source="bench",
                            note="", by=BENCH, effective_at=when)
            return benefit
        if kind < 0.95:
            risk = rng.choice(self.risks)
            risk.assess(rng.randint(1, 5), 3, "review", BENCH, effective_at=when)
            return risk
        # Rarer than in bench.workload: each allocation sums the resource's earlier ones.
        self.resource.allocate(allocation_id=uuid4(), project_id=rng.choice(self.projects).id,
                               month=f"2025-{rng.randint(1, 12):02d}", amount=Decimal(1),
                               decision=None, by=BENCH)
        return self.resource


def write_log(ledger: ProgramLedger, events: int, key_path: Path, *, seed: int = 7,
              progress: Callable[[int], None] | None = None
              ) -> tuple[list[BenchProgram], Generation]:
    """About ``events`` events over programs of EVENTS_PER_PROGRAM, interleaved."""
    started = time.perf_counter()
    count = max(1, round(events / EVENTS_PER_PROGRAM))
    programs = [define_program(ledger, f"BIG-{n:04d}", projects=8, benefits=8, risks=4)
                for n in range(count)]
    loaded = [_Program(ledger, program) for program in programs]
    setup = time.perf_counter() - started
    key = load_or_create_signing_key(key_path)
    engine = ledger.recorder.datastore.engine  # type: ignore[attr-defined]
    rng, written, saving = random.Random(seed), ledger.head_position(), 0.0
    if progress:
        progress(written)
    while written < events:
        batch = min(COMMANDS_PER_SAVE, events - written)
        touched: dict[UUID, LedgerAggregate] = {}
        for n in range(batch):
            aggregate = rng.choice(loaded).command(rng, START + timedelta(minutes=written + n))
            touched[aggregate.id] = aggregate
        saved = time.perf_counter()
        with ledger.serialised_transaction():
            ledger.save(*touched.values())
        create_checkpoint(engine, key)
        saving += time.perf_counter() - saved
        written += batch
        if progress:
            progress(batch)
    return programs, Generation(ledger.head_position(), time.perf_counter() - started, setup,
                                saving)


def long_stream(ledger: ProgramLedger, project_id: UUID, events: int) -> None:
    """``events`` status reports on one project (P5b), saved in batches like write_log."""
    project = ledger.load(project_id, Project)
    for start in range(0, events, COMMANDS_PER_SAVE):
        for n in range(start, min(events, start + COMMANDS_PER_SAVE)):
            project.report_status(GREEN, f"report {n}", BENCH)
        with ledger.serialised_transaction():
            ledger.save(project)
