"""Loads the demo story through ProgramLedger's public commands only (no table writes).

Chapters schedule their facts at business times; the loader then records them in that
order, so positions follow the story and "what was known when the decision was recorded"
means what it would have meant on the day.
"""

# Facts are scheduled as closures over loop variables (bound as lambda defaults), which
# mypy cannot type; the commands they call are fully typed.
# mypy: disable-error-code="misc"

from __future__ import annotations

from datetime import date

from ledger.application import ProgramLedger
from ledger.application.commands.benefits import (
    ChangeBenefitStatus,
    IdentifyBenefit,
    SetBenefitProfile,
)
from ledger.application.commands.programs import ChangeProgramStatus, DefineProgram
from ledger.application.commands.projects import (
    AuthorizeProject,
    ChangeProjectLifecycle,
    ReportProjectStatus,
)
from ledger.demo.agenda import PMO, Story
from ledger.demo.calendar import STORY_START, month_ends, on
from ledger.demo.governance import schedule_governance
from ledger.demo.ids import demo_aggregate_id
from ledger.demo.story import BENEFITS, HEALTH, HEALTH_REASONS, PROGRAM, PROJECTS
from ledger.domain.base import Provenance, ids_chosen_by
from ledger.domain.program import program_id_for_code

DEMO_PROGRAM_CODE = str(PROGRAM["code"])
RAG = {"G": "green", "A": "amber", "R": "red"}


def load_demo(ledger: ProgramLedger) -> Story | None:
    """Load the ERP transformation program; returns None when it is already there."""
    program_id = program_id_for_code(DEMO_PROGRAM_CODE)
    if ledger.exists(program_id):
        return None
    story = Story(ledger, program_id)
    story.at(on(2025, 5, 5), lambda: ledger.execute(DefineProgram(
        code=DEMO_PROGRAM_CODE, name=str(PROGRAM["name"]), objectives=list(PROGRAM["objectives"]),
        sponsor=str(PROGRAM["sponsor"]), manager=str(PROGRAM["manager"]),
        effective_at=on(2025, 5, 5)), by=PMO))
    story.at(on(2025, 5, 6), lambda: ledger.execute(ChangeProgramStatus(
        program_id=program_id, status="active", reason="Business case approved",
        effective_at=on(2025, 5, 6)), by=Provenance("maria.keller")))
    _authorize_projects(story)
    _identify_benefits(story)
    schedule_governance(story)
    _report_health(story)
    _close_out(story)
    with ids_chosen_by(demo_aggregate_id):  # the same ids on every fresh demo
        story.tell()
    return story


def _authorize_projects(story: Story) -> None:
    for name, (manager, start, finish, deliverables) in PROJECTS.items():
        def authorize(name: str = name, manager: str = manager, start: date = start,
                      finish: date = finish, items: list[tuple[str, str, date]] = deliverables
                      ) -> None:
            story.projects[name] = story.ledger.execute(AuthorizeProject(
                program_id=story.program_id, name=name, manager=manager, planned_start=start,
                planned_finish=finish,
                deliverables=[{"key": k, "name": n, "due": due} for k, n, due in items],
                effective_at=on(2025, 5, 12), reason="Authorised in the business case"), by=PMO).id

        story.at(on(2025, 5, 12), authorize)
        kick_off = on(start.year, start.month, start.day)
        story.at(kick_off, lambda name=name, manager=manager, kick_off=kick_off:
                 story.ledger.execute(ChangeProjectLifecycle(
                     project_id=story.projects[name], status="in_progress", reason="Kick-off held",
                     effective_at=kick_off), by=Provenance(manager)))


def _identify_benefits(story: Story) -> None:
    for name, spec in BENEFITS.items():
        story.at(on(2025, 5, 20), lambda name=name, spec=spec: _identify(story, name, spec))


BenefitSpec = tuple[str, str, str, str, str, float, float, date]


def _identify(story: Story, name: str, spec: BenefitSpec) -> None:
    description, kpi, unit, direction, owner, baseline, target, target_date = spec
    ledger = story.ledger
    benefit_id = ledger.execute(IdentifyBenefit(
        program_id=story.program_id, name=name, description=description, kpi=kpi, unit=unit,
        direction=direction, owner=owner, dis_benefit=False, effective_at=on(2025, 5, 20)),
        by=PMO).id
    ledger.execute(SetBenefitProfile(
        benefit_id=benefit_id, baseline_value=baseline, baseline_date=STORY_START,
        target_value=target, target_date=target_date,
        contributing_project_ids=[story.projects["ERP implementation"],
                                  story.projects["Business process optimisation"]],
        measurement_method="Monthly extract from the finance data warehouse",
        effective_at=on(2025, 5, 21)), by=PMO)
    ledger.execute(ChangeBenefitStatus(
        benefit_id=benefit_id, status="planned", reason="Profile agreed with owner",
        effective_at=on(2025, 5, 22)), by=PMO)
    story.benefits[name] = benefit_id


def _report_health(story: Story) -> None:
    """Monthly status reports; each project's own manager reports them."""
    for name, letters in HEALTH.items():
        manager, start, _finish, _deliverables = PROJECTS[name]
        first = max(start, date(2025, 6, 1)).replace(day=1)
        for moment, letter in zip(month_ends(first, len(letters)), letters, strict=True):
            overall = RAG[letter]
            story.at(moment, lambda name=name, manager=manager, moment=moment, letter=letter,
                     overall=overall: story.ledger.execute(ReportProjectStatus(
                         project_id=story.projects[name], overall=overall, schedule=overall,
                         cost="green" if letter != "R" else "amber", scope="green",
                         resources=overall, narrative=f"{moment:%B %Y} report",
                         reason=HEALTH_REASONS.get((name, letter)), effective_at=moment),
                         by=Provenance(manager)))


def _close_out(story: Story) -> None:
    for name, when in (("Business process optimisation", on(2026, 6, 30, 17)),
                       ("Data migration", on(2026, 7, 31, 17))):
        story.at(when, lambda name=name, when=when: story.ledger.execute(ChangeProjectLifecycle(
            project_id=story.projects[name], status="completed", reason="Deliverables accepted",
            effective_at=when), by=PMO))
