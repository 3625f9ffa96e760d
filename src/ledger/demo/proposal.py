"""The demo's proposal: hypercare cover after go-live. The steering committee compares two
options through the real rules, decides one (its prediction kept in the decision), and the
months that follow show how far the prediction held."""

# Facts are scheduled as closures, which mypy cannot type; the commands are fully typed.
# mypy: disable-error-code="misc"

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ledger.application.commands.proposals import Decide, ProposeDecision
from ledger.application.commands.resources import AllocateResource, ReleaseAllocation
from ledger.demo.agenda import PMO, Story
from ledger.demo.calendar import on
from ledger.demo.ids import demo_id
from ledger.domain.base import Provenance

STEERCO = Provenance("maria.keller")
PROPOSED, DECIDED, RELEASED = on(2026, 6, 8), on(2026, 6, 10, 15), on(2026, 8, 3)


def schedule_proposal(story: Story) -> None:
    story.at(PROPOSED, lambda: _propose(story))
    story.at(DECIDED, lambda: _compare_and_decide(story))
    # August hypercare turned out calmer: four specialists instead of seven.
    story.at(RELEASED, lambda: _release_august(story))


def _propose(story: Story) -> None:
    resource, erp = str(story.resource_id), str(story.projects["ERP implementation"])
    # Over capacity in both months, governed by the decision the proposal becomes.
    contractors: list[dict[str, Any]] = [
        {"type": "allocate_resource", "resource_id": resource, "project_id": erp,
         "month": month, "amount": amount, "effective_at": DECIDED.isoformat(),
         "reason": "Two contract specialists for hypercare",
         "allocation_id": str(demo_id("allocation", "hypercare", month))}
        for month, amount in (("2026-07", "8"), ("2026-08", "7"))]
    stretch: list[dict[str, Any]] = [
        {"type": "allocate_resource", "resource_id": resource, "project_id": erp,
         "month": "2026-07", "amount": "6", "effective_at": DECIDED.isoformat(),
         "allocation_id": str(demo_id("allocation", "hypercare-stretch", "2026-07"))},
        {"type": "change_project_scope", "project_id": str(story.projects["Change management"]),
         "defer": ["adoption-campaign"], "rationale": "Change team covers hypercare instead",
         "effective_at": DECIDED.isoformat()},
        {"type": "revise_benefit_target", "benefit_id": str(story.benefits["User adoption"]),
         "target_value": 80, "reason": "Adoption campaign deferred",
         "effective_at": DECIDED.isoformat()}]
    story.proposal_id = story.ledger.execute(ProposeDecision(
        program_id=story.program_id, title="Hypercare cover for July and August",
        question="Hire contract specialists, or stretch the team and defer the adoption "
                 "campaign?", forum="Steering committee", authority="Program sponsor",
        options=[
            {"key": "contractors", "summary": "Two contract specialists for July and August",
             "pros": ["Adoption campaign on plan"], "cons": ["EUR 64k"],
             "expected_impact": {"cost": 64_000}, "commands": contractors},
            {"key": "stretch", "summary": "Stretch the team; defer the adoption campaign",
             "pros": ["No extra spend"], "cons": ["Adoption target cut to 80%"],
             "expected_impact": {"benefits": {str(story.benefits["User adoption"]): -10}},
             "commands": stretch}],
        affects={"project_ids": [story.projects["ERP implementation"]]},
        reason="Hypercare needs more specialists than the team has",
        effective_at=PROPOSED), by=PMO).id


def _compare_and_decide(story: Story) -> None:
    assert story.proposal_id is not None
    compared = story.ledger.compare(story.proposal_id, STEERCO)
    story.ledger.decide(story.proposal_id, Decide(
        chosen_option="contractors", rationale="Adoption drives the O2C and inventory benefits",
        tradeoffs="EUR 64k of contingency", evidence=[f"position {compared.resolved_position}"],
        effective_at=DECIDED, if_position=compared.resolved_position), STEERCO)


def _release_august(story: Story) -> None:
    assert story.resource_id is not None
    august = demo_id("allocation", "hypercare", "2026-08")
    ledger = story.ledger
    ledger.execute(ReleaseAllocation(resource_id=story.resource_id, allocation_id=august,
                                     reason="Hypercare calmer than planned",
                                     effective_at=RELEASED), by=PMO)
    ledger.execute(AllocateResource(
        resource_id=story.resource_id, project_id=story.projects["ERP implementation"],
        month="2026-08", amount=Decimal(4), effective_at=RELEASED,
        allocation_id=demo_id("allocation", "hypercare-reduced", "2026-08")), by=PMO)
