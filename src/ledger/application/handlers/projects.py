"""Handlers of the project commands: authorise, lifecycle, report, change scope, deliver."""

from __future__ import annotations

from ledger.application.commands.projects import (
    AuthorizeProject,
    ChangeProjectLifecycle,
    ChangeProjectScope,
    DeliverDeliverable,
    ReportProjectStatus,
)
from ledger.application.handling import Context, handles
from ledger.domain.program import Program
from ledger.domain.project import Project, deliverable


@handles(AuthorizeProject)
def authorize_project(command: AuthorizeProject, program: Program, context: Context) -> Project:
    return Project.authorize(
        program_id=program.id, name=command.name, manager=command.manager,
        planned_start=command.planned_start, planned_finish=command.planned_finish,
        deliverables=[deliverable(d.key, d.name, d.due) for d in command.deliverables],
        by=context.by, reason=command.reason, effective_at=command.effective_at,
    )


@handles(ChangeProjectLifecycle)
def change_lifecycle(command: ChangeProjectLifecycle, project: Project,
                     context: Context) -> None:
    project.change_lifecycle(command.status, context.by, command.reason, command.effective_at)


@handles(ReportProjectStatus)
def report_status(command: ReportProjectStatus, project: Project, context: Context) -> None:
    ratings = command.model_dump(include={"overall", "schedule", "cost", "scope", "resources"})
    project.report_status(ratings, command.narrative, context.by, command.reason,
                          command.effective_at)


@handles(ChangeProjectScope)
def change_scope(command: ChangeProjectScope, project: Project, context: Context) -> None:
    project.change_scope(
        added=[deliverable(d.key, d.name, d.due) for d in command.add],
        removed=command.remove, deferred=command.defer, rationale=command.rationale,
        cost_impact=command.impact.cost, schedule_impact_days=command.impact.schedule_days,
        decision=context.ledger.cited_decision(command.decision_id), by=context.by,
        effective_at=command.effective_at,
    )


@handles(DeliverDeliverable)
def deliver(command: DeliverDeliverable, project: Project, context: Context) -> None:
    project.deliver(command.key, context.by, command.reason, command.effective_at)
