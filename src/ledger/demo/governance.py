"""The demo's governance chapters: dependencies, shared specialists, measurements, risks
and the steering committee's decisions, each scheduled at the time it happened."""

# Facts are scheduled as closures over loop variables (bound as lambda defaults), which
# mypy cannot type; the commands they call are fully typed.
# mypy: disable-error-code="misc"

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from ledger.demo.agenda import PMO, Story, allocate
from ledger.demo.calendar import month_ends, on
from ledger.demo.story import ADOPTION_READINGS, INVENTORY_READINGS, O2C_READINGS
from ledger.domain.base import Provenance

STEERCO = Provenance("maria.keller")
BI = Provenance("bi.warehouse")


def schedule_governance(story: Story) -> None:
    _dependencies(story)
    _decisions(story)
    _shared_specialists(story)
    _measurements(story)
    _risks(story)
    _deferral_and_rebaseline(story)
    _deliveries(story)
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
        story.decisions[key] = story.ledger.record_decision(
            story.program_id, title=title, question=f"{title}?", forum="Steering committee",
            authority="Programme sponsor", options=options, chosen_option=chosen,
            rationale=rationale, tradeoffs=tradeoffs, affects=_resolve(story, affects),
            evidence=[f"position {story.ledger.head_position()}"], by=STEERCO,
            effective_at=when, review_by=date(when.year + 1, when.month, 1),
        ).id

    story.at(when, record)


def _resolve(story: Story, affects: dict[str, list[str]]) -> dict[str, list[UUID]]:
    registers: dict[str, dict[str, UUID]] = {
        "project": story.projects, "benefit": story.benefits, "risk": story.risks,
        "dependency": story.dependencies,
        "resource": {"SAP specialists": story.resource_id} if story.resource_id else {},
    }
    return {kind: [registers[kind][name] for name in names] for kind, names in affects.items()}


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
            story.dependencies[key] = story.ledger.declare_dependency(
                story.program_id, provider_project_id=story.projects[provider],
                provider_deliverable=deliverable, consumer_project_id=story.projects[consumer],
                needed_by=needed_by, description=description, by=PMO,
                effective_at=on(2025, 7, 3)).id

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
                 story.ledger.change_dependency_status(
                     story.dependencies[key], status=status, reason=reason, by=PMO,
                     effective_at=when))


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
        story.resource_id = story.ledger.register_resource(
            story.program_id, name="SAP specialists", unit="FTE",
            capacity_per_month=Decimal(6), by=PMO, effective_at=on(2025, 11, 20)).id

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


def _measurements(story: Story) -> None:
    readings = zip(month_ends(date(2025, 5, 1), len(O2C_READINGS)), O2C_READINGS, strict=True)
    for moment, value in readings:
        story.at(moment, lambda moment=moment, value=value: _measure_o2c(story, moment, value))
    for name, series in (("Inventory carrying cost", INVENTORY_READINGS),
                         ("User adoption", ADOPTION_READINGS)):
        for day, value in series:
            when = on(day.year, day.month, day.day)
            story.at(when, lambda name=name, value=value, when=when: story.ledger.measure_benefit(
                story.benefits[name], value=value, source="Finance data warehouse",
                effective_at=when, by=BI))


def _measure_o2c(story: Story, moment: datetime, value: float) -> None:
    benefit = story.benefits["Order-to-cash cycle time"]
    result = story.ledger.measure_benefit(benefit, value=value, source="Finance data warehouse",
                                          effective_at=moment, by=BI)
    if value == 39.0:  # the November 2025 extract missed late invoices; found in January
        story.at(on(2026, 1, 14), lambda: story.ledger.correct_measurement(
            benefit, UUID(result.extra["measurement_id"]), value=42.3, by=PMO,
            reason="November extract excluded 212 late-posted invoices"))


