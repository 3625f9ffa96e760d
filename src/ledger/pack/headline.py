"""Section 1, the headline: the program's status, each project's overall RAG with its trend
since the previous pack, and each benefit's realization and forecast at its target date."""

from __future__ import annotations

from typing import Any

from ledger.application.measurements import linear_forecast, measurement_series
from ledger.domain.benefit import realization
from ledger.domain.project import Project
from ledger.pack.cut import Cut
from ledger.pack.model import BenefitHeadline, Figure, ProjectHeadline
from ledger.pack.trace import Traced
from ledger.pack.wording import rounded, trend


def status_figure(now: Cut) -> Figure:
    return Figure("program/status", "Program status", now.program.aggregate.status,
                  tuple(now.program.positions("status")))


def rating_figure(project: Traced) -> Figure:
    aggregate: Any = project.aggregate
    return Figure(f"project/{aggregate.id}/overall", f"{aggregate.name}: overall RAG",
                  aggregate.latest_ratings.get("overall", "not reported"),
                  tuple(project.positions("latest_ratings")))


def latest_reason(project: Traced) -> str | None:
    reports = project.of_type(Project.ProjectStatusReported)
    return reports[-1][1].reason if reports else None


def projects(now: Cut, then: Cut | None) -> list[ProjectHeadline]:
    rows = []
    for project in now.of("project"):
        aggregate: Any = project.aggregate
        before = then.get(aggregate.id) if then else None
        previous = before.aggregate.latest_ratings.get("overall") if before else None
        rating = rating_figure(project)
        rows.append(ProjectHeadline(aggregate.name, rating, previous,
                                    trend(previous, str(rating.value)), latest_reason(project)))
    return rows


def benefit_figures(benefit: Traced) -> tuple[Figure, Figure, Figure]:
    """Realization (percent), forecast at the target date and target, each with the positions
    of the profile and the measurements it was read from."""
    aggregate: Any = benefit.aggregate
    profile = aggregate.profile or {}
    series = measurement_series(aggregate)
    baseline, target = profile.get("baseline_value"), profile.get("target_value")
    share = (realization(baseline, target, series[-1].value)
             if series and baseline is not None and target is not None else None)
    forecast = linear_forecast(series, profile.get("baseline_date"), profile.get("target_date"))
    measured = tuple(benefit.positions("profile", "measurements"))
    key, name, unit = f"benefit/{aggregate.id}", aggregate.name, aggregate.unit
    return (
        Figure(f"{key}/realization", f"{name}: realization", rounded(
            None if share is None else share * 100), measured, "%"),
        Figure(f"{key}/forecast", f"{name}: forecast at target date", rounded(forecast),
               measured, unit),
        Figure(f"{key}/target", f"{name}: target", rounded(target),
               tuple(benefit.positions("profile")), unit),
    )


def benefits(now: Cut) -> list[BenefitHeadline]:
    rows = []
    for benefit in now.of("benefit"):
        aggregate: Any = benefit.aggregate
        share, forecast, target = benefit_figures(benefit)
        rows.append(BenefitHeadline(aggregate.name, aggregate.unit, share, forecast, target,
                                    (aggregate.profile or {}).get("target_date")))
    return rows
