"""Dependency: declaration, no self-dependency, and an acyclic graph checked at write time."""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from uuid import UUID, uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.domain.dependency import Dependency, find_path
from ledger.domain.errors import InvalidInput, InvariantViolated
from tests.domain.given import PAT, PROGRAM_ID, a_dependency

Edge = tuple[UUID, UUID]


def _declare(edges: list[Edge], provider: UUID, consumer: UUID,
             description: str = "Needs the data model") -> Dependency:
    return Dependency.declare(program_id=PROGRAM_ID, provider_project_id=provider,
                              provider_deliverable="model", consumer_project_id=consumer,
                              needed_by=date(2026, 1, 1), description=description,
                              existing_edges=edges, by=PAT)


def _projects(n: int) -> list[UUID]:
    return [uuid4() for _ in range(n)]


def _chain(nodes: list[UUID]) -> list[Edge]:
    return list(pairwise(nodes))


def test_declaring_a_dependency_records_both_ends_and_starts_open() -> None:
    provider, consumer = _projects(2)
    dependency = _declare([], provider, consumer)
    (event,) = dependency.collect_events()
    assert isinstance(event, Dependency.DependencyDeclared)
    assert (event.program_id, event.provider_project_id, event.consumer_project_id) == (
        PROGRAM_ID, provider, consumer)
    assert (event.provider_deliverable, event.needed_by, event.description) == (
        "model", date(2026, 1, 1), "Needs the data model")
    assert (dependency.status, dependency.edge, dependency.is_active) == (
        "open", (provider, consumer), True)


def test_a_project_cannot_depend_on_itself() -> None:
    (project,) = _projects(1)
    with pytest.raises(InvalidInput) as refused:
        _declare([], project, project)
    assert refused.value.field == "consumer_project_id"


def test_a_dependency_needs_a_description() -> None:
    with pytest.raises(InvalidInput) as refused:
        _declare([], *_projects(2), description=" ")
    assert refused.value.field == "description"


@pytest.mark.parametrize("length", [2, 3, 4, 50])
def test_closing_a_cycle_of_any_length_is_refused_and_names_the_path(length: int) -> None:
    # Given a chain p0 → p1 → … → p(n-1)
    nodes = _projects(length)
    # When the last project is declared a provider of the first
    with pytest.raises(InvariantViolated) as refused:
        _declare(_chain(nodes), nodes[-1], nodes[0])
    # Then the cycle is refused and the message walks it
    assert refused.value.rule == "dependency_cycle"
    assert all(str(n) in refused.value.message for n in nodes)


def test_a_cycle_through_a_side_branch_is_refused() -> None:
    a, b, c, d, e = _projects(5)
    edges = [(a, b), (b, c), (a, d), (d, e)]  # two branches out of a
    with pytest.raises(InvariantViolated, match="cycle"):
        _declare(edges, e, a)


@pytest.mark.parametrize("shape", ["diamond", "wide-diamond", "parallel-edge", "two-chains",
                                   "reverse-of-unrelated"])
def test_shapes_that_are_not_cycles_are_accepted(shape: str) -> None:
    a, b, c, d, e = _projects(5)
    existing, new = {
        "diamond": ([(a, b), (a, c), (b, d)], (c, d)),
        "wide-diamond": ([(a, b), (a, c), (a, d), (b, e), (c, e)], (d, e)),
        "parallel-edge": ([(a, b)], (a, b)),
        "two-chains": ([(a, b), (b, c), (d, e)], (c, d)),
        "reverse-of-unrelated": ([(a, b), (c, d)], (d, a)),
    }[shape]
    dependency = _declare(existing, *new)
    assert dependency.edge == new


def test_find_path_follows_provider_to_consumer_edges() -> None:
    a, b, c, d = _projects(4)
    edges = [(a, b), (b, c), (c, d)]
    assert find_path(edges, a, d) == [a, b, c, d]
    assert find_path(edges, b, c) == [b, c]
    assert find_path(edges, d, a) == []  # edges are one-way
    assert find_path([], a, b) == []


def test_find_path_in_a_diamond_finds_a_real_route_and_no_way_back() -> None:
    a, b, c, d = _projects(4)
    edges = [(a, b), (a, c), (b, d), (c, d)]
    path = find_path(edges, a, d)
    assert path in ([a, b, d], [a, c, d])
    assert find_path(edges, d, a) == []
    assert find_path(edges, b, c) == []


def test_find_path_survives_existing_cycles_and_dead_ends() -> None:
    # Data from elsewhere may already hold a loop; the search must still end.
    a, b, c, d, e = _projects(5)
    edges = [(a, b), (b, c), (c, a), (b, d)]
    assert find_path(edges, a, d) == [a, b, d]
    assert find_path(edges, a, e) == []


def test_find_path_over_a_long_chain() -> None:
    nodes = _projects(500)
    assert find_path(_chain(nodes), nodes[0], nodes[-1]) == nodes


def test_status_change_needs_a_reason() -> None:
    dependency = a_dependency()
    with pytest.raises(InvalidInput) as refused:
        dependency.change_status("committed", PAT, "")
    assert refused.value.field == "reason"
    assert dependency.collect_events() == []


def test_a_withdrawn_dependency_leaves_the_graph() -> None:
    assert not a_dependency("withdrawn").is_active
    assert all(a_dependency(s).is_active for s in ("open", "committed", "at_risk", "broken",
                                                   "met"))


# --- property: whatever is declared, the accepted edges never form a cycle ----------------------

def _has_cycle(edges: list[tuple[int, int]]) -> bool:
    """Independent check by depth-first colouring: a grey node reached again closes a cycle."""
    successors: dict[int, list[int]] = {}
    for provider, consumer in edges:
        successors.setdefault(provider, []).append(consumer)
    colour: dict[int, str] = {}

    def visit(node: int) -> bool:
        colour[node] = "grey"
        for following in successors.get(node, []):
            if colour.get(following) == "grey":
                return True
            if following not in colour and visit(following):
                return True
        colour[node] = "black"
        return False

    return any(node not in colour and visit(node) for node in list(successors))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=40))
def test_accepted_dependencies_never_form_a_cycle(pairs: list[tuple[int, int]]) -> None:
    projects = _projects(7)
    accepted: list[tuple[int, int]] = []
    for provider, consumer in pairs:
        edges = [(projects[p], projects[c]) for p, c in accepted]
        would_cycle = provider == consumer or _has_cycle([*accepted, (provider, consumer)])
        try:
            _declare(edges, projects[provider], projects[consumer])
        except (InvariantViolated, InvalidInput):
            # Refused exactly when the new edge would close a cycle (or loop on itself)
            assert would_cycle
            continue
        assert not would_cycle  # and never refused without cause
        accepted.append((provider, consumer))
    assert not _has_cycle(accepted)
