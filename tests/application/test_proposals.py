"""Proposals: options compared through the real rules; deciding records the decision, the
option's commands (each citing it) and the mark on the proposal, all or nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from ledger.application import ProgramLedger
from ledger.application.commands.projects import ChangeProjectLifecycle, DeliverDeliverable
from ledger.application.commands.proposals import Decide, ProposeDecision, WithdrawProposal
from ledger.application.commands.resources import AllocateResource, ReleaseAllocation
from ledger.application.simulation.whatif import WhatIf
from ledger.domain.decision import Decision
from ledger.domain.errors import InvalidInput, InvariantViolated, NotFound, PreconditionFailed
from ledger.domain.program import Program
from ledger.domain.project import Project
from ledger.domain.proposal import Proposal
from ledger.domain.resource import SharedResource
from tests.application.builders import ALICE, ProgramBuilder


class Plan:
    """A program with a project in progress (scope locked) and a full resource month."""

    def __init__(self, ledger: ProgramLedger, erp: ProgramBuilder) -> None:
        self.ledger, self.erp = ledger, erp
        self.project = erp.project("ERP build", "ledger", "warehouse")
        ledger.execute(ChangeProjectLifecycle(project_id=self.project, status="in_progress",
                                              reason="kick-off"), by=ALICE)
        self.resource = erp.resource(capacity="2")
        ledger.execute(self.allocation("2"), by=ALICE)

    def allocation(self, amount: str) -> AllocateResource:
        return AllocateResource(resource_id=self.resource, project_id=self.project,
                                month="2026-03", amount=Decimal(amount))

    def options(self, third: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        hire = [{"type": "change_resource_capacity", "resource_id": str(self.resource),
                 "capacity_per_month": "3", "reason": "one contractor"},
                {"type": "allocate_resource", "resource_id": str(self.resource),
                 "project_id": str(self.project), "month": "2026-03", "amount": "1"}]
        return [{"key": "hire", "summary": "Hire a contractor",
                 "commands": hire + ([third] if third else [])},
                {"key": "defer", "summary": "Defer the warehouse",
                 "commands": [{"type": "change_project_scope", "project_id": str(self.project),
                               "defer": ["warehouse"], "rationale": "fits the team"}]}]

    def propose(self, third: dict[str, Any] | None = None) -> UUID:
        return self.ledger.execute(ProposeDecision(
            program_id=self.erp.program_id, title="Spring capacity",
            question="Hire or defer?", forum="SteerCo", authority="Sponsor",
            options=self.options(third)), by=ALICE).id


@pytest.fixture
def plan(ledger: ProgramLedger, erp: ProgramBuilder) -> Plan:
    return Plan(ledger, erp)


def test_the_options_are_compared_side_by_side_through_the_real_rules(plan: Plan) -> None:
    proposal = plan.propose()
    head = plan.ledger.head_position()

    comparison = plan.ledger.compare(proposal, by=ALICE)

    hire, defer = comparison.scenarios
    assert [s.status for s in hire.steps + defer.steps] == ["accepted"] * 5
    # The scope change cites the decision the proposal becomes, so the locked baseline
    # needs nothing more; without a citation it would be refused.
    assert {e["event_type"] for e in defer.steps[1].events} == {"ScopeChanged"}
    moved = {(d["section"], d["figure"]): d for d in hire.differences}
    assert moved[("resources", "months.2026-03.allocated")]["delta"] == 1.0
    assert moved[("resources", "capacity")]["delta"] == 1.0
    assert ("scope", "deliverables.warehouse.status") in {
        (d["section"], d["figure"]) for d in defer.differences}
    assert plan.ledger.head_position() == head


def test_deciding_records_everything_at_once_and_keeps_the_prediction(plan: Plan) -> None:
    proposal = plan.propose()
    head = plan.ledger.head_position()

    decided = plan.ledger.decide(proposal, Decide(
        chosen_option="hire", rationale="go-live first", tradeoffs="spend",
        if_position=head), by=ALICE)

    decision = plan.ledger.load(decided.decision_id, Decision)
    assert decision.chosen_option == "hire" and decision.prediction == decided.prediction
    assert decision.prediction is not None and decision.prediction["position"] == head
    assert decision.affects["resource"] == [plan.resource]
    resource = plan.ledger.load(plan.resource, SharedResource)
    assert resource.capacity_per_month == 3 and resource.capacity_decision_id == decision.id
    assert plan.ledger.load(proposal, Proposal).status == "decided"
    # One transaction: decision, two resource events, the mark, the program's register.
    events = plan.ledger.recorder.select_notifications(start=head + 1, limit=100)
    assert len(events) == 5 and decided.position == head + 5
    with pytest.raises(InvariantViolated, match="already decided"):
        plan.ledger.decide(proposal, Decide(chosen_option="defer", rationale="r",
                                            tradeoffs="t"), by=ALICE)


def test_an_option_a_rule_now_refuses_is_refused_whole(plan: Plan) -> None:
    proposal = plan.propose(third={"type": "change_project_scope",
                                   "project_id": str(plan.project), "defer": ["ledger"],
                                   "rationale": "and the ledger too"})
    plan.ledger.execute(DeliverDeliverable(project_id=plan.project, key="ledger"), by=ALICE)
    head = plan.ledger.head_position()
    with pytest.raises(InvariantViolated) as refused:
        plan.ledger.decide(proposal, Decide(chosen_option="hire", rationale="r",
                                            tradeoffs="t"), by=ALICE)
    assert refused.value.rule == "deliverable_closed"
    assert "options.hire.commands[2] (change_project_scope)" in str(refused.value)
    assert plan.ledger.head_position() == head
    assert plan.ledger.load(proposal, Proposal).status == "open"


def test_when_the_third_command_fails_for_real_nothing_of_the_decision_is_recorded(
        plan: Plan, monkeypatch: pytest.MonkeyPatch) -> None:
    proposal = plan.propose(third={"type": "change_project_scope",
                                   "project_id": str(plan.project), "defer": ["ledger"],
                                   "rationale": "and the ledger too"})
    ledger = plan.ledger
    simulate = ledger.what_if

    def simulate_then_race(*args: Any, **kwargs: Any) -> WhatIf:
        # Between the simulation and the write, another manager delivers the deliverable the
        # third command defers: the real run must refuse it, and with it everything.
        result = simulate(*args, **kwargs)
        project = ledger.load(plan.project, Project)
        assert project.deliverables["ledger"]["status"] == "planned"
        ledger.execute(DeliverDeliverable(project_id=plan.project, key="ledger"), by=ALICE)
        return result

    monkeypatch.setattr(ledger, "what_if", simulate_then_race)
    head_before = ledger.head_position()
    with pytest.raises(InvariantViolated, match="deliverable 'ledger' is already delivered"):
        ledger.decide(proposal, Decide(chosen_option="hire", rationale="r", tradeoffs="t"),
                      by=ALICE)
    assert ledger.head_position() == head_before + 1  # only the racing delivery
    resource = ledger.load(plan.resource, SharedResource)
    assert resource.capacity_per_month == 2 and resource.capacity_decision_id is None
    assert ledger.load(proposal, Proposal).status == "open"
    assert ledger.load(plan.erp.program_id, Program).component_ids("decision") == []


def test_a_stale_comparison_is_refused_if_the_caller_insists(plan: Plan) -> None:
    proposal = plan.propose()
    seen = plan.ledger.head_position()
    plan.ledger.execute(ChangeProjectLifecycle(project_id=plan.project, status="on_hold",
                                               reason="pause"), by=ALICE)
    with pytest.raises(PreconditionFailed, match=f"moved since position {seen}"):
        plan.ledger.decide(proposal, Decide(chosen_option="hire", rationale="r",
                                            tradeoffs="t", if_position=seen), by=ALICE)


def test_a_proposal_is_checked_when_made_and_may_be_withdrawn(plan: Plan) -> None:
    with pytest.raises(InvalidInput, match=r"options\[0\]\.commands\[2\]\.type"):
        plan.propose(third={"type": "define_program"})
    with pytest.raises(NotFound, match=r"options\[0\]\.commands\[2\]"):
        plan.propose(third={"type": "assess_risk", "risk_id": str(plan.project),
                            "likelihood": 1, "impact": 1, "rationale": "r"})
    proposal = plan.propose()
    plan.ledger.execute(WithdrawProposal(proposal_id=proposal, reason="fixed"), by=ALICE)
    with pytest.raises(InvariantViolated, match="withdrawn"):
        plan.ledger.decide(proposal, Decide(chosen_option="hire", rationale="r",
                                            tradeoffs="t"), by=ALICE)


def test_a_month_whose_allocations_are_all_released_reads_as_nothing_allocated(
        plan: Plan) -> None:
    proposal = plan.propose()
    decided = plan.ledger.decide(proposal, Decide(chosen_option="hire", rationale="r",
                                                  tradeoffs="t"), by=ALICE)
    resource = plan.ledger.load(plan.resource, SharedResource)
    for allocation_id in list(resource.allocations):
        plan.ledger.execute(ReleaseAllocation(resource_id=plan.resource,
                                              allocation_id=UUID(str(allocation_id)),
                                              reason="not needed"), by=ALICE)

    check = plan.ledger.review_decision(decided.decision_id).prediction
    assert check is not None
    lines = {line["figure"]: line for line in check.lines}
    allocated = lines["months.2026-03.allocated"]
    assert (allocated["predicted"], allocated["actual"], allocated["miss"]) == (3.0, 0.0, -3.0)
    assert lines["capacity"]["held"]  # the capacity is still 3: not a miss
    assert check.error["missed"] == 1
