"""Risk: scores from 1 to 5, assessments and responses while not closed, materialising once."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest

from ledger.domain.errors import InvalidInput, InvariantViolated
from ledger.domain.risk import Risk
from tests.domain.given import PAT, PROGRAM_ID, a_risk, event_names

RAISED: dict[str, Any] = dict(program_id=PROGRAM_ID, title="Data quality",
                              description=" Duplicate customers ", category="data",
                              likelihood=3, impact=4, owner="Li", affected_project_ids=[],
                              proximity=" Q1 ")
NOT_SCORES = [0, 6, -1, 2.5, 3.0, "3", None, True, False]


def test_raising_a_risk_records_its_scores_and_starts_open() -> None:
    project = uuid4()
    risk = Risk.raise_risk(**{**RAISED, "affected_project_ids": [project, project]}, by=PAT)
    (event,) = risk.collect_events()
    assert isinstance(event, Risk.RiskRaised)
    assert (event.title, event.description, event.category, event.owner, event.proximity) == (
        "Data quality", "Duplicate customers", "data", "Li", "Q1")
    assert (event.likelihood, event.impact, event.affected_project_ids) == (3, 4, [project])
    assert (risk.status, risk.exposure, risk.response) == ("open", 12, None)


@pytest.mark.parametrize("field", ["title", "category", "owner"])
def test_blank_required_text_is_refused_naming_the_field(field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        Risk.raise_risk(**{**RAISED, field: " "}, by=PAT)
    assert refused.value.field == field


@pytest.mark.parametrize("field", ["likelihood", "impact"])
@pytest.mark.parametrize("score", NOT_SCORES)
def test_a_raised_risk_scores_whole_numbers_from_one_to_five(field: str, score: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        Risk.raise_risk(**{**RAISED, field: score}, by=PAT)
    assert refused.value.field == field


@pytest.mark.parametrize("score", [1, 5])
def test_the_ends_of_the_scale_are_scores(score: int) -> None:
    risk = Risk.raise_risk(**{**RAISED, "likelihood": score, "impact": score}, by=PAT)
    assert risk.exposure == score * score


def test_an_assessment_records_new_scores_and_its_rationale() -> None:
    risk = a_risk()
    risk.assess(5, 4, "Mock load failed", PAT)
    (event,) = risk.collect_events()
    assert isinstance(event, Risk.RiskAssessed)
    assert (event.likelihood, event.impact, event.rationale, event.reason) == (
        5, 4, "Mock load failed", "Mock load failed")
    assert risk.exposure == 20


@pytest.mark.parametrize("score", NOT_SCORES)
def test_an_assessment_scores_whole_numbers_from_one_to_five(score: Any) -> None:
    risk = a_risk()
    for likelihood, impact, field in ((score, 3, "likelihood"), (3, score, "impact")):
        with pytest.raises(InvalidInput) as refused:
            risk.assess(likelihood, impact, "why", PAT)
        assert refused.value.field == field
    assert risk.collect_events() == []
    assert risk.exposure == 12


def test_an_assessment_needs_a_rationale() -> None:
    with pytest.raises(InvalidInput) as refused:
        a_risk().assess(2, 2, "  ", PAT)
    assert refused.value.field == "rationale"


def test_a_materialised_risk_can_still_be_assessed_and_then_closed() -> None:
    risk = a_risk("materialized")
    risk.assess(5, 5, "It hit hard", PAT)
    risk.close(PAT, "Recovered")
    assert event_names(risk) == ["RiskAssessed", "RiskClosed"]
    assert risk.status == "closed"


def test_a_closed_risk_refuses_assessments_and_responses() -> None:
    risk = a_risk("closed")
    for command in (lambda: risk.assess(1, 1, "late", PAT),
                    lambda: risk.plan_response("accept", ["Watch"], PAT)):
        with pytest.raises(InvariantViolated) as refused:
            command()
        assert refused.value.rule == "risk_closed"
    assert risk.collect_events() == []
    assert risk.exposure == 12


def test_materialising_records_what_happened_and_its_impact() -> None:
    risk = a_risk()
    risk.materialize("Load rejected", "Three weeks late", PAT, reason="Cutover rehearsal")
    (event,) = risk.collect_events()
    assert isinstance(event, Risk.RiskMaterialized)
    assert (event.description, event.impact_description, event.reason) == (
        "Load rejected", "Three weeks late", "Cutover rehearsal")
    assert risk.status == "materialized"


@pytest.mark.parametrize(("description", "impact", "field"), [
    (" ", "late", "description"), ("Load rejected", "", "impact")])
def test_materialising_needs_a_description_and_an_impact(
        description: str, impact: str, field: str) -> None:
    risk = a_risk()
    with pytest.raises(InvalidInput) as refused:
        risk.materialize(description, impact, PAT)
    assert refused.value.field == field
    assert risk.status == "open"


def test_closing_needs_a_reason() -> None:
    risk = a_risk()
    with pytest.raises(InvalidInput) as refused:
        risk.close(PAT, "")
    assert refused.value.field == "reason"
    assert risk.status == "open"


@pytest.mark.parametrize("strategy", ["avoid", "reduce", "transfer", "share", "accept"])
def test_each_of_the_five_response_strategies_is_recorded(strategy: str) -> None:
    risk = a_risk()
    risk.plan_response(strategy, [" Insure it ", " "], PAT)
    (event,) = risk.collect_events()
    assert isinstance(event, Risk.RiskResponsePlanned)
    assert (event.strategy, event.actions) == (strategy, ["Insure it"])
    assert risk.response == strategy


def test_a_response_is_one_of_the_five_strategies_with_an_action() -> None:
    risk = a_risk()
    with pytest.raises(InvalidInput) as unknown:
        risk.plan_response("ignore", ["nothing"], PAT)
    with pytest.raises(InvalidInput) as actionless:
        risk.plan_response("reduce", [" "], PAT)
    assert (unknown.value.field, actionless.value.field) == ("strategy", "actions")
    assert risk.collect_events() == []
