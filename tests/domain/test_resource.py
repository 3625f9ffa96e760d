"""SharedResource: allocations stay within monthly capacity unless a decision governs the excess."""

from __future__ import annotations

from decimal import Decimal
from functools import reduce
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.domain.decision import Decision
from ledger.domain.errors import InvalidInput, InvariantViolated, NotFound
from ledger.domain.resource import SharedResource
from tests.domain.given import (
    PAT,
    PROGRAM_ID,
    a_decision,
    a_resource,
    a_superseded_decision,
    event_names,
)


def _allocate(resource: SharedResource, amount: str, month: str = "2026-02",
              decision: Decision | None = None, allocation_id: UUID | None = None) -> UUID:
    allocation_id = allocation_id or uuid4()
    resource.allocate(allocation_id=allocation_id, project_id=uuid4(), month=month,
                      amount=Decimal(amount), decision=decision, by=PAT)
    return allocation_id


def _governing(resource: SharedResource) -> Decision:
    return a_decision(resource=[resource.id])


# --- registration ------------------------------------------------------------------------------

def test_registering_a_resource_records_name_unit_and_capacity() -> None:
    resource = SharedResource.register(program_id=PROGRAM_ID, name="SAP specialists", unit="FTE",
                                       capacity_per_month=Decimal("2.5"), by=PAT)
    (event,) = resource.collect_events()
    assert isinstance(event, SharedResource.ResourceRegistered)
    assert (event.program_id, event.name, event.unit, event.capacity_per_month) == (
        PROGRAM_ID, "SAP specialists", "FTE", Decimal("2.5"))
    assert resource.allocations == {}


