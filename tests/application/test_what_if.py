"""What-if: scenarios run through the real rules against a snapshot, and nothing is written."""

from __future__ import annotations

from decimal import Decimal
from threading import Thread
from typing import Any
from uuid import uuid4

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.application import ProgramLedger, handling
from ledger.application.commands.projects import ChangeProjectLifecycle, ReportProjectStatus
from ledger.application.commands.resources import AllocateResource, ChangeResourceCapacity
from ledger.application.commands.risks import AssessRisk, RaiseRisk
from ledger.application.simulation.catalog import parse_command
from ledger.audit.verify import verify
from ledger.domain.errors import InvalidInput, InvalidRows, InvariantViolated
from ledger.domain.project import Project
from ledger.domain.risk import Risk
from tests.application.builders import ALICE, ProgramBuilder


def _allocate(resource_id, project_id, amount: str, month: str = "2026-03", **more):
    return AllocateResource(resource_id=resource_id, project_id=project_id, month=month,
                            amount=Decimal(amount), **more)


def test_commands_of_a_scenario_see_each_other_and_a_refusal_names_its_rule(
        ledger: ProgramLedger, erp: ProgramBuilder) -> None:
    project = erp.project("ERP build", "ledger")
    resource = erp.resource(capacity="2")
    ledger.execute(_allocate(resource, project, "1.5"), by=ALICE)

    result = ledger.what_if(erp.program_id, [
        ("squeeze", [_allocate(resource, project, "1"),  # 2.5 > 2: refused
                     ChangeResourceCapacity(resource_id=resource, capacity_per_month=Decimal("3"),
                                            reason="contractor"),
                     _allocate(resource, project, "1")]),  # 2.5 ≤ 3 once capacity rose
        ("nothing", []),
    ], by=ALICE)

    squeeze, nothing = result.scenarios
    assert [s.status for s in squeeze.steps] == ["refused", "accepted", "accepted"]
    assert squeeze.steps[0].rule == "capacity_exceeded"
    assert [e["event_type"] for e in squeeze.steps[2].events] == ["ResourceAllocated"]
    month = squeeze.figures["resources"][str(resource)]["months"]["2026-03"]
    assert (month["allocated"], month["capacity"], month["over"]) == (2.5, 3.0, 0.0)
    moved = {(d["figure"], d["delta"]) for d in squeeze.differences}
    assert ("months.2026-03.allocated", 1.0) in moved
    assert ("capacity", 1.0) in moved  # one capacity for every month, compared once
    assert nothing.differences == [] and nothing.figures == result.baseline


def test_a_what_if_writes_nothing_and_leaves_the_snapshot_as_recorded(
        ledger: ProgramLedger, erp: ProgramBuilder) -> None:
    project = erp.project("ERP build", "ledger")
    resource = erp.resource(capacity="2")
    head = ledger.head_position()
    before = ledger.program_as_of(erp.program_id).to_plain()

    result = ledger.what_if(erp.program_id, [
        ("a", [_allocate(resource, project, "2"),
               RaiseRisk(program_id=erp.program_id, title="Key user leaves", category="people",
                         likelihood=3, impact=4, owner="Pat")]),
        ("b", [_allocate(resource, project, "1")]),
    ], by=ALICE)

    assert ledger.head_position() == head
    assert ledger.program_as_of(erp.program_id).to_plain() == before
    assert all(s.status == "accepted" for o in result.scenarios for s in o.steps)
    # Each scenario starts from the same baseline: b does not see a's allocation.
    b_month = result.scenarios[1].figures["resources"][str(resource)]["months"]["2026-03"]
    assert b_month["allocated"] == 1.0
    raised = [d for d in result.scenarios[0].differences if d["section"] == "risks"]
    assert [d["change"] for d in raised] == ["added"]
    assert result.scenarios[0].figures["summary"]["program"]["open_risk_exposure"] == 12
    # The chain verifies over exactly what was recorded before.
    checked = verify(ledger.recorder.datastore.engine,  # type: ignore[attr-defined]
                     Ed25519PrivateKey.generate().public_key())
    assert checked.ok and checked.checked == head


def test_as_the_program_stood_at_a_position(ledger: ProgramLedger, erp: ProgramBuilder) -> None:
    project = erp.project("ERP build", "ledger")
    then = ledger.head_position()
    resource = erp.resource(capacity="2")

    result = ledger.what_if(erp.program_id, [("later", [_allocate(resource, project, "1")])],
                            by=ALICE, position=then)

    (step,) = result.scenarios[0].steps
    assert (step.status, step.rule) == ("refused", "not_found")
    assert result.resolved_position == then and result.baseline["resources"] == {}


def test_a_position_the_log_has_not_reached_is_refused(ledger: ProgramLedger,
                                                       erp: ProgramBuilder) -> None:
    with pytest.raises(InvalidInput, match="position"):
        ledger.what_if(erp.program_id, [], by=ALICE, position=ledger.head_position() + 1)


