"""POST /v1/programs/{id}/imports/measurements: a finance export's round trip (dry run,
refusal of the whole file for its total row, import, re-import), the provenance in the
history, the limits, access, and malformed workbooks refused by rule."""

from __future__ import annotations

import hashlib
import io
from typing import Any
from uuid import UUID

import pytest
from openpyxl import Workbook

from ledger.settings import Settings
from tests.api.conftest import PROGRAM, Api, running_api
from tests.finance_export import BENEFIT, TOTAL_ROW, finance_export

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _program_with_benefit(api: Api) -> tuple[UUID, UUID]:
    program = api.created("/v1/programs", PROGRAM)
    assert api.post(f"/v1/programs/{program}/status",
                    {"status": "active", "reason": "approved"}).status_code == 201
    benefit = api.created(f"/v1/programs/{program}/benefits", {
        "name": BENEFIT, "kpi": "days", "unit": "days", "direction": "decrease",
        "owner": "COO"})
    return program, benefit


def upload(api: Api, program: UUID, content: bytes, role: str = "editor",
           **params: Any) -> Any:
    return api.client.post(f"/v1/programs/{program}/imports/measurements",
                           params={"filename": "benefits-q1.xlsx", **params}, content=content,
                           headers=api.headers(role, **{"Content-Type": XLSX}))


def _head(api: Api) -> int:
    return int(api.get("/readyz").json()["projection"]["head"])


def test_a_finance_export_round_trip(api: Api) -> None:
    program, benefit = _program_with_benefit(api)
    exported = finance_export()
    head = _head(api)

    # The dry run shows the three months and flags the total row, writing nothing
    dry = upload(api, program, exported, dry_run="true")
    assert dry.status_code == 200, dry.text
    report = dry.json()
    assert (report["dry_run"], report["recorded"], report["refused"]) == (True, 3, 1)
    assert [(r["row"], r["action"], r["value"], r["effective_at"]) for r in report["rows"]] == [
        (2, "record", 44.2, "2025-01-31T00:00:00Z"), (3, "record", 43.1, "2025-02-28T00:00:00Z"),
        (4, "record", 41.8, "2025-03-31T00:00:00Z")]
    assert {(e["row"], e["column"], e["rule"]) for e in report["errors"]} == {
        (TOTAL_ROW, "benefit", "unknown_benefit"), (TOTAL_ROW, "value", "formula")}
    assert _head(api) == head

    # Importing it is refused as a whole, naming the total row
    refused = upload(api, program, exported)
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert {(e["field"], e["rule"]) for e in refused.json()["errors"]} == {
        (f"row {TOTAL_ROW}, benefit", "unknown_benefit"), (f"row {TOTAL_ROW}, value", "formula")}
    assert _head(api) == head

    # Without the total row it is recorded in one go
    fixed = finance_export(with_total=False)
    imported = upload(api, program, fixed)
    assert imported.status_code == 201, imported.text
    assert (imported.json()["recorded"], imported.json()["position"]) == (3, head + 3)

    # Importing it again writes nothing
    again = upload(api, program, fixed)
    assert again.status_code == 200
    assert (again.json()["recorded"], again.json()["already_imported"]) == (0, 3)
    assert _head(api) == head + 3

    # The history names the file's digest and the row of each measurement
    history = api.get(f"/v1/aggregates/{benefit}/history").json()
    measured = [e for e in history if e["type"] == "BenefitMeasured"]
    digest = hashlib.sha256(fixed).hexdigest()
    assert [e["data"]["imported_from"] for e in measured] == [
        {"file_sha256": digest, "row": row, "file_name": "benefits-q1.xlsx"}
        for row in (2, 3, 4)]
    assert {e["actor"] for e in measured} == {"editor.one"}
    view = api.get(f"/v1/benefits/{benefit}", min_position=head + 3).json()
    assert [m["value"] for m in view["measurements"]] == [44.2, 43.1, 41.8]


