"""Every event's provenance metadata, the effective-time rule, and the upcaster."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    StoredEvent,
    UUIDAsHex,
)

from ledger.application.service import DateAsISO
from ledger.domain.benefit import Benefit
from ledger.domain.errors import InvalidInput
from tests.domain.given import PAT, a_benefit, a_program, a_project


def test_every_event_carries_actor_reason_times_and_causality() -> None:
    project = a_project("in_progress")
    project.change_lifecycle("on_hold", PAT, "Funding review")
    (event,) = project.collect_events()
    assert (event.actor, event.reason) == ("pat", "Funding review")  # type: ignore[attr-defined]
    assert (event.correlation_id, event.causation_id) == ("req-7", "evt-3")  # type: ignore[attr-defined]
    assert event.effective_at == event.timestamp  # type: ignore[attr-defined]


def test_back_dated_effective_time_is_kept_and_recording_time_is_now() -> None:
    benefit = a_benefit()
    march = datetime(2025, 3, 31, tzinfo=UTC)
    benefit.measure(measurement_id=uuid4(), value=41, source="BI", note="", by=PAT,
                    effective_at=march)
    (event,) = benefit.collect_events()
    assert event.effective_at == march  # type: ignore[attr-defined]
    assert event.timestamp > march


@pytest.mark.parametrize("effective_at", [
    datetime.now(UTC) + timedelta(hours=1), datetime(2025, 1, 1)])  # future; naive
def test_future_or_naive_effective_time_is_refused(effective_at: datetime) -> None:
    program = a_program("active")
    with pytest.raises(InvalidInput) as refused:
        program.change_status("on_hold", PAT, "why", effective_at)
    assert refused.value.field == "effective_at"
    assert program.collect_events() == []


def test_small_clock_skew_is_tolerated() -> None:
    program = a_program("active")
    program.change_status("on_hold", PAT, "why", datetime.now(UTC) + timedelta(minutes=2))
    assert len(program.collect_events()) == 1


def _mapper() -> Mapper[UUID]:
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DatetimeAsISO(), DecimalAsStr(), DateAsISO()):
        transcoder.register(transcoding)
    return Mapper(transcoder=transcoder)


def test_version_1_benefit_measured_is_read_as_version_2() -> None:
    v1_state = (
        b'{"timestamp":{"_type_":"datetime_iso","_data_":"2025-01-01T00:00:00+00:00"},'
        b'"actor":"import","reason":null,'
        b'"effective_at":{"_type_":"datetime_iso","_data_":"2024-12-31T00:00:00+00:00"},'
        b'"correlation_id":null,"causation_id":null,'
        b'"measurement_id":{"_type_":"uuid_hex","_data_":"0000000000000000000000000000000a"},'
        b'"value":47.0,"note":"old sheet"}'
    )
    stored = StoredEvent(originator_id=uuid4(), originator_version=3,
                         topic="ledger.domain.benefit:Benefit.BenefitMeasured", state=v1_state)
    event = _mapper().to_domain_event(stored)
    assert isinstance(event, Benefit.BenefitMeasured)
    assert (event.source, event.value, event.note) == ("unrecorded", 47.0, "old sheet")


def test_events_round_trip_through_the_transcoder_unchanged() -> None:
    project = a_project("planned")
    project.change_scope(added=[{"key": "k", "name": "K", "due": date(2026, 1, 1),
                                 "status": "planned"}], removed=[], deferred=[],
                         rationale="r", cost_impact=float(Decimal("1.5")),
                         schedule_impact_days=3, decision=None, by=PAT)
    (event,) = project.collect_events()
    mapper = _mapper()
    assert mapper.to_domain_event(mapper.to_stored_event(event)) == event
