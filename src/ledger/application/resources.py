"""Commands on shared resources: register, change capacity, allocate and release."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID, uuid4

from ledger.application.service import CommandResult, LedgerService
from ledger.domain.base import LedgerAggregate, Provenance
from ledger.domain.resource import SharedResource


class ResourceCommands(LedgerService):
    def register_resource(
        self,
        program_id: UUID,
        *,
        name: str,
        unit: str,
        capacity_per_month: Decimal,
        by: Provenance,
        effective_at: datetime | None = None,
    ) -> CommandResult:
        def command() -> list[LedgerAggregate]:
            program = self.open_program(program_id)
            resource = SharedResource.register(
                program_id=program.id, name=name, unit=unit,
                capacity_per_month=Decimal(capacity_per_month), by=by, effective_at=effective_at,
            )
            program.register_component("resource", resource, by)
            return [resource, program]

        return self.run(command)

    def change_resource_capacity(
        self,
        resource_id: UUID,
        *,
        capacity_per_month: Decimal,
        reason: str,
        by: Provenance,
        decision_id: UUID | None = None,
        if_match: int | None = None,
        effective_at: datetime | None = None,
    ) -> CommandResult:
        def command() -> list[SharedResource]:
            resource = self.load(resource_id, SharedResource, if_match)
            self.open_program(resource.program_id)
            decision = self.cited_decision(decision_id)
            resource.change_capacity(
                Decimal(capacity_per_month), by, reason, decision, effective_at
            )
            return [resource]

        return self.run(command)

    def allocate_resource(
        self,
        resource_id: UUID,
        *,
        project_id: UUID,
        month: str,
        amount: Decimal,
        by: Provenance,
        decision_id: UUID | None = None,
        reason: str | None = None,
        if_match: int | None = None,
        effective_at: datetime | None = None,
    ) -> CommandResult:
        allocation_id = uuid4()

        def command() -> list[SharedResource]:
            resource = self.load(resource_id, SharedResource, if_match)
            program = self.open_program(resource.program_id)
            program.require_component("project", project_id, "project_id")
            resource.allocate(
                allocation_id=allocation_id, project_id=project_id, month=month,
                amount=Decimal(amount), decision=self.cited_decision(decision_id),
                by=by, reason=reason, effective_at=effective_at,
            )
            return [resource]

        return self.run(command, extra={"allocation_id": str(allocation_id)})

    def release_allocation(
        self,
        resource_id: UUID,
        allocation_id: UUID,
        *,
        reason: str,
        by: Provenance,
        if_match: int | None = None,
        effective_at: datetime | None = None,
    ) -> CommandResult:
        def command() -> list[SharedResource]:
            resource = self.load(resource_id, SharedResource, if_match)
            self.open_program(resource.program_id)
            resource.release(allocation_id, by, reason, effective_at)
            return [resource]

        return self.run(command)
