"""Program reports for governance boards: decisions in a period, benefits realization with
forecast and drift, and "watermelon" projects (green outside, red inside)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from ledger.application.measurements import linear_forecast, measurement_series
from ledger.application.reviews import BenefitOutcome, Reviews
from ledger.application.simulation.figures import program_figures
from ledger.domain.benefit import Benefit, realization
from ledger.domain.decision import Decision
from ledger.domain.errors import InvalidInput
from ledger.domain.project import Project


@dataclass(frozen=True)
class TargetRevision:
    effective_at: datetime
    from_value: float
    to_value: float
    from_date: date
    to_date: date
    decision_id: UUID
    decision_title: str
    reason: str | None


@dataclass(frozen=True)
class BenefitRealization:
    benefit_id: UUID
    name: str
    unit: str
    baseline: float | None
    target: float | None
    target_date: date | None
    original_target: float | None
    latest: float | None
    latest_at: datetime | None
    realization: float | None
    forecast_at_target_date: float | None
    forecast_realization: float | None
    drift: list[TargetRevision] = field(default_factory=list)


@dataclass(frozen=True)
class DecisionOutcome:
    decision: Decision
    benefits: list[BenefitOutcome]
    prediction_error: dict[str, Any] | None = None


@dataclass(frozen=True)
class StatusJump:
    """A project that was green and then red: directly, or within a few days."""

    project_id: UUID
    name: str
    green_at: datetime
    red_at: datetime
    skipped_amber: bool
    days: float


class Reports(Reviews):
    def decisions_in_period(self, program_id: UUID, start: datetime | None = None,
                            end: datetime | None = None) -> list[DecisionOutcome]:
        """Decisions taken in [start, end], oldest first, with their measured outcomes."""
        state = self.program_as_of(program_id)
        decisions = sorted((d for d in state.components.get("decision", [])
                            if isinstance(d, Decision)), key=lambda d: d.taken_at)
        chosen = [d for d in decisions if (start is None or d.taken_at >= start)
                  and (end is None or d.taken_at <= end)]
        now = program_figures(state.program, state.all_components(), datetime.now(UTC).date())
        outcomes = []
        for decision in chosen:
            review = self.review_decision(decision.id, now)
            outcomes.append(DecisionOutcome(decision, review.benefits, None if review.prediction
                                            is None else review.prediction.error))
        return outcomes

    def benefits_realization(self, program_id: UUID) -> list[BenefitRealization]:
        state = self.program_as_of(program_id)
        return [self._realization(b) for b in state.components.get("benefit", [])
                if isinstance(b, Benefit)]

    def _realization(self, benefit: Benefit) -> BenefitRealization:
        series = measurement_series(benefit)
        latest = series[-1] if series else None
        profile = benefit.profile or {}
        drift = self._target_revisions(benefit.id)
        baseline, target = profile.get("baseline_value"), profile.get("target_value")
        forecast = linear_forecast(series, profile.get("baseline_date"),
                                    profile.get("target_date"))
        return BenefitRealization(
            benefit_id=benefit.id, name=benefit.name, unit=benefit.unit, baseline=baseline,
            target=target, target_date=profile.get("target_date"),
            original_target=drift[0].from_value if drift else target,
            latest=latest.value if latest else None,
            latest_at=latest.effective_at if latest else None,
            realization=_share(baseline, target, latest.value if latest else None),
            forecast_at_target_date=forecast,
            forecast_realization=_share(baseline, target, forecast), drift=drift,
        )

    def _target_revisions(self, benefit_id: UUID) -> list[TargetRevision]:
        revisions = []
        for event in self.events.get(benefit_id):
            if isinstance(event, Benefit.BenefitTargetRevised):
                decision = self.load(event.decision_id, Decision)
                revisions.append(TargetRevision(
                    event.effective_at, event.from_target_value, event.to_target_value,
                    event.from_target_date, event.to_target_date, event.decision_id,
                    decision.title, event.reason))
        return revisions

    def watermelons(self, program_id: UUID, within_days: int = 30) -> list[StatusJump]:
        """Projects that went from green to red with no amber between, or within N days."""
        if within_days < 0:
            raise InvalidInput("within_days", "must be zero or more")
        jumps: list[StatusJump] = []
        for project in self.program_as_of(program_id).components.get("project", []):
            assert isinstance(project, Project)
            reports = sorted((e.effective_at, e.ratings["overall"])
                             for e in self.events.get(project.id)
                             if isinstance(e, Project.ProjectStatusReported))
            jumps.extend(_jumps(project, reports, timedelta(days=within_days)))
        return jumps


def _jumps(project: Project, reports: list[tuple[datetime, str]],
           window: timedelta) -> list[StatusJump]:
    jumps = []
    last_green: datetime | None = None
    previous: str | None = None
    for when, overall in reports:
        if overall == "red" and last_green is not None and previous != "red":
            direct = previous == "green"
            if direct or when - last_green <= window:
                jumps.append(StatusJump(project.id, project.name, last_green, when, direct,
                                        (when - last_green).total_seconds() / 86400))
        if overall == "green":
            last_green = when
        previous = overall
    return jumps


def _share(baseline: float | None, target: float | None, value: float | None) -> float | None:
    if baseline is None or target is None or value is None:
        return None
    return realization(baseline, target, value)
