"""The figures a board weighs, derived from a program's aggregates (never the read models),
so a simulated program and a recorded one are measured the same way.

Figures are plain JSON values keyed by section, then by the entity's id: resource load by
month, dependency flags, scope and deliverable dates, benefit targets and forecasts, risk
exposure, and a summary of the whole program. A decision keeps them as its prediction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from ledger.application.measurements import linear_forecast, measurement_series
from ledger.domain.base import LedgerAggregate
from ledger.domain.benefit import Benefit, realization
from ledger.domain.dependency import Dependency
from ledger.domain.program import Program
from ledger.domain.project import Project
from ledger.domain.resource import SharedResource
from ledger.domain.risk import Risk
from ledger.projections.dependencies import OPEN_STATUSES, is_at_risk

A = TypeVar("A", bound=LedgerAggregate)
SECTIONS = ("summary", "resources", "dependencies", "scope", "benefits", "risks")
Figures = dict[str, Any]


def program_figures(program: Program, components: Iterable[LedgerAggregate],
                    today: date) -> Figures:
    """Every figure of the program whose components are given; ``today`` decides which
    needed-by dates have passed."""
    found = list(components)
    projects = _of(found, Project)
    ratings = {p.id: p.latest_ratings.get("overall") for p in projects}
    names = {p.id: p.name for p in projects}
    figures: Figures = {
        "resources": {str(r.id): _resource(r) for r in _of(found, SharedResource)},
        "dependencies": {str(d.id): _dependency(d, names, ratings, today)
                         for d in _of(found, Dependency)},
        "scope": {str(p.id): _scope(p) for p in projects},
        "benefits": {str(b.id): _benefit(b) for b in _of(found, Benefit)},
        "risks": {str(r.id): _risk(r) for r in _of(found, Risk)},
    }
    figures["summary"] = {"program": _summary(program, figures)}
    return {section: figures[section] for section in SECTIONS}


def _of(found: list[LedgerAggregate], cls: type[A]) -> list[A]:
    return sorted((c for c in found if isinstance(c, cls)), key=lambda c: str(c.id))


def _number(value: Decimal | float | int | None) -> float | None:
    return None if value is None else round(float(value), 6)


def _resource(resource: SharedResource) -> dict[str, Any]:
    capacity = resource.capacity_per_month
    months: dict[str, Any] = {}
    for month in sorted({a["month"] for a in resource.allocations.values()}):
        allocated = resource.allocated_in(month)
        over = max(allocated - capacity, Decimal(0))
        months[month] = {"allocated": _number(allocated), "capacity": _number(capacity),
                         "over": _number(over),
                         "governed": bool(over) and resource.is_governed(month)}
    return {"name": resource.name, "unit": resource.unit, "capacity": _number(capacity),
            "months": months}


def month_load(resource: dict[str, Any], month: str) -> dict[str, Any]:
    """A resource's figures for a month; a month with no allocation is nothing allocated
    against the capacity (figures list only months that have allocations)."""
    return resource["months"].get(month) or {
        "allocated": 0.0, "capacity": resource["capacity"], "over": 0.0, "governed": False}


def with_months(resource: dict[str, Any], months: set[str]) -> dict[str, Any]:
    """The resource's figures listing each of ``months``, so two sets of figures compare
    month by month even where only one of them has allocations."""
    return {**resource, "months": {m: month_load(resource, m)
                                   for m in sorted(months | resource["months"].keys())}}


def _dependency(dependency: Dependency, names: dict[Any, str],
                ratings: dict[Any, str | None], today: date) -> dict[str, Any]:
    provider_red = ratings.get(dependency.provider_project_id) == "red"
    passed = dependency.needed_by < today and dependency.status in OPEN_STATUSES
    return {"name": dependency.description,
            "provider": names.get(dependency.provider_project_id, ""),
            "consumer": names.get(dependency.consumer_project_id, ""),
            "needed_by": dependency.needed_by.isoformat(), "status": dependency.status,
            "provider_red": provider_red, "needed_by_passed": passed,
            "at_risk": is_at_risk(dependency.status, provider_red, passed)}


def _scope(project: Project) -> dict[str, Any]:
    return {"name": project.name, "lifecycle": project.lifecycle,
            "overall": project.latest_ratings.get("overall"),
            "deliverables": {key: {"name": d["name"], "due": d["due"].isoformat(),
                                   "status": d["status"]}
                             for key, d in sorted(project.deliverables.items())}}


def _benefit(benefit: Benefit) -> dict[str, Any]:
    profile = benefit.profile or {}
    series = measurement_series(benefit)
    baseline, target = profile.get("baseline_value"), profile.get("target_value")
    latest = series[-1].value if series else None
    forecast = linear_forecast(series, profile.get("baseline_date"), profile.get("target_date"))
    target_date = profile.get("target_date")
    return {"name": benefit.name, "unit": benefit.unit, "status": benefit.status,
            "baseline": _number(baseline), "target": _number(target),
            "target_date": target_date.isoformat() if target_date else None,
            "latest": _number(latest),
            "realization": _share(baseline, target, latest),
            "forecast_at_target_date": _number(forecast),
            "forecast_realization": _share(baseline, target, forecast)}


def _share(baseline: float | None, target: float | None, value: float | None) -> float | None:
    if baseline is None or target is None or value is None or baseline == target:
        return None
    return _number(realization(baseline, target, value))


def _risk(risk: Risk) -> dict[str, Any]:
    return {"name": risk.title, "likelihood": risk.likelihood, "impact": risk.impact,
            "exposure": risk.exposure, "status": risk.status, "response": risk.response}


def _summary(program: Program, figures: Figures) -> dict[str, Any]:
    scope = figures["scope"].values()
    overall = Counter(p["overall"] or "unreported" for p in scope)
    deliverables = Counter(d["status"] for p in scope for d in p["deliverables"].values())
    months = [m for r in figures["resources"].values() for m in r["months"].values()]
    open_risks = [r for r in figures["risks"].values() if r["status"] == "open"]
    forecasts = [b for b in figures["benefits"].values()
                 if b["forecast_realization"] is not None]
    return {"name": program.name, "status": program.status,
            "projects": len(figures["scope"]),
            **{f"projects_{rag}": overall.get(rag, 0) for rag in ("green", "amber", "red")},
            **{f"deliverables_{status}": deliverables.get(status, 0)
               for status in ("planned", "delivered", "deferred", "removed")},
            "over_allocated_months": sum(1 for m in months if m["over"]),
            "ungoverned_over_allocated_months":
                sum(1 for m in months if m["over"] and not m["governed"]),
            "dependencies_at_risk": sum(1 for d in figures["dependencies"].values()
                                        if d["at_risk"]),
            "open_risks": len(open_risks),
            "open_risk_exposure": sum(r["exposure"] for r in open_risks),
            "benefits_forecast_short_of_target":
                sum(1 for b in forecasts if b["forecast_realization"] < 1)}
