"""Project rules: status reports, the locked scope baseline, deliverables."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from ledger.domain.errors import InvalidInput, InvariantViolated
from ledger.domain.project import Project, deliverable
from tests.domain.given import PAT, PROGRAM_ID, a_decision, a_project

GREEN = dict.fromkeys(("overall", "schedule", "cost", "scope", "resources"), "green")


def test_green_report_needs_no_reason() -> None:
    project = a_project("in_progress")
    project.report_status(GREEN, "All fine", PAT)
    (event,) = project.collect_events()
    assert isinstance(event, Project.ProjectStatusReported)
    assert event.ratings == GREEN and project.latest_ratings == GREEN


@pytest.mark.parametrize("dimension", ["overall", "schedule", "cost", "scope", "resources"])
def test_amber_or_red_in_any_dimension_needs_a_reason(dimension: str) -> None:
    project = a_project("in_progress")
    with pytest.raises(InvalidInput) as refused:
        project.report_status({**GREEN, dimension: "red"}, "Trouble", PAT)
    assert refused.value.field == "reason"
    project.report_status({**GREEN, dimension: "amber"}, "Trouble", PAT, reason="Late vendor")
    assert len(project.collect_events()) == 1


def test_a_rating_outside_rag_is_refused() -> None:
    with pytest.raises(InvalidInput, match="schedule"):
        a_project().report_status({**GREEN, "schedule": "purple"}, "", PAT)


def test_finished_project_takes_no_reports() -> None:
    with pytest.raises(InvariantViolated) as refused:
        a_project("completed").report_status(GREEN, "", PAT)
    assert refused.value.rule == "project_closed"


def _defer(project: Project, decision: object = None) -> None:
    project.change_scope(added=[], removed=[], deferred=["build"], rationale="Later",
                         cost_impact=-10, schedule_impact_days=0, decision=decision,  # type: ignore[arg-type]
                         by=PAT)


def test_planned_project_changes_scope_with_a_rationale_alone() -> None:
    project = a_project("planned")
    _defer(project)
    (event,) = project.collect_events()
    assert isinstance(event, Project.ScopeChanged)
    assert (event.deferred, event.decision_id) == (["build"], None)
    assert project.deliverables["build"]["status"] == "deferred"


@pytest.mark.parametrize("lifecycle", ["in_progress", "on_hold"])
def test_locked_baseline_needs_a_governing_decision(lifecycle: str) -> None:
    project = a_project(lifecycle)
    with pytest.raises(InvariantViolated) as refused:
        _defer(project)
    assert refused.value.rule == "scope_baseline_locked"
    decision = a_decision(project=[project.id])
    _defer(project, decision)
    (event,) = project.collect_events()
    assert event.decision_id == decision.id  # type: ignore[attr-defined]


@pytest.mark.parametrize(("decision_factory", "rule"), [
    (lambda p: a_decision(program_id=uuid4(), project=[p.id]), "decision_not_in_program"),
    (lambda p: a_decision(project=[uuid4()]), "decision_does_not_govern"),
])
def test_cited_decision_must_belong_to_the_program_and_list_the_project(
        decision_factory: object, rule: str) -> None:
    project = a_project("in_progress")
    with pytest.raises(InvariantViolated) as refused:
        _defer(project, decision_factory(project))  # type: ignore[operator]
    assert refused.value.rule == rule
    assert project.collect_events() == []


def test_superseded_decision_cannot_be_cited() -> None:
    project = a_project("in_progress")
    decision, later = a_decision(project=[project.id]), a_decision(project=[project.id])
    decision.supersede(later, PAT, "New facts")
    with pytest.raises(InvariantViolated) as refused:
        _defer(project, decision)
    assert refused.value.rule == "decision_superseded"


def test_scope_change_validates_deliverable_keys() -> None:
    project = a_project("planned", "build", "test")
    with pytest.raises(InvalidInput, match="already exists"):
        project.change_scope(added=[deliverable("build", "Build", date(2026, 1, 1))],
                             removed=[], deferred=[], rationale="x", cost_impact=0,
                             schedule_impact_days=0, decision=None, by=PAT)
    with pytest.raises(InvalidInput, match="no deliverable 'ghost'"):
        project.change_scope(added=[], removed=["ghost"], deferred=[], rationale="x",
                             cost_impact=0, schedule_impact_days=0, decision=None, by=PAT)
    with pytest.raises(InvalidInput, match="must add, remove or defer"):
        project.change_scope(added=[], removed=[], deferred=[], rationale="x", cost_impact=0,
                             schedule_impact_days=0, decision=None, by=PAT)
    assert project.collect_events() == []


def test_deliverables_are_delivered_only_in_progress_and_once() -> None:
    with pytest.raises(InvariantViolated, match="in_progress"):
        a_project("planned").deliver("build", PAT)
    project = a_project("in_progress")
    project.deliver("build", PAT)
    with pytest.raises(InvariantViolated) as refused:
        project.deliver("build", PAT)
    assert refused.value.rule == "deliverable_closed"
    assert [type(e).__name__ for e in project.collect_events()] == ["DeliverableDelivered"]


def test_authorisation_checks_dates_and_unique_keys() -> None:
    with pytest.raises(InvalidInput, match="planned_finish"):
        Project.authorize(program_id=PROGRAM_ID, name="X", manager="M",
                          planned_start=date(2026, 1, 1), planned_finish=date(2025, 1, 1),
                          deliverables=[], by=PAT)
    twice = [deliverable("a", "A", date(2026, 1, 1))] * 2
    with pytest.raises(InvalidInput, match="more than once"):
        Project.authorize(program_id=PROGRAM_ID, name="X", manager="M",
                          planned_start=date(2025, 1, 1), planned_finish=date(2026, 1, 1),
                          deliverables=twice, by=PAT)
