"""Every event's provenance and effective time, across the whole catalogue; and the upcaster."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from functools import reduce
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import (
    StoredEvent,
)

from ledger.domain.base import LedgerAggregate, Provenance
from ledger.domain.benefit import Benefit
from ledger.domain.decision import CitedCheckpoint, Decision, decision_option
from ledger.domain.dependency import Dependency
from ledger.domain.errors import InvalidInput
from ledger.domain.program import Program
from ledger.domain.project import Project, deliverable
from ledger.domain.proposal import Proposal
from ledger.domain.resource import SharedResource
from ledger.domain.risk import Risk
from tests.domain.given import (
    PROGRAM_ID,
    a_benefit,
    a_decision,
    a_dependency,
    a_program,
    a_project,
    a_proposal,
    a_resource,
    a_risk,
    an_in_progress_project,
    drained,
)
from tests.domain.stored_form import ledger_mapper

WHO = Provenance(actor="auditor-7", correlation_id="req-42", causation_id="evt-99")
GREEN = dict.fromkeys(("overall", "schedule", "cost", "scope", "resources"), "green")
At = datetime | None


@dataclass(frozen=True)
class Command:
    """A when-step that records exactly one event of a known class, from a given aggregate."""

    given: Callable[[], Any]  # the aggregate before the command; None for a creating command
    when: Callable[[Any, Provenance, At], LedgerAggregate]  # returns the aggregate that recorded
    reason: str | None  # the reason the recorded event carries
    takes_effective_at: bool = True  # False: the command fixes effective_at itself


def _with_allocation() -> SharedResource:
    resource = a_resource()
    resource.allocate(allocation_id=UUID(int=7), project_id=uuid4(), month="2026-02",
                      amount=Decimal(1), decision=None, by=WHO)
    return drained(resource)


def _with_measurement() -> Benefit:
    benefit = a_benefit()
    benefit.measure(measurement_id=UUID(int=5), value=40, source="BI", note="", by=WHO)
    return drained(benefit)


def _then(aggregate: LedgerAggregate, act: Callable[[], object]) -> LedgerAggregate:
    act()
    return aggregate


def _created(make: Callable[[Provenance, At], LedgerAggregate], reason: str | None) -> Command:
    return Command(lambda: None, lambda _, by, at: make(by, at), reason)


CATALOGUE: dict[type[LedgerAggregate.Event], Command] = {
    Program.ProgramDefined: _created(lambda by, at: Program.define(
        code="M1", name="n", objectives=[], sponsor="s", manager="m", by=by, reason="because",
        effective_at=at), "because"),
    Program.ProgramObjectiveAdded: Command(a_program, lambda p, by, at: _then(
        p, lambda: p.add_objective("More", by, "because")), "because", takes_effective_at=False),
    Program.ProgramStatusChanged: Command(a_program, lambda p, by, at: _then(
        p, lambda: p.change_status("active", by, "because", at)), "because"),
    Program.ProgramComponentRegistered: Command(a_program, lambda p, by, at: _then(
        p, lambda: p.register_component("risk", a_risk(), by)), None, takes_effective_at=False),
    Project.ProjectAuthorized: _created(lambda by, at: Project.authorize(
        program_id=PROGRAM_ID, name="n", manager="m", planned_start=date(2025, 1, 1),
        planned_finish=date(2025, 2, 1), deliverables=[], by=by, reason="because",
        effective_at=at), "because"),
    Project.ProjectLifecycleChanged: Command(a_project, lambda p, by, at: _then(
        p, lambda: p.change_lifecycle("in_progress", by, "because", at)), "because"),
    Project.ProjectStatusReported: Command(an_in_progress_project, lambda p, by, at: _then(
        p, lambda: p.report_status(GREEN, "fine", by, "because", at)), "because"),
    Project.ScopeChanged: Command(a_project, lambda p, by, at: _then(p, lambda: p.change_scope(
        added=[deliverable("k", "K", date(2026, 1, 1))], removed=[], deferred=[],
        rationale="because", cost_impact=0, schedule_impact_days=0, decision=None, by=by,
        effective_at=at)), "because"),
    Project.DeliverableDelivered: Command(an_in_progress_project, lambda p, by, at: _then(
        p, lambda: p.deliver("build", by, "because", at)), "because"),
    Dependency.DependencyDeclared: _created(lambda by, at: Dependency.declare(
        program_id=PROGRAM_ID, provider_project_id=uuid4(), provider_deliverable=None,
        consumer_project_id=uuid4(), needed_by=date(2026, 1, 1), description="d",
        existing_edges=[], by=by, effective_at=at), None),
    Dependency.DependencyStatusChanged: Command(a_dependency, lambda d, by, at: _then(
        d, lambda: d.change_status("committed", by, "because", at)), "because"),
    SharedResource.ResourceRegistered: _created(lambda by, at: SharedResource.register(
        program_id=PROGRAM_ID, name="n", unit="FTE", capacity_per_month=Decimal(1), by=by,
        effective_at=at), None),
    SharedResource.ResourceCapacityChanged: Command(a_resource, lambda r, by, at: _then(
        r, lambda: r.change_capacity(Decimal(3), by, "because", None, at)), "because"),
    SharedResource.ResourceAllocated: Command(a_resource, lambda r, by, at: _then(
        r, lambda: r.allocate(allocation_id=uuid4(), project_id=uuid4(), month="2026-02",
                              amount=Decimal(1), decision=None, by=by, reason="because",
                              effective_at=at)), "because"),
    SharedResource.ResourceAllocationReleased: Command(_with_allocation, lambda r, by, at: _then(
        r, lambda: r.release(UUID(int=7), by, "because", at)), "because"),
    Benefit.BenefitIdentified: _created(lambda by, at: Benefit.identify(
        program_id=PROGRAM_ID, name="n", description="", kpi="k", unit="u", direction="increase",
        owner="o", dis_benefit=False, by=by, effective_at=at), None),
    Benefit.BenefitProfileSet: Command(lambda: a_benefit(with_profile=False),
                                       lambda b, by, at: _then(b, lambda: b.set_profile(
        baseline_value=1, baseline_date=date(2025, 1, 1), target_value=2,
        target_date=date(2026, 1, 1), contributing_project_ids=[], measurement_method="m",
        by=by, reason="because", effective_at=at)), "because"),
    Benefit.BenefitMeasured: Command(a_benefit, lambda b, by, at: _then(b, lambda: b.measure(
        measurement_id=uuid4(), value=1, source="BI", note="", by=by, effective_at=at)), None),
    Benefit.BenefitMeasurementCorrected: Command(_with_measurement, lambda b, by, at: _then(
        b, lambda: b.correct_measurement(UUID(int=5), 41, by, "because")), "because",
        takes_effective_at=False),
    Benefit.BenefitTargetRevised: Command(a_benefit, lambda b, by, at: _then(
        b, lambda: b.revise_target(target_value=30, target_date=None,
                                   decision=a_decision(benefit=[b.id]), by=by, reason="because",
                                   effective_at=at)), "because"),
    Benefit.BenefitStatusChanged: Command(a_benefit, lambda b, by, at: _then(
        b, lambda: b.change_status("planned", by, "because", at)), "because"),
    Risk.RiskRaised: _created(lambda by, at: Risk.raise_risk(
        program_id=PROGRAM_ID, title="t", description="", category="c", likelihood=1, impact=1,
        owner="o", affected_project_ids=[], proximity="", by=by, effective_at=at), None),
    Risk.RiskAssessed: Command(a_risk, lambda r, by, at: _then(
        r, lambda: r.assess(2, 2, "because", by, at)), "because"),
    Risk.RiskResponsePlanned: Command(a_risk, lambda r, by, at: _then(
        r, lambda: r.plan_response("reduce", ["act"], by, "because", at)), "because"),
    Risk.RiskMaterialized: Command(a_risk, lambda r, by, at: _then(
        r, lambda: r.materialize("d", "i", by, "because", at)), "because"),
    Risk.RiskClosed: Command(a_risk, lambda r, by, at: _then(
        r, lambda: r.close(by, "because", at)), "because"),
    Decision.DecisionRecorded: _created(lambda by, at: Decision.record(
        program_id=PROGRAM_ID, title="t", question="q", forum="f", authority="a",
        options=[decision_option("a", "A")], chosen_option="a", rationale="because",
        tradeoffs="t", evidence=[], affects={}, review_by=None, by=by, effective_at=at),
        "because"),
    Decision.DecisionSuperseded: Command(a_decision, lambda d, by, at: _then(
        d, lambda: d.supersede(a_decision(), by, "because")), "because",
        takes_effective_at=False),
    Decision.DecisionOutcomeReviewed: Command(a_decision, lambda d, by, at: _then(
        d, lambda: d.review_outcome("better", "s", [], by, at)), None),
    Proposal.DecisionProposed: _created(lambda by, at: Proposal.propose(
        program_id=PROGRAM_ID, title="t", question="q", forum="f", authority="a",
        options=[{**decision_option("a", "A"), "commands": []},
                 {**decision_option("b", "B"), "commands": []}], affects={}, review_by=None,
        by=by, reason="because", effective_at=at), "because"),
    Proposal.ProposalWithdrawn: Command(a_proposal, lambda p, by, at: _then(
        p, lambda: p.withdraw(by, "because", at)), "because"),
    Proposal.ProposalDecided: Command(a_proposal, lambda p, by, at: _then(
        p, lambda: p.decided(uuid4(), "defer", by)), None, takes_effective_at=False),
}
EVENTS = [pytest.param(cls, id=cls.__qualname__) for cls in CATALOGUE]
SETTABLE = [pytest.param(cls, id=cls.__qualname__)
            for cls, command in CATALOGUE.items() if command.takes_effective_at]


def _record(event_class: type[LedgerAggregate.Event], by: Provenance = WHO,
            effective_at: At = None) -> LedgerAggregate.Event:
    command = CATALOGUE[event_class]
    aggregate = command.when(command.given(), by, effective_at)
    (event,) = aggregate.collect_events()
    assert type(event) is event_class
    return event


def test_the_catalogue_covers_every_declared_event_class() -> None:
    declared = {
        value for aggregate in LedgerAggregate.__subclasses__()
        for name, value in vars(aggregate).items()
        if isinstance(value, type) and issubclass(value, LedgerAggregate.Event)
        and name not in ("Event", "Created")
    }
    assert declared == set(CATALOGUE)


@pytest.mark.parametrize("event_class", EVENTS)
def test_every_event_carries_the_provenance_it_was_recorded_with(
        event_class: type[LedgerAggregate.Event]) -> None:
    event = _record(event_class)
    assert (event.actor, event.correlation_id, event.causation_id) == (
        "auditor-7", "req-42", "evt-99")
    assert event.reason == CATALOGUE[event_class].reason
    assert event.effective_at.tzinfo is not None
    assert event.effective_at.utcoffset() == timedelta(0)


@pytest.mark.parametrize("event_class", EVENTS)
def test_provenance_without_request_or_cause_records_none(
        event_class: type[LedgerAggregate.Event]) -> None:
    event = _record(event_class, by=Provenance(actor="svc"))
    assert (event.actor, event.correlation_id, event.causation_id) == ("svc", None, None)


@pytest.mark.parametrize("event_class", [
    cls for cls in CATALOGUE
    if cls not in (Program.ProgramComponentRegistered, Benefit.BenefitMeasurementCorrected)])
def test_effective_time_defaults_to_the_recording_time(
        event_class: type[LedgerAggregate.Event]) -> None:
    before = datetime.now(UTC)
    event = _record(event_class)
    assert event.effective_at == event.timestamp
    assert before <= event.timestamp <= datetime.now(UTC)


@pytest.mark.parametrize("event_class", SETTABLE)
def test_a_back_dated_effective_time_is_kept_and_recorded_now(
        event_class: type[LedgerAggregate.Event]) -> None:
    last_march = datetime(2025, 3, 31, 9, 30, tzinfo=UTC)
    event = _record(event_class, effective_at=last_march)
    assert event.effective_at == last_march
    assert event.timestamp > last_march


@pytest.mark.parametrize("event_class", SETTABLE)
@pytest.mark.parametrize("effective_at", [
    pytest.param(lambda: datetime.now(UTC) + timedelta(minutes=6), id="six-minutes-ahead"),
    pytest.param(lambda: datetime.now(UTC) + timedelta(days=30), id="next-month"),
    pytest.param(lambda: datetime(2025, 1, 1), id="naive"),
])
def test_a_future_or_naive_effective_time_is_refused_and_nothing_recorded(
        event_class: type[LedgerAggregate.Event], effective_at: Callable[[], datetime]) -> None:
    command = CATALOGUE[event_class]
    aggregate = command.given()
    with pytest.raises(InvalidInput) as refused:
        command.when(aggregate, WHO, effective_at())
    assert refused.value.field == "effective_at"
    if aggregate is not None:
        assert aggregate.collect_events() == []


def test_a_few_minutes_of_clock_skew_are_tolerated() -> None:
    ahead = datetime.now(UTC) + timedelta(minutes=4)
    event = _record(Risk.RiskAssessed, effective_at=ahead)
    assert event.effective_at == ahead


def test_an_effective_time_in_another_zone_is_stored_as_the_same_instant_in_utc() -> None:
    paris_noon = datetime(2025, 3, 31, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    event = _record(Risk.RiskAssessed, effective_at=paris_noon)
    assert event.effective_at == paris_noon
    assert event.effective_at.utcoffset() == timedelta(0)
    assert event.effective_at.hour == 10


def test_a_created_aggregate_remembers_when_it_became_true() -> None:
    last_march = datetime(2025, 3, 31, tzinfo=UTC)
    risk = Risk.raise_risk(program_id=PROGRAM_ID, title="t", description="", category="c",
                           likelihood=1, impact=1, owner="o", affected_project_ids=[],
                           proximity="", by=WHO, effective_at=last_march)
    assert risk.effective_since == last_march


def test_a_correction_and_a_registration_take_their_subjects_effective_time() -> None:
    last_march = datetime(2025, 3, 31, tzinfo=UTC)
    benefit = a_benefit()
    benefit.measure(measurement_id=UUID(int=1), value=1, source="BI", note="", by=WHO,
                    effective_at=last_march)
    benefit.correct_measurement(UUID(int=1), 2, WHO, "typo")
    assert benefit.collect_events()[-1].effective_at == last_march
    program = a_program("active")
    program.register_component("benefit", benefit, WHO)
    (registered,) = program.collect_events()
    assert registered.effective_at == benefit.effective_since


# --- the upcaster ------------------------------------------------------------------------------

_mapper = ledger_mapper


MEASURED_TOPIC = "ledger.domain.benefit:Benefit.BenefitMeasured"
# A BenefitMeasured as version 1 stored it: no "source" field and no "class_version".
V1_MEASURED_STATE = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2025-01-02T08:00:00+00:00"},'
    b'"actor":"import","reason":null,'
    b'"effective_at":{"_type_":"datetime_iso","_data_":"2024-12-31T00:00:00+00:00"},'
    b'"correlation_id":"req-1","causation_id":null,'
    b'"measurement_id":{"_type_":"uuid_hex","_data_":"0000000000000000000000000000000a"},'
    b'"value":47.0,"note":"old sheet"}'
)


def test_benefit_measured_is_at_class_version_3() -> None:
    assert Benefit.BenefitMeasured.class_version == 3


def test_a_version_1_measurement_is_read_as_current_with_an_unrecorded_source() -> None:
    # Given a version-1 BenefitMeasured as it lies in the store
    stored = StoredEvent(originator_id=uuid4(), originator_version=3, topic=MEASURED_TOPIC,
                         state=V1_MEASURED_STATE)
    # When it is read through the mapper
    event = _mapper().to_domain_event(stored)
    # Then it is a current BenefitMeasured, with source "unrecorded" and all else intact
    assert isinstance(event, Benefit.BenefitMeasured)
    assert event.source == "unrecorded"
    assert event.imported_from is None
    assert (event.measurement_id, event.value, event.note) == (UUID(int=10), 47.0, "old sheet")
    assert (event.actor, event.correlation_id, event.originator_version) == ("import", "req-1", 3)
    assert event.effective_at == datetime(2024, 12, 31, tzinfo=UTC)
    assert "class_version" not in event.__dict__


def test_a_benefit_replays_from_a_version_1_measurement_and_can_correct_it() -> None:
    # Given a benefit identified, and a v1 measurement of it in the store
    mapper = _mapper()
    benefit = Benefit.identify(program_id=PROGRAM_ID, name="n", description="", kpi="k",
                               unit="u", direction="increase", owner="o", dis_benefit=False,
                               by=WHO)
    (identified,) = benefit.collect_events()
    v1 = StoredEvent(originator_id=benefit.id, originator_version=2, topic=MEASURED_TOPIC,
                     state=V1_MEASURED_STATE)
    events = [mapper.to_domain_event(mapper.to_stored_event(identified)),
              mapper.to_domain_event(v1)]
    # When the benefit is rebuilt from them
    replayed = reduce(lambda agg, event: event.mutate(agg), events, None)
    # Then it knows the measurement and can correct it
    assert isinstance(replayed, Benefit)
    assert replayed.measurements == {UUID(int=10).hex: 47.0}
    replayed.correct_measurement(UUID(int=10), 48.5, WHO, "Re-keyed")
    (corrected,) = replayed.collect_events()
    assert (corrected.from_value, corrected.effective_at) == (47.0, datetime(2024, 12, 31,
                                                                             tzinfo=UTC))


def test_a_current_measurement_stores_its_version_and_keeps_its_source() -> None:
    benefit = a_benefit()
    benefit.measure(measurement_id=uuid4(), value=39, source="Data warehouse", note="", by=WHO)
    (event,) = benefit.collect_events()
    mapper = _mapper()
    stored = mapper.to_stored_event(event)
    assert b'"class_version":3' in stored.state
    read = mapper.to_domain_event(stored)
    assert read == event
    assert read.source == "Data warehouse"


@pytest.mark.parametrize("event_class", EVENTS)
def test_every_event_round_trips_through_the_stored_form_unchanged(
        event_class: type[LedgerAggregate.Event]) -> None:
    event = _record(event_class)
    mapper = _mapper()
    assert mapper.to_domain_event(mapper.to_stored_event(event)) == event


def _as_version(stored: StoredEvent, version: int | None, *fields: str,
                now: int) -> StoredEvent:
    """The stored event (or snapshot) at version ``now`` as an older ``version`` wrote it,
    without the ``fields`` added since (version 1 stored no class version; a snapshot keeps
    the aggregate's state, and its version, in "state")."""
    whole = json.loads(stored.state)
    state = whole["state"] if stored.topic.endswith(":Snapshot") else whole
    assert state.pop("class_version") == now
    if version is not None:
        state["class_version"] = version
    for field in fields:
        del state[field]
    return StoredEvent(originator_id=stored.originator_id,
                       originator_version=stored.originator_version, topic=stored.topic,
                       state=json.dumps(whole).encode())


CITED = CitedCheckpoint(3, 17, "ab" * 32)


def _cited_decision() -> Decision:
    return Decision.record(
        program_id=PROGRAM_ID, title="Defer", question="Defer or slip?", forum="SteerCo",
        authority="Sponsor", options=[decision_option("defer", "Defer it")],
        chosen_option="defer", rationale="Go-live", tradeoffs="Scope", evidence=[],
        affects={}, review_by=None, by=WHO, cited_checkpoint=CITED)


def test_a_decision_event_stores_the_checkpoint_it_cites_at_version_3() -> None:
    (recorded,) = _cited_decision().collect_events()
    mapper = _mapper()
    stored = mapper.to_stored_event(recorded)
    assert b'"class_version":3' in stored.state
    read = mapper.to_domain_event(stored)
    assert isinstance(read, Decision.DecisionRecorded)
    assert read.cited_checkpoint == {"id": 3, "tree_size": 17, "root": "ab" * 32}


def test_a_version_1_decision_is_read_with_no_cited_checkpoint() -> None:
    # Given a DecisionRecorded as version 1 stored it (no citation, no class_version)
    (recorded,) = _cited_decision().collect_events()
    mapper = _mapper()
    v1 = _as_version(mapper.to_stored_event(recorded), None, "cited_checkpoint",
                     "prediction", now=3)
    # When it is read and the decision rebuilt from it
    event = mapper.to_domain_event(v1)
    decision = event.mutate(None)
    # Then it cites nothing, and all else is as recorded
    assert isinstance(event, Decision.DecisionRecorded)
    assert event.cited_checkpoint is None and "class_version" not in event.__dict__
    assert isinstance(decision, Decision)
    assert (decision.cited_checkpoint, decision.title, decision.chosen_option) == (
        None, "Defer", "defer")


def test_a_version_1_decision_snapshot_is_read_with_no_cited_checkpoint() -> None:
    decision = _cited_decision()
    decision.collect_events()
    mapper = _mapper()
    v1 = _as_version(mapper.to_stored_event(Snapshot.take(decision)), None,
                     "cited_checkpoint", "prediction", now=3)
    restored = mapper.to_domain_event(v1).mutate(None)
    assert isinstance(restored, Decision)
    assert restored.cited_checkpoint is None and restored.prediction is None
    assert (restored.id, restored.title) == (decision.id, "Defer")


PREDICTION = {"proposal_id": str(uuid4()), "option": "defer", "position": 41, "lines": []}


def test_a_decision_from_a_proposal_keeps_its_prediction_at_version_3() -> None:
    decision = Decision.record(
        program_id=PROGRAM_ID, title="Defer", question="Defer or slip?", forum="SteerCo",
        authority="Sponsor", options=[decision_option("defer", "Defer it")],
        chosen_option="defer", rationale="Go-live", tradeoffs="Scope", evidence=[],
        affects={}, review_by=None, by=WHO, prediction=PREDICTION)
    (recorded,) = decision.collect_events()
    read = _mapper().to_domain_event(_mapper().to_stored_event(recorded))
    assert isinstance(read, Decision.DecisionRecorded) and read.prediction == PREDICTION
    assert read.mutate(None).prediction == PREDICTION  # type: ignore[union-attr]


def test_a_version_2_decision_and_its_snapshot_are_read_with_no_prediction() -> None:
    # Given a decision event and a snapshot as version 2 stored them (a citation, no prediction)
    decision = _cited_decision()
    (recorded,) = decision.collect_events()
    mapper = _mapper()
    event_v2 = _as_version(mapper.to_stored_event(recorded), 2, "prediction", now=3)
    snapshot_v2 = _as_version(mapper.to_stored_event(Snapshot.take(decision)), 2,
                              "prediction", now=3)
    # When they are read
    event = mapper.to_domain_event(event_v2)
    from_event = event.mutate(None)
    from_snapshot = mapper.to_domain_event(snapshot_v2).mutate(None)
    # Then neither predicts anything, and the citation is kept
    assert isinstance(event, Decision.DecisionRecorded) and event.prediction is None
    for restored in (from_event, from_snapshot):
        assert isinstance(restored, Decision)
        assert restored.prediction is None
        assert restored.cited_checkpoint == CITED.to_event()


@pytest.mark.parametrize("bad", [(0, 1, "ab" * 32), (1, -1, "ab" * 32), (1, 1, "AB" * 32),
                                 (1, 1, "ab" * 31)])
def test_a_citation_is_a_signed_checkpoint_id_a_size_and_a_lower_case_sha256_root(
        bad: tuple[int, int, str]) -> None:
    with pytest.raises(ValueError, match="not a checkpoint"):
        CitedCheckpoint(*bad)
