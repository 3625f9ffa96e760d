"""SharedResource: a role, team or budget that several projects draw on, month by month."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Self
from uuid import UUID

from ledger.domain.base import LedgerAggregate, Provenance, require_month, require_text
from ledger.domain.decision import Decision
from ledger.domain.errors import InvalidInput, InvariantViolated, NotFound


def require_positive(field: str, amount: Decimal) -> Decimal:
    if not amount.is_finite() or amount <= 0:
        raise InvalidInput(field, "must be a number greater than zero")
    return amount


class SharedResource(LedgerAggregate):
    """Capacity per month, and the allocations that draw on it."""

    class ResourceRegistered(LedgerAggregate.Created):
        program_id: UUID
        name: str
        unit: str
        capacity_per_month: Decimal

    class ResourceCapacityChanged(LedgerAggregate.Event):
        from_capacity: Decimal
        to_capacity: Decimal
        decision_id: UUID | None

        def apply(self, resource: Any) -> None:
            resource.capacity_per_month = self.to_capacity
            resource.capacity_decision_id = self.decision_id

    class ResourceAllocated(LedgerAggregate.Event):
        allocation_id: UUID
        project_id: UUID
        month: str
        amount: Decimal
        decision_id: UUID | None

        def apply(self, resource: Any) -> None:
            resource.allocations[self.allocation_id.hex] = {
                "project_id": self.project_id,
                "month": self.month,
                "amount": self.amount,
                "decision_id": self.decision_id,
            }

    class ResourceAllocationReleased(LedgerAggregate.Event):
        allocation_id: UUID

        def apply(self, resource: Any) -> None:
            del resource.allocations[self.allocation_id.hex]
            resource.released_ids.append(self.allocation_id.hex)

    def __init__(
        self, program_id: UUID, name: str, unit: str, capacity_per_month: Decimal
    ) -> None:
        self.program_id = program_id
        self.name = name
        self.unit = unit
        self.capacity_per_month = capacity_per_month
        self.capacity_decision_id: UUID | None = None
        self.allocations: dict[str, dict[str, Any]] = {}
        self.released_ids: list[str] = []

    @classmethod
    def register(
        cls,
        *,
        program_id: UUID,
        name: str,
        unit: str,
        capacity_per_month: Decimal,
        by: Provenance,
        effective_at: datetime | None = None,
    ) -> Self:
        return cls._start(
            cls.ResourceRegistered,
            by,
            effective_at=effective_at,
            program_id=program_id,
            name=require_text("name", name),
            unit=require_text("unit", unit),
            capacity_per_month=require_positive("capacity_per_month", capacity_per_month),
        )

    def allocated_in(self, month: str) -> Decimal:
        return sum(
            (a["amount"] for a in self.allocations.values() if a["month"] == month), Decimal(0)
        )

    def is_governed(self, month: str) -> bool:
        """Over-allocation is allowed only where a decision explicitly accepted it."""
        return self.capacity_decision_id is not None or any(
            a["decision_id"] is not None
            for a in self.allocations.values()
            if a["month"] == month
        )

    def over_allocated_months(self) -> dict[str, Decimal]:
        """Each month whose allocations exceed capacity, with the excess."""
        months = {a["month"] for a in self.allocations.values()}
        excess = {m: self.allocated_in(m) - self.capacity_per_month for m in months}
        return {m: e for m, e in sorted(excess.items()) if e > 0}

    def change_capacity(
        self,
        to_capacity: Decimal,
        by: Provenance,
        reason: str,
        decision: Decision | None = None,
        effective_at: datetime | None = None,
    ) -> None:
        require_positive("capacity_per_month", to_capacity)
        if decision is not None:
            decision.require_governs("resource", self.id, self.program_id)
        else:
            over = [m for m in self.allocations_by_month() if self.allocated_in(m) > to_capacity]
            if over:
                raise InvariantViolated(
                    f"capacity {to_capacity} {self.unit} is below what is already allocated in "
                    f"{', '.join(over)}; release allocations first or cite a decision",
                    rule="capacity_exceeded",
                )
        self._record(
            self.ResourceCapacityChanged,
            by,
            reason=require_text("reason", reason),
            effective_at=effective_at,
            from_capacity=self.capacity_per_month,
            to_capacity=to_capacity,
            decision_id=decision.id if decision else None,
        )

    def allocate(
        self,
        *,
        allocation_id: UUID,
        project_id: UUID,
        month: str,
        amount: Decimal,
        decision: Decision | None,
        by: Provenance,
        reason: str | None = None,
        effective_at: datetime | None = None,
    ) -> None:
        require_month("month", month)
        require_positive("amount", amount)
        if allocation_id.hex in self.allocations or allocation_id.hex in self.released_ids:
            raise InvariantViolated(f"allocation id {allocation_id} was already used; "
                                    "each allocation gets a new id", rule="duplicate_id")
        if decision is not None:
            decision.require_governs("resource", self.id, self.program_id)
        elif self.allocated_in(month) + amount > self.capacity_per_month:
            free = self.capacity_per_month - self.allocated_in(month)
            raise InvariantViolated(
                f"{self.name} has {free} {self.unit} free in {month} (capacity "
                f"{self.capacity_per_month}); allocate less, release an allocation, or cite a "
                "decision that lists this resource to accept the over-allocation",
                rule="capacity_exceeded",
            )
        self._record(
            self.ResourceAllocated,
            by,
            reason=reason,
            effective_at=effective_at,
            allocation_id=allocation_id,
            project_id=project_id,
            month=month,
            amount=amount,
            decision_id=decision.id if decision else None,
        )

    def release(
        self, allocation_id: UUID, by: Provenance, reason: str,
        effective_at: datetime | None = None,
    ) -> None:
        if allocation_id.hex not in self.allocations:
            raise NotFound(f"allocation_id: no active allocation {allocation_id} on '{self.name}'")
        self._record(
            self.ResourceAllocationReleased,
            by,
            reason=require_text("reason", reason),
            effective_at=effective_at,
            allocation_id=allocation_id,
        )

    def allocations_by_month(self) -> list[str]:
        return sorted({a["month"] for a in self.allocations.values()})
