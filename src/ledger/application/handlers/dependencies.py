"""Handlers of the dependency commands: declare one (keeping the graph acyclic), status."""

from __future__ import annotations

from ledger.application.commands.dependencies import ChangeDependencyStatus, DeclareDependency
from ledger.application.handling import Context, handles
from ledger.domain.dependency import Dependency
from ledger.domain.errors import InvalidInput
from ledger.domain.program import Program
from ledger.domain.project import Project


@handles(DeclareDependency)
def declare(command: DeclareDependency, program: Program, context: Context) -> Dependency:
    program.require_component("project", command.provider_project_id, "provider_project_id")
    program.require_component("project", command.consumer_project_id, "consumer_project_id")
    provider = context.ledger.load(command.provider_project_id, Project)
    if command.provider_deliverable and command.provider_deliverable not in provider.deliverables:
        raise InvalidInput(
            "provider_deliverable",
            f"'{provider.name}' has no deliverable '{command.provider_deliverable}'",
        )
    return Dependency.declare(
        program_id=program.id, provider_project_id=command.provider_project_id,
        provider_deliverable=command.provider_deliverable or None,
        consumer_project_id=command.consumer_project_id, needed_by=command.needed_by,
        description=command.description, existing_edges=context.ledger.active_edges(program),
        by=context.by, effective_at=command.effective_at,
    )


@handles(ChangeDependencyStatus)
def change_status(command: ChangeDependencyStatus, dependency: Dependency,
                  context: Context) -> None:
    dependency.change_status(command.status, context.by, command.reason, command.effective_at)