def test_scenario_commands_are_checked_as_the_routes_check_them(
        erp: ProgramBuilder) -> None:
    risk = uuid4()
    command = parse_command({"type": "assess_risk", "risk_id": str(risk), "likelihood": 2,
                             "impact": 3, "rationale": "fewer users"}, erp.program_id, "c[0]")
    assert isinstance(command, AssessRisk) and command.risk_id == risk
    raised = parse_command({"type": "raise_risk", "title": "t", "category": "data",
                            "likelihood": 1, "impact": 1, "owner": "o"}, erp.program_id, "c[1]")
    assert isinstance(raised, RaiseRisk) and raised.program_id == erp.program_id
    with pytest.raises(InvalidInput, match=r"c\[2\]\.type: 'define_program' is not"):
        parse_command({"type": "define_program"}, erp.program_id, "c[2]")
    with pytest.raises(InvalidRows, match=r"c\[3\]\.likelihood"):
        parse_command({"type": "assess_risk", "risk_id": str(risk), "likelihood": 9,
                       "impact": 3, "rationale": "r"}, erp.program_id, "c[3]")
    with pytest.raises(InvalidInput, match=r"c\[4\]\.program_id"):
        parse_command({"type": "raise_risk", "program_id": str(uuid4())}, erp.program_id, "c[4]")


def test_what_ifs_racing_real_writers_write_nothing(ledger: ProgramLedger,
                                                    erp: ProgramBuilder) -> None:
    project = erp.project("ERP build", "ledger")
    risk = ledger.execute(RaiseRisk(program_id=erp.program_id, title="Key user leaves",
                                    category="people", likelihood=3, impact=4, owner="Pat"),
                          by=ALICE).id
    head = ledger.head_position()
    marker = "simulated only, never recorded"
    recorded: list[int] = []
    outcomes: list[str] = []

    def write(worker: int) -> None:
        for n in range(10):
            result = ledger.execute(AssessRisk(risk_id=risk, likelihood=1 + (n + worker) % 5,
                                               impact=2, rationale=f"writer {worker}"), by=ALICE)
            recorded.append(result.position)

    def simulate() -> None:
        for _ in range(10):
            result = ledger.what_if(erp.program_id, [("s", [
                AssessRisk(risk_id=risk, likelihood=5, impact=5, rationale=marker),
                ChangeResourceCapacity(resource_id=project, capacity_per_month=Decimal(1),
                                       reason=marker)])], by=ALICE)
            outcomes.extend(s.status for s in result.scenarios[0].steps)

    threads = [Thread(target=write, args=(w,)) for w in range(2)] + \
        [Thread(target=simulate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(recorded) == 20 and ledger.head_position() == head + 20
    assert outcomes.count("accepted") == 20 and outcomes.count("refused") == 20
    reasons = [event.rationale for event in ledger.events.get(risk)
               if isinstance(event, Risk.RiskAssessed)]
    assert marker not in reasons and len(reasons) == 20
    checked = verify(ledger.recorder.datastore.engine,  # type: ignore[attr-defined]
                     Ed25519PrivateKey.generate().public_key())
    assert checked.ok and checked.checked == head + 20


class ReportThenBreak(ReportProjectStatus):
    """A test-only command whose handler changes its project and then is refused: no handler
    of the product does that today, and a what-if must still leave no trace of it."""


def test_a_command_refused_after_changing_an_aggregate_leaves_no_trace(
        ledger: ProgramLedger, erp: ProgramBuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    project = erp.project("ERP build", "ledger")
    ledger.execute(ChangeProjectLifecycle(project_id=project, status="in_progress",
                                          reason="go"), by=ALICE)
    version = ledger.load(project, Project).version

    def report_then_break(command: ReportThenBreak, subject: Project, context: Any) -> None:
        subject.report_status({"overall": "red", **dict.fromkeys(
            ("schedule", "cost", "scope", "resources"), "red")}, "broken", context.by, "r")
        raise InvariantViolated("refused after the change", rule="test_only_rule")

    monkeypatch.setitem(handling._HANDLERS, ReportThenBreak, report_then_break)
    report = {"project_id": project, "schedule": "green", "cost": "green", "scope": "green",
              "resources": "green"}
    result = ledger.what_if(erp.program_id, [("s", [
        ReportProjectStatus(overall="green", **report),
        ReportThenBreak(overall="green", **report),
        ReportProjectStatus(overall="amber", reason="slipping", **{**report, "cost": "amber"}),
    ])], by=ALICE)

    first, broken, third = result.scenarios[0].steps
    assert (broken.status, broken.rule) == ("refused", "test_only_rule")
    assert [e["version"] for e in first.events + third.events] == [version + 1, version + 2]
    assert result.scenarios[0].figures["scope"][str(project)]["overall"] == "amber"
