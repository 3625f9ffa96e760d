"""A realistic program driven over HTTP against a real uvicorn server on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.e2e.conftest import Server

REPORT = {"overall": "green", "schedule": "green", "cost": "green", "scope": "green",
          "resources": "green", "narrative": "on track"}


@pytest.mark.postgres
def test_program_scenario_over_http(server: Server) -> None:
    editor_token = _token(server, "editor")
    with server.client(editor_token) as http:
        program = _id(http.post("/v1/programs", json={
            "code": "ERP", "name": "ERP transformation", "objectives": ["One platform"],
            "sponsor": "CFO", "manager": "Pat"}))
        http.post(f"/v1/programs/{program}/status", json={"status": "active", "reason": "go"})
        erp, data = (_id(http.post(f"/v1/programs/{program}/projects", json={
            "name": name, "manager": "m", "planned_start": "2025-06-01",
            "planned_finish": "2026-09-30",
            "deliverables": [{"key": "mock-loads", "name": "Mock loads", "due": "2026-02-15"}],
        })) for name in ("ERP implementation", "Data migration"))
        _id(http.post(f"/v1/programs/{program}/dependencies", json={
            "provider_project_id": data, "provider_deliverable": "mock-loads",
            "consumer_project_id": erp, "needed_by": "2026-02-20",
            "description": "Data before system test"}))
        sap = _id(http.post(f"/v1/programs/{program}/resources", json={
            "name": "SAP specialists", "unit": "FTE", "capacity_per_month": "6"}))
        http.post(f"/v1/resources/{sap}/allocations", json={
            "project_id": erp, "month": "2026-02", "amount": "4"})
        over = http.post(f"/v1/resources/{sap}/allocations", json={
            "project_id": data, "month": "2026-02", "amount": "3"})
        assert (over.status_code, over.json()["rule"]) == (409, "capacity_exceeded")
        benefit = _id(http.post(f"/v1/programs/{program}/benefits", json={
            "name": "O2C cycle time", "kpi": "days", "unit": "days", "direction": "decrease",
            "owner": "COO"}))
        http.post(f"/v1/benefits/{benefit}/profile", json={
            "baseline_value": 42, "baseline_date": "2025-05-01", "target_value": 28,
            "target_date": "2026-12-31", "measurement_method": "extract"})
        for month, value in (("2025-06-30", 42.4), ("2025-09-30", 41.1)):
            http.post(f"/v1/benefits/{benefit}/measurements", json={
                "value": value, "source": "BI", "effective_at": f"{month}T00:00:00Z"})
        risk = _id(http.post(f"/v1/programs/{program}/risks", json={
            "title": "Data quality", "category": "data", "likelihood": 3, "impact": 4,
            "owner": "Li"}))
        decision = http.post(f"/v1/programs/{program}/decisions", json={
            "title": "Cover the February peak", "question": "Contractor or delay?",
            "forum": "Steering committee", "authority": "Sponsor", "options": [
                {"key": "contractor", "summary": "Hire one"},
                {"key": "delay", "summary": "Delay mock load 3"}],
            "chosen_option": "contractor", "rationale": "Protect the test window",
            "tradeoffs": "EUR 38k", "affects": {"resource_ids": [sap], "risk_ids": [risk],
                                                "benefit_ids": [benefit]}}).json()
        governed = http.post(f"/v1/resources/{sap}/allocations", json={
            "project_id": data, "month": "2026-02", "amount": "3",
            "decision_id": decision["id"]})
        assert governed.status_code == 201

        first = http.post(f"/v1/projects/{erp}/status-reports", json=REPORT)
        stale = http.post(f"/v1/projects/{erp}/status-reports", json=REPORT,
                          headers={"If-Match": f'"{first.json()["version"] - 1}"'})
        assert stale.status_code == 412
        retry = {"Idempotency-Key": "weekly-report-erp-48"}
        once = http.post(f"/v1/projects/{erp}/status-reports", json=REPORT, headers=retry)
        twice = http.post(f"/v1/projects/{erp}/status-reports", json=REPORT, headers=retry)
        assert twice.json() == once.json()

        resource = http.get(f"/v1/resources/{sap}",
                            params={"min_position": governed.json()["position"]})
        assert resource.status_code == 200
        assert resource.json()["months"][0]["over_allocated_by"] == "1"
        assert resource.json()["over_allocated_months"] == ["2026-02"]
        review = http.get(f"/v1/decisions/{decision['id']}/review").json()
        assert review["decision"]["chosen_option"] == "contractor"
        summary = http.get(f"/v1/programs/{program}",
                           params={"min_position": twice.json()["position"]}).json()
        assert summary["rollups"]["projects_total"] == 2
        assert summary["rollups"]["over_allocated_months"] == 1


def _token(server: Server, role: str) -> str:
    """A token made the way an operator would: `ledger tokens create`."""
    created = subprocess.run(
        [sys.executable, "-c", "from ledger.cli import main; main()", "tokens", "create",
         "--role", role, "--name", f"{role}.e2e", "--all-programs"],
        env={**os.environ, "LEDGER_DATABASE_URL": server.database_url},
        capture_output=True, text=True, timeout=60, check=True)
    return created.stdout.strip().splitlines()[-1]


def _id(response: object) -> str:
    assert response.status_code == 201, response.text  # type: ignore[attr-defined]
    return str(response.json()["id"])  # type: ignore[attr-defined]
