"""Every lifecycle move: the allowed ones record one event, the others are refused unrecorded."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ledger.domain.base import LedgerAggregate
from ledger.domain.errors import InvalidTransition
from tests.domain.given import PAT, a_dependency, a_program, a_project

# Written out by hand from DESIGN.md, not derived from the code under test.
PROGRAM_MOVES = {
    "proposed": {"active", "cancelled"},
    "active": {"on_hold", "closing", "cancelled"},
    "on_hold": {"active", "cancelled"},
    "closing": {"closed", "cancelled"},
    "closed": set(),
    "cancelled": set(),
}
PROJECT_MOVES = {
    "planned": {"in_progress", "cancelled"},
    "in_progress": {"on_hold", "completed", "cancelled"},
    "on_hold": {"in_progress", "cancelled"},
    "completed": set(),
    "cancelled": set(),
}
DEPENDENCY_MOVES = {
    "open": {"committed", "at_risk", "broken", "withdrawn"},
    "committed": {"met", "at_risk", "broken", "withdrawn"},
    "at_risk": {"committed", "met", "broken", "withdrawn"},
    "broken": {"open", "committed", "withdrawn"},
    "met": set(),
    "withdrawn": set(),
}


def _matrix(moves: dict[str, set[str]]) -> list[tuple[str, str, bool]]:
    return [(a, b, b in moves[a]) for a in moves for b in moves]


Mover = Callable[[LedgerAggregate, str], None]
CASES: list[tuple[str, Callable[[str], LedgerAggregate], Mover, str, dict[str, set[str]]]] = [
    ("program", a_program, lambda a, to: a.change_status(to, PAT, "why"),  # type: ignore[attr-defined]
     "ProgramStatusChanged", PROGRAM_MOVES),
    ("project", a_project, lambda a, to: a.change_lifecycle(to, PAT, "why"),  # type: ignore[attr-defined]
     "ProjectLifecycleChanged", PROJECT_MOVES),
    ("dependency", a_dependency, lambda a, to: a.change_status(to, PAT, "why"),  # type: ignore[attr-defined]
     "DependencyStatusChanged", DEPENDENCY_MOVES),
]
PARAMS = [
    pytest.param(build, move, event, current, target, allowed, id=f"{name}:{current}->{target}")
    for name, build, move, event, moves in CASES
    for current, target, allowed in _matrix(moves)
]


@pytest.mark.parametrize(("build", "move", "event_name", "current", "target", "allowed"), PARAMS)
def test_lifecycle_move(build: Callable[[str], LedgerAggregate], move: Mover, event_name: str,
                        current: str, target: str, allowed: bool) -> None:
    # Given an aggregate in the current state
    aggregate = build(current)
    # When it is asked to move
    if allowed:
        move(aggregate, target)
        # Then exactly one event records the move, from and to
        (event,) = aggregate.collect_events()
        assert type(event).__name__ == event_name
        assert (event.from_status, event.to_status) == (current, target)  # type: ignore[attr-defined]
        assert event.reason == "why"  # type: ignore[attr-defined]
    else:
        # Then the move is refused and nothing is recorded
        with pytest.raises(InvalidTransition) as refused:
            move(aggregate, target)
        assert current in refused.value.message
        assert aggregate.collect_events() == []


@pytest.mark.parametrize(("build", "start", "mover"), [
    (a_program, "proposed", "change_status"),
    (a_project, "planned", "change_lifecycle"),
    (a_dependency, "open", "change_status"),
])
def test_unknown_state_is_refused_with_the_list_of_states(
        build: Callable[[str], LedgerAggregate], start: str, mover: str) -> None:
    aggregate = build(start)
    with pytest.raises(InvalidTransition, match="use one of"):
        getattr(aggregate, mover)("finished", PAT, "why")
    assert aggregate.collect_events() == []
