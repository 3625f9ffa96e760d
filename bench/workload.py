"""Benchmark data, written through Ledger's own commands in batched transactions."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from ledger.application import ProgramLedger
from ledger.application.commands.benefits import IdentifyBenefit, MeasureBenefit, SetBenefitProfile
from ledger.application.commands.programs import ChangeProgramStatus, DefineProgram
from ledger.application.commands.projects import AuthorizeProject, ReportProjectStatus
from ledger.application.commands.resources import AllocateResource, RegisterResource
from ledger.application.commands.risks import AssessRisk, RaiseRisk
from ledger.domain.base import Provenance

BENCH = Provenance("bench.loader", correlation_id="bench")
COMMANDS_PER_TRANSACTION = 500


@dataclass
class BenchProgram:
    program_id: UUID
    projects: list[UUID] = field(default_factory=list)
    benefits: list[UUID] = field(default_factory=list)
    risks: list[UUID] = field(default_factory=list)
    resource: UUID | None = None


def in_batches(ledger: ProgramLedger, commands: list[Callable[[], object]]) -> None:
    """Run commands through the normal write path, many per transaction (one commit each)."""
    for start in range(0, len(commands), COMMANDS_PER_TRANSACTION):
        with ledger.serialised_transaction():
            for command in commands[start:start + COMMANDS_PER_TRANSACTION]:
                command()


def define_program(ledger: ProgramLedger, code: str, *, projects: int = 4, benefits: int = 3,
                   risks: int = 2) -> BenchProgram:
    """A program set up through the command service, with its components."""
    result = ledger.execute(DefineProgram(
        code=code, name=f"Program {code}", objectives=["Outcome"], sponsor="Sponsor",
        manager="Manager"), by=BENCH)
    program = BenchProgram(result.id)
    ledger.execute(ChangeProgramStatus(
        program_id=program.program_id, status="active", reason="go"), by=BENCH)
    for n in range(projects):
        program.projects.append(ledger.execute(AuthorizeProject(
            program_id=program.program_id, name=f"Project {n}", manager="PM",
            planned_start=date(2025, 1, 1), planned_finish=date(2026, 12, 31), deliverables=[]),
            by=BENCH).id)
    for n in range(benefits):
        benefit = ledger.execute(IdentifyBenefit(
            program_id=program.program_id, name=f"Benefit {n}", description="", kpi="kpi",
            unit="u", direction="increase", owner="Owner", dis_benefit=False), by=BENCH).id
        ledger.execute(SetBenefitProfile(
            benefit_id=benefit, baseline_value=0, baseline_date=date(2025, 1, 1), target_value=100,
            target_date=date(2026, 12, 31), contributing_project_ids=[], measurement_method="m"),
            by=BENCH)
        program.benefits.append(benefit)
    for n in range(risks):
        program.risks.append(ledger.execute(RaiseRisk(
            program_id=program.program_id, title=f"Risk {n}", description="", category="delivery",
            likelihood=3, impact=3, owner="Owner", affected_project_ids=[], proximity=""),
            by=BENCH).id)
    program.resource = ledger.execute(RegisterResource(
        program_id=program.program_id, name="Specialists", unit="FTE",
        capacity_per_month=Decimal(1_000_000)), by=BENCH).id
    return program


def activity(ledger: ProgramLedger, program: BenchProgram, count: int,
             rng: random.Random) -> list[Callable[[], object]]:
    """``count`` typical day-to-day commands: reports, measurements, assessments, allocations."""
    start = datetime(2025, 1, 1, tzinfo=UTC)
    commands: list[Callable[[], object]] = []
    for n in range(count):
        kind = rng.random()
        when = start + timedelta(hours=n)
        if kind < 0.4:
            project = rng.choice(program.projects)
            commands.append(lambda p=project, w=when: ledger.execute(ReportProjectStatus(
                project_id=p, overall="green", schedule="green", cost="green", scope="green",
                resources="green", narrative="weekly", effective_at=w), by=BENCH))
        elif kind < 0.7:
            benefit, value = rng.choice(program.benefits), rng.uniform(0, 100)
            commands.append(lambda b=benefit, v=value, w=when: ledger.execute(MeasureBenefit(
                benefit_id=b, value=v, source="bench", effective_at=w), by=BENCH))
        elif kind < 0.85:
            risk, score = rng.choice(program.risks), rng.randint(1, 5)
            commands.append(lambda r=risk, s=score: ledger.execute(AssessRisk(
                risk_id=r, likelihood=s, impact=3, rationale="review"), by=BENCH))
        else:
            assert program.resource is not None
            project, month = rng.choice(program.projects), f"2025-{rng.randint(1, 12):02d}"
            commands.append(lambda r=program.resource, p=project, m=month:
                            ledger.execute(AllocateResource(
                                resource_id=r, project_id=p, month=m, amount=Decimal(1)), by=BENCH))
    return commands

