"""Section 3, escalations: what the board must take or revisit. Each rule is the one the
rest of Ledger applies (the at-risk rule of the rollup, the heat map's "high" band)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from ledger.application.simulation.proposals import decision_of
from ledger.domain.risk import Risk
from ledger.pack.cut import Cut
from ledger.pack.model import ESCALATION_TITLES, PROPOSALS, Figure, Line
from ledger.pack.wording import HIGH_EXPOSURE, day, number, rounded
from ledger.projections.dependencies import OPEN_STATUSES, is_at_risk

QUARTER_MONTHS = 3  # "the next quarter": the pack's month and the two after it

# Where proposals awaiting a decision come from: a function from the cut to its lines. By
# default the program's open proposals (#16); a caller may give another source.
ProposalSource = Callable[[Cut], list[Line]]


def open_proposals(now: Cut) -> list[Line]:
    """Proposals still open on the pack's date: proposed, neither decided nor withdrawn. A
    proposal whose decision was taken by then is decided, whatever time its own mark bears
    (the mark is recorded with the decision, at the time of recording)."""
    lines = []
    for proposal in now.of("proposal"):
        aggregate: Any = proposal.aggregate
        taken = any(now.get(decision_of(aggregate.id, str(o.get("key"))))
                    for o in aggregate.options)
        if aggregate.status != "open" or taken:
            continue
        options = ", ".join(f"“{o.get('summary') or o.get('key')}”" for o in aggregate.options)
        lines.append(Line(
            f"“{aggregate.title}”, proposed {day(aggregate.proposed_at.date())} to the "
            f"{aggregate.forum.lower()}: {options}.",
            (Figure(f"escalation/proposal/{aggregate.id}", f"{aggregate.title}: status",
                    aggregate.status, tuple(proposal.positions("status"))),)))
    return lines


def escalations(now: Cut, then: Cut | None,
                proposals: ProposalSource = open_proposals) -> dict[str, list[Line]]:
    found = {
        PROPOSALS: proposals(now),
        "overdue_reviews": list(_overdue_reviews(now)),
        "dependencies_at_risk": list(_dependencies_at_risk(now)),
        "over_capacity": list(_over_capacity(now)),
        "program_risks": list(_program_risks(now, then)),
    }
    assert found.keys() == ESCALATION_TITLES.keys()
    return found


def _overdue_reviews(now: Cut) -> Iterator[Line]:
    for decision in now.of("decision"):
        aggregate: Any = decision.aggregate
        if (aggregate.review_by is None or aggregate.review_by >= now.day
                or aggregate.outcome_reviews or aggregate.superseded_by is not None):
            continue
        yield Line(f"“{aggregate.title}” was due for an outcome review by "
                   f"{day(aggregate.review_by)}; none is recorded.",
                   (Figure(f"escalation/review/{aggregate.id}", f"{aggregate.title}: review by",
                           aggregate.review_by.isoformat(),
                           tuple(decision.positions("review_by", "outcome_reviews"))),))


def _dependencies_at_risk(now: Cut) -> Iterator[Line]:
    for dependency in now.of("dependency"):
        aggregate: Any = dependency.aggregate
        provider = now.get(aggregate.provider_project_id)
        provider_red = bool(provider and
                            provider.aggregate.latest_ratings.get("overall") == "red")
        passed = aggregate.needed_by < now.day and aggregate.status in OPEN_STATUSES
        if not is_at_risk(aggregate.status, provider_red, passed):
            continue
        flags = [text for flag, text in ((aggregate.status in ("at_risk", "broken"),
                                          f"marked {aggregate.status.replace('_', ' ')}"),
                                         (provider_red, "provider reports red"),
                                         (passed, f"needed by {day(aggregate.needed_by)}, "
                                                  "still open")) if flag]
        positions = set(dependency.positions("status", "needed_by"))
        if provider_red and provider is not None:
            positions.update(provider.positions("latest_ratings"))
        what = (f"{now.name_of(aggregate.provider_project_id)} → "
                f"{now.name_of(aggregate.consumer_project_id)} ({aggregate.provider_deliverable})")
        yield Line(f"{what}: {', '.join(flags)}.", (Figure(
            f"escalation/dependency/{aggregate.id}", f"{what}: status", aggregate.status,
            tuple(sorted(positions))),))


def quarter(start: date) -> list[str]:
    months, year, month = [], start.year, start.month
    for _ in range(QUARTER_MONTHS):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _over_capacity(now: Cut) -> Iterator[Line]:
    for resource in now.of("resource"):
        aggregate: Any = resource.aggregate
        for month in quarter(now.day):
            # Amounts as the event carried them (decimal text or Decimal), summed exactly.
            allocated = sum((Decimal(str(a["amount"])) for a in aggregate.allocations.values()
                             if a["month"] == month), Decimal(0))
            capacity = Decimal(str(aggregate.capacity_per_month))
            if allocated <= capacity:
                continue
            governed = " (accepted by a decision)" if aggregate.is_governed(month) else \
                " (no decision accepted it)"
            yield Line(f"{aggregate.name}, {month}: {number(float(allocated), aggregate.unit)} "
                       f"allocated against a capacity of {number(float(capacity))}{governed}.",
                       (Figure(f"escalation/resource/{aggregate.id}/{month}",
                               f"{aggregate.name}: allocated in {month}", rounded(allocated),
                               tuple(resource.positions("allocations", "capacity_per_month")),
                               aggregate.unit),))


def _program_risks(now: Cut, then: Cut | None) -> Iterator[Line]:
    for risk in now.of("risk"):
        aggregate: Any = risk.aggregate
        if aggregate.status == "closed":
            continue
        raised = risk.of_type(Risk.RiskRaised)
        affected = len(raised[0][1].affected_project_ids) if raised else 1
        high = aggregate.exposure >= HIGH_EXPOSURE
        if not high and affected < 2:
            continue
        before = then.get(aggregate.id) if then else None
        # Crossed since the last pack: over now, under (or not yet raised) then.
        crossed = high and then is not None and (
            before is None or before.aggregate.exposure < HIGH_EXPOSURE)
        notes = [f"exposure {aggregate.likelihood} × {aggregate.impact} = {aggregate.exposure}"]
        if crossed:
            notes.append(f"crossed {HIGH_EXPOSURE} since the last pack")
        elif high:
            notes.append(f"at or over {HIGH_EXPOSURE}")
        if affected > 1:
            notes.append(f"affects {affected} projects: cumulative exposure "
                         f"{aggregate.exposure * affected}")
        yield Line(f"“{aggregate.title}” ({aggregate.status}): {'; '.join(notes)}.", (Figure(
            f"escalation/risk/{aggregate.id}", f"{aggregate.title}: cumulative exposure",
            aggregate.exposure * affected, tuple(risk.positions("likelihood", "impact"))),))