@pytest.mark.parametrize("field", ["name", "unit"])
def test_blank_name_or_unit_is_refused(field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        SharedResource.register(**{"program_id": PROGRAM_ID, "name": "n", "unit": "u",
                                   "capacity_per_month": Decimal(1), field: " "}, by=PAT)
    assert refused.value.field == field


@pytest.mark.parametrize("capacity", ["0", "-1", "NaN", "Infinity"])
def test_capacity_must_be_a_positive_number(capacity: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        SharedResource.register(program_id=PROGRAM_ID, name="n", unit="u",
                                capacity_per_month=Decimal(capacity), by=PAT)
    assert refused.value.field == "capacity_per_month"


# --- allocation --------------------------------------------------------------------------------

def test_allocations_up_to_capacity_are_recorded() -> None:
    # Given a resource of 2 FTE a month
    resource = a_resource("2")
    # When 1.5 and then 0.5 FTE are allocated in February
    first = _allocate(resource, "1.5")
    _allocate(resource, "0.5")
    # Then both are recorded and February is exactly full, not over
    allocated, _ = resource.collect_events()
    assert isinstance(allocated, SharedResource.ResourceAllocated)
    assert (allocated.allocation_id, allocated.month, allocated.amount, allocated.decision_id) == (
        first, "2026-02", Decimal("1.5"), None)
    assert resource.allocated_in("2026-02") == Decimal(2)
    assert resource.over_allocated_months() == {}


def test_over_capacity_without_a_decision_is_refused_and_says_what_is_free() -> None:
    resource = a_resource("2")
    _allocate(resource, "1.5")
    resource.collect_events()
    with pytest.raises(InvariantViolated) as refused:
        _allocate(resource, "0.75")
    assert refused.value.rule == "capacity_exceeded"
    assert "0.5 FTE free in 2026-02" in refused.value.message
    assert resource.collect_events() == []
    assert resource.allocated_in("2026-02") == Decimal("1.5")


def test_capacity_is_per_month() -> None:
    resource = a_resource("2")
    _allocate(resource, "2", "2026-02")
    _allocate(resource, "2", "2026-03")
    assert (resource.allocated_in("2026-02"), resource.allocated_in("2026-03")) == (2, 2)
    assert resource.allocations_by_month() == ["2026-02", "2026-03"]


def test_over_capacity_with_a_governing_decision_is_accepted_and_explicit() -> None:
    # Given a resource 1.5 of 2 FTE full in February
    resource = a_resource("2")
    _allocate(resource, "1.5")
    resource.collect_events()
    decision = _governing(resource)
    # When 1 FTE more is allocated citing a decision that lists the resource
    _allocate(resource, "1", decision=decision)
    # Then it is recorded with the decision, and the month shows as over-allocated but governed
    (event,) = resource.collect_events()
    assert event.decision_id == decision.id
    assert resource.over_allocated_months() == {"2026-02": Decimal("0.5")}
    assert resource.is_governed("2026-02")
    assert not resource.is_governed("2026-03")


@pytest.mark.parametrize(("cite", "rule"), [
    (lambda r: a_decision(program_id=uuid4(), resource=[r.id]), "decision_not_in_program"),
    (lambda r: a_decision(resource=[uuid4()]), "decision_does_not_govern"),
    (lambda r: a_decision(project=[r.id]), "decision_does_not_govern"),
    (lambda r: a_superseded_decision(resource=[r.id]), "decision_superseded"),
])
def test_over_allocation_needs_a_decision_that_governs_this_resource(cite: Any, rule: str) -> None:
    resource = a_resource("2")
    with pytest.raises(InvariantViolated) as refused:
        _allocate(resource, "3", decision=cite(resource))
    assert refused.value.rule == rule
    assert resource.collect_events() == []


@pytest.mark.parametrize("month", ["2026-13", "2026-00", "2026-2", "26-02", "2026/02", "Feb",
                                   "2026-02-01", "", " 2026-02"])
def test_month_must_be_written_yyyy_mm(month: str) -> None:
    resource = a_resource()
    with pytest.raises(InvalidInput) as refused:
        _allocate(resource, "1", month)
    assert refused.value.field == "month"
    assert resource.collect_events() == []


def test_a_month_with_a_trailing_newline_is_not_a_month() -> None:
    # Otherwise "2026-02\n" would be a second February with its own capacity.
    resource = a_resource("2")
    _allocate(resource, "2", "2026-02")
    with pytest.raises(InvalidInput):
        _allocate(resource, "2", "2026-02\n")


@pytest.mark.parametrize("month", ["2026-01", "2026-12", "1999-10"])
def test_well_formed_months_are_accepted(month: str) -> None:
    resource = a_resource()
    _allocate(resource, "1", month)
    assert resource.allocated_in(month) == 1


@pytest.mark.parametrize("amount", ["0", "-0.5", "NaN"])
def test_amount_must_be_greater_than_zero(amount: str) -> None:
    resource = a_resource()
    with pytest.raises(InvalidInput) as refused:
        _allocate(resource, amount)
    assert refused.value.field == "amount"
    assert resource.collect_events() == []


def test_an_allocation_id_is_used_once() -> None:
    resource = a_resource("2")
    allocation = _allocate(resource, "1", "2026-02")
    with pytest.raises((InvalidInput, InvariantViolated)):
        _allocate(resource, "1", "2026-03", allocation_id=allocation)


# --- release -----------------------------------------------------------------------------------

def test_releasing_an_allocation_frees_its_capacity() -> None:
    # Given a full February
    resource = a_resource("2")
    allocation = _allocate(resource, "2")
    resource.collect_events()
    # When the allocation is released
    resource.release(allocation, PAT, "Moved to March")
    # Then the release is recorded and the month can be filled again
    (event,) = resource.collect_events()
    assert isinstance(event, SharedResource.ResourceAllocationReleased)
    assert (event.allocation_id, event.reason) == (allocation, "Moved to March")
    assert resource.allocated_in("2026-02") == 0
    _allocate(resource, "2")


def test_an_unknown_or_already_released_allocation_is_not_found() -> None:
    resource = a_resource("2")
    allocation = _allocate(resource, "1")
    resource.release(allocation, PAT, "done")
    resource.collect_events()
    for missing in (allocation, uuid4()):
        with pytest.raises(NotFound):
            resource.release(missing, PAT, "again")
    assert resource.collect_events() == []


def test_a_release_needs_a_reason() -> None:
    resource = a_resource("2")
    allocation = _allocate(resource, "1")
    with pytest.raises(InvalidInput) as refused:
        resource.release(allocation, PAT, "")
    assert refused.value.field == "reason"
    assert allocation.hex in resource.allocations


# --- capacity changes --------------------------------------------------------------------------

def test_capacity_can_change_while_it_still_covers_the_allocations() -> None:
    resource = a_resource("2")
    _allocate(resource, "1")
    resource.collect_events()
    resource.change_capacity(Decimal(1), PAT, "Budget cut")
    (event,) = resource.collect_events()
    assert isinstance(event, SharedResource.ResourceCapacityChanged)
    assert (event.from_capacity, event.to_capacity, event.decision_id) == (2, 1, None)
    assert resource.capacity_per_month == 1


def test_capacity_cut_below_allocations_is_refused_without_a_decision() -> None:
    resource = a_resource("2")
    _allocate(resource, "2", "2026-02")
    _allocate(resource, "0.5", "2026-03")
    resource.collect_events()
    with pytest.raises(InvariantViolated) as refused:
        resource.change_capacity(Decimal(1), PAT, "Budget cut")
    assert refused.value.rule == "capacity_exceeded"
    assert "2026-02" in refused.value.message and "2026-03" not in refused.value.message
    assert resource.collect_events() == []
    assert resource.capacity_per_month == 2


def test_capacity_cut_below_allocations_with_a_governing_decision_is_explicit() -> None:
    resource = a_resource("2")
    _allocate(resource, "2")
    resource.collect_events()
    decision = _governing(resource)
    resource.change_capacity(Decimal(1), PAT, "Budget cut", decision)
    (event,) = resource.collect_events()
    assert event.decision_id == decision.id
    assert resource.over_allocated_months() == {"2026-02": Decimal(1)}
    assert resource.is_governed("2026-02")


def test_a_capacity_change_needs_a_positive_capacity_a_reason_and_a_true_citation() -> None:
    resource = a_resource("2")
    with pytest.raises(InvalidInput, match="capacity_per_month"):
        resource.change_capacity(Decimal(0), PAT, "none left")
    with pytest.raises(InvalidInput, match="reason"):
        resource.change_capacity(Decimal(3), PAT, " ")
    with pytest.raises(InvariantViolated, match="does not list"):
        resource.change_capacity(Decimal(3), PAT, "more", a_decision(project=[resource.id]))
    assert resource.collect_events() == []


def test_an_ungoverned_capacity_change_ends_the_earlier_governance_once_nothing_is_over() -> None:
    resource = a_resource("2")
    _allocate(resource, "2")
    resource.change_capacity(Decimal(1), PAT, "cut", _governing(resource))
    resource.change_capacity(Decimal(3), PAT, "restored")
    assert resource.over_allocated_months() == {}
    assert not resource.is_governed("2026-02")
    assert event_names(resource) == ["ResourceAllocated", "ResourceCapacityChanged",
                                     "ResourceCapacityChanged"]


# --- property: no ungoverned over-allocation, whatever happens ---------------------------------

AMOUNTS = st.sampled_from(["0.5", "1", "1.5", "2", "3"])
MONTHS = st.sampled_from(["2026-01", "2026-02", "2026-03"])
STEPS = st.lists(st.one_of(
    st.tuples(st.just("allocate"), AMOUNTS, MONTHS),
    st.tuples(st.just("allocate_governed"), AMOUNTS, MONTHS),
    st.tuples(st.just("allocate_stray_decision"), AMOUNTS, MONTHS),
    st.tuples(st.just("release"), st.integers(0, 20), st.just("")),
    st.tuples(st.just("capacity"), AMOUNTS, st.just("")),
    st.tuples(st.just("capacity_governed"), AMOUNTS, st.just("")),
), max_size=30)


def _step(resource: SharedResource, governing: Decision, stray: Decision,
          step: tuple[str, Any, str]) -> None:
    action, value, month = step
    if action.startswith("allocate"):
        decision = {"allocate": None, "allocate_governed": governing,
                    "allocate_stray_decision": stray}[action]
        _allocate(resource, value, month, decision)
    elif action == "release" and resource.allocations:
        keys = sorted(resource.allocations)
        resource.release(UUID(keys[value % len(keys)]), PAT, "free")
    elif action.startswith("capacity"):
        decision = governing if action == "capacity_governed" else None
        resource.change_capacity(Decimal(value), PAT, "replan", decision)


@settings(max_examples=300, deadline=None)
@given(STEPS)
def test_random_histories_never_leave_an_ungoverned_over_allocated_month(
        steps: list[tuple[str, Any, str]]) -> None:
    resource = SharedResource.register(program_id=PROGRAM_ID, name="Team", unit="FTE",
                                       capacity_per_month=Decimal(2), by=PAT)
    governing, stray = _governing(resource), a_decision(project=[resource.id])
    recorded = resource.collect_events()
    for step in steps:
        before = len(resource.pending_events)
        try:
            _step(resource, governing, stray, step)
        except InvariantViolated:
            assert len(resource.pending_events) == before  # a refusal records nothing
        for month in resource.over_allocated_months():
            assert resource.is_governed(month), f"{month} over capacity without a decision"
    # and the events alone rebuild the same state
    recorded += resource.collect_events()
    replayed = reduce(lambda agg, event: event.mutate(agg), recorded, None)
    assert isinstance(replayed, SharedResource)
    assert (replayed.allocations, replayed.capacity_per_month) == (
        resource.allocations, resource.capacity_per_month)
