"""Importing measurements from a file: dry run, all or nothing, once only, corrections, and
every malformed file refused by rule without writing."""

from __future__ import annotations

import hashlib
import io
import threading
import zipfile
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest

from ledger.application import ProgramLedger
from ledger.application.commands.benefits import ChangeBenefitStatus, MeasureBenefit
from ledger.application.imports.measurements import ImportOptions, import_measurements
from ledger.bootstrap import open_ledger
from ledger.domain.benefit import Benefit
from ledger.domain.errors import InvalidInput, InvalidRows, TooLarge
from ledger.settings import Settings
from tests.application.builders import ALICE, ProgramBuilder

NAME = "Order-to-cash cycle time"
GOOD = (f"benefit,value,effective_at,source,note\n"
        f"{NAME},44,2025-01-31,Finance close,January\n"
        f"order-to-cash  CYCLE time,43.5,2025-02-28T18:00:00+01:00,Finance close,\n").encode()


def _import(erp: ProgramBuilder, content: bytes, **options: object) -> object:
    return import_measurements(erp.ledger, erp.program_id, ALICE, content, "close.csv",
                               ImportOptions(**options))  # type: ignore[arg-type]


def _refusal(erp: ProgramBuilder, content: bytes, **options: object) -> InvalidRows:
    head = erp.ledger.head_position()
    with pytest.raises(InvalidRows) as refused:
        _import(erp, content, **options)
    assert erp.ledger.head_position() == head  # nothing written
    return refused.value


def _rules(error: InvalidRows) -> list[tuple[str, str]]:
    return [(field, rule) for field, rule, _ in error.problems]


def test_a_dry_run_shows_each_row_and_writes_nothing(erp: ProgramBuilder) -> None:
    benefit_id = erp.benefit()
    head = erp.ledger.head_position()
    report = _import(erp, GOOD, dry_run=True)
    assert erp.ledger.head_position() == head
    assert [(p.row.row, p.action, p.benefit.id) for p in report.planned] == [  # type: ignore[attr-defined]
        (2, "record", benefit_id), (3, "record", benefit_id)]
    assert report.counts["record"] == 2 and not report.problems  # type: ignore[attr-defined]


def test_an_import_records_every_row_with_its_file_and_row_in_one_command(
        erp: ProgramBuilder) -> None:
    benefit_id = erp.benefit()
    report = _import(erp, GOOD)
    benefit = erp.ledger.load(benefit_id, Benefit)
    assert sorted(benefit.measurements.values()) == [43.5, 44.0]
    events = list(erp.ledger.events.get(benefit_id))[-2:]
    digest = hashlib.sha256(GOOD).hexdigest()
    assert [e.imported_from for e in events] == [
        {"file_sha256": digest, "row": 2, "file_name": "close.csv"},
        {"file_sha256": digest, "row": 3, "file_name": "close.csv"}]
    assert events[1].effective_at == datetime(2025, 2, 28, 17, tzinfo=UTC)
    # One transaction: one recorded moment and one correlation id, so replay sees one command.
    assert len({(e.timestamp, e.correlation_id) for e in events}) == 1
    assert report.position == erp.ledger.head_position()  # type: ignore[attr-defined]


def test_importing_the_same_file_again_writes_nothing(erp: ProgramBuilder) -> None:
    erp.benefit()
    _import(erp, GOOD)
    head = erp.ledger.head_position()
    again = _import(erp, GOOD)
    assert erp.ledger.head_position() == head
    assert [p.action for p in again.planned] == ["already_imported"] * 2  # type: ignore[attr-defined]
    assert again.position is None  # type: ignore[attr-defined]


def test_a_value_already_recorded_for_that_date_is_not_recorded_twice(
        erp: ProgramBuilder) -> None:
    benefit_id = erp.benefit()
    erp.ledger.execute(MeasureBenefit(benefit_id=benefit_id, value=44, source="BI",
                                      effective_at=datetime(2025, 1, 31, 9, tzinfo=UTC)), ALICE)
    report = _import(erp, GOOD)
    assert [p.action for p in report.planned] == ["unchanged", "record"]  # type: ignore[attr-defined]
    assert len(erp.ledger.load(benefit_id, Benefit).measurements) == 2