def test_a_changed_value_is_refused_unless_corrected_with_a_reason(api: Api) -> None:
    program, benefit = _program_with_benefit(api)
    assert upload(api, program, finance_export(with_total=False)).status_code == 201
    changed = _workbook([["benefit", "value", "effective_at", "source"],
                         [BENEFIT, 40.9, "2025-03-31", "Restated close"]])
    refused = upload(api, program, changed)
    assert [e["rule"] for e in refused.json()["errors"]] == ["changes_recorded_value"]
    no_reason = upload(api, program, changed, corrections="true")
    assert (no_reason.status_code, no_reason.json()["errors"][0]["field"]) == (422, "reason")
    corrected = upload(api, program, changed, corrections="true", reason="Q1 restated")
    assert corrected.status_code == 201, corrected.text
    assert [(r["action"], r["previous_value"]) for r in corrected.json()["rows"]] == [
        ("correct", 41.8)]
    history = api.get(f"/v1/aggregates/{benefit}/history").json()
    assert (history[-1]["type"], history[-1]["reason"]) == (
        "BenefitMeasurementCorrected", "Q1 restated")
    assert history[-1]["data"]["imported_from"]["row"] == 2


def _workbook(rows: list[list[Any]], merge: str | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("rows", "merge", "rule"), [
    ([["benefit", "value", "effective_at", "source"], [BENEFIT, 1, "2025-01-31", "F"],
      [BENEFIT, 2, "2025-02-28", None]], "D2:D3", "merged_cells"),
    ([["benefit", "value", "effective_at", "source"], [BENEFIT, "=1+1", "2025-01-31", "F"]],
     None, "formula"),
    ([["benefit", "value", "effective_at", "source"], [BENEFIT, True, 45000, "F"]],
     None, "not_a_number"),
    ([["benefit", "value", "effective_at", "source"], [BENEFIT, 1, 45000, "F"]],
     None, "not_a_date"),
    ([["benefit", "value", "effective_at", "source"]], None, "no_rows"),
    ([["benefit", "value", "when", "source"], [BENEFIT, 1, "2025-01-31", "F"]],
     None, "unknown_column"),
])
def test_a_malformed_workbook_is_refused_by_rule(api: Api, rows: list[list[Any]],
                                                 merge: str | None, rule: str) -> None:
    program, _ = _program_with_benefit(api)
    head = _head(api)
    response = upload(api, program, _workbook(rows, merge))
    assert response.status_code == 422, response.text
    assert rule in [e["rule"] for e in response.json()["errors"]]
    assert _head(api) == head


def test_only_a_writer_in_scope_may_import_even_as_a_dry_run(api: Api) -> None:
    program, _ = _program_with_benefit(api)
    for role in ("viewer", "auditor", "editor-elsewhere", "admin-elsewhere"):
        response = upload(api, program, finance_export(), role=role, dry_run="true")
        assert response.status_code == 403, role
    anonymous = api.client.post(f"/v1/programs/{program}/imports/measurements",
                                content=finance_export())
    assert anonymous.status_code == 401
    assert upload(api, program, finance_export(), role="admin", dry_run="true").status_code \
        == 200


def test_unreadable_parameters_are_422_naming_them(api: Api) -> None:
    program, _ = _program_with_benefit(api)
    for params, name in (({"dry_run": "perhaps"}, "dry_run"),
                         ({"filename": "a\x00b"}, "filename"),
                         ({"corrections": "true", "reason": ""}, "reason")):
        response = upload(api, program, finance_export(), **params)
        assert response.status_code == 422
        assert name in [e["field"].rsplit(".", 1)[-1] for e in response.json()["errors"]]


def test_a_file_over_the_limit_is_413_and_rows_over_the_limit_422(
        api_settings: Settings) -> None:
    small = api_settings.model_copy(update={"import_max_bytes": 8 * 1024,
                                            "import_max_rows": 2})
    with running_api(small) as api:
        program, _ = _program_with_benefit(api)
        large = upload(api, program, b"benefit,value,effective_at,source\n" + b"x" * 9000)
        assert large.status_code == 413
        assert "8192" in large.json()["detail"]
        many = upload(api, program, finance_export(with_total=False))
        assert many.status_code == 422
        assert [e["rule"] for e in many.json()["errors"]] == ["too_many_rows"]
        # JSON bodies elsewhere keep their own limit
        assert api.post("/v1/programs", {"code": "x" * 300_000}).status_code == 413


def test_a_multipart_form_is_refused_with_how_to_send_the_file(api: Api) -> None:
    program, _ = _program_with_benefit(api)
    response = api.client.post(f"/v1/programs/{program}/imports/measurements",
                               files={"file": ("q1.xlsx", finance_export(), XLSX)},
                               headers=api.headers())
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"
    assert "--data-binary" in response.json()["errors"][0]["message"]
