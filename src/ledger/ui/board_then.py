"""The program page as it stood at a past moment, from the as-of replay of the events
(``Ledger.program_as_of``): what a board saw on the day it decided."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy.engine import Connection

from ledger.application.replay import ProgramAsOf
from ledger.domain.base import LedgerAggregate
from ledger.domain.benefit import realization
from ledger.domain.decision import Decision
from ledger.domain.project import Project
from ledger.domain.risk import Risk
from ledger.projections import decisions, projects, risks
from ledger.projections.dependencies import OPEN_STATUSES
from ledger.ui import board as page
from ledger.ui.board_now import LIMIT
from ledger.ui.wording import response_text

A = TypeVar("A", bound=LedgerAggregate)


def _of(state: ProgramAsOf, kind: str, aggregate_class: type[A]) -> list[A]:
    return [c for c in state.components.get(kind, []) if isinstance(c, aggregate_class)]


@dataclass
class Then:
    """What the banner says about the moment shown."""

    date: date
    position: int
    head: int
    note: str | None

    @property
    def effective_label(self) -> str:
        return self.date.strftime("%d %B %Y")


def end_of(day: date) -> datetime:
    """The last moment of a business day: a report made that day counts as known that day."""
    return datetime.combine(day, time.max, tzinfo=UTC)


def board_then(connection: Connection, state: ProgramAsOf, day: date) -> page.Board:
    """The page from replayed aggregates. The read models fill in only what no event of
    the replayed aggregates holds and never changes (a risk's owner, a decision's position)
    and the report history behind the trend strips, cut at the same position and day."""
    found = state.components
    program_id = state.program.id
    project_states = _of(state, "project", Project)
    names = {p.id: p.name for p in project_states}
    ratings = {p.id: p.latest_ratings for p in project_states}
    trends = projects.recent_reports(connection, program_id, page.TREND_LENGTH,
                                     known_at=state.resolved_position,
                                     effective_by=end_of(day))
    owners = {r.id: r.owner for r in risks.list_risks(connection, program_id, limit=LIMIT).items}
    recorded = {d.id: d.recorded_position
                for d in decisions.list_decisions(connection, program_id, limit=LIMIT).items}
    return page.Board(
        health=[page.health_row(p.name, p.lifecycle, trends.get(p.id, [])) for p in project_states],
        benefits=[_benefit(b) for b in found.get("benefit", [])],
        risks=[page.RiskRow(r.title, owners.get(r.id, ""), r.likelihood, r.impact, r.status,
                       response_text(r.response)) for r in _of(state, "risk", Risk)],
        dependencies=[_dependency(d, names, ratings, day) for d in found.get("dependency", [])],
        resources=[_resource(r) for r in found.get("resource", [])],
        decisions=[page.DecisionRow(d.id, d.taken_at.date(), d.title, d.chosen_option,
                               d.superseded_by is not None, recorded.get(d.id, 0))
                   for d in _of(state, "decision", Decision)],
    )


def _benefit(benefit: Any) -> page.BenefitRow:
    profile = benefit.profile or {}
    series = sorted(benefit.measurements, key=lambda key: benefit.measured_at[key])
    latest = benefit.measurements[series[-1]] if series else None
    share = (realization(profile["baseline_value"], profile["target_value"], latest)
             if profile and latest is not None else None)
    return page.BenefitRow(benefit.name, benefit.unit, profile.get("baseline_value"),
                      profile.get("target_value"), latest, share, None)


def _dependency(dependency: Any, names: dict[UUID, str], ratings: dict[UUID, dict[str, str]],
                day: date) -> page.DependencyRow:
    return page.dependency_row(
        names.get(dependency.provider_project_id, "a project not yet known"),
        dependency.provider_deliverable, names.get(dependency.consumer_project_id, ""),
        dependency.needed_by, dependency.status,
        ratings.get(dependency.provider_project_id, {}).get("overall") == "red",
        dependency.needed_by < day and dependency.status in OPEN_STATUSES)


def _resource(resource: Any) -> page.ResourceBlock:
    months: dict[str, tuple[Decimal, list[UUID]]] = {}
    for allocation in resource.allocations.values():
        total, governed = months.get(allocation["month"], (Decimal(0), []))
        decided = [allocation["decision_id"]] if allocation["decision_id"] else []
        months[allocation["month"]] = (total + Decimal(allocation["amount"]),
                                       governed + decided)
    capacity = Decimal(resource.capacity_per_month)
    extra = [resource.capacity_decision_id] if resource.capacity_decision_id else []
    return page.resource_block(resource.name, resource.unit, [
        (month, total, capacity, governed + extra) for month, (total, governed) in months.items()])
