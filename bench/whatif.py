"""What-if figures: P8 in-process (3 scenarios x 10 commands on a program of 10,000 events,
beside P5a, the as-of replay every what-if starts with), and the board's what-if loop that
runs beside P2's writers over HTTP (P2.whatif)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx

from bench.measure import Figure, median, percentile, sample_latencies
from bench.workload import BENCH, BenchProgram
from ledger.application import ProgramLedger
from ledger.application.commands.base import Command
from ledger.application.commands.benefits import MeasureBenefit
from ledger.application.commands.projects import ReportProjectStatus
from ledger.application.commands.resources import AllocateResource
from ledger.application.commands.risks import AssessRisk

SCENARIOS, COMMANDS = 3, 10


def scenarios(program: BenchProgram) -> list[tuple[str, list[Command]]]:
    """Three scenarios of ten ordinary commands each: allocations, a status report, an
    assessment and a measurement, on the program's own components."""
    assert program.resource is not None
    out = []
    for n in range(SCENARIOS):
        commands: list[Command] = [
            AllocateResource(resource_id=program.resource, project_id=project,
                             month=f"2027-{1 + (n + i) % 12:02d}", amount=Decimal(n + 1))
            for i, project in enumerate((program.projects * 2)[:7])]
        commands += [
            ReportProjectStatus(project_id=program.projects[0], overall="amber",
                                schedule="amber", cost="green", scope="green",
                                resources="amber", narrative=f"scenario {n}"),
            AssessRisk(risk_id=program.risks[0], likelihood=1 + n, impact=4, rationale="what if"),
            MeasureBenefit(benefit_id=program.benefits[0], value=40.0 + n, source="what-if",
                           effective_at=datetime.now(UTC))]
        out.append((f"scenario-{n}", commands))
    return out


def p8_what_if(ledger: ProgramLedger, program: BenchProgram, repeats: int, p5a: Figure,
               prefix: str = "") -> Figure:
    """P8: what-if of 3 scenarios x 10 commands; and nothing written (checked, not timed)."""
    planned = scenarios(program)
    head = ledger.head_position()
    results: list[Any] = []
    latencies = sample_latencies(
        lambda: results.append(ledger.what_if(program.program_id, planned, BENCH)), repeats)
    refused = sum(len(s.refused) for s in results[-1].scenarios)
    written = ledger.head_position() - head
    p50 = median(latencies) * 1000
    return Figure(f"{prefix}P8", f"what-if of {SCENARIOS} scenarios x {COMMANDS} commands",
                  p50, "ms", p5a.id, p5a.value, p50 / p5a.value, "p50 <= 300 ms, nothing written",
                  p50 <= 300 and written == 0,
                  {"p99_ms": percentile(latencies, 0.99) * 1000, "events_written": written,
                   "refused_commands": refused})


def board(url: str, token: str, project: str, done: threading.Event) -> dict[str, Any]:
    """What-ifs posted one after another on the project's program until ``done``: a board
    planning while managers post. Returns how many ran, their latencies and any errors."""
    latencies: list[float] = []
    errors: list[int] = []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"},
                      timeout=30) as http:
        program = http.get(f"/v1/projects/{project}").json()["program_id"]
        body = {"scenarios": [{"key": f"s{n}", "commands": [
            {"type": "report_project_status", "project_id": project, "overall": "amber",
             "schedule": "amber", "cost": "green", "scope": "green", "resources": "green",
             "narrative": f"what if {n}.{i}"} for i in range(COMMANDS)]}
            for n in range(SCENARIOS)]}
        while not done.is_set():
            started = time.perf_counter()
            response = http.post(f"/v1/programs/{program}/what-if", json=body)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                errors.append(response.status_code)
    return {"what_ifs": len(latencies), "what_if_errors": errors,
            "what_if_p50_ms": median(latencies) * 1000 if latencies else None}