def test_a_row_changing_a_recorded_value_is_refused_or_corrected_with_a_reason(
        erp: ProgramBuilder) -> None:
    benefit_id = erp.benefit()
    first = erp.ledger.execute(MeasureBenefit(
        benefit_id=benefit_id, value=47, source="BI",
        effective_at=datetime(2025, 1, 31, tzinfo=UTC)), ALICE)
    refusal = _refusal(erp, GOOD)
    assert _rules(refusal) == [("row 2, value", "changes_recorded_value")]
    with pytest.raises(InvalidInput):
        _import(erp, GOOD, corrections=True)
    report = _import(erp, GOOD, corrections=True, reason="Finance restated January")
    assert [p.action for p in report.planned] == ["correct", "record"]  # type: ignore[attr-defined]
    measurement_id = UUID(first.extra["measurement_id"])
    assert erp.ledger.load(benefit_id, Benefit).measurements[measurement_id.hex] == 44.0
    corrected = [e for e in erp.ledger.events.get(benefit_id)
                 if isinstance(e, Benefit.BenefitMeasurementCorrected)]
    assert corrected[0].reason == "Finance restated January"
    assert corrected[0].imported_from["row"] == 2


def test_every_bad_row_is_listed_and_the_whole_file_refused(erp: ProgramBuilder) -> None:
    erp.benefit()
    cancelled = erp.ledger.execute(MeasureBenefit(  # a benefit we then cancel
        benefit_id=erp.benefit(), value=1, source="x"), ALICE).id
    erp.ledger.execute(ChangeBenefitStatus(benefit_id=cancelled, status="cancelled",
                                           reason="dropped"), ALICE)
    future = (date.today() + timedelta(days=3)).isoformat()
    content = (f"Benefit,Value,Effective At,Source,Note\n"
               f"{NAME},44,2025-01-31,Finance,ok\n"
               f"Total,88,2025-01-31,Finance,\n"
               f"{NAME},12,5,Finance,\n"
               f"{NAME},\"1,5\",2025-03-31,Finance,\n"
               f"{NAME},40,{future},Finance,\n"
               f"{NAME},41,2025-01-31,Finance,again\n"
               f"{NAME},=B2*2,2025-04-30,Finance,\n"
               f"{NAME},39,2025-05-31T10:00:00,Finance,\n"
               f"{NAME},39,2025-06-30,,\n"
               f"{cancelled},39,2025-06-30,F,\n").encode()
    refusal = _refusal(erp, content)
    assert _rules(refusal) == [
        ("row 3, benefit", "unknown_benefit"), ("row 4, effective_at", "not_a_date"),
        ("row 5, value", "not_a_number"), ("row 6, effective_at", "future_date"),
        ("row 7, benefit", "duplicate_row"), ("row 8, value", "formula"),
        ("row 9, effective_at", "no_time_zone"), ("row 10, source", "required"),
        ("row 11, benefit", "benefit_cancelled")]
    assert "9 row(s)" in refusal.message


def test_two_benefits_of_one_name_need_an_id(erp: ProgramBuilder) -> None:
    first, second = erp.benefit(), erp.benefit()
    content = f"benefit,value,effective_at,source\n{NAME},1,2025-01-31,F\n".encode()
    assert _rules(_refusal(erp, content)) == [("row 2, benefit", "ambiguous_benefit")]
    by_id = f"benefit,value,effective_at,source\n{second},1,2025-01-31,F\n".encode()
    _import(erp, by_id)
    assert erp.ledger.load(second, Benefit).measurements
    assert not erp.ledger.load(first, Benefit).measurements


