"""Imported measurements: each event names its file and row, a row is recorded once, and the
versions before provenance existed (events and snapshots) are read with none."""

from __future__ import annotations

import json
from functools import reduce
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import (
    StoredEvent,
)

from ledger.domain.benefit import Benefit, ImportedRow
from ledger.domain.errors import InvariantViolated
from tests.domain.given import PAT, a_benefit
from tests.domain.stored_form import ledger_mapper

ROW = ImportedRow(file_sha256="ab" * 32, row=7, file_name="finance.xlsx")


_mapper = ledger_mapper


def test_an_imported_measurement_records_its_file_and_row() -> None:
    benefit = a_benefit()
    measurement_id = uuid4()
    benefit.measure(measurement_id=measurement_id, value=39, source="Finance", note="",
                    by=PAT, imported_from=ROW)
    (event,) = benefit.collect_events()
    assert event.imported_from == {"file_sha256": "ab" * 32, "row": 7,
                                   "file_name": "finance.xlsx"}
    assert benefit.imported_rows == {ROW.key: measurement_id.hex}
    assert _mapper().to_domain_event(_mapper().to_stored_event(event)) == event


def test_a_row_is_recorded_once_whether_as_measurement_or_correction() -> None:
    benefit = a_benefit()
    first = uuid4()
    benefit.measure(measurement_id=first, value=39, source="Finance", note="", by=PAT,
                    imported_from=ROW)
    with pytest.raises(InvariantViolated) as again:
        benefit.measure(measurement_id=uuid4(), value=39, source="Finance", note="", by=PAT,
                        imported_from=ROW)
    assert again.value.rule == "row_already_imported"
    with pytest.raises(InvariantViolated):
        benefit.correct_measurement(first, 38, PAT, "restated", imported_from=ROW)
    assert len(benefit.collect_events()) == 1


def test_an_imported_correction_records_its_file_and_row() -> None:
    benefit = a_benefit()
    measurement_id = uuid4()
    benefit.measure(measurement_id=measurement_id, value=39, source="BI", note="", by=PAT)
    benefit.correct_measurement(measurement_id, 38, PAT, "Finance restated March",
                                imported_from=ROW)
    corrected = benefit.collect_events()[-1]
    assert isinstance(corrected, Benefit.BenefitMeasurementCorrected)
    assert corrected.imported_from == ROW.to_event()
    assert benefit.imported_rows == {ROW.key: measurement_id.hex}


# A BenefitMeasured as version 2 stored it, and a correction as version 1: no provenance.
V2_MEASURED = (b'{"timestamp":{"_type_":"datetime_iso","_data_":"2025-01-02T08:00:00+00:00"},'
               b'"actor":"a","reason":null,'
               b'"effective_at":{"_type_":"datetime_iso","_data_":"2024-12-31T00:00:00+00:00"},'
               b'"correlation_id":"r","causation_id":null,"measurement_id":'
               b'{"_type_":"uuid_hex","_data_":"0000000000000000000000000000000a"},'
               b'"value":47.0,"source":"BI","note":"","class_version":2}')
V1_CORRECTED = (b'{"timestamp":{"_type_":"datetime_iso","_data_":"2025-01-03T08:00:00+00:00"},'
                b'"actor":"a","reason":"typo",'
                b'"effective_at":{"_type_":"datetime_iso","_data_":"2024-12-31T00:00:00+00:00"},'
                b'"correlation_id":"r2","causation_id":null,"measurement_id":'
                b'{"_type_":"uuid_hex","_data_":"0000000000000000000000000000000a"},'
                b'"from_value":47.0,"to_value":46.0}')


def test_older_measurement_and_correction_events_are_read_as_not_imported() -> None:
    mapper = _mapper()
    benefit = Benefit.identify(program_id=uuid4(), name="n", description="", kpi="k", unit="u",
                               direction="increase", owner="o", dis_benefit=False, by=PAT)
    (identified,) = benefit.collect_events()
    stored = [mapper.to_stored_event(identified),
              StoredEvent(benefit.id, 2, "ledger.domain.benefit:Benefit.BenefitMeasured",
                          V2_MEASURED),
              StoredEvent(benefit.id, 3,
                          "ledger.domain.benefit:Benefit.BenefitMeasurementCorrected",
                          V1_CORRECTED)]
    events = [mapper.to_domain_event(s) for s in stored]
    assert [getattr(e, "imported_from", "-") for e in events] == ["-", None, None]
    replayed = reduce(lambda agg, event: event.mutate(agg), events, None)
    assert isinstance(replayed, Benefit)
    assert replayed.measurements == {UUID(int=10).hex: 46.0}
    assert replayed.imported_rows == {}


def test_a_version_1_benefit_snapshot_is_read_with_no_imported_rows() -> None:
    # Given a snapshot of a benefit as version 1 of the class took it (no imported_rows)
    benefit = a_benefit()
    benefit.measure(measurement_id=uuid4(), value=40, source="BI", note="", by=PAT)
    benefit.collect_events()
    mapper = _mapper()
    stored = mapper.to_stored_event(Snapshot.take(benefit))
    state = json.loads(stored.state)
    del state["state"]["imported_rows"]
    state["state"].pop("class_version", None)
    old = StoredEvent(stored.originator_id, stored.originator_version, stored.topic,
                      json.dumps(state).encode())
    # When it is read back
    restored = mapper.to_domain_event(old).mutate(None)  # type: ignore[attr-defined]
    # Then it is a current benefit that knows its measurements and can be imported into
    assert isinstance(restored, Benefit)
    assert restored.imported_rows == {}
    assert restored.measurements == benefit.measurements
    restored.measure(measurement_id=uuid4(), value=39, source="Finance", note="", by=PAT,
                     imported_from=ROW)
    assert ROW.key in restored.imported_rows
