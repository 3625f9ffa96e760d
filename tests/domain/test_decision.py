"""Decision: options and choice, what it governs, supersession once by a later one, reviews."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from ledger.domain.decision import Decision, decision_option
from ledger.domain.errors import InvalidInput, InvariantViolated
from tests.domain.given import PAT, PROGRAM_ID, a_decision, a_superseded_decision

OPTIONS = [
    decision_option("defer", "Defer the module", pros=["Go-live holds"], cons=["Less scope"],
                    expected_impact={"cost": -50_000, "schedule_days": 0,
                                     "benefits": {"b1": -2}}),
    decision_option("slip", "Slip go-live", cons=["Eight weeks late"],
                    expected_impact={"schedule_days": 56}),
]
RECORD: dict[str, Any] = dict(
    program_id=PROGRAM_ID, title="Module scope", question="Defer or slip?",
    forum="Steering committee", authority="Sponsor", options=OPTIONS, chosen_option="defer",
    rationale="Protect go-live", tradeoffs="Reporting later", evidence=[12, "evt-9"],
    affects={}, review_by=date(2026, 6, 30))


def test_recording_a_decision_keeps_options_choice_tradeoffs_and_evidence() -> None:
    project, risk = uuid4(), uuid4()
    decision = Decision.record(**{**RECORD, "affects": {"project": [project, project],
                                                        "risk": [risk]}}, by=PAT)
    (event,) = decision.collect_events()
    assert isinstance(event, Decision.DecisionRecorded)
    assert (event.title, event.question, event.forum, event.authority) == (
        "Module scope", "Defer or slip?", "Steering committee", "Sponsor")
    assert (event.chosen_option, event.rationale, event.tradeoffs) == (
        "defer", "Protect go-live", "Reporting later")
    assert event.options == OPTIONS
    assert event.evidence == ["12", "evt-9"]
    assert event.review_by == date(2026, 6, 30)
    assert event.affects == {"project": [project], "benefit": [], "risk": [risk],
                             "dependency": [], "resource": []}
    assert decision.superseded_by is None


def test_an_option_carries_pros_cons_and_expected_impact() -> None:
    assert OPTIONS[0] == {
        "key": "defer", "summary": "Defer the module", "pros": ["Go-live holds"],
        "cons": ["Less scope"],
        "expected_impact": {"cost": -50_000.0, "schedule_days": 0, "benefits": {"b1": -2.0}}}
    assert OPTIONS[1]["expected_impact"] == {"cost": 0.0, "schedule_days": 56, "benefits": {}}


@pytest.mark.parametrize(("key", "summary", "field"), [
    (" ", "s", "options.key"), ("k", "", "options.summary")])
def test_an_option_needs_a_key_and_a_summary(key: str, summary: str, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        decision_option(key, summary)
    assert refused.value.field == field


def test_the_chosen_option_must_be_one_of_the_options() -> None:
    with pytest.raises(InvalidInput) as refused:
        Decision.record(**{**RECORD, "chosen_option": "cancel"}, by=PAT)
    assert refused.value.field == "chosen_option"
    assert "defer" in refused.value.message and "slip" in refused.value.message


def test_option_keys_are_unique() -> None:
    twice = [*OPTIONS, decision_option("defer", "Defer, again")]
    with pytest.raises(InvalidInput, match="unique") as refused:
        Decision.record(**{**RECORD, "options": twice}, by=PAT)
    assert refused.value.field == "options"


def test_a_decision_has_at_least_one_option() -> None:
    with pytest.raises(InvalidInput) as refused:
        Decision.record(**{**RECORD, "options": []}, by=PAT)
    assert refused.value.field == "options"


def test_a_decision_affects_only_known_kinds() -> None:
    with pytest.raises(InvalidInput) as refused:
        Decision.record(**{**RECORD, "affects": {"vendor": [uuid4()]}}, by=PAT)
    assert refused.value.field == "affects"


@pytest.mark.parametrize("field", ["title", "question", "forum", "authority", "rationale",
                                   "tradeoffs"])
def test_blank_required_text_is_refused_naming_the_field(field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        Decision.record(**{**RECORD, field: "  "}, by=PAT)
    assert refused.value.field == field


# --- what a decision governs -------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["project", "benefit", "risk", "dependency", "resource"])
def test_a_decision_governs_what_it_lists_under_that_kind_only(kind: str) -> None:
    entity = uuid4()
    decision = a_decision(**{kind: [entity]})
    assert decision.affects_entity(kind, entity)
    decision.require_governs(kind, entity, PROGRAM_ID)
    other_kind = "risk" if kind != "risk" else "project"
    assert not decision.affects_entity(other_kind, entity)
    with pytest.raises(InvariantViolated) as refused:
        decision.require_governs(other_kind, entity, PROGRAM_ID)
    assert refused.value.rule == "decision_does_not_govern"


def test_each_reason_a_decision_does_not_govern_has_its_own_rule() -> None:
    entity = uuid4()
    cases = [
        (a_decision(program_id=uuid4(), project=[entity]), "decision_not_in_program"),
        (a_decision(project=[uuid4()]), "decision_does_not_govern"),
        (a_superseded_decision(project=[entity]), "decision_superseded"),
    ]
    for decision, rule in cases:
        with pytest.raises(InvariantViolated) as refused:
            decision.require_governs("project", entity, PROGRAM_ID)
        assert refused.value.rule == rule


# --- supersession ------------------------------------------------------------------------------

def test_a_later_decision_of_the_same_program_supersedes() -> None:
    # Given a decision and a later one of the same program
    first, later = a_decision(), a_decision()
    # When the later one supersedes the first
    first.supersede(later, PAT, "New facts")
    # Then the supersession names the later decision and the reason
    (event,) = first.collect_events()
    assert isinstance(event, Decision.DecisionSuperseded)
    assert (event.by_decision_id, event.reason) == (later.id, "New facts")
    assert first.superseded_by == later.id


def test_a_decision_cannot_supersede_itself() -> None:
    decision = a_decision()
    with pytest.raises(InvariantViolated) as refused:
        decision.supersede(decision, PAT, "self")
    assert refused.value.rule == "decision_supersession_invalid"
    assert decision.collect_events() == []


def test_a_decision_of_another_program_cannot_supersede() -> None:
    decision = a_decision()
    with pytest.raises(InvariantViolated) as refused:
        decision.supersede(a_decision(program_id=uuid4()), PAT, "other program")
    assert refused.value.rule == "decision_supersession_invalid"
    assert decision.superseded_by is None


def test_only_a_decision_taken_later_can_supersede() -> None:
    # Given a decision taken yesterday, and one recorded now but taken last week
    yesterday = datetime.now(UTC) - timedelta(days=1)
    decision = a_decision(effective_at=yesterday)
    earlier = a_decision(effective_at=yesterday - timedelta(days=6))
    # When the earlier-taken one is cited as superseding, then it is refused
    with pytest.raises(InvariantViolated, match="taken before") as refused:
        decision.supersede(earlier, PAT, "earlier")
    assert refused.value.rule == "decision_supersession_invalid"
    assert decision.collect_events() == []
    # while the first can supersede the earlier-taken one
    earlier.supersede(decision, PAT, "Newer facts")
    assert earlier.superseded_by == decision.id


def test_supersession_needs_a_reason() -> None:
    decision = a_decision()
    with pytest.raises(InvalidInput) as refused:
        decision.supersede(a_decision(), PAT, " ")
    assert refused.value.field == "reason"
    assert decision.superseded_by is None


# --- outcome reviews ---------------------------------------------------------------------------

@pytest.mark.parametrize("verdict", ["as_expected", "better", "worse", "inconclusive"])
def test_an_outcome_review_records_its_verdict_summary_and_evidence(verdict: str) -> None:
    decision = a_decision()
    decision.review_outcome(verdict, " Cycle time fell ", [9, "evt-2"], PAT)
    (event,) = decision.collect_events()
    assert isinstance(event, Decision.DecisionOutcomeReviewed)
    assert (event.verdict, event.summary, event.evidence) == (verdict, "Cycle time fell",
                                                              ["9", "evt-2"])
    assert decision.outcome_verdicts == [verdict]
    assert decision.outcome_reviews[0]["actor"] == "pat"


def test_outcome_verdicts_are_restricted_and_need_a_summary() -> None:
    decision = a_decision()
    with pytest.raises(InvalidInput) as bad_verdict:
        decision.review_outcome("great", "x", [], PAT)
    with pytest.raises(InvalidInput) as no_summary:
        decision.review_outcome("better", " ", [], PAT)
    assert (bad_verdict.value.field, no_summary.value.field) == ("verdict", "summary")
    assert decision.collect_events() == []


def test_reviews_accumulate_in_order() -> None:
    decision = a_decision()
    decision.review_outcome("inconclusive", "Too early", [], PAT)
    decision.review_outcome("better", "Target beaten", ["pos 40"], PAT)
    assert decision.outcome_verdicts == ["inconclusive", "better"]
    assert [r["summary"] for r in decision.outcome_reviews] == ["Too early", "Target beaten"]


# --- what errors may say (issue 13, section 6) ------------------------------------------------

@pytest.mark.parametrize("program_id", [uuid4(), PROGRAM_ID], ids=["foreign", "not-listed"])
def test_refusing_a_cited_decision_never_quotes_its_title(program_id: Any) -> None:
    # Given a decision whose title the citing caller may have no right to read
    secret = Decision.record(**{**RECORD, "program_id": program_id,
                                "title": "Close the Leeds plant"}, by=PAT)
    # When a command of this program cites it for a project it does not list
    with pytest.raises(InvariantViolated) as refused:
        secret.require_governs("project", uuid4(), PROGRAM_ID)
    # Then the refusal names the id the caller gave, and nothing of the decision's content
    assert "Leeds" not in str(refused.value)
    assert str(secret.id) in str(refused.value)


# --- when a supersession takes effect ---------------------------------------------------------

def test_a_supersession_takes_effect_when_given() -> None:
    first = a_decision(effective_at=datetime(2026, 1, 5, tzinfo=UTC))
    later = a_decision(effective_at=datetime(2026, 1, 19, 15, tzinfo=UTC))
    first.supersede(later, PAT, "Go-live moved", datetime(2026, 1, 19, 16, tzinfo=UTC))
    (event,) = first.collect_events()
    assert isinstance(event, Decision.DecisionSuperseded)
    assert event.effective_at == datetime(2026, 1, 19, 16, tzinfo=UTC)


def test_a_supersession_cannot_take_effect_before_the_later_decision_was_taken() -> None:
    first = a_decision(effective_at=datetime(2026, 1, 5, tzinfo=UTC))
    later = a_decision(effective_at=datetime(2026, 1, 19, 15, tzinfo=UTC))
    with pytest.raises(InvalidInput) as refused:
        first.supersede(later, PAT, "Go-live moved", datetime(2026, 1, 10, tzinfo=UTC))
    assert refused.value.field == "effective_at"
    assert first.superseded_by is None and not first.collect_events()
