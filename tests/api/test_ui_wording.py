"""How the board pages write figures and changes (issue 18): money with sign, separators and
unit; counts that agree with their noun; stored values without Python reprs."""

from __future__ import annotations

from decimal import Decimal

from ledger.projections.timeline import summarize
from ledger.ui.board import exposure_band
from ledger.ui.changes import _diff, readable
from ledger.ui.wording import CURRENCY, count_of, linked_positions, money, verdict


def test_money_has_its_sign_separators_and_unit() -> None:
    assert money(-420000.0) == f"−420,000 {CURRENCY}"
    assert money(38000) == f"+38,000 {CURRENCY}"
    assert money(Decimal("1234.5")) == f"+1,234.5 {CURRENCY}"


def test_counts_agree_with_their_noun() -> None:
    assert count_of(1, "signed checkpoint") == "1 signed checkpoint"
    assert count_of(0, "signed checkpoint") == "0 signed checkpoints"
    assert count_of(1200, "event") == "1,200 events"


def test_verdicts_read_as_words() -> None:
    assert verdict("as_expected") == "As expected"
    assert verdict("worse") == "Worse than expected"


def test_positions_become_links_and_text_stays_escaped() -> None:
    html = str(linked_positions("see position 104 <b>"))
    assert '<a href="/ui/audit?after=103#event-104">event 104</a>' in html
    assert "&lt;b&gt;" in html


def test_stored_values_read_without_python_reprs() -> None:
    assert readable(None) == "none"
    assert readable([{"key": "a", "summary": "b", "note": ""}]) == "key a, summary b"
    assert readable("2026-03-05T09:00:00+00:00") == "05 Mar 2026"
    assert readable("83c38f05-5a5d-42fe-b3d7-9b33de0ad97f") == "83c38f05"


def test_a_change_names_only_what_the_event_changed_on_its_entity() -> None:
    before = {"components": {"a" * 32: "resource"}, "status": "open", "program_id": "p"}
    after = {"components": {"a" * 32: "resource", "b" * 32: "risk"}, "status": "open",
             "program_id": "p"}
    assert _diff(before, after, {}) == [("components", "", "risk")]
    assert _diff({"likelihood": 4}, {"likelihood": 5}, {}) == [("likelihood", "4", "5")]
    assert _diff({}, {"note": "", "title": "T"}, {}) == [("title", "", "T")]


def test_exposure_bands_match_the_rollups_high() -> None:
    assert [exposure_band(e) for e in (25, 15, 14, 6, 5, 1)] == [
        "high", "high", "medium", "medium", "low", "low"]


def test_an_id_reads_as_the_name_of_what_it_identifies() -> None:
    risk = "83c38f05-5a5d-42fe-b3d7-9b33de0ad97f"
    names = {risk.replace("-", ""): "Loss of the lead SAP architect"}
    assert readable({"risk": [risk]}, names) == "risk Loss of the lead SAP architect"


def test_a_timeline_summary_leaves_out_empty_values() -> None:
    line = summarize("BenefitMeasured", {"value": 24.2, "source": "BI", "note": ""}, None)
    assert line == "Benefit measured (value: 24.2; source: BI)"


def test_a_timeline_summary_names_the_file_and_row_a_fact_was_imported_from() -> None:
    data = {"value": 24.2, "source": "Finance", "note": "", "imported_from": {
        "file_sha256": "ab12" * 16, "row": 7, "file_name": "close.xlsx"}}
    assert summarize("BenefitMeasured", data, None) == (
        "Benefit measured (value: 24.2; source: Finance), imported from close.xlsx row 7 "
        "(sha256 ab12ab12ab12…)")
    assert summarize("BenefitMeasured", {**data, "imported_from": None}, None) == (
        "Benefit measured (value: 24.2; source: Finance)")
