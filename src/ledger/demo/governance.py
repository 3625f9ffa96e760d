"""The demo's governance chapters: dependencies, shared specialists, measurements, risks
and the steering committee's decisions, each told in the order it happened."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from ledger.demo.calendar import month_ends, on
from ledger.demo.story import ADOPTION_READINGS, INVENTORY_READINGS, O2C_READINGS
from ledger.domain.base import Provenance

if TYPE_CHECKING:
    from ledger.demo.loader import Story

PMO = Provenance("tom.becker", correlation_id="demo-load")
STEERCO = Provenance("maria.keller", correlation_id="demo-load")
BI = Provenance("bi.warehouse", correlation_id="demo-load")


def record_governance(story: Story) -> None:
    _dependencies(story)
    _early_decisions(story)
    _shared_specialists(story)
    _measurements(story)
    _risks(story)
    _deferral_and_rebaseline(story)
    _reviews(story)


def _decide(story: Story, key: str, title: str, when: date, options: list[dict[str, Any]],
            chosen: str, rationale: str, tradeoffs: str, **affects: list[UUID]) -> None:
    story.decisions[key] = story.ledger.record_decision(
        story.program_id, title=title, question=f"{title}?", forum="Steering committee",
        authority="Programme sponsor", options=options, chosen_option=chosen,
        rationale=rationale, tradeoffs=tradeoffs, affects=affects,
        evidence=[str(story.ledger.head_position())], by=STEERCO,
        effective_at=on(when.year, when.month, when.day, 15),
        review_by=date(when.year + 1, when.month, 1),
    ).id


def _option(key: str, summary: str, pros: list[str], cons: list[str], cost: float,
            days: int, benefits: dict[UUID, float] | None = None) -> dict[str, Any]:
    return {"key": key, "summary": summary, "pros": pros, "cons": cons,
            "expected_impact": {"cost": cost, "schedule_days": days,
                                "benefits": {str(k): v for k, v in (benefits or {}).items()}}}


def _dependencies(story: Story) -> None:
    p = story.projects
    story.dependencies["mock-loads"] = story.ledger.declare_dependency(
        story.program_id, provider_project_id=p["Data migration"],
        provider_deliverable="mock-loads", consumer_project_id=p["ERP implementation"],
        needed_by=date(2026, 2, 20), description="Migrated data must pass mock loads before "
        "integrated system testing starts", by=PMO, effective_at=on(2025, 7, 3),
    ).id
    story.dependencies["o2c"] = story.ledger.declare_dependency(
        story.program_id, provider_project_id=p["Business process optimisation"],
        provider_deliverable="o2c-redesign", consumer_project_id=p["ERP implementation"],
        needed_by=date(2025, 11, 15), description="Redesigned O2C process drives the build",
        by=PMO, effective_at=on(2025, 7, 3),
    ).id
    story.ledger.declare_dependency(
        story.program_id, provider_project_id=p["ERP implementation"],
        provider_deliverable="build", consumer_project_id=p["Change management"],
        needed_by=date(2026, 3, 1), description="Training material needs the built system",
        by=PMO, effective_at=on(2025, 7, 3),
    )
    story.ledger.change_dependency_status(story.dependencies["mock-loads"], status="committed",
                                          reason="Plan agreed by both project managers",
                                          by=PMO, effective_at=on(2025, 7, 10))


def _early_decisions(story: Story) -> None:
    erp, o2c = story.projects["ERP implementation"], story.benefits["Order-to-cash cycle time"]
    _decide(story, "fit-to-standard", "Adopt SAP standard order-to-cash processes",
            date(2025, 9, 18), [
                _option("standard", "Fit to standard", ["Faster build", "Upgradeable"],
                        ["Sales teams must change habits"], -250_000, -30, {o2c: -4}),
                _option("customise", "Customise to current practice", ["Less change"],
                        ["Costly upgrades", "Later go-live"], 400_000, 60, {o2c: -1}),
            ], "standard", "Standard processes deliver most of the O2C gain",
            "Local order-entry shortcuts are given up",
            project=[erp, story.projects["Business process optimisation"]], benefit=[o2c])
    _decide(story, "go-live-april", "Set the go-live date", date(2025, 10, 2), [
        _option("april", "Go live on 1 April 2026", ["Early benefits"], ["Tight test window"],
                0, 0),
        _option("july", "Go live on 1 July 2026", ["Safer test window"], ["Benefits later"],
                150_000, 91),
    ], "april", "The business case assumed Q2 benefits", "Test window of six weeks only",
        project=[erp])


def _shared_specialists(story: Story) -> None:
    from ledger.demo.loader import allocate

    story.resource_id = story.ledger.register_resource(
        story.program_id, name="SAP specialists", unit="FTE",
        capacity_per_month=Decimal(6), by=PMO, effective_at=on(2025, 11, 20),
    ).id
    for month in ("2026-01", "2026-02", "2026-03"):
        allocate(story, "ERP implementation", month, "4")
        allocate(story, "Data migration", month, "2")
    _decide(story, "extra-specialist", "Cover the February peak of SAP specialists",
            date(2026, 1, 26), [
                _option("contractor", "Bring in one contract specialist for February",
                        ["Mock load 3 stays on plan"], ["EUR 38k"], 38_000, 0),
                _option("delay", "Delay mock load 3 by four weeks", ["No extra cost"],
                        ["System test starts late"], 0, 28),
            ], "contractor", "System test start date protects go-live",
            "EUR 38k of contingency spent", resource=[story.resource_id],
            project=[story.projects["Data migration"]],
            dependency=[story.dependencies["mock-loads"]])
    allocate(story, "Data migration", "2026-02", "1", decision="extra-specialist")


def _measurements(story: Story) -> None:
    o2c = story.benefits["Order-to-cash cycle time"]
    readings = zip(month_ends(date(2025, 5, 1), len(O2C_READINGS)), O2C_READINGS, strict=True)
    for moment, value in readings:
        result = story.ledger.measure_benefit(o2c, value=value, source="Finance data warehouse",
                                              effective_at=moment, by=BI)
        if value == 39.0:  # November 2025 excluded late invoices; corrected in January
            story.ledger.correct_measurement(
                o2c, UUID(result.extra["measurement_id"]), value=42.3, by=PMO,
                reason="November extract excluded 212 late-posted invoices",
            )
    for name, series in (("Inventory carrying cost", INVENTORY_READINGS),
                         ("User adoption", ADOPTION_READINGS)):
        for day, value in series:
            story.ledger.measure_benefit(
                story.benefits[name], value=value, source="Finance data warehouse",
                effective_at=on(day.year, day.month, day.day), by=BI,
            )


def _risks(story: Story) -> None:
    ledger, p = story.ledger, story.projects
    data = ledger.raise_risk(
        story.program_id, title="Legacy data quality worse than expected",
        description="Duplicate and incomplete customer and material records in legacy ERP",
        category="data", likelihood=3, impact=4, owner="li.wei",
        affected_project_ids=[p["Data migration"], p["ERP implementation"]],
        proximity="Before mock loads (Q1 2026)", by=PMO, effective_at=on(2025, 7, 15),
    ).id
    ledger.assess_risk(data, likelihood=4, impact=4, rationale="Profiling found 9% duplicates",
                       by=PMO, effective_at=on(2025, 10, 14))
    ledger.plan_risk_response(data, strategy="reduce", actions=[
        "Cleansing sprint with business data owners", "Daily data-quality dashboard"],
        by=PMO, effective_at=on(2025, 10, 20))
    ledger.assess_risk(data, likelihood=5, impact=4, rationale="Mock load 1 error rate 11%",
                       by=PMO, effective_at=on(2026, 1, 12))
    ledger.record_risk_materialized(
        data, description="Mock load 2 rejected 14% of customer records",
        impact="System test start at risk by three weeks", by=PMO,
        effective_at=on(2026, 2, 10))
    ledger.close_risk(data, reason="Mock load 3 passed with 0.4% rejects", by=PMO,
                      effective_at=on(2026, 4, 20))
    story.risks["data quality"] = data
    architect = ledger.raise_risk(
        story.program_id, title="Loss of the lead SAP architect",
        description="Single point of knowledge for the finance design", category="resources",
        likelihood=2, impact=5, owner="aisha.rahman",
        affected_project_ids=[p["ERP implementation"]], proximity="Whole build phase",
        by=PMO, effective_at=on(2025, 8, 1)).id
    ledger.plan_risk_response(architect, strategy="transfer",
                              actions=["Contract a backup architect from the integrator"],
                              by=PMO, effective_at=on(2025, 8, 15))
    ledger.assess_risk(architect, likelihood=1, impact=5, rationale="Backup architect onboard",
                       by=PMO, effective_at=on(2026, 3, 1))
    story.risks["architect"] = architect
    year_end = ledger.raise_risk(
        story.program_id, title="Go-live collides with fiscal year-end close",
        description="April go-live lands in the year-end close of the Japanese entities",
        category="schedule", likelihood=4, impact=4, owner="tom.becker",
        affected_project_ids=[p["ERP implementation"]], proximity="March-April 2026",
        by=PMO, effective_at=on(2025, 12, 1)).id
    story.risks["year end"] = year_end


def _deferral_and_rebaseline(story: Story) -> None:
    ledger, erp = story.ledger, story.projects["ERP implementation"]
    inventory = story.benefits["Inventory carrying cost"]
    o2c = story.benefits["Order-to-cash cycle time"]
    _decide(story, "go-live-july", "Move go-live to 1 July 2026", date(2026, 1, 19), [
        _option("july", "Go live on 1 July 2026", ["Avoids year-end close"],
                ["O2C benefit three months later"], 150_000, 91, {o2c: 0}),
        _option("april", "Keep 1 April 2026", ["Benefits sooner"], ["Year-end clash"], 0, 0),
    ], "july", "Year-end clash and data quality make April unsafe",
        "Three months of O2C benefit and EUR 150k run cost", project=[erp], benefit=[o2c],
        risk=[story.risks["year end"]])
    ledger.supersede_decision(story.decisions["go-live-april"],
                              by_decision_id=story.decisions["go-live-july"],
                              reason="Go-live moved to July", by=STEERCO)
    ledger.close_risk(story.risks["year end"], reason="Go-live moved to July", by=PMO,
                      effective_at=on(2026, 1, 20))
    _decide(story, "defer-warehouse", "Defer the warehouse module to protect go-live",
            date(2026, 3, 5), [
                _option("defer", "Defer extended warehouse management to phase 2",
                        ["Go-live date holds"], ["Inventory benefit later"], -420_000, 0,
                        {inventory: 1.5}),
                _option("keep", "Keep it and slip go-live by 90 days", ["Full scope"],
                        ["Go-live in October", "EUR 600k extra"], 600_000, 90),
            ], "defer", "The go-live date carries most of the business case",
            "Inventory carrying-cost savings arrive a year later", project=[erp],
            benefit=[inventory])
    ledger.change_project_scope(
        erp, add=[], remove=[], defer=["warehouse-module"],
        rationale="Deferred to phase 2 by the steering committee", cost_impact=-420_000,
        schedule_impact_days=0, decision_id=story.decisions["defer-warehouse"], by=PMO,
        effective_at=on(2026, 3, 6))
    _decide(story, "rebaseline-inventory", "Rebaseline the inventory carrying-cost target",
            date(2026, 3, 19), [
                _option("rebaseline", "Target 20.5% by June 2027", ["Honest target"],
                        ["Smaller benefit"], 0, 0),
                _option("keep", "Keep 19% by March 2027", ["Ambition"], ["Unreachable"], 0, 0),
            ], "rebaseline", "Without the warehouse module 19% is out of reach",
            "1.5 points of carrying-cost reduction", benefit=[inventory])
    ledger.revise_benefit_target(
        inventory, target_value=20.5, target_date=date(2027, 6, 30),
        reason="Warehouse module deferred to phase 2",
        decision_id=story.decisions["rebaseline-inventory"], by=STEERCO,
        effective_at=on(2026, 3, 20))
    _deliveries(story)


def _deliveries(story: Story) -> None:
    ledger, p = story.ledger, story.projects
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
        ledger.deliver(p[project], key, by=PMO, effective_at=when)
    for status, reason, when in (("at_risk", "Mock load 2 failed", on(2026, 2, 10)),
                                 ("committed", "Cleansing sprint done", on(2026, 3, 2)),
                                 ("met", "Mock load 3 passed", on(2026, 3, 25))):
        ledger.change_dependency_status(story.dependencies["mock-loads"], status=status,
                                        reason=reason, by=PMO, effective_at=when)
    for status, reason, when in (("committed", "Design sprint planned", on(2025, 8, 1)),
                                 ("met", "O2C design signed off", on(2025, 10, 30))):
        ledger.change_dependency_status(story.dependencies["o2c"], status=status,
                                        reason=reason, by=PMO, effective_at=when)
    for name in ("Order-to-cash cycle time", "User adoption"):
        ledger.change_benefit_status(story.benefits[name], status="in_delivery",
                                     reason="Go-live", by=PMO, effective_at=on(2026, 7, 1))


def _reviews(story: Story) -> None:
    for key, verdict, summary, when in (
        ("extra-specialist", "as_expected", "Mock load 3 ran on plan with the contractor",
         on(2026, 3, 27)),
        ("go-live-july", "as_expected", "Go-live on 1 July; year-end close undisturbed",
         on(2026, 9, 15)),
        ("fit-to-standard", "better", "O2C at 31.4 days in October, ahead of the profile",
         on(2026, 10, 20)),
        ("defer-warehouse", "as_expected", "Go-live held; warehouse planned for phase 2",
         on(2026, 10, 25)),
    ):
        story.ledger.review_decision_outcome(
            story.decisions[key], verdict=verdict, summary=summary,
            evidence=[str(story.ledger.head_position())], by=STEERCO, effective_at=when)
