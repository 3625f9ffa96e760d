"""A finance export's round trip over HTTP against a real uvicorn server on PostgreSQL: dry
run, the whole file refused for its total row, import, re-import writing nothing."""

from __future__ import annotations

import hashlib

import pytest

from tests.e2e.conftest import Server
from tests.finance_export import BENEFIT, TOTAL_ROW, finance_export

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.postgres
def test_a_finance_export_round_trip_over_http(server: Server) -> None:
    with server.client() as http:
        program = http.post("/v1/programs", json={
            "code": "FIN", "name": "Finance platform", "sponsor": "CFO",
            "manager": "Pat"}).json()["id"]
        http.post(f"/v1/programs/{program}/status", json={"status": "active", "reason": "go"})
        benefit = http.post(f"/v1/programs/{program}/benefits", json={
            "name": BENEFIT, "kpi": "days", "unit": "days", "direction": "decrease",
            "owner": "COO"}).json()["id"]
        path = f"/v1/programs/{program}/imports/measurements"

        def upload(content: bytes, **params: str) -> dict[str, object]:
            response = http.post(path, content=content, headers={"Content-Type": XLSX},
                                 params={"filename": "q1.xlsx", **params})
            return {"status": response.status_code, **response.json()}

        dry = upload(finance_export(), dry_run="true")
        assert (dry["status"], dry["recorded"], dry["refused"]) == (200, 3, 1)
        refused = upload(finance_export())
        assert refused["status"] == 422
        assert {e["field"] for e in refused["errors"]} == {  # type: ignore[attr-defined]
            f"row {TOTAL_ROW}, benefit", f"row {TOTAL_ROW}, value"}

        fixed = finance_export(with_total=False)
        imported = upload(fixed)
        assert (imported["status"], imported["recorded"]) == (201, 3)
        again = upload(fixed)
        assert (again["status"], again["recorded"], again["already_imported"]) == (200, 0, 3)

        view = http.get(f"/v1/benefits/{benefit}",
                        params={"min_position": imported["position"]}).json()
        assert [m["value"] for m in view["measurements"]] == [44.2, 43.1, 41.8]
        history = http.get(f"/v1/aggregates/{benefit}/history").json()
        assert {e["data"]["imported_from"]["file_sha256"] for e in history
                if e["type"] == "BenefitMeasured"} == {hashlib.sha256(fixed).hexdigest()}
