"""Section 2, what changed since the last pack: the program on the previous pack's date and
on this one's, compared, and each difference said in words with the figures it states."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from ledger.application.measurements import measurement_series
from ledger.domain.benefit import Benefit
from ledger.pack.cut import Cut, end_of
from ledger.pack.headline import latest_reason, rating_figure
from ledger.pack.model import Figure, Line
from ledger.pack.trace import Traced
from ledger.pack.wording import RAG_ORDER, number, rounded


def changes(now: Cut, then: Cut | None, since: date | None) -> list[Line]:
    """Every difference, grouped by kind; with no previous pack, nothing is a change."""
    if since is None:
        return []
    if then is None:  # the previous pack's date lies before the program was defined
        program: Any = now.program.aggregate
        return [Line(f"{program.name} was defined after {since.strftime('%d %b %Y')}: all of "
                     "this pack is new since then.",
                     (Figure("change/program/defined", "Program defined", program.code,
                             (now.program.created,)),))]
    return [*_program(now, then), *_projects(now, then), *_benefits(now, then),
            *_risks(now, then), *_dependencies(now, then), *_decisions(now, then)]


def _program(now: Cut, then: Cut) -> Iterator[Line]:
    status, before = now.program.aggregate.status, then.program.aggregate.status
    if status != before:
        yield Line(f"The program went from {before} to {status}.", (Figure(
            "change/program/status", "Program status", status,
            tuple(now.program.positions("status"))),))


def _projects(now: Cut, then: Cut) -> Iterator[Line]:
    """New projects, then rating changes, the worst first, then lifecycle changes."""
    ratings: list[tuple[int, Line]] = []
    lifecycles: list[Line] = []
    for project in now.of("project"):
        aggregate: Any = project.aggregate
        before = then.get(aggregate.id)
        if before is None:
            yield Line(f"New project: {aggregate.name}.", (Figure(
                f"change/project/{aggregate.id}/new", f"{aggregate.name}: authorized",
                aggregate.lifecycle, (project.created,)),))
            continue
        rating = aggregate.latest_ratings.get("overall")
        if rating != before.aggregate.latest_ratings.get("overall"):
            reason = latest_reason(project)
            figure = rating_figure(project)
            ratings.append((-RAG_ORDER.get(str(rating), -1), Line(
                f"{aggregate.name} went {rating}" + (f" (reason: {reason})." if reason else "."),
                (Figure(f"change/{figure.key}", figure.label, figure.value, figure.positions),))))
        if aggregate.lifecycle != before.aggregate.lifecycle:
            lifecycles.append(Line(
                f"{aggregate.name} is now {aggregate.lifecycle.replace('_', ' ')}.",
                (Figure(f"change/project/{aggregate.id}/lifecycle", f"{aggregate.name}: "
                        "lifecycle", aggregate.lifecycle, tuple(project.positions("lifecycle"))),)))
    yield from (line for _, line in sorted(ratings, key=lambda pair: pair[0]))
    yield from lifecycles


def _benefits(now: Cut, then: Cut) -> Iterator[Line]:
    since = end_of(then.day)
    for benefit in now.of("benefit"):
        aggregate: Any = benefit.aggregate
        for position, event in benefit.of_type(Benefit.BenefitTargetRevised):
            if event.effective_at <= since:
                continue
            decision = now.name_of(event.decision_id, "a decision")
            yield Line(
                f"{aggregate.name} target revised {number(event.from_target_value)} → "
                f"{number(event.to_target_value, aggregate.unit)} (by {event.to_target_date:%b %Y})"
                f" by decision “{decision}”.",
                (Figure(f"change/benefit/{aggregate.id}/target/{position}",
                        f"{aggregate.name}: revised target", rounded(event.to_target_value),
                        (position,), aggregate.unit),))
        yield from _measured(benefit, then.get(aggregate.id))


def _measured(benefit: Traced, before: Traced | None) -> Iterator[Line]:
    aggregate: Any = benefit.aggregate
    series = measurement_series(aggregate)
    earlier = measurement_series(before.aggregate) if before else []
    if not series or (earlier and earlier[-1] == series[-1]):
        return
    was = f" (was {number(earlier[-1].value, aggregate.unit)})" if earlier else ""
    yield Line(f"{aggregate.name} measured {number(series[-1].value, aggregate.unit)} on "
               f"{series[-1].effective_at:%d %b %Y}{was}.",
               (Figure(f"change/benefit/{aggregate.id}/latest", f"{aggregate.name}: latest "
                       "measurement", rounded(series[-1].value),
                       tuple(benefit.positions("measurements")), aggregate.unit),))


def _risks(now: Cut, then: Cut) -> Iterator[Line]:
    for risk in now.of("risk"):
        aggregate: Any = risk.aggregate
        before = then.get(aggregate.id)
        figure = Figure(f"change/risk/{aggregate.id}/exposure", f"{aggregate.title}: exposure",
                        aggregate.exposure, tuple(risk.positions("likelihood", "impact")))
        if before is None:
            yield Line(f"New risk: {aggregate.title} (exposure {aggregate.likelihood} × "
                       f"{aggregate.impact} = {aggregate.exposure}).", (figure,))
            continue
        if aggregate.exposure != before.aggregate.exposure:
            yield Line(f"Risk “{aggregate.title}” reassessed: exposure "
                       f"{before.aggregate.exposure} → {aggregate.exposure}.", (figure,))
        if aggregate.status != before.aggregate.status:
            yield Line(f"Risk “{aggregate.title}” is now {aggregate.status}.", (Figure(
                f"change/risk/{aggregate.id}/status", f"{aggregate.title}: status",
                aggregate.status, tuple(risk.positions("status"))),))


def _dependencies(now: Cut, then: Cut) -> Iterator[Line]:
    for dependency in now.of("dependency"):
        aggregate: Any = dependency.aggregate
        before = then.get(aggregate.id)
        if before is not None and before.aggregate.status == aggregate.status:
            continue
        reason = dependency.events[-1][1].reason if dependency.events else None
        what = (f"{now.name_of(aggregate.provider_project_id)} → "
                f"{now.name_of(aggregate.consumer_project_id)} ({aggregate.provider_deliverable})")
        told = "New dependency" if before is None else "Dependency"
        yield Line(f"{told} {what} is {aggregate.status.replace('_', ' ')}"
                   + (f" (reason: {reason})." if reason else "."),
                   (Figure(f"change/dependency/{aggregate.id}/status", f"{what}: status",
                           aggregate.status, tuple(dependency.positions("status"))),))


def _decisions(now: Cut, then: Cut) -> Iterator[Line]:
    for decision in now.of("decision"):
        aggregate: Any = decision.aggregate
        before = then.get(aggregate.id)
        if before is not None and before.aggregate.superseded_by == aggregate.superseded_by:
            continue
        if before is None:
            text = f"Decision taken: {aggregate.title} (chose “{aggregate.chosen_option}”)."
        else:
            text = (f"Decision “{aggregate.title}” was superseded by "
                    f"“{now.name_of(aggregate.superseded_by, 'a later decision')}”.")
        yield Line(text, (Figure(f"change/decision/{aggregate.id}", f"{aggregate.title}: chosen",
                                 aggregate.chosen_option,
                                 tuple(decision.positions("chosen_option", "superseded_by"))),))
