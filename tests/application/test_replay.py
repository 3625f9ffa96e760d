"""Replay: aggregates and whole programs as known at a version, a position or a time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from ledger.application import ProgramLedger
from ledger.application.commands.benefits import CorrectMeasurement, MeasureBenefit
from ledger.application.commands.projects import ReportProjectStatus
from ledger.domain.benefit import Benefit
from ledger.domain.errors import NotFound
from ledger.domain.program import Program
from ledger.domain.project import Project
from tests.application.builders import ALICE, ProgramBuilder


def _measure(erp: ProgramBuilder, benefit_id: UUID, value: float) -> int:
    return erp.ledger.execute(MeasureBenefit(
        benefit_id=benefit_id, value=value, source="BI"), by=ALICE).position


def test_aggregate_at_version_and_position(erp: ProgramBuilder) -> None:
    benefit_id = erp.benefit()
    first = _measure(erp, benefit_id, 44)
    _measure(erp, benefit_id, 40)
    at_first = erp.ledger.aggregate_at(benefit_id, position=first)
    assert isinstance(at_first, Benefit)
    assert sorted(at_first.measurements.values()) == [44.0]
    at_version_2 = erp.ledger.aggregate_at(benefit_id, version=2)
    assert isinstance(at_version_2, Benefit) and at_version_2.measurements == {}
    with pytest.raises(NotFound):
        erp.ledger.aggregate_at(benefit_id, position=first - 10)


def test_position_at_a_recorded_time_finds_the_last_event_known_then(
    erp: ProgramBuilder,
) -> None:
    benefit_id = erp.benefit()
    position = _measure(erp, benefit_id, 44)
    recorded_at = erp.ledger.history(benefit_id)[-1].recorded_at
    _measure(erp, benefit_id, 40)
    assert erp.ledger.position_at(recorded_at) == position
    assert erp.ledger.position_at(recorded_at - timedelta(microseconds=1)) < position
    assert erp.ledger.position_at(datetime(2000, 1, 1, tzinfo=UTC)) == 0
    known_then = erp.ledger.aggregate_at(benefit_id, at=recorded_at)
    assert isinstance(known_then, Benefit) and list(known_then.measurements.values()) == [44.0]


def test_program_as_of_includes_only_components_known_then(erp: ProgramBuilder) -> None:
    erp.project("Data migration")
    middle = erp.ledger.head_position()
    erp.project("Change management")
    erp.benefit()
    then = erp.ledger.program_as_of(erp.program_id, position=middle)
    now = erp.ledger.program_as_of(erp.program_id)
    assert [p.name for p in then.components["project"]] == ["Data migration"]  # type: ignore[attr-defined]
    assert sorted(now.components) == ["benefit", "project"]
    assert len(now.components["project"]) == 2


def test_long_streams_are_snapshotted_and_replay_equals_full_fold(erp: ProgramBuilder) -> None:
    project_id = erp.project("ERP implementation")
    for week in range(12):
        erp.ledger.execute(ReportProjectStatus(
            project_id=project_id, overall="green", schedule="green", cost="green", scope="green",
            resources="green", narrative=f"week {week}"), by=ALICE)
    snapshots = erp.ledger.snapshots
    assert snapshots is not None
    assert [s.originator_version for s in snapshots.get(project_id)] == [5, 10]
    from_snapshot = erp.ledger.load(project_id, Project)
    full_fold = None
    for event in erp.ledger.events.get(project_id):
        full_fold = event.mutate(full_fold)  # type: ignore[attr-defined]
    assert vars(from_snapshot) == vars(full_fold)
    assert from_snapshot.version == 13


def test_version_1_benefit_measurement_is_upcast_on_read(erp: ProgramBuilder) -> None:
    ledger: ProgramLedger = erp.ledger
    benefit_id = erp.benefit()
    benefit = ledger.load(benefit_id, Benefit)
    v1_state = (
        '{"timestamp":{"_type_":"datetime_iso","_data_":"2025-01-01T00:00:00+00:00"},'
        '"actor":"legacy-import","reason":null,'
        '"effective_at":{"_type_":"datetime_iso","_data_":"2024-12-31T00:00:00+00:00"},'
        '"correlation_id":null,"causation_id":null,'
        '"measurement_id":{"_type_":"uuid_hex","_data_":"00000000000000000000000000000001"},'
        '"value":47.0,"note":"from the old spreadsheet"}'
    )
    ledger.recorder.insert_events([StoredEvent(
        originator_id=benefit_id, originator_version=benefit.version + 1,
        topic="ledger.domain.benefit:Benefit.BenefitMeasured", state=v1_state.encode(),
    )])
    event = list(ledger.events.get(benefit_id))[-1]
    assert isinstance(event, Benefit.BenefitMeasured)
    assert (event.source, event.value, event.actor) == ("unrecorded", 47.0, "legacy-import")
    assert ledger.load(benefit_id, Benefit).measurements == {"0" * 31 + "1": 47.0}


def test_program_read_back_is_a_program(erp: ProgramBuilder) -> None:
    assert isinstance(erp.ledger.aggregate_at(erp.program_id, version=1), Program)


def test_value_on_an_effective_date_as_known_at_a_position(erp: ProgramBuilder) -> None:
    ledger = erp.ledger
    benefit_id = erp.benefit()
    march = datetime(2025, 3, 31, tzinfo=UTC)
    june = datetime(2025, 6, 30, tzinfo=UTC)
    first = ledger.execute(MeasureBenefit(
        benefit_id=benefit_id, value=44, source="BI", effective_at=march), by=ALICE)
    ledger.execute(MeasureBenefit(
        benefit_id=benefit_id, value=41, source="BI", effective_at=june), by=ALICE)
    known_before_correction = ledger.head_position()
    ledger.execute(CorrectMeasurement(
        benefit_id=benefit_id, measurement_id=UUID(first.extra["measurement_id"]), value=43,
        reason="Late invoices"), by=ALICE)
    april = datetime(2025, 4, 30, tzinfo=UTC)

    def values(**kwargs: object) -> list[float]:
        benefit = ledger.aggregate_at(benefit_id, **kwargs)  # type: ignore[arg-type]
        assert isinstance(benefit, Benefit)
        return sorted(benefit.measurements.values())

    assert values(effective=april) == [43.0]
    assert values(effective=april, position=known_before_correction) == [44.0]
    assert values(effective=june, position=known_before_correction) == [41.0, 44.0]
    assert values() == [41.0, 43.0]
