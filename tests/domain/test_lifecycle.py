"""Every lifecycle move, from each state to each: allowed ones record one event, others none."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from ledger.domain.base import LedgerAggregate
from ledger.domain.errors import InvalidTransition, InvariantViolated
from ledger.domain.lifecycle import (
    BENEFIT_LIFECYCLE,
    DEPENDENCY_LIFECYCLE,
    PROGRAM_LIFECYCLE,
    PROJECT_LIFECYCLE,
    Lifecycle,
)
from tests.domain.given import (
    PAT,
    a_benefit,
    a_decision,
    a_dependency,
    a_program,
    a_project,
    a_risk,
    event_names,
)

# Written out by hand from DESIGN.md ("Domain"), never derived from the code under test.
# "proposed → active ⇄ on_hold → closing → closed, and cancelled from any state not final."
PROGRAM_MOVES = {
    "proposed": {"active", "cancelled"},
    "active": {"on_hold", "closing", "cancelled"},
    "on_hold": {"active", "cancelled"},
    "closing": {"closed", "cancelled"},
    "closed": set(),
    "cancelled": set(),
}
# "planned → in_progress ⇄ on_hold → completed, and cancelled from any state not final."
PROJECT_MOVES = {
    "planned": {"in_progress", "cancelled"},
    "in_progress": {"on_hold", "completed", "cancelled"},
    "on_hold": {"in_progress", "cancelled"},
    "completed": set(),
    "cancelled": set(),
}
# "open → committed → met, at_risk, broken, withdrawn."
DEPENDENCY_MOVES = {
    "open": {"committed", "at_risk", "broken", "withdrawn"},
    "committed": {"met", "at_risk", "broken", "withdrawn"},
    "at_risk": {"committed", "met", "broken", "withdrawn"},
    "broken": {"open", "committed", "withdrawn"},
    "met": set(),
    "withdrawn": set(),
}
# "identified → planned → in_delivery → realized → sustained, and cancelled."
BENEFIT_MOVES = {
    "identified": {"planned", "cancelled"},
    "planned": {"in_delivery", "cancelled"},
    "in_delivery": {"realized", "cancelled"},
    "realized": {"sustained", "cancelled"},
    "sustained": set(),
    "cancelled": set(),
}


@dataclass(frozen=True)
class Subject:
    """One lifecycle: how to build an aggregate in a state, how to move it, what it records."""

    name: str
    lifecycle: Lifecycle
    expected: dict[str, set[str]]
    build: Callable[[str], LedgerAggregate]
    move: Callable[[Any, str], None]
    event_name: str
    status_of: Callable[[Any], str]


SUBJECTS = [
    Subject("program", PROGRAM_LIFECYCLE, PROGRAM_MOVES, a_program,
            lambda a, to: a.change_status(to, PAT, "why"), "ProgramStatusChanged",
            lambda a: a.status),
    Subject("project", PROJECT_LIFECYCLE, PROJECT_MOVES, a_project,
            lambda a, to: a.change_lifecycle(to, PAT, "why"), "ProjectLifecycleChanged",
            lambda a: a.lifecycle),
    Subject("dependency", DEPENDENCY_LIFECYCLE, DEPENDENCY_MOVES, a_dependency,
            lambda a, to: a.change_status(to, PAT, "why"), "DependencyStatusChanged",
            lambda a: a.status),
    Subject("benefit", BENEFIT_LIFECYCLE, BENEFIT_MOVES, a_benefit,
            lambda a, to: a.change_status(to, PAT, "why"), "BenefitStatusChanged",
            lambda a: a.status),
]


def _matrix(allowed: bool) -> list[Any]:
    return [
        pytest.param(subject, current, target, id=f"{subject.name}:{current}->{target}")
        for subject in SUBJECTS
        for current in subject.expected
        for target in subject.expected
        if (target in subject.expected[current]) is allowed
    ]


@pytest.mark.parametrize("subject", SUBJECTS, ids=lambda s: s.name)
def test_each_lifecycle_has_exactly_the_states_of_the_design(subject: Subject) -> None:
    assert subject.lifecycle.states == set(subject.expected)
    assert {s for s in subject.expected if subject.lifecycle.is_final(s)} == {
        s for s, targets in subject.expected.items() if not targets}


@pytest.mark.parametrize(("subject", "current", "target"), _matrix(allowed=True))
def test_allowed_move_records_one_event_from_and_to(
        subject: Subject, current: str, target: str) -> None:
    # Given an aggregate in the current state
    aggregate = subject.build(current)
    assert subject.status_of(aggregate) == current
    # When it moves to an allowed target
    subject.move(aggregate, target)
    # Then exactly one event records the move, with from, to and reason
    (event,) = aggregate.collect_events()
    assert type(event).__name__ == subject.event_name
    assert (event.from_status, event.to_status) == (current, target)
    assert event.reason == "why"
    assert subject.status_of(aggregate) == target
    subject.lifecycle.check(current, target)  # and the table itself agrees


@pytest.mark.parametrize(("subject", "current", "target"), _matrix(allowed=False))
def test_refused_move_raises_invalid_transition_and_records_nothing(
        subject: Subject, current: str, target: str) -> None:
    # Given an aggregate in the current state
    aggregate = subject.build(current)
    # When it is asked to make a move the lifecycle does not allow
    with pytest.raises(InvalidTransition) as refused:
        subject.move(aggregate, target)
    # Then the refusal names the states, nothing is recorded and the state is unchanged
    assert f"'{current}'" in refused.value.message and f"'{target}'" in refused.value.message
    assert refused.value.rule == "invalid_transition"
    assert aggregate.collect_events() == []
    assert subject.status_of(aggregate) == current
    with pytest.raises(InvalidTransition):
        subject.lifecycle.check(current, target)


@pytest.mark.parametrize("subject", SUBJECTS, ids=lambda s: s.name)
def test_unknown_target_state_is_refused_with_the_list_of_states(subject: Subject) -> None:
    initial = next(iter(subject.expected))
    aggregate = subject.build(initial)
    with pytest.raises(InvalidTransition, match="use one of") as refused:
        subject.move(aggregate, "finished")
    assert all(state in refused.value.message for state in subject.expected)
    assert aggregate.collect_events() == []


@pytest.mark.parametrize("subject", SUBJECTS, ids=lambda s: s.name)
def test_final_state_refusal_says_it_is_final(subject: Subject) -> None:
    final = next(s for s, targets in subject.expected.items() if not targets)
    initial = next(iter(subject.expected))
    with pytest.raises(InvalidTransition, match="final"):
        subject.move(subject.build(final), initial)


# Risks have no Lifecycle table: open → materialized → closed, and open → closed.
RISK_MOVES: dict[str, dict[str, str | None]] = {
    # state: {action: rule that refuses it, or None when allowed}
    "open": {"materialize": None, "close": None},
    "materialized": {"materialize": "risk_not_open", "close": None},
    "closed": {"materialize": "risk_not_open", "close": "risk_closed"},
}
RISK_ACTIONS: dict[str, tuple[Callable[[Any], None], str, str]] = {
    "materialize": (lambda r: r.materialize("Happened", "Two weeks", PAT), "RiskMaterialized",
                    "materialized"),
    "close": (lambda r: r.close(PAT, "Over"), "RiskClosed", "closed"),
}


@pytest.mark.parametrize(("current", "action"), [
    pytest.param(state, action, id=f"risk:{state}:{action}")
    for state, actions in RISK_MOVES.items() for action in actions])
def test_risk_moves_open_to_materialized_to_closed_only(current: str, action: str) -> None:
    # Given a risk in the current state
    risk = a_risk(current)
    act, event_name, new_status = RISK_ACTIONS[action]
    refusing_rule = RISK_MOVES[current][action]
    if refusing_rule is None:
        # When an allowed action runs, then it records its event and the new status
        act(risk)
        assert event_names(risk) == [event_name]
        assert risk.status == new_status
    else:
        # When a refused action runs, then it names the rule and records nothing
        with pytest.raises(InvariantViolated) as refused:
            act(risk)
        assert refused.value.rule == refusing_rule
        assert risk.collect_events() == []
        assert risk.status == current


def test_decision_is_superseded_at_most_once() -> None:
    # Given a decision superseded by a later one
    decision, later, latest = a_decision(), a_decision(), a_decision()
    decision.supersede(later, PAT, "New facts")
    (event,) = decision.collect_events()
    assert event.by_decision_id == later.id
    # When it is superseded again
    with pytest.raises(InvariantViolated) as refused:
        decision.supersede(latest, PAT, "Newer facts")
    # Then it is refused, the first supersession stands, and nothing is recorded
    assert refused.value.rule == "decision_already_superseded"
    assert decision.superseded_by == later.id
    assert decision.collect_events() == []