def _zip_needing_version_6_4() -> bytes:
    """A zip whose central directory says extracting needs version 6.4, which Python's
    zipfile refuses with NotImplementedError (found by the hostile-input property test)."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as writing:
        writing.writestr("xl/workbook.xml", "<workbook/>")
    content = bytearray(archive.getvalue())
    central = content.index(b"PK\x01\x02")
    content[central + 6:central + 8] = (64).to_bytes(2, "little")
    return bytes(content)


@pytest.mark.parametrize(("content", "rule"), [
    (b"", "empty_file"),
    (b"  \n\n", "empty_file"),
    (b"benefit,value,effective_at,source,note\n", "no_rows"),
    (b"benefit,value,effective_at,source\n\xff\xfe1,2,3,4\n", "not_utf8"),
    (b"benefit|value|effective_at|source\nX|1|2025-01-01|F\n", "unknown_column"),
    (b"benefit,value,source\nX,1,F\n", "missing_column"),
    (b"benefit,value,value,effective_at,source\nX,1,1,2025-01-01,F\n", "duplicate_column"),
    (b"\x00\x01\x02binary junk\x00", "unknown_format"),
    (b"PK\x03\x04 not really a zip", "unreadable_xlsx"),
    pytest.param(_zip_needing_version_6_4(), "unreadable_xlsx", id="zip-version-6.4"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "unknown_format"),
    (b'benefit,value,effective_at,source\n"unterminated,1,2025-01-01,F\n', "malformed_csv"),
])
def test_a_malformed_file_is_refused_by_rule_and_writes_nothing(
        erp: ProgramBuilder, content: bytes, rule: str) -> None:
    erp.benefit()
    assert rule in [r for _, r in _rules(_refusal(erp, content))]


def test_semicolons_and_tabs_separate_columns_too(erp: ProgramBuilder) -> None:
    benefit_id = erp.benefit()
    _import(erp, f"benefit;value;effective_at;source\n{NAME};44;2025-01-31;F\n".encode())
    _import(erp, f"benefit\tvalue\teffective_at\tsource\n{NAME}\t43\t2025-02-28\tF\n".encode())
    assert sorted(erp.ledger.load(benefit_id, Benefit).measurements.values()) == [43.0, 44.0]


def test_files_and_row_counts_over_the_limits_are_refused(ledger: ProgramLedger) -> None:
    erp = ProgramBuilder(ledger)
    erp.benefit()
    rows = "".join(f"{NAME},{i},2025-01-{1 + i % 28:02d},F\n" for i in range(3))
    small = ledger.settings.model_copy(update={"import_max_rows": 2, "import_max_bytes": 1024})
    ledger.settings = small
    with pytest.raises(InvalidRows) as many:
        _import(erp, f"benefit,value,effective_at,source\n{rows}".encode())
    assert _rules(many.value) == [("file", "too_many_rows")]
    with pytest.raises(TooLarge):
        _import(erp, b"benefit,value,effective_at,source\n" + b"x" * 2000)


@pytest.mark.postgres
def test_racing_imports_of_one_file_record_it_once(postgres_url: str) -> None:
    # Each importer has its own ledger (engine and cache), as separate processes would.
    settings = Settings(database_url=postgres_url)
    ledgers = [open_ledger(settings) for _ in range(4)]
    try:
        erp = ProgramBuilder(ledgers[0])
        benefit_id = erp.benefit()
        start = threading.Barrier(len(ledgers))
        written: list[int] = []
        crashed: list[BaseException] = []

        def importer(ledger: ProgramLedger) -> None:
            try:
                start.wait(timeout=60)
                report = import_measurements(ledger, erp.program_id, ALICE, GOOD, "close.csv",
                                             ImportOptions())
                written.append(report.writes)
            except BaseException as error:  # a crashed importer must fail the test
                crashed.append(error)

        threads = [threading.Thread(target=importer, args=(ledger,)) for ledger in ledgers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert crashed == []
        assert sorted(written) == [0, 0, 0, 2]
        assert sorted(ledgers[0].load(benefit_id, Benefit).measurements.values()) == [43.5, 44]
    finally:
        for ledger in ledgers:
            ledger.close()
