"""The demo's measurements and risks: benefit readings month by month (one corrected), and
risks raised, reassessed, answered, materialised and closed, each at the time it happened."""

# Facts are scheduled as closures over loop variables (bound as lambda defaults), which
# mypy cannot type; the commands they call are fully typed.
# mypy: disable-error-code="misc"

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from ledger.application.commands.benefits import CorrectMeasurement, MeasureBenefit
from ledger.application.commands.risks import (
    AssessRisk,
    CloseRisk,
    PlanRiskResponse,
    RaiseRisk,
    RecordRiskMaterialized,
)
from ledger.demo.agenda import PMO, Story
from ledger.demo.calendar import month_ends, on
from ledger.demo.ids import demo_id
from ledger.demo.story import ADOPTION_READINGS, INVENTORY_READINGS, O2C_READINGS
from ledger.domain.base import Provenance

BI = Provenance("bi.warehouse")


def schedule_measurements(story: Story) -> None:
    readings = zip(month_ends(date(2025, 5, 1), len(O2C_READINGS)), O2C_READINGS, strict=True)
    for moment, value in readings:
        story.at(moment, lambda moment=moment, value=value: _measure_o2c(story, moment, value))
    for name, series in (("Inventory carrying cost", INVENTORY_READINGS),
                         ("User adoption", ADOPTION_READINGS)):
        for day, value in series:
            when = on(day.year, day.month, day.day)
            story.at(when, lambda name=name, value=value, when=when: story.ledger.execute(
                MeasureBenefit(benefit_id=story.benefits[name], value=value,
                               source="Finance data warehouse", effective_at=when,
                               measurement_id=demo_id("measurement", name, when)), by=BI))


def _measure_o2c(story: Story, moment: datetime, value: float) -> None:
    benefit = story.benefits["Order-to-cash cycle time"]
    result = story.ledger.execute(MeasureBenefit(
        benefit_id=benefit, value=value, source="Finance data warehouse", effective_at=moment,
        measurement_id=demo_id("measurement", "Order-to-cash cycle time", moment)), by=BI)
    if value == 39.0:  # the November 2025 extract missed late invoices; found in January
        story.at(on(2026, 1, 14), lambda: story.ledger.execute(CorrectMeasurement(
            benefit_id=benefit, measurement_id=UUID(result.extra["measurement_id"]), value=42.3,
            reason="November extract excluded 212 late-posted invoices"), by=PMO))


def schedule_risks(story: Story) -> None:
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
                 rationale=rationale, when=when: ledger.execute(AssessRisk(
                     risk_id=risks[key], likelihood=likelihood, impact=impact, rationale=rationale,
                     effective_at=when), by=PMO))
    for key, strategy, actions, when in (
        ("data quality", "reduce", ["Cleansing sprint with business data owners",
                                    "Daily data-quality dashboard"], on(2025, 10, 20)),
        ("architect", "transfer", ["Contract a backup architect from the integrator"],
         on(2025, 8, 15)),
    ):
        story.at(when, lambda key=key, strategy=strategy, actions=actions, when=when:
                 ledger.execute(PlanRiskResponse(
                     risk_id=risks[key], strategy=strategy, actions=actions, effective_at=when),
                     by=PMO))
    story.at(on(2026, 2, 10), lambda: ledger.execute(RecordRiskMaterialized(
        risk_id=risks["data quality"], description="Mock load 2 rejected 14% of customer records",
        impact="System test start at risk by three weeks", effective_at=on(2026, 2, 10)), by=PMO))
    for key, reason, when in (("year end", "Go-live moved to July", on(2026, 1, 20)),
                              ("data quality", "Mock load 3 passed with 0.4% rejects",
                               on(2026, 4, 20))):
        story.at(when, lambda key=key, reason=reason, when=when: ledger.execute(CloseRisk(
            risk_id=risks[key], reason=reason, effective_at=when), by=PMO))


def _risk(story: Story, key: str, when: datetime, title: str, description: str,
          category: str, likelihood: int, impact: int, owner: str, projects: list[str],
          proximity: str) -> None:
    def raise_it() -> None:
        story.risks[key] = story.ledger.execute(RaiseRisk(
            program_id=story.program_id, title=title, description=description, category=category,
            likelihood=likelihood, impact=impact, owner=owner,
            affected_project_ids=[story.projects[p] for p in projects], proximity=proximity,
            effective_at=when), by=PMO).id

    story.at(when, raise_it)
