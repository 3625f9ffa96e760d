"""Every event carries a correlation id, the events of one command share it and one recorded
time, and as-of never shows half a command (issue 13, section 7)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ledger.application import ProgramLedger
from ledger.application.commands.decisions import RecordDecision
from ledger.demo import load_demo
from ledger.domain.base import Provenance
from ledger.domain.decision import Decision
from tests.application.builders import ALICE, OPTIONS, ProgramBuilder

ANONYMOUS = Provenance("script")  # a caller that names no request: the demo, the CLI, a script


def _log(ledger: ProgramLedger) -> list[Any]:
    return [ledger.mapper.to_domain_event(n)
            for n in ledger.recorder.select_notifications(start=1, limit=100_000)]


def _record_decision(erp: ProgramBuilder, by: Provenance) -> int:
    """A two-event command: the decision's first event and the program listing it."""
    return erp.ledger.execute(RecordDecision(
        program_id=erp.program_id, title="Defer", question="q", forum="SteerCo",
        authority="Sponsor", options=OPTIONS, chosen_option="defer", rationale="r", tradeoffs="t"),
        by=by).position


def test_a_caller_naming_no_request_still_gets_one_correlation_id_per_command(
        erp: ProgramBuilder) -> None:
    before = erp.ledger.head_position()
    first = _record_decision(erp, ANONYMOUS)
    second = _record_decision(erp, ANONYMOUS)
    events = _log(erp.ledger)[before:]
    assert [e.correlation_id is not None for e in events] == [True] * 4
    ids = [e.correlation_id for e in events]
    assert ids[0] == ids[1] != ids[2] == ids[3]
    assert (second - first, len(events)) == (2, 4)


def test_a_given_correlation_id_is_kept(erp: ProgramBuilder) -> None:
    before = erp.ledger.head_position()
    _record_decision(erp, Provenance("alice", correlation_id="req-42"))
    assert {e.correlation_id for e in _log(erp.ledger)[before:]} == {"req-42"}


def test_the_events_of_one_command_are_recorded_at_one_moment(erp: ProgramBuilder) -> None:
    before = erp.ledger.head_position()
    _record_decision(erp, ALICE)
    _record_decision(erp, ALICE)
    stamps = [e.timestamp for e in _log(erp.ledger)[before:]]
    assert stamps[0] == stamps[1] < stamps[2] == stamps[3]


def test_every_event_of_the_demo_carries_a_correlation_id(ledger: ProgramLedger) -> None:
    load_demo(ledger)
    events = _log(ledger)
    assert len(events) > 150
    assert [e for e in events if not e.correlation_id] == []


def test_the_demo_supersession_is_dated_in_january(ledger: ProgramLedger) -> None:
    story = load_demo(ledger)
    assert story is not None
    april, july = story.decisions["go-live-april"], story.decisions["go-live-july"]

    def standing(on: datetime) -> dict[Any, Any]:
        state = ledger.program_as_of(story.program_id, effective=on)
        return {d.id: d.superseded_by for d in state.components["decision"]
                if isinstance(d, Decision)}

    assert standing(datetime(2026, 6, 30, tzinfo=UTC))[april] == july
    assert standing(datetime(2026, 1, 19, 15, 30, tzinfo=UTC))[april] is None


def test_as_of_a_position_inside_a_command_answers_the_state_after_it(
        erp: ProgramBuilder) -> None:
    end = _record_decision(erp, ALICE)
    inside = erp.ledger.program_as_of(erp.program_id, position=end - 1)
    assert (inside.position, inside.resolved_position) == (end - 1, end)
    assert inside.note is not None and str(end) in inside.note
    assert len(inside.components["decision"]) == 1
    assert inside.program.version == erp.ledger.program_as_of(
        erp.program_id, position=end).program.version


def test_as_of_a_command_end_is_exact_even_when_commands_share_a_correlation_id(
        erp: ProgramBuilder) -> None:
    # The builder's commands all name request "req-1", as a client reusing an id would.
    first = _record_decision(erp, ALICE)
    _record_decision(erp, ALICE)
    state = erp.ledger.program_as_of(erp.program_id, position=first)
    assert (state.position, state.resolved_position, state.note) == (first, first, None)
    assert len(state.components["decision"]) == 1


def test_as_of_a_recorded_time_lands_on_a_command_end(erp: ProgramBuilder) -> None:
    end = _record_decision(erp, ALICE)
    _record_decision(erp, ALICE)
    recorded_at = _log(erp.ledger)[end - 2].timestamp  # the command's first event
    state = erp.ledger.program_as_of(erp.program_id, at=recorded_at)
    assert state.resolved_position == end
    assert len(state.components["decision"]) == 1
