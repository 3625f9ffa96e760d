"""Proposal: open until decided once or withdrawn; options are weighed, so two or more."""

from __future__ import annotations

from uuid import uuid4

import pytest

from ledger.domain.decision import decision_option
from ledger.domain.errors import InvalidInput, InvariantViolated
from ledger.domain.proposal import Proposal
from tests.domain.given import PAT, PROGRAM_ID, a_proposal, event_names


def test_a_proposal_weighs_two_or_more_options_with_unique_keys() -> None:
    def propose(*keys: str) -> Proposal:
        return Proposal.propose(
            program_id=PROGRAM_ID, title="t", question="q", forum="f", authority="a",
            options=[{**decision_option(k, k), "commands": []} for k in keys], affects={},
            review_by=None, by=PAT)

    with pytest.raises(InvalidInput, match="two or more"):
        propose("only")
    with pytest.raises(InvalidInput, match="unique"):
        propose("a", "a")
    assert propose("a", "b").status == "open"


def test_a_proposal_is_decided_once_and_then_can_be_neither_decided_nor_withdrawn() -> None:
    proposal = a_proposal()
    decision_id = uuid4()
    with pytest.raises(InvalidInput, match="'keep' is not an option"):
        proposal.decided(decision_id, "keep", PAT)
    proposal.decided(decision_id, "slip", PAT)
    assert (proposal.status, proposal.decision_id, proposal.chosen_option) == (
        "decided", decision_id, "slip")
    with pytest.raises(InvariantViolated) as again:
        proposal.decided(uuid4(), "defer", PAT)
    assert again.value.rule == "proposal_decided"
    with pytest.raises(InvariantViolated):
        proposal.withdraw(PAT, "changed our minds")
    assert event_names(proposal) == ["ProposalDecided"]


def test_a_withdrawn_proposal_cannot_be_decided() -> None:
    proposal = a_proposal()
    with pytest.raises(InvalidInput, match="reason"):
        proposal.withdraw(PAT, " ")
    proposal.withdraw(PAT, "the supplier fixed it")
    with pytest.raises(InvariantViolated) as decided:
        proposal.decided(uuid4(), "defer", PAT)
    assert decided.value.rule == "proposal_withdrawn"
