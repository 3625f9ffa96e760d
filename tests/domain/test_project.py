"""Project: authorisation, RAG status reports, the locked scope baseline, deliverables."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import uuid4

import pytest

from ledger.domain.decision import Decision
from ledger.domain.errors import InvalidInput, InvariantViolated
from ledger.domain.project import Project, deliverable
from tests.domain.given import (
    PAT,
    PROGRAM_ID,
    a_decision,
    a_project,
    a_superseded_decision,
    an_in_progress_project,
    event_names,
)

GREEN = dict.fromkeys(("overall", "schedule", "cost", "scope", "resources"), "green")
DIMENSIONS = list(GREEN)
AUTHORIZATION: dict[str, Any] = dict(
    program_id=PROGRAM_ID, name="ERP implementation", manager="Aisha",
    planned_start=date(2025, 6, 1), planned_finish=date(2026, 9, 30),
    deliverables=[deliverable("build", "Build", date(2026, 1, 31))])


# --- authorisation -----------------------------------------------------------------------------

def test_authorising_a_project_records_plan_and_deliverables() -> None:
    # When a project is authorised with one deliverable
    project = Project.authorize(**AUTHORIZATION, by=PAT)
    # Then ProjectAuthorized carries the plan, and the project starts planned
    (event,) = project.collect_events()
    assert isinstance(event, Project.ProjectAuthorized)
    assert (event.program_id, event.name, event.manager) == (PROGRAM_ID, "ERP implementation",
                                                             "Aisha")
    assert (event.planned_start, event.planned_finish) == (date(2025, 6, 1), date(2026, 9, 30))
    assert event.deliverables == [
        {"key": "build", "name": "Build", "due": date(2026, 1, 31), "status": "planned"}]
    assert project.lifecycle == "planned"
    assert project.deliverables["build"]["status"] == "planned"


@pytest.mark.parametrize("field", ["name", "manager"])
def test_blank_name_or_manager_is_refused_naming_the_field(field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        Project.authorize(**{**AUTHORIZATION, field: "  "}, by=PAT)
    assert refused.value.field == field


@pytest.mark.parametrize(("key", "name", "field"), [
    ("", "Build", "deliverables.key"), ("build", " ", "name")])
def test_a_deliverable_needs_a_key_and_a_name(key: str, name: str, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        deliverable(key, name, date(2026, 1, 1))
    assert refused.value.field == field


def test_finish_before_start_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        Project.authorize(**{**AUTHORIZATION, "planned_finish": date(2025, 5, 31)}, by=PAT)
    assert refused.value.field == "planned_finish"


def test_deliverable_keys_are_unique_at_authorisation() -> None:
    twice = [deliverable("a", "A", date(2026, 1, 1)), deliverable("a", "Again", date(2026, 2, 1))]
    with pytest.raises(InvalidInput, match="'a' appears more than once"):
        Project.authorize(**{**AUTHORIZATION, "deliverables": twice}, by=PAT)


def test_lifecycle_change_needs_a_reason() -> None:
    project = a_project()
    with pytest.raises(InvalidInput) as refused:
        project.change_lifecycle("in_progress", PAT, "")
    assert refused.value.field == "reason"
    assert (project.collect_events(), project.lifecycle) == ([], "planned")


# --- status reports ----------------------------------------------------------------------------

def test_an_all_green_report_needs_no_reason() -> None:
    project = an_in_progress_project()
    project.report_status(GREEN, "  All fine  ", PAT)
    (event,) = project.collect_events()
    assert isinstance(event, Project.ProjectStatusReported)
    assert (event.ratings, event.narrative, event.reason) == (GREEN, "All fine", None)
    assert project.latest_ratings == GREEN


@pytest.mark.parametrize("colour", ["amber", "red"])
@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_amber_or_red_without_a_reason_is_refused(dimension: str, colour: str) -> None:
    project = an_in_progress_project()
    for missing in (None, "", "   "):
        with pytest.raises(InvalidInput) as refused:
            project.report_status({**GREEN, dimension: colour}, "Trouble", PAT, reason=missing)
        assert refused.value.field == "reason"
    assert project.collect_events() == []


@pytest.mark.parametrize("colour", ["amber", "red"])
@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_amber_or_red_with_a_reason_is_recorded(dimension: str, colour: str) -> None:
    project = an_in_progress_project()
    project.report_status({**GREEN, dimension: colour}, "Trouble", PAT, reason="Late vendor")
    (event,) = project.collect_events()
    assert event.ratings[dimension] == colour
    assert event.reason == "Late vendor"


@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_a_rating_outside_rag_or_missing_is_refused_naming_the_dimension(dimension: str) -> None:
    project = an_in_progress_project()
    for ratings in ({**GREEN, dimension: "purple"},
                    {d: r for d, r in GREEN.items() if d != dimension}):
        with pytest.raises(InvalidInput) as refused:
            project.report_status(ratings, "", PAT, reason="r")
        assert refused.value.field == dimension
    assert project.collect_events() == []


def test_the_report_keeps_only_the_five_dimensions() -> None:
    project = an_in_progress_project()
    project.report_status({**GREEN, "mood": "sunny"}, "", PAT)
    (event,) = project.collect_events()
    assert event.ratings == GREEN


@pytest.mark.parametrize("lifecycle", ["completed", "cancelled"])
def test_a_finished_project_takes_no_reports(lifecycle: str) -> None:
    project = a_project(lifecycle)
    with pytest.raises(InvariantViolated) as refused:
        project.report_status(GREEN, "", PAT)
    assert refused.value.rule == "project_closed"
    assert project.collect_events() == []


# --- scope change control ----------------------------------------------------------------------

def _defer(project: Project, decision: Decision | None = None, rationale: str = "Later") -> None:
    project.change_scope(added=[], removed=[], deferred=["build"], rationale=rationale,
                         cost_impact=-10, schedule_impact_days=-5, decision=decision, by=PAT)


def test_a_planned_project_changes_scope_with_a_rationale_alone() -> None:
    # Given a planned project with two deliverables
    project = a_project("planned", keys=("build", "test"))
    # When it adds one, removes one and defers one, with only a rationale
    added = deliverable("train", "Train", date(2026, 3, 1))
    project.change_scope(added=[added], removed=["test"], deferred=["build"],
                         rationale="Phase 2 split", cost_impact=1500.5,
                         schedule_impact_days=12, decision=None, by=PAT)
    # Then ScopeChanged carries every part of the change
    (event,) = project.collect_events()
    assert isinstance(event, Project.ScopeChanged)
    assert (event.added, event.removed, event.deferred) == ([added], ["test"], ["build"])
    assert (event.rationale, event.reason, event.decision_id) == (
        "Phase 2 split", "Phase 2 split", None)
    assert (event.cost_impact, event.schedule_impact_days) == (1500.5, 12)
    assert {k: d["status"] for k, d in project.deliverables.items()} == {
        "build": "deferred", "test": "removed", "train": "planned"}


def test_a_scope_change_needs_a_rationale() -> None:
    project = a_project("planned")
    with pytest.raises(InvalidInput) as refused:
        _defer(project, rationale="  ")
    assert refused.value.field == "rationale"
    assert project.collect_events() == []


@pytest.mark.parametrize("lifecycle", ["in_progress", "on_hold"])
def test_a_locked_baseline_refuses_a_change_without_a_decision(lifecycle: str) -> None:
    project = a_project(lifecycle)
    with pytest.raises(InvariantViolated) as refused:
        _defer(project)
    assert refused.value.rule == "scope_baseline_locked"
    assert project.collect_events() == []
    assert project.deliverables["build"]["status"] == "planned"


@pytest.mark.parametrize("lifecycle", ["in_progress", "on_hold"])
def test_a_locked_baseline_changes_under_a_governing_decision(lifecycle: str) -> None:
    # Given a started project and a decision of its program that lists it as affected
    project = a_project(lifecycle)
    decision = a_decision(project=[project.id])
    # When scope changes citing that decision
    _defer(project, decision)
    # Then the change is recorded and names the decision
    (event,) = project.collect_events()
    assert event.decision_id == decision.id
    assert project.deliverables["build"]["status"] == "deferred"


CitedDecision = Callable[[Project], Decision]
BAD_CITATIONS: list[Any] = [
    pytest.param(lambda p: a_decision(program_id=uuid4(), project=[p.id]),
                 "decision_not_in_program", id="other-program"),
    pytest.param(lambda p: a_decision(project=[uuid4()]),
                 "decision_does_not_govern", id="lists-another-project"),
    pytest.param(lambda p: a_decision(benefit=[p.id]),
                 "decision_does_not_govern", id="lists-it-as-another-kind"),
    pytest.param(lambda p: a_superseded_decision(project=[p.id]),
                 "decision_superseded", id="superseded"),
]


@pytest.mark.parametrize("lifecycle", ["in_progress", "on_hold"])
@pytest.mark.parametrize(("cite", "rule"), BAD_CITATIONS)
def test_a_locked_baseline_refuses_a_decision_that_does_not_govern_it(
        lifecycle: str, cite: CitedDecision, rule: str) -> None:
    project = a_project(lifecycle)
    with pytest.raises(InvariantViolated) as refused:
        _defer(project, cite(project))
    assert refused.value.rule == rule
    assert project.collect_events() == []


@pytest.mark.parametrize(("cite", "rule"), BAD_CITATIONS)
def test_a_decision_cited_on_a_planned_project_must_still_govern_it(
        cite: CitedDecision, rule: str) -> None:
    # A rationale is enough while planned; but a citation, once given, must be true.
    project = a_project("planned")
    with pytest.raises(InvariantViolated) as refused:
        _defer(project, cite(project))
    assert refused.value.rule == rule


@pytest.mark.parametrize("lifecycle", ["completed", "cancelled"])
def test_a_finished_project_refuses_scope_changes(lifecycle: str) -> None:
    project = a_project(lifecycle)
    with pytest.raises(InvariantViolated) as refused:
        _defer(project, a_decision(project=[project.id]))
    assert refused.value.rule == "project_closed"


def _change(project: Project, added: list[dict[str, Any]] | None = None,
            removed: list[str] | None = None, deferred: list[str] | None = None) -> None:
    project.change_scope(added=added or [], removed=removed or [], deferred=deferred or [],
                         rationale="why", cost_impact=0, schedule_impact_days=0, decision=None,
                         by=PAT)


def test_an_empty_scope_change_is_refused() -> None:
    project = a_project()
    with pytest.raises(InvalidInput, match="must add, remove or defer"):
        _change(project)


def test_an_added_deliverable_may_not_reuse_a_key() -> None:
    project = a_project("planned", keys=("build", "test"))
    _change(project, removed=["test"])
    project.collect_events()
    for key in ("build", "test"):  # a live key, and the key of a removed deliverable
        with pytest.raises(InvalidInput, match=f"'{key}' already exists"):
            _change(project, added=[deliverable(key, "Again", date(2026, 1, 1))])
    assert project.collect_events() == []


@pytest.mark.parametrize(("added", "removed", "deferred"), [
    (["new", "new"], [], []), ([], ["build", "build"], []), ([], ["build"], ["build"]),
    (["build"], ["build"], [])])
def test_one_change_names_each_key_once(
        added: list[str], removed: list[str], deferred: list[str]) -> None:
    project = a_project("planned", keys=("build", "test"))
    with pytest.raises(InvalidInput, match="more than once"):
        _change(project, [deliverable(k, k, date(2026, 1, 1)) for k in added], removed, deferred)
    assert project.collect_events() == []


@pytest.mark.parametrize("how", ["removed", "deferred"])
def test_only_known_deliverables_can_be_removed_or_deferred(how: str) -> None:
    project = a_project("planned")
    with pytest.raises(InvalidInput, match="no deliverable 'ghost'") as refused:
        _change(project, **{how: ["ghost"]})
    assert refused.value.field == "key"


@pytest.mark.parametrize("closed_by", ["removed", "deferred", "delivered"])
@pytest.mark.parametrize("how", ["removed", "deferred"])
def test_only_open_deliverables_can_be_removed_or_deferred(closed_by: str, how: str) -> None:
    # Given a deliverable that is no longer open
    project = an_in_progress_project(keys=("build", "test"))
    if closed_by == "delivered":
        project.deliver("build", PAT)
    else:
        project.change_scope(added=[], removed=["build"] if closed_by == "removed" else [],
                             deferred=["build"] if closed_by == "deferred" else [],
                             rationale="r", cost_impact=0, schedule_impact_days=0,
                             decision=a_decision(project=[project.id]), by=PAT)
    project.collect_events()
    # When it is removed or deferred, then the change is refused
    with pytest.raises(InvariantViolated) as refused:
        project.change_scope(added=[], removed=["build"] if how == "removed" else [],
                             deferred=["build"] if how == "deferred" else [], rationale="r",
                             cost_impact=0, schedule_impact_days=0,
                             decision=a_decision(project=[project.id]), by=PAT)
    assert refused.value.rule == "deliverable_closed"
    assert closed_by in refused.value.message
    assert project.collect_events() == []


# --- delivery ----------------------------------------------------------------------------------

def test_an_in_progress_project_delivers_an_open_deliverable() -> None:
    project = an_in_progress_project(keys=("build", "test"))
    project.deliver("build", PAT, reason="Signed off")
    (event,) = project.collect_events()
    assert isinstance(event, Project.DeliverableDelivered)
    assert (event.key, event.reason) == ("build", "Signed off")
    assert project.deliverables["build"]["status"] == "delivered"
    assert project.deliverables["test"]["status"] == "planned"


@pytest.mark.parametrize("lifecycle", ["planned", "on_hold", "completed", "cancelled"])
def test_deliverables_are_delivered_only_while_in_progress(lifecycle: str) -> None:
    project = a_project(lifecycle)
    with pytest.raises(InvariantViolated) as refused:
        project.deliver("build", PAT)
    assert refused.value.rule == "project_not_in_progress"
    assert project.collect_events() == []


def test_a_deliverable_is_delivered_once() -> None:
    project = an_in_progress_project()
    project.deliver("build", PAT)
    with pytest.raises(InvariantViolated) as refused:
        project.deliver("build", PAT)
    assert refused.value.rule == "deliverable_closed"
    assert event_names(project) == ["DeliverableDelivered"]


def test_a_deferred_or_unknown_deliverable_cannot_be_delivered() -> None:
    project = an_in_progress_project(keys=("build",))
    _defer(project, a_decision(project=[project.id]))
    with pytest.raises(InvariantViolated, match="deferred"):
        project.deliver("build", PAT)
    with pytest.raises(InvalidInput, match="no deliverable 'ghost'"):
        project.deliver("ghost", PAT)


def test_a_deliverable_added_by_scope_change_can_then_be_delivered() -> None:
    project = an_in_progress_project()
    project.change_scope(added=[deliverable("train", "Train", date(2026, 3, 1))], removed=[],
                         deferred=[], rationale="Users asked", cost_impact=5,
                         schedule_impact_days=0, decision=a_decision(project=[project.id]),
                         by=PAT)
    project.deliver("train", PAT)
    assert event_names(project) == ["ScopeChanged", "DeliverableDelivered"]
    assert project.deliverables["train"]["status"] == "delivered"
