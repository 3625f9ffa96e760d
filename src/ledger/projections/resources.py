"""Read model of shared resources: capacity, and every allocation by month."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field
from sqlalchemy import Boolean, Column, Index, String, Table, Text, select
from sqlalchemy.engine import Connection

from ledger.db import ID, POSITION, DecimalText, Document, UTCDateTime, metadata
from ledger.domain.errors import NotFound
from ledger.domain.resource import SharedResource
from ledger.projections.failures import raise_if_stale
from ledger.projections.pages import DEFAULT_LIMIT, Page, keyset_page
from ledger.projections.registry import ReadModel
from ledger.projections.view import Row, View

resources = Table(
    "rm_resources", metadata,
    Column("resource_id", ID, primary_key=True),
    Column("program_id", ID, nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("unit", String(32), nullable=False),
    Column("capacity_per_month", DecimalText, nullable=False),
    Column("capacity_decision_id", ID, nullable=True),
    # Per month with active allocations: the total allocated (a decimal string) and how many
    # of them cite a decision; kept by the handlers so rollups need not scan allocations.
    Column("months", Document, nullable=False),
    Column("registered_at", UTCDateTime, nullable=False),
    Column("version", POSITION, nullable=False),
    Column("last_position", POSITION, nullable=False),
)

allocations = Table(
    "rm_allocations", metadata,
    Column("allocation_id", ID, primary_key=True),
    Column("resource_id", ID, nullable=False),
    Column("program_id", ID, nullable=False),
    Column("project_id", ID, nullable=False),
    Column("month", String(7), nullable=False),
    Column("amount", DecimalText, nullable=False),
    Column("decision_id", ID, nullable=True),
    Column("allocated_at", UTCDateTime, nullable=False),
    Column("released", Boolean, nullable=False),
    Column("released_reason", Text, nullable=True),
    Index("ix_rm_allocations_resource_month", "resource_id", "month"),
)

model = ReadModel("resources", {"resources": resources, "allocations": allocations},
                  root="resources")


@model.on(SharedResource.ResourceRegistered)
def _registered(event: SharedResource.ResourceRegistered, position: int, view: View) -> None:
    view.add("resources", {
        "resource_id": str(event.originator_id), "program_id": str(event.program_id),
        "name": event.name, "unit": event.unit, "capacity_per_month": event.capacity_per_month,
        "capacity_decision_id": None, "months": {}, "registered_at": event.effective_at,
        "version": event.originator_version, "last_position": position,
    })


@model.on(SharedResource.ResourceCapacityChanged)
def _capacity(event: SharedResource.ResourceCapacityChanged, position: int, view: View) -> None:
    row = model.touch(event, position, view)
    row["capacity_per_month"] = event.to_capacity
    row["capacity_decision_id"] = str(event.decision_id) if event.decision_id else None


def _add_to_month(row: Row, month: str, amount: Decimal, governed: int) -> None:
    months = dict(row["months"])
    load = months.get(month, {"allocated": "0", "governed": 0})
    allocated, count = Decimal(load["allocated"]) + amount, load["governed"] + governed
    if allocated == 0 and count == 0:
        months.pop(month, None)
    else:
        months[month] = {"allocated": str(allocated), "governed": count}
    row["months"] = months


@model.on(SharedResource.ResourceAllocated)
def _allocated(event: SharedResource.ResourceAllocated, position: int, view: View) -> None:
    row = model.touch(event, position, view)
    _add_to_month(row, event.month, event.amount, 1 if event.decision_id else 0)
    view.add("allocations", {
        "allocation_id": str(event.allocation_id), "resource_id": row["resource_id"],
        "program_id": row["program_id"], "project_id": str(event.project_id),
        "month": event.month, "amount": event.amount,
        "decision_id": str(event.decision_id) if event.decision_id else None,
        "allocated_at": event.effective_at, "released": False, "released_reason": None,
    })


@model.on(SharedResource.ResourceAllocationReleased)
def _released(event: SharedResource.ResourceAllocationReleased, position: int,
              view: View) -> None:
    row = model.touch(event, position, view)
    allocation = view.changed("allocations", str(event.allocation_id))
    allocation.update(released=True, released_reason=event.reason)
    _add_to_month(row, allocation["month"], -allocation["amount"],
                  -1 if allocation["decision_id"] else 0)


class Allocation(BaseModel):
    id: UUID
    project_id: UUID
    month: str
    amount: Decimal
    decision_id: UUID | None
    allocated_at: datetime
    released: bool
    released_reason: str | None


class MonthLoad(BaseModel):
    month: str
    allocated: Decimal
    capacity: Decimal
    over_allocated_by: Decimal
    governed: bool = Field(description="An over-allocation was accepted by a decision.")
    allocations: list[Allocation]


class ResourceView(BaseModel):
    id: UUID
    program_id: UUID
    name: str
    unit: str
    capacity_per_month: Decimal
    capacity_decision_id: UUID | None
    months: list[MonthLoad]
    over_allocated_months: list[str]
    registered_at: datetime
    version: int
    position: int


def _resource(connection: Connection, row: Any) -> ResourceView:
    capacity: Decimal = row.capacity_per_month
    active = [Allocation(id=a.allocation_id, **{k: getattr(a, k) for k in (
        "project_id", "month", "amount", "decision_id", "allocated_at", "released",
        "released_reason")}) for a in connection.execute(
        select(allocations).where(allocations.c.resource_id == row.resource_id,
                                  allocations.c.released.is_(False))
        .order_by(allocations.c.month, allocations.c.allocated_at))]
    months = []
    for month in sorted({a.month for a in active}):
        in_month = [a for a in active if a.month == month]
        total = sum((a.amount for a in in_month), Decimal(0))
        months.append(MonthLoad(
            month=month, allocated=total, capacity=capacity,
            over_allocated_by=max(Decimal(0), total - capacity),
            governed=row.capacity_decision_id is not None
            or any(a.decision_id for a in in_month),
            allocations=in_month))
    return ResourceView(
        id=row.resource_id, program_id=row.program_id, name=row.name, unit=row.unit,
        capacity_per_month=capacity, capacity_decision_id=row.capacity_decision_id,
        months=months, over_allocated_months=[m.month for m in months if m.over_allocated_by],
        registered_at=row.registered_at, version=row.version, position=row.last_position)


def get_resource(connection: Connection, resource_id: UUID) -> ResourceView:
    raise_if_stale(connection, "resource", resource_id)
    row = connection.execute(
        select(resources).where(resources.c.resource_id == str(resource_id))).first()
    if row is None:
        raise NotFound(f"no resource with id {resource_id}")
    return _resource(connection, row)


def list_resources(connection: Connection, program_id: UUID, limit: int = DEFAULT_LIMIT,
                   cursor: str | None = None) -> Page[ResourceView]:
    query = select(resources).where(resources.c.program_id == str(program_id))
    return keyset_page(connection, query, resources.c.resource_id, limit, cursor,
                       lambda row: _resource(connection, row))


def program_over_allocated_months(connection: Connection, program_id: UUID) -> int:
    """How many (resource, month) pairs of the program are allocated beyond capacity."""
    rows = connection.execute(select(resources.c.capacity_per_month, resources.c.months)
                              .where(resources.c.program_id == str(program_id)))
    return sum(1 for capacity, months in rows for load in months.values()
               if Decimal(load["allocated"]) > capacity)