def _risks(story: Story) -> None:
    _risk(story, "data quality", on(2025, 7, 15), "Legacy data quality worse than expected",
          "Duplicate and incomplete customer and material records in legacy ERP", "data",
          3, 4, "li.wei", ["Data migration", "ERP implementation"], "Before mock loads")
    _risk(story, "architect", on(2025, 8, 1), "Loss of the lead SAP architect",
          "Single point of knowledge for the finance design", "resources", 2, 5,
          "aisha.rahman", ["ERP implementation"], "Whole build phase")
    _risk(story, "year end", on(2025, 12, 1), "Go-live collides with fiscal year-end close",
          "An April go-live lands in the year-end close of the Japanese entities",
          "schedule", 4, 4, "tom.becker", ["ERP implementation"], "March-April 2026")
    ledger, risks = story.ledger, story.risks
    for key, likelihood, impact, rationale, when in (
        ("data quality", 4, 4, "Profiling found 9% duplicates", on(2025, 10, 14)),
        ("data quality", 5, 4, "Mock load 1 error rate 11%", on(2026, 1, 12)),
        ("architect", 1, 5, "Backup architect onboard", on(2026, 3, 1)),
    ):
        story.at(when, lambda key=key, likelihood=likelihood, impact=impact,
                 rationale=rationale, when=when: ledger.assess_risk(
                     risks[key], likelihood=likelihood, impact=impact, rationale=rationale,
                     by=PMO, effective_at=when))
    for key, strategy, actions, when in (
        ("data quality", "reduce", ["Cleansing sprint with business data owners",
                                    "Daily data-quality dashboard"], on(2025, 10, 20)),
        ("architect", "transfer", ["Contract a backup architect from the integrator"],
         on(2025, 8, 15)),
    ):
        story.at(when, lambda key=key, strategy=strategy, actions=actions, when=when:
                 ledger.plan_risk_response(risks[key], strategy=strategy, actions=actions,
                                           by=PMO, effective_at=when))
    story.at(on(2026, 2, 10), lambda: ledger.record_risk_materialized(
        risks["data quality"], description="Mock load 2 rejected 14% of customer records",
        impact="System test start at risk by three weeks", by=PMO,
        effective_at=on(2026, 2, 10)))
    for key, reason, when in (("year end", "Go-live moved to July", on(2026, 1, 20)),
                              ("data quality", "Mock load 3 passed with 0.4% rejects",
                               on(2026, 4, 20))):
        story.at(when, lambda key=key, reason=reason, when=when: ledger.close_risk(
            risks[key], reason=reason, by=PMO, effective_at=when))


def _risk(story: Story, key: str, when: datetime, title: str, description: str,
          category: str, likelihood: int, impact: int, owner: str, projects: list[str],
          proximity: str) -> None:
    def raise_it() -> None:
        story.risks[key] = story.ledger.raise_risk(
            story.program_id, title=title, description=description, category=category,
            likelihood=likelihood, impact=impact, owner=owner,
            affected_project_ids=[story.projects[p] for p in projects], proximity=proximity,
            by=PMO, effective_at=when).id

    story.at(when, raise_it)


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
    story.at(on(2026, 1, 19, 16), lambda: ledger.supersede_decision(
        story.decisions["go-live-april"], by_decision_id=story.decisions["go-live-july"],
        reason="Go-live moved to July", by=STEERCO, effective_at=on(2026, 1, 19, 16)))
    decide(story, "defer-warehouse", "Defer the warehouse module to protect go-live",
           on(2026, 3, 5, 15), "defer", "The go-live date carries most of the business case",
           "Inventory carrying-cost savings arrive a year later", [
               _option("defer", "Defer extended warehouse management to phase 2",
                       ["Go-live date holds"], ["Inventory benefit later"], -420_000, 0),
               _option("keep", "Keep it and slip go-live by 90 days", ["Full scope"],
                       ["Go-live in October", "EUR 600k extra"], 600_000, 90),
           ], {"project": ["ERP implementation"], "benefit": ["Inventory carrying cost"]})
    story.at(on(2026, 3, 6), lambda: ledger.change_project_scope(
        story.projects["ERP implementation"], add=[], remove=[], defer=["warehouse-module"],
        rationale="Deferred to phase 2 by the steering committee", cost_impact=-420_000,
        schedule_impact_days=0, decision_id=story.decisions["defer-warehouse"], by=PMO,
        effective_at=on(2026, 3, 6)))
    decide(story, "rebaseline-inventory", "Rebaseline the inventory carrying-cost target",
           on(2026, 3, 19, 15), "rebaseline", "Without the warehouse module 19% is out of reach",
           "1.5 points of carrying-cost reduction", [
               _option("rebaseline", "Target 20.5% by June 2027", ["Honest target"],
                       ["Smaller benefit"], 0, 0),
               _option("keep", "Keep 19% by March 2027", ["Ambition"], ["Unreachable"], 0, 0),
           ], {"benefit": ["Inventory carrying cost"]})
    story.at(on(2026, 3, 20), lambda: ledger.revise_benefit_target(
        story.benefits["Inventory carrying cost"], target_value=20.5,
        target_date=date(2027, 6, 30), reason="Warehouse module deferred to phase 2",
        decision_id=story.decisions["rebaseline-inventory"], by=STEERCO,
        effective_at=on(2026, 3, 20)))


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
        story.at(when, lambda project=project, key=key, when=when: story.ledger.deliver(
            story.projects[project], key, by=PMO, effective_at=when))
    for name in ("Order-to-cash cycle time", "User adoption"):
        story.at(on(2026, 7, 1, 10), lambda name=name: story.ledger.change_benefit_status(
            story.benefits[name], status="in_delivery", reason="Go-live", by=PMO,
            effective_at=on(2026, 7, 1, 10)))


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
                 story.ledger.review_decision_outcome(
                     story.decisions[key], verdict=verdict, summary=summary,
                     evidence=[f"position {story.ledger.head_position()}"], by=STEERCO,
                     effective_at=when))
