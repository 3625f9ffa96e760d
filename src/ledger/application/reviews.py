"""Governance review of one decision, entirely from events: what was decided, what the
program looked like then (as known when it was recorded, cut at the day it was taken), and
what happened afterwards to everything it affected."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from ledger.application.history import History
from ledger.application.measurements import Measurement, measurement_series
from ledger.application.replay import ProgramAsOf
from ledger.application.simulation.figures import Figures, program_figures
from ledger.application.simulation.predictions import PredictionCheck, check_prediction
from ledger.domain.benefit import Benefit, realization
from ledger.domain.decision import Decision
from ledger.domain.project import Project
from ledger.domain.risk import Risk


@dataclass(frozen=True)
class BenefitOutcome:
    """An affected benefit: its measurements either side of the decision and its realization."""

    benefit_id: UUID
    name: str
    before: list[Measurement]
    after: list[Measurement]
    realization_then: float | None
    realization_now: float | None
    target_then: float | None
    target_now: float | None


@dataclass(frozen=True)
class ProjectHealth:
    project_id: UUID
    name: str
    lifecycle_then: str | None
    lifecycle_now: str
    health_then: dict[str, str]
    health_now: dict[str, str]


@dataclass(frozen=True)
class RiskChange:
    risk_id: UUID
    title: str
    exposure_then: int | None
    exposure_now: int
    status_then: str | None
    status_now: str


@dataclass
class DecisionReview:
    decision: Decision
    recorded_position: int
    program_then: ProgramAsOf
    benefits: list[BenefitOutcome] = field(default_factory=list)
    projects: list[ProjectHealth] = field(default_factory=list)
    risks: list[RiskChange] = field(default_factory=list)
    superseded_by_chain: list[Decision] = field(default_factory=list)
    prediction: PredictionCheck | None = None


class Reviews(History):
    def review_decision(self, decision_id: UUID, now: Figures | None = None) -> DecisionReview:
        """Everything a steering committee asks of a past decision, replayed from events;
        ``now``: the program's figures, if the caller has them already."""
        decision = self.load(decision_id, Decision)
        recorded = self._positions(decision_id)[1]
        then = self.program_as_of(decision.program_id, position=recorded,
                                  effective=decision.taken_at)
        review = DecisionReview(decision, recorded, then)
        known_then = {c.id: c for components in then.components.values() for c in components}
        # Each kind's entities as they are now, read in one query for the lot, not one each.
        for benefit in self.current_states(decision.affects.get("benefit", []), Benefit):
            review.benefits.append(self._benefit_outcome(
                decision, benefit, known_then.get(benefit.id)))
        for project in self.current_states(decision.affects.get("project", []), Project):
            review.projects.append(_project_health(project, known_then.get(project.id)))
        for risk in self.current_states(decision.affects.get("risk", []), Risk):
            review.risks.append(_risk_change(risk, known_then.get(risk.id)))
        review.superseded_by_chain = self._successors(decision)
        review.prediction = self.check_prediction(decision, now)
        return review

    def check_prediction(self, decision: Decision,
                         now: Figures | None = None) -> PredictionCheck | None:
        """For a decision taken from a proposal, what it was predicted to do against the
        program's figures now (``now``, if the caller has them already)."""
        if not decision.prediction:
            return None
        if now is None:
            state = self.program_as_of(decision.program_id)
            now = program_figures(state.program, state.all_components(),
                                  datetime.now(UTC).date())
        return check_prediction(decision.prediction, now)

    def _benefit_outcome(self, decision: Decision, now: Benefit,
                         then: Any) -> BenefitOutcome:
        series = measurement_series(now)
        return BenefitOutcome(
            benefit_id=now.id, name=now.name,
            before=[m for m in series if m.effective_at <= decision.taken_at],
            after=[m for m in series if m.effective_at > decision.taken_at],
            realization_then=_realization(then) if isinstance(then, Benefit) else None,
            realization_now=_realization(now),
            target_then=_target(then) if isinstance(then, Benefit) else None,
            target_now=_target(now),
        )

    def _successors(self, decision: Decision) -> list[Decision]:
        chain: list[Decision] = []
        current = decision
        while current.superseded_by is not None and len(chain) < 100:
            current = self.load(current.superseded_by, Decision)
            chain.append(current)
        return chain


def _realization(benefit: Benefit) -> float | None:
    series = measurement_series(benefit)
    if benefit.profile is None or not series:
        return None
    profile = benefit.profile
    return realization(profile["baseline_value"], profile["target_value"], series[-1].value)


def _target(benefit: Benefit) -> float | None:
    return None if benefit.profile is None else float(benefit.profile["target_value"])


def _project_health(now: Project, then: Any) -> ProjectHealth:
    known = isinstance(then, Project)
    return ProjectHealth(
        project_id=now.id, name=now.name,
        lifecycle_then=then.lifecycle if known else None, lifecycle_now=now.lifecycle,
        health_then=dict(then.latest_ratings) if known else {},
        health_now=dict(now.latest_ratings),
    )


def _risk_change(now: Risk, then: Any) -> RiskChange:
    known = isinstance(then, Risk)
    return RiskChange(
        risk_id=now.id, title=now.title,
        exposure_then=then.exposure if known else None, exposure_now=now.exposure,
        status_then=then.status if known else None, status_now=now.status,
    )
