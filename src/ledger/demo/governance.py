"""The demo's governance chapters: dependencies, shared specialists and the steering
committee's decisions, each scheduled at the time it happened; measurements and risks are in
``readings``."""

# Facts are scheduled as closures over loop variables (bound as lambda defaults), which
# mypy cannot type; the commands they call are fully typed.
# mypy: disable-error-code="misc"

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from ledger.application.commands.benefits import (
    ChangeBenefitStatus,
    ReviseBenefitTarget,
)
from ledger.application.commands.decisions import (
    RecordDecision,
    ReviewDecisionOutcome,
    SupersedeDecision,
)
from ledger.application.commands.dependencies import ChangeDependencyStatus, DeclareDependency
from ledger.application.commands.projects import ChangeProjectScope, DeliverDeliverable
from ledger.application.commands.resources import RegisterResource
from ledger.demo.agenda import PMO, Story, allocate
from ledger.demo.calendar import on
from ledger.demo.proposal import schedule_proposal
from ledger.demo.readings import schedule_measurements, schedule_risks
from ledger.domain.base import Provenance

STEERCO = Provenance("maria.keller")


def schedule_governance(story: Story) -> None:
    _dependencies(story)
    _decisions(story)
    _shared_specialists(story)
    schedule_measurements(story)
    schedule_risks(story)
    _deferral_and_rebaseline(story)
    _deliveries(story)
    schedule_proposal(story)
    _reviews(story)


def _option(key: str, summary: str, pros: list[str], cons: list[str], cost: float,
            days: int, benefits: dict[str, float] | None = None) -> dict[str, Any]:
    return {"key": key, "summary": summary, "pros": pros, "cons": cons,
            "expected_impact": {"cost": cost, "schedule_days": days, "benefits": benefits or {}}}


def decide(story: Story, key: str, title: str, when: datetime, chosen: str,
           rationale: str, tradeoffs: str, options: list[dict[str, Any]],
           affects: dict[str, list[str]]) -> None:
    """Schedule a steering-committee decision; ``affects`` names entities by story key."""
    def record() -> None:
        story.decisions[key] = story.ledger.execute(RecordDecision(
            program_id=story.program_id, title=title, question=f"{title}?",
            forum="Steering committee", authority="Programme sponsor", options=options,
            chosen_option=chosen, rationale=rationale, tradeoffs=tradeoffs,
            affects=_resolve(story, affects),
            evidence=[f"position {story.ledger.head_position()}"], effective_at=when,
            review_by=date(when.year + 1, when.month, 1)), by=STEERCO).id

    story.at(when, record)


def _resolve(story: Story, affects: dict[str, list[str]]) -> dict[str, list[UUID]]:
    registers: dict[str, dict[str, UUID]] = {
        "project": story.projects, "benefit": story.benefits, "risk": story.risks,
        "dependency": story.dependencies,
        "resource": {"SAP specialists": story.resource_id} if story.resource_id else {},
    }
    return {f"{kind}_ids": [registers[kind][name] for name in names]
            for kind, names in affects.items()}


def _dependencies(story: Story) -> None:
    for key, provider, deliverable, consumer, needed_by, description in (
        ("mock-loads", "Data migration", "mock-loads", "ERP implementation", date(2026, 2, 20),
         "Migrated data must pass mock loads before integrated system testing starts"),
        ("o2c", "Business process optimisation", "o2c-redesign", "ERP implementation",
         date(2025, 11, 15), "Redesigned O2C process drives the build"),
        ("training", "ERP implementation", "build", "Change management", date(2026, 3, 1),
         "Training material needs the built system"),
    ):
        def declare(key: str = key, provider: str = provider, deliverable: str = deliverable,
                    consumer: str = consumer, needed_by: date = needed_by,
                    description: str = description) -> None:
            story.dependencies[key] = story.ledger.execute(DeclareDependency(
                program_id=story.program_id, provider_project_id=story.projects[provider],
                provider_deliverable=deliverable, consumer_project_id=story.projects[consumer],
                needed_by=needed_by, description=description, effective_at=on(2025, 7, 3)),
                by=PMO).id

        story.at(on(2025, 7, 3), declare)
    for key, status, reason, when in (
        ("o2c", "committed", "Design sprint planned", on(2025, 7, 10)),
        ("mock-loads", "committed", "Plan agreed by both project managers", on(2025, 7, 10)),
        ("o2c", "met", "O2C design signed off", on(2025, 10, 30)),
        ("mock-loads", "at_risk", "Mock load 2 failed", on(2026, 2, 10, 12)),
        ("mock-loads", "committed", "Cleansing sprint done", on(2026, 3, 2)),
        ("mock-loads", "met", "Mock load 3 passed", on(2026, 3, 25, 12)),
    ):
        story.at(when, lambda key=key, status=status, reason=reason, when=when:
                 story.ledger.execute(ChangeDependencyStatus(
                     dependency_id=story.dependencies[key], status=status, reason=reason,
                     effective_at=when), by=PMO))


