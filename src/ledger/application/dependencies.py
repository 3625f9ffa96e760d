"""Commands on dependencies: declare one (keeping the graph acyclic) and change its status."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from ledger.application.service import CommandResult, LedgerService
from ledger.domain.base import LedgerAggregate, Provenance
from ledger.domain.dependency import Dependency
from ledger.domain.errors import InvalidInput
from ledger.domain.project import Project


class DependencyCommands(LedgerService):
    def declare_dependency(
        self,
        program_id: UUID,
        *,
        provider_project_id: UUID,
        consumer_project_id: UUID,
        needed_by: date,
        description: str,
        by: Provenance,
        provider_deliverable: str | None = None,
        effective_at: datetime | None = None,
    ) -> CommandResult:
        def command() -> list[LedgerAggregate]:
            program = self.open_program(program_id)
            program.require_component("project", provider_project_id, "provider_project_id")
            program.require_component("project", consumer_project_id, "consumer_project_id")
            provider = self.load(provider_project_id, Project)
            if provider_deliverable and provider_deliverable not in provider.deliverables:
                raise InvalidInput(
                    "provider_deliverable",
                    f"'{provider.name}' has no deliverable '{provider_deliverable}'",
                )
            dependency = Dependency.declare(
                program_id=program.id, provider_project_id=provider_project_id,
                provider_deliverable=provider_deliverable or None,
                consumer_project_id=consumer_project_id, needed_by=needed_by,
                description=description, existing_edges=self.active_edges(program), by=by,
                effective_at=effective_at,
            )
            program.register_component("dependency", dependency, by)
            return [dependency, program]

        return self.run(command)

    def change_dependency_status(
        self,
        dependency_id: UUID,
        *,
        status: str,
        reason: str,
        by: Provenance,
        if_match: int | None = None,
        effective_at: datetime | None = None,
    ) -> CommandResult:
        def command() -> list[Dependency]:
            dependency = self.load(dependency_id, Dependency, if_match)
            self.open_program(dependency.program_id)
            dependency.change_status(status, by, reason, effective_at)
            return [dependency]

        return self.run(command)
