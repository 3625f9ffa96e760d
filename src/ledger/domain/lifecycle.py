"""State machines for the lifecycles of programs, projects, dependencies and benefits."""

from __future__ import annotations

from collections.abc import Mapping

from ledger.domain.errors import InvalidTransition


class Lifecycle:
    """Allowed moves between named states; final states allow none."""

    def __init__(self, subject: str, moves: Mapping[str, frozenset[str]]) -> None:
        self.subject = subject
        self.moves = moves
        self.states = frozenset(moves)

    def is_final(self, state: str) -> bool:
        return not self.moves[state]

    def check(self, current: str, target: str) -> None:
        """Raise InvalidTransition unless ``current → target`` is allowed."""
        if target not in self.states:
            allowed_states = ", ".join(sorted(self.states))
            raise InvalidTransition(
                f"'{target}' is not a {self.subject} state; use one of: {allowed_states}"
            )
        if target not in self.moves[current]:
            allowed = ", ".join(sorted(self.moves[current])) or "nothing (it is final)"
            raise InvalidTransition(
                f"a {self.subject} cannot move from '{current}' to '{target}'; "
                f"from '{current}' it may move to: {allowed}"
            )


def _moves(**moves: str) -> dict[str, frozenset[str]]:
    return {state: frozenset(targets.split()) for state, targets in moves.items()}


PROGRAM_LIFECYCLE = Lifecycle(
    "program",
    _moves(
        proposed="active cancelled",
        active="on_hold closing cancelled",
        on_hold="active cancelled",
        closing="closed cancelled",
        closed="",
        cancelled="",
    ),
)

PROJECT_LIFECYCLE = Lifecycle(
    "project",
    _moves(
        planned="in_progress cancelled",
        in_progress="on_hold completed cancelled",
        on_hold="in_progress cancelled",
        completed="",
        cancelled="",
    ),
)

DEPENDENCY_LIFECYCLE = Lifecycle(
    "dependency",
    _moves(
        open="committed at_risk broken withdrawn",
        committed="met at_risk broken withdrawn",
        at_risk="committed met broken withdrawn",
        broken="open committed withdrawn",
        met="",
        withdrawn="",
    ),
)

BENEFIT_LIFECYCLE = Lifecycle(
    "benefit",
    _moves(
        identified="planned cancelled",
        planned="in_delivery cancelled",
        in_delivery="realized cancelled",
        realized="sustained cancelled",
        sustained="",
        cancelled="",
    ),
)