def _decisions(story: Story) -> None:
    decide(story, "fit-to-standard", "Adopt SAP standard order-to-cash processes",
           on(2025, 9, 18, 15), "standard", "Standard processes deliver most of the O2C gain",
           "Local order-entry shortcuts are given up", [
               _option("standard", "Fit to standard", ["Faster build", "Upgradeable"],
                       ["Sales teams must change habits"], -250_000, -30),
               _option("customise", "Customise to current practice", ["Less change"],
                       ["Costly upgrades", "Later go-live"], 400_000, 60),
           ], {"project": ["ERP implementation", "Business process optimisation"],
               "benefit": ["Order-to-cash cycle time"]})
    decide(story, "go-live-april", "Set the go-live date", on(2025, 10, 2, 15), "april",
           "The business case assumed Q2 benefits", "A test window of six weeks only", [
               _option("april", "Go live on 1 April 2026", ["Early benefits"],
                       ["Tight test window"], 0, 0),
               _option("july", "Go live on 1 July 2026", ["Safer test window"],
                       ["Benefits later"], 150_000, 91),
           ], {"project": ["ERP implementation"]})


def _shared_specialists(story: Story) -> None:
    def register() -> None:
        story.resource_id = story.ledger.execute(RegisterResource(
            program_id=story.program_id, name="SAP specialists", unit="FTE",
            capacity_per_month=Decimal(6), effective_at=on(2025, 11, 20)), by=PMO).id

    story.at(on(2025, 11, 20), register)
    for month in ("2026-01", "2026-02", "2026-03"):
        allocate(story, "ERP implementation", month, "4", on(2025, 12, 1))
        allocate(story, "Data migration", month, "2", on(2025, 12, 1))
    decide(story, "extra-specialist", "Cover the February peak of SAP specialists",
           on(2026, 1, 26, 15), "contractor", "System test start date protects go-live",
           "EUR 38k of contingency spent", [
               _option("contractor", "Bring in one contract specialist for February",
                       ["Mock load 3 stays on plan"], ["EUR 38k"], 38_000, 0),
               _option("delay", "Delay mock load 3 by four weeks", ["No extra cost"],
                       ["System test starts late"], 0, 28),
           ], {"resource": ["SAP specialists"], "project": ["Data migration"],
               "dependency": ["mock-loads"]})
    allocate(story, "Data migration", "2026-02", "1", on(2026, 1, 27),
             decision="extra-specialist")


