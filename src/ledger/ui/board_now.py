"""The program page as the read models show it now."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.engine import Connection

from ledger.projections import benefits, decisions, dependencies, projects, resources, risks
from ledger.ui.board import (
    TREND_LENGTH,
    BenefitRow,
    Board,
    DecisionRow,
    DependencyRow,
    RiskRow,
    dependency_row,
    health_row,
    resource_block,
)
from ledger.ui.wording import response_text

LIMIT = 500  # a program's components of one kind that one page shows


def board_now(connection: Connection, program_id: UUID) -> Board:
    project_list = projects.list_projects(connection, program_id, limit=LIMIT).items
    names = {p.id: p.name for p in project_list}
    trends = projects.recent_reports(connection, program_id, TREND_LENGTH)
    return Board(
        health=[health_row(p.name, p.lifecycle, trends.get(p.id, [])) for p in project_list],
        benefits=[BenefitRow(
            b.name, b.unit, (b.profile or {}).get("baseline_value"),
            (b.profile or {}).get("target_value"), b.latest_value, b.realization,
            b.target_drift) for b in benefits.list_benefits(
                connection, program_id, limit=LIMIT).items],
        risks=[RiskRow(r.title, r.owner, r.likelihood, r.impact, r.status,
                       response_text(r.response))
               for r in risks.list_risks(connection, program_id, limit=LIMIT).items],
        dependencies=[_dependency(d, names) for d in dependencies.list_dependencies(
            connection, program_id, dependencies.today(), limit=LIMIT).items],
        resources=[resource_block(r.name, r.unit, [
            (m.month, m.allocated, m.capacity,
             [a.decision_id for a in m.allocations if a.decision_id]
             + ([r.capacity_decision_id] if r.capacity_decision_id else []))
            for m in r.months]) for r in resources.list_resources(
                connection, program_id, limit=LIMIT).items],
        decisions=[DecisionRow(d.id, d.taken_at.date(), d.title, d.chosen_option,
                               d.superseded_by is not None, d.recorded_position)
                   for d in decisions.list_decisions(connection, program_id, limit=LIMIT).items],
    )


def _dependency(view: dependencies.DependencyView, names: dict[UUID, str]) -> DependencyRow:
    return dependency_row(
        names.get(view.provider_project_id, str(view.provider_project_id)),
        view.provider_deliverable,
        names.get(view.consumer_project_id, str(view.consumer_project_id)),
        view.needed_by, view.status, view.provider_red, view.needed_by_passed)
