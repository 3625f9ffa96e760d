"""Commands on projects: authorise, move through the lifecycle, report, change scope, deliver."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from ledger.application.service import CommandResult, LedgerService
from ledger.domain.base import LedgerAggregate, Provenance
from ledger.domain.project import Project, deliverable


class ProjectCommands(LedgerService):
    def authorize_project(
        self,
        program_id: UUID,
        *,
        name: str,
        manager: str,
        planned_start: date,
        planned_finish: date,
        deliverables: list[dict[str, Any]],
        by: Provenance,
        reason: str | None = None,
        effective_at: datetime | None = None,
    ) -> CommandResult:
        def command() -> list[LedgerAggregate]:
            program = self.open_program(program_id)
            project = Project.authorize(
                program_id=program.id, name=name, manager=manager,
                planned_start=planned_start, planned_finish=planned_finish,
                deliverables=[deliverable(d["key"], d["name"], d["due"]) for d in deliverables],
                by=by, reason=reason, effective_at=effective_at,
            )
            program.register_component("project", project, by)
            return [project, program]

        return self.run(command)

    def change_project_lifecycle(
        self,
        project_id: UUID,
        *,
        status: str,
        reason: str,
        by: Provenance,
        if_match: int | None = None,
        effective_at: datetime | None = None,
    ) -> CommandResult:
        def command() -> list[Project]:
            project = self.load(project_id, Project, if_match)
            self.open_program(project.program_id)
            project.change_lifecycle(status, by, reason, effective_at)
            return [project]

        return self.run(command)

    def report_project_status(
        self,
        project_id: UUID,
        *,
        overall: str,
        schedule: str,
        cost: str,
        scope: str,
        resources: str,
        narrative: str,
        by: Provenance,
        reason: str | None = None,
        if_match: int | None = None,
        effective_at: datetime | None = None,
    ) -> CommandResult:
        ratings = {"overall": overall, "schedule": schedule, "cost": cost, "scope": scope,
                   "resources": resources}

        def command() -> list[Project]:
            project = self.load(project_id, Project, if_match)
            self.open_program(project.program_id)
            project.report_status(ratings, narrative, by, reason, effective_at)
            return [project]

        return self.run(command)

    def change_project_scope(
        self,
        project_id: UUID,
        *,
        add: list[dict[str, Any]],
        remove: list[str],
        defer: list[str],
        rationale: str,
        cost_impact: float,
        schedule_impact_days: int,
        by: Provenance,
        decision_id: UUID | None = None,
        if_match: int | None = None,
        effective_at: datetime | None = None,
    ) -> CommandResult:
        def command() -> list[Project]:
            project = self.load(project_id, Project, if_match)
            self.open_program(project.program_id)
            project.change_scope(
                added=[deliverable(d["key"], d["name"], d["due"]) for d in add],
                removed=remove, deferred=defer, rationale=rationale, cost_impact=cost_impact,
                schedule_impact_days=schedule_impact_days,
                decision=self.cited_decision(decision_id), by=by,
                effective_at=effective_at,
            )
            return [project]

        return self.run(command)

    def deliver(
        self,
        project_id: UUID,
        key: str,
        *,
        by: Provenance,
        reason: str | None = None,
        if_match: int | None = None,
        effective_at: datetime | None = None,
    ) -> CommandResult:
        def command() -> list[Project]:
            project = self.load(project_id, Project, if_match)
            self.open_program(project.program_id)
            project.deliver(key, by, reason, effective_at)
            return [project]

        return self.run(command)