def _deferral_and_rebaseline(story: Story) -> None:
    ledger = story.ledger
    decide(story, "go-live-july", "Move go-live to 1 July 2026", on(2026, 1, 19, 15), "july",
           "Year-end clash and data quality make April unsafe",
           "Three months of O2C benefit and EUR 150k run cost", [
               _option("july", "Go live on 1 July 2026", ["Avoids year-end close"],
                       ["O2C benefit three months later"], 150_000, 91),
               _option("april", "Keep 1 April 2026", ["Benefits sooner"], ["Year-end clash"],
                       0, 0),
           ], {"project": ["ERP implementation"], "benefit": ["Order-to-cash cycle time"],
               "risk": ["year end"]})
    story.at(on(2026, 1, 19, 16), lambda: ledger.execute(SupersedeDecision(
        decision_id=story.decisions["go-live-april"],
        by_decision_id=story.decisions["go-live-july"], reason="Go-live moved to July",
        effective_at=on(2026, 1, 19, 16)), by=STEERCO))
    decide(story, "defer-warehouse", "Defer the warehouse module to protect go-live",
           on(2026, 3, 5, 15), "defer", "The go-live date carries most of the business case",
           "Inventory carrying-cost savings arrive a year later", [
               _option("defer", "Defer extended warehouse management to phase 2",
                       ["Go-live date holds"], ["Inventory benefit later"], -420_000, 0),
               _option("keep", "Keep it and slip go-live by 90 days", ["Full scope"],
                       ["Go-live in October", "EUR 600k extra"], 600_000, 90),
           ], {"project": ["ERP implementation"], "benefit": ["Inventory carrying cost"]})
    story.at(on(2026, 3, 6), lambda: ledger.execute(ChangeProjectScope(
        project_id=story.projects["ERP implementation"], add=[], remove=[],
        defer=["warehouse-module"], rationale="Deferred to phase 2 by the steering committee",
        decision_id=story.decisions["defer-warehouse"], effective_at=on(2026, 3, 6),
        impact={"cost": -420_000, "schedule_days": 0}), by=PMO))
    decide(story, "rebaseline-inventory", "Rebaseline the inventory carrying-cost target",
           on(2026, 3, 19, 15), "rebaseline", "Without the warehouse module 19% is out of reach",
           "1.5 points of carrying-cost reduction", [
               _option("rebaseline", "Target 20.5% by June 2027", ["Honest target"],
                       ["Smaller benefit"], 0, 0),
               _option("keep", "Keep 19% by March 2027", ["Ambition"], ["Unreachable"], 0, 0),
           ], {"benefit": ["Inventory carrying cost"]})
    story.at(on(2026, 3, 20), lambda: ledger.execute(ReviseBenefitTarget(
        benefit_id=story.benefits["Inventory carrying cost"], target_value=20.5,
        target_date=date(2027, 6, 30), reason="Warehouse module deferred to phase 2",
        decision_id=story.decisions["rebaseline-inventory"], effective_at=on(2026, 3, 20)),
        by=STEERCO))


def _deliveries(story: Story) -> None:
    for project, key, when in (
        ("ERP implementation", "blueprint", on(2025, 9, 5)),
        ("Business process optimisation", "o2c-redesign", on(2025, 10, 30)),
        ("Data migration", "data-profiling", on(2025, 9, 29)),
        ("Data migration", "cleansing", on(2026, 1, 9)),
        ("ERP implementation", "build", on(2026, 2, 10)),
        ("Data migration", "mock-loads", on(2026, 3, 25)),
        ("ERP implementation", "system-test", on(2026, 5, 20)),
        ("Change management", "training", on(2026, 6, 12)),
        ("Data migration", "final-load", on(2026, 6, 28)),
        ("ERP implementation", "go-live", on(2026, 7, 1)),
    ):
        story.at(when, lambda project=project, key=key, when=when: story.ledger.execute(
            DeliverDeliverable(project_id=story.projects[project], key=key, effective_at=when),
            by=PMO))
    for name in ("Order-to-cash cycle time", "User adoption"):
        story.at(on(2026, 7, 1, 10), lambda name=name: story.ledger.execute(ChangeBenefitStatus(
            benefit_id=story.benefits[name], status="in_delivery", reason="Go-live",
            effective_at=on(2026, 7, 1, 10)), by=PMO))


def _reviews(story: Story) -> None:
    for key, verdict, summary, when in (
        ("extra-specialist", "as_expected", "Mock load 3 ran on plan with the contractor",
         on(2026, 3, 27)),
        ("go-live-july", "as_expected", "Go-live on 1 July; year-end close undisturbed",
         on(2026, 9, 15)),
        ("fit-to-standard", "better", "O2C at 31.4 days in October, ahead of the profile",
         on(2026, 10, 31, 12)),
        ("defer-warehouse", "as_expected", "Go-live held; warehouse planned for phase 2",
         on(2026, 10, 31, 13)),
    ):
        story.at(when, lambda key=key, verdict=verdict, summary=summary, when=when:
                 story.ledger.execute(ReviewDecisionOutcome(
                     decision_id=story.decisions[key], verdict=verdict, summary=summary,
                     evidence=[f"position {story.ledger.head_position()}"], effective_at=when),
                     by=STEERCO))
