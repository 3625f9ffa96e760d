"""Handlers of the shared-resource commands: register, capacity, allocate, release."""

from __future__ import annotations

from ledger.application.commands.resources import (
    AllocateResource,
    ChangeResourceCapacity,
    RegisterResource,
    ReleaseAllocation,
)
from ledger.application.handling import Context, handles
from ledger.domain.program import Program
from ledger.domain.resource import SharedResource


@handles(RegisterResource)
def register(command: RegisterResource, program: Program, context: Context) -> SharedResource:
    return SharedResource.register(
        program_id=program.id, name=command.name, unit=command.unit,
        capacity_per_month=command.capacity_per_month, by=context.by,
        effective_at=command.effective_at,
    )


@handles(ChangeResourceCapacity)
def change_capacity(command: ChangeResourceCapacity, resource: SharedResource,
                    context: Context) -> None:
    resource.change_capacity(command.capacity_per_month, context.by, command.reason,
                             context.ledger.cited_decision(command.decision_id),
                             command.effective_at)


@handles(AllocateResource)
def allocate(command: AllocateResource, resource: SharedResource, context: Context) -> None:
    context.program.require_component("project", command.project_id, "project_id")
    resource.allocate(
        allocation_id=command.allocation_id, project_id=command.project_id,
        month=command.month, amount=command.amount,
        decision=context.ledger.cited_decision(command.decision_id), by=context.by,
        reason=command.reason, effective_at=command.effective_at,
    )


@handles(ReleaseAllocation)
def release(command: ReleaseAllocation, resource: SharedResource, context: Context) -> None:
    resource.release(command.allocation_id, context.by, command.reason, command.effective_at)
