"""Programs, projects, dependencies and resources: every field, derived from a known history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from ledger.application import ProgramLedger
from ledger.application.commands.projects import ReportProjectStatus
from ledger.application.commands.resources import ReleaseAllocation
from ledger.projections import dependencies, projects, resources
from ledger.projections.projector import Projector
from ledger.projections.summary import HIGH_EXPOSURE, get_program, list_programs
from tests.projections.conftest import recorded
from tests.projections.scenario import BOB, History, at, build


@pytest.fixture
def history(ledger: ProgramLedger, project: Projector) -> History:
    built = build(ledger)
    project.catch_up()
    return built


def test_program_summary_has_the_header_and_every_rollup(engine: sa.Engine,
                                                         history: History) -> None:
    ids = history.ids
    with engine.connect() as connection:
        summary = get_program(connection, ids["program"])
    assert summary.model_dump() == {
        "id": ids["program"], "code": "OTC", "name": "Order to cash", "status": "active",
        "sponsor": "CFO", "manager": "Pat", "objectives": ["Faster cash", "Fewer disputes"],
        "defined_at": at(1, 2), "version": 17,
        "position": history.position("ramp"),  # it registered the last component
        "rollups": {
            "projects_total": 3,
            "projects_by_lifecycle": {"in_progress": 2, "cancelled": 1},
            # Data migration's latest report (by effective time) is amber; the cancelled
            # portal's red report no longer counts.
            "worst_health": "amber",
            "benefit_realization": pytest.approx((38 - 45) / (33 - 45)),
            "open_high_risks": 2,  # 16 (open) and 15 (materialized); 25 is closed, 4 is low
            "dependencies_at_risk": 1,
            "over_allocated_months": 1,
        },
    }
    assert HIGH_EXPOSURE == 15


def test_program_summary_follows_new_reports(ledger: ProgramLedger, engine: sa.Engine,
                                             project: Projector, history: History) -> None:
    ledger.execute(ReportProjectStatus(
        project_id=history.ids["ERP"], overall="red", schedule="red", cost="green", scope="green",
        resources="green", narrative="late", reason="vendor", effective_at=at(5, 1)), by=BOB)
    project.catch_up()
    with engine.connect() as connection:
        assert get_program(connection, history.ids["program"]).rollups.worst_health == "red"
        listed = list_programs(connection)
    assert [p.code for p in listed.items] == ["OTC"] and listed.next_cursor is None


def test_project_has_lifecycle_scope_latest_report_and_history(engine: sa.Engine,
                                                               history: History) -> None:
    ids, ledger = history.ids, history.ledger
    with engine.connect() as connection:
        erp = projects.get_project(connection, ids["ERP"])
        data = projects.get_project(connection, ids["Data migration"])
    assert (erp.name, erp.manager, erp.lifecycle, erp.program_id) == (
        "ERP", "Sam", "in_progress", ids["program"])
    assert (erp.planned_start, erp.planned_finish, erp.authorized_at) == (
        date(2025, 1, 1), date(2026, 6, 30), at(1, 5))
    assert [d.model_dump() for d in erp.deliverables] == [
        {"key": "build", "name": "Build", "due": date(2025, 9, 30), "status": "delivered",
         "delivered_at": at(4, 20)},
        {"key": "train", "name": "Train", "due": date(2025, 9, 30), "status": "removed",
         "delivered_at": None},
        {"key": "reports", "name": "Reports", "due": date(2025, 11, 30), "status": "planned",
         "delivered_at": None}]
    assert (erp.version, erp.position) == (5, history.position("erp"))

    def report(name: str, overall: str, reason: str | None, month: int, day: int) -> dict[
            str, object]:
        position = history.position(name)
        return {"overall": overall, "schedule": "green", "cost": "amber" if reason else "green",
                "scope": "green", "resources": "green", "narrative": name.title(),
                "reason": reason, "effective_at": at(month, day),
                "recorded_at": recorded(ledger, position).timestamp, "actor": "bob",
                "position": position}

    assert data.latest_report is not None
    assert data.latest_report.model_dump() == report("apr", "amber", "vendor late", 4, 30)
    assert [r.model_dump() for r in data.status_history] == [  # business-time order
        report("jan", "red", "slip", 1, 31), report("mar", "green", None, 3, 31),
        report("apr", "amber", "vendor late", 4, 30)]


def test_dependency_has_status_and_flags_derived_at_query_time(
        ledger: ProgramLedger, engine: sa.Engine, project: Projector, history: History) -> None:
    ids = history.ids
    with engine.connect() as connection:
        before = dependencies.get_dependency(connection, ids["dependency"], date(2025, 6, 1))
        after = dependencies.get_dependency(connection, ids["dependency"], date(2025, 6, 2))
        withdrawn = dependencies.get_dependency(connection, ids["withdrawn"], date(2025, 10, 1))
    assert before.model_dump() == {
        "id": ids["dependency"], "program_id": ids["program"],
        "provider_project_id": ids["Data migration"], "provider_deliverable": "load",
        "consumer_project_id": ids["ERP"], "needed_by": date(2025, 6, 1),
        "description": "data before go-live", "status": "at_risk",
        "status_reason": "load slipping", "declared_at": at(2, 2),
        "status_changed_at": at(4, 30), "provider_red": False, "needed_by_passed": False,
        "version": 3, "position": history.position("at_risk")}
    assert after.needed_by_passed is True
    # Withdrawn: nobody waits any more, so the date cannot pass.
    assert (withdrawn.status, withdrawn.needed_by_passed) == ("withdrawn", False)
    ledger.execute(ReportProjectStatus(
        project_id=ids["Data migration"], overall="red", schedule="red", cost="green",
        scope="green", resources="green", narrative="stuck", reason="vendor",
        effective_at=at(5, 2)), by=BOB)
    project.catch_up()
    with engine.connect() as connection:
        listed = dependencies.list_dependencies(connection, ids["program"], date(2025, 5, 1))
    flags = {d.id: (d.provider_red, d.needed_by_passed) for d in listed.items}
    assert flags == {ids["dependency"]: (True, False), ids["withdrawn"]: (False, False)}


def test_resource_has_capacity_allocations_and_over_allocation_by_month(
        engine: sa.Engine, history: History) -> None:
    ids = history.ids
    with engine.connect() as connection:
        resource = resources.get_resource(connection, ids["resource"])

    def allocation(name: str, project: str, month: str, amount: str, day: int,
                   decision: str | None = None) -> dict[str, object]:
        return {"id": history.extra(name, "allocation_id"), "project_id": ids[project],
                "month": month, "amount": Decimal(amount),
                "decision_id": ids[decision] if decision else None,
                "allocated_at": at(3, day), "released": False, "released_reason": None}

    assert resource.model_dump() == {
        "id": ids["resource"], "program_id": ids["program"], "name": "SAP specialists",
        "unit": "FTE", "capacity_per_month": Decimal("2.25"),
        "capacity_decision_id": ids["overload"],
        "months": [
            {"month": "2025-07", "allocated": Decimal("2.5"), "capacity": Decimal("2.25"),
             "over_allocated_by": Decimal("0.25"), "governed": True,
             "allocations": [allocation("a1", "ERP", "2025-07", "1.5", 2),
                             allocation("a2", "Data migration", "2025-07", "1", 3,
                                        "overload")]},
            {"month": "2025-09", "allocated": Decimal("0.5"), "capacity": Decimal("2.25"),
             "over_allocated_by": Decimal(0), "governed": True,  # the capacity decision
             "allocations": [allocation("a4", "Data migration", "2025-09", "0.5", 5)]},
        ],
        "over_allocated_months": ["2025-07"], "registered_at": at(1, 8), "version": 7,
        "position": history.position("a4") + 2,  # then released a3, then changed capacity
    }


def test_released_allocations_leave_the_month(ledger: ProgramLedger, engine: sa.Engine,
                                              project: Projector, history: History) -> None:
    ids = history.ids
    ledger.execute(ReleaseAllocation(
        resource_id=ids["resource"], allocation_id=history.extra("a1", "allocation_id"),
        reason="ERP waits"), by=BOB)
    project.catch_up()
    with engine.connect() as connection:
        resource = resources.get_resource(connection, ids["resource"])
        summary = get_program(connection, ids["program"])
    july = resource.months[0]
    assert (july.allocated, july.over_allocated_by) == (Decimal(1), Decimal(0))
    assert resource.over_allocated_months == [] and summary.rollups.over_allocated_months == 0
