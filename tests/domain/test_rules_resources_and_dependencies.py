"""Shared resources stay within capacity unless governed; dependency graphs stay acyclic."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.domain.dependency import Dependency, find_path
from ledger.domain.errors import InvalidInput, InvariantViolated, NotFound
from ledger.domain.resource import SharedResource
from tests.domain.given import PAT, PROGRAM_ID, a_decision, a_resource


def _allocate(resource: SharedResource, amount: str, month: str = "2026-02",
              decision: object = None) -> UUID:
    allocation_id = uuid4()
    resource.allocate(allocation_id=allocation_id, project_id=uuid4(), month=month,
                      amount=Decimal(amount), decision=decision, by=PAT)  # type: ignore[arg-type]
    return allocation_id


def test_allocations_within_capacity_are_recorded() -> None:
    resource = a_resource("2")
    _allocate(resource, "1.5")
    _allocate(resource, "0.5")
    assert resource.allocated_in("2026-02") == Decimal(2)
    assert resource.over_allocated_months() == {}


def test_over_capacity_is_refused_without_a_decision() -> None:
    resource = a_resource("2")
    _allocate(resource, "1.5")
    resource.collect_events()
    with pytest.raises(InvariantViolated) as refused:
        _allocate(resource, "1")
    assert refused.value.rule == "capacity_exceeded"
    assert "0.5 FTE free in 2026-02" in refused.value.message
    assert resource.collect_events() == []


def test_over_capacity_with_a_governing_decision_is_explicit() -> None:
    resource = a_resource("2")
    _allocate(resource, "1.5")
    decision = a_decision(resource=[resource.id])
    _allocate(resource, "1", decision=decision)
    assert resource.over_allocated_months() == {"2026-02": Decimal("0.5")}
    assert resource.is_governed("2026-02")


def test_releasing_frees_capacity_and_unknown_release_is_not_found() -> None:
    resource = a_resource("2")
    first = _allocate(resource, "2")
    resource.release(first, PAT, "Moved to March")
    _allocate(resource, "2")
    with pytest.raises(NotFound):
        resource.release(first, PAT, "again")


def test_capacity_cut_below_allocations_needs_a_decision() -> None:
    resource = a_resource("2")
    _allocate(resource, "2")
    with pytest.raises(InvariantViolated, match="2026-02"):
        resource.change_capacity(Decimal(1), PAT, "Budget cut")
    resource.change_capacity(Decimal(1), PAT, "Budget cut", a_decision(resource=[resource.id]))
    assert resource.capacity_per_month == Decimal(1) and resource.is_governed("2026-02")


@pytest.mark.parametrize(("month", "amount"), [("2026-13", "1"), ("Feb", "1"),
                                              ("2026-02", "0"), ("2026-02", "-1")])
def test_months_and_amounts_are_validated(month: str, amount: str) -> None:
    with pytest.raises(InvalidInput):
        _allocate(a_resource(), amount, month)


@given(st.lists(st.tuples(st.sampled_from(["alloc", "governed", "release", "capacity"]),
                          st.sampled_from(["0.5", "1", "1.5", "2"]),
                          st.sampled_from(["2026-01", "2026-02"])), max_size=25))
def test_random_resource_histories_never_leave_ungoverned_over_allocation(
        steps: list[tuple[str, str, str]]) -> None:
    resource = a_resource("2")
    decision = a_decision(resource=[resource.id])
    for action, amount, month in steps:
        try:
            if action in ("alloc", "governed"):
                _allocate(resource, amount, month, decision if action == "governed" else None)
            elif action == "release" and resource.allocations:
                resource.release(UUID(next(iter(resource.allocations))), PAT, "free")
            elif action == "capacity":
                resource.change_capacity(Decimal(amount), PAT, "replan")
        except InvariantViolated:
            pass
        for over in resource.over_allocated_months():
            assert resource.is_governed(over)


def _declare(edges: list[tuple[UUID, UUID]], provider: UUID, consumer: UUID) -> Dependency:
    return Dependency.declare(program_id=PROGRAM_ID, provider_project_id=provider,
                              provider_deliverable=None, consumer_project_id=consumer,
                              needed_by=date(2026, 1, 1), description="d",
                              existing_edges=edges, by=PAT)


def test_a_project_cannot_depend_on_itself() -> None:
    project = uuid4()
    with pytest.raises(InvalidInput):
        _declare([], project, project)


def test_closing_a_long_cycle_is_refused_and_names_the_path() -> None:
    a, b, c, d = (uuid4() for _ in range(4))
    with pytest.raises(InvariantViolated) as refused:
        _declare([(a, b), (b, c), (c, d)], d, a)
    assert refused.value.rule == "dependency_cycle"
    assert str(a) in refused.value.message and str(d) in refused.value.message


def test_a_diamond_is_not_a_cycle() -> None:
    a, b, c, d = (uuid4() for _ in range(4))
    dependency = _declare([(a, b), (a, c), (b, d)], c, d)
    assert dependency.edge == (c, d)
    assert find_path([(a, b), (a, c), (b, d), (c, d)], d, a) == []


def _has_cycle(edges: list[tuple[int, int]]) -> bool:
    """Independent check: Kahn's algorithm leaves nodes behind exactly when there is a cycle."""
    nodes = {n for edge in edges for n in edge}
    incoming = {n: sum(1 for _, c in edges if c == n) for n in nodes}
    ready = [n for n in nodes if incoming[n] == 0]
    removed = 0
    while ready:
        node = ready.pop()
        removed += 1
        for provider, consumer in edges:
            if provider == node:
                incoming[consumer] -= 1
                if incoming[consumer] == 0:
                    ready.append(consumer)
    return removed != len(nodes)


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=30))
def test_accepted_dependencies_never_form_a_cycle(pairs: list[tuple[int, int]]) -> None:
    projects = [uuid4() for _ in range(6)]
    accepted: list[tuple[int, int]] = []
    for provider, consumer in pairs:
        edges = [(projects[p], projects[c]) for p, c in accepted]
        try:
            _declare(edges, projects[provider], projects[consumer])
        except (InvariantViolated, InvalidInput):
            continue
        accepted.append((provider, consumer))
    assert not _has_cycle(accepted)
