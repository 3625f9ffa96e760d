"""Loads the demo story through ProgramLedger's public commands only (no table writes)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from uuid import UUID

from ledger.application import ProgramLedger
from ledger.demo.calendar import STORY_START, month_ends, on
from ledger.demo.governance import record_governance
from ledger.demo.story import BENEFITS, HEALTH, HEALTH_REASONS, PROGRAM, PROJECTS
from ledger.domain.base import Provenance
from ledger.domain.program import program_id_for_code

DEMO_PROGRAM_CODE = str(PROGRAM["code"])
PMO = Provenance("tom.becker", correlation_id="demo-load")
RAG = {"G": "green", "A": "amber", "R": "red"}


@dataclass
class Story:
    """Ids of what the demo created, for later chapters to refer to."""

    ledger: ProgramLedger
    program_id: UUID
    projects: dict[str, UUID] = field(default_factory=dict)
    benefits: dict[str, UUID] = field(default_factory=dict)
    risks: dict[str, UUID] = field(default_factory=dict)
    decisions: dict[str, UUID] = field(default_factory=dict)
    dependencies: dict[str, UUID] = field(default_factory=dict)
    resource_id: UUID | None = None
    noise: random.Random = field(default_factory=lambda: random.Random(2025))


def load_demo(ledger: ProgramLedger) -> Story | None:
    """Load the ERP transformation program; returns None when it is already there."""
    program_id = program_id_for_code(DEMO_PROGRAM_CODE)
    if ledger.exists(program_id):
        return None
    ledger.define_program(
        code=DEMO_PROGRAM_CODE, name=str(PROGRAM["name"]),
        objectives=list(PROGRAM["objectives"]), sponsor=str(PROGRAM["sponsor"]),
        manager=str(PROGRAM["manager"]), by=PMO, effective_at=on(2025, 5, 5),
    )
    ledger.change_program_status(program_id, status="active", reason="Business case approved",
                                 by=Provenance("maria.keller"), effective_at=on(2025, 5, 6))
    story = Story(ledger, program_id)
    _authorize_projects(story)
    _identify_benefits(story)
    record_governance(story)
    _report_health(story)
    _close_out(story)
    return story


def _close_out(story: Story) -> None:
    for name, when in (("Business process optimisation", on(2026, 6, 30)),
                       ("Data migration", on(2026, 7, 31))):
        story.ledger.change_project_lifecycle(
            story.projects[name], status="completed", reason="Deliverables accepted",
            by=PMO, effective_at=when,
        )


def _authorize_projects(story: Story) -> None:
    for name, (manager, start, finish, deliverables) in PROJECTS.items():
        story.projects[name] = story.ledger.authorize_project(
            story.program_id, name=name, manager=manager, planned_start=start,
            planned_finish=finish,
            deliverables=[{"key": k, "name": n, "due": due} for k, n, due in deliverables],
            by=PMO, effective_at=on(2025, 5, 12), reason="Authorised in the business case",
        ).id
        story.ledger.change_project_lifecycle(
            story.projects[name], status="in_progress", reason="Kick-off held",
            by=Provenance(manager), effective_at=on(start.year, start.month, start.day),
        )


def _identify_benefits(story: Story) -> None:
    for name, spec in BENEFITS.items():
        description, kpi, unit, direction, owner, baseline, target, target_date = spec
        benefit_id = story.ledger.identify_benefit(
            story.program_id, name=name, description=description, kpi=kpi, unit=unit,
            direction=direction, owner=owner, dis_benefit=False, by=PMO,
            effective_at=on(2025, 5, 20),
        ).id
        story.ledger.set_benefit_profile(
            benefit_id, baseline_value=baseline, baseline_date=STORY_START,
            target_value=target, target_date=target_date,
            contributing_project_ids=[story.projects["ERP implementation"],
                                      story.projects["Business process optimisation"]],
            measurement_method="Monthly extract from the finance data warehouse",
            by=PMO, effective_at=on(2025, 5, 21),
        )
        story.ledger.change_benefit_status(benefit_id, status="planned",
                                           reason="Profile agreed with owner", by=PMO,
                                           effective_at=on(2025, 5, 22))
        story.benefits[name] = benefit_id


def _report_health(story: Story) -> None:
    """Monthly status reports; the project's own manager reports them."""
    for name, letters in HEALTH.items():
        manager, start, _finish, _deliverables = PROJECTS[name]
        first = date(max(start, date(2025, 6, 1)).year, max(start, date(2025, 6, 1)).month, 1)
        for moment, letter in zip(month_ends(first, len(letters)), letters, strict=True):
            overall = RAG[letter]
            story.ledger.report_project_status(
                story.projects[name], overall=overall, schedule=overall,
                cost="green" if letter != "R" else "amber", scope="green",
                resources=overall, narrative=f"{moment:%B %Y} report",
                reason=HEALTH_REASONS.get((name, letter)), by=Provenance(manager),
                effective_at=moment,
            )


def allocate(story: Story, project: str, month: str, amount: str,
             decision: str | None = None) -> None:
    """Allocate SAP specialists to a project for a month."""
    assert story.resource_id is not None
    story.ledger.allocate_resource(
        story.resource_id, project_id=story.projects[project], month=month,
        amount=Decimal(amount), by=PMO, effective_at=on(2025, 12, 1),
        decision_id=story.decisions[decision] if decision else None,
    )
