"""The API in-process (httpx through TestClient) on SQLite and PostgreSQL, with a token per
role, and a small program built through the API itself."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa
from alembic import command
from fastapi.testclient import TestClient

from ledger.access.tokens import issue_token
from ledger.migrate import alembic_config
from ledger.schema import all_tables_metadata
from ledger.settings import Settings
from ledger.web import create_app

ROLES = ("editor", "auditor", "viewer", "admin")


@dataclass
class Api:
    """A client with tokens for every role, in scope (all programs) and out of scope."""

    client: TestClient
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, role: str = "editor", **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}", **extra}

    def post(self, path: str, body: dict[str, Any] | None = None, role: str = "editor",
             **headers: str) -> Any:
        return self.client.post(path, json=body or {}, headers=self.headers(role, **headers))

    def get(self, path: str, role: str = "editor", **params: Any) -> Any:
        return self.client.get(path, params=params, headers=self.headers(role))

    def created(self, path: str, body: dict[str, Any]) -> UUID:
        response = self.post(path, body)
        assert response.status_code == 201, response.text
        return UUID(response.json()["id"])


@pytest.fixture
def api_settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, data_dir=tmp_path, read_wait_seconds=2.0,
                    projection_poll_seconds=0.05)


def prepare_database(settings: Settings) -> None:
    """Every table straight from the code's definitions, stamped as migrated so the app's
    start-up migration is a no-op: these tests follow the tables while a migration for them
    is still being written; tests/test_migrations.py holds the migrations to the same."""
    engine = sa.create_engine(settings.resolved_database_url)
    try:
        all_tables_metadata().create_all(engine)
        with engine.begin() as connection:
            config = alembic_config(settings)
            config.attributes["connection"] = connection
            command.stamp(config, "head")
    finally:
        engine.dispose()


@pytest.fixture
def api(api_settings: Settings) -> Iterator[Api]:
    with running_api(api_settings) as result:
        yield result


@contextmanager
def running_api(settings: Settings) -> Iterator[Api]:
    prepare_database(settings)
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        engine = app.state.services.query_engine
        result = Api(client)
        for role in ROLES:
            result.tokens[role] = issue_token(engine, principal_id=f"{role}.one", role=role,
                                              programs=None).token
            # The same role, scoped to some other program only.
            result.tokens[f"{role}-elsewhere"] = issue_token(
                engine, principal_id=f"{role}.elsewhere", role=role,
                programs=[UUID(int=1)]).token
        yield result


PROGRAM = {"code": "ERP", "name": "ERP transformation", "objectives": ["One platform"],
           "sponsor": "CFO", "manager": "Pat"}
PROJECT = {"name": "ERP implementation", "manager": "Aisha", "planned_start": "2025-06-01",
           "planned_finish": "2026-09-30",
           "deliverables": [{"key": "build", "name": "Build", "due": "2026-01-31"},
                            {"key": "warehouse", "name": "Warehouse", "due": "2026-05-31"}]}
REPORT = {"overall": "green", "schedule": "green", "cost": "green", "scope": "green",
          "resources": "green", "narrative": "on track"}
OPTIONS = [{"key": "defer", "summary": "Defer it", "pros": ["on time"], "cons": ["less"]},
           {"key": "keep", "summary": "Keep it", "expected_impact": {"schedule_days": 90}}]


@dataclass
class World:
    program: UUID
    project: UUID
    other_project: UUID
    dependency: UUID
    resource: UUID
    allocation: UUID
    benefit: UUID
    measurement: UUID
    risk: UUID
    decision: UUID
    later_decision: UUID


@pytest.fixture
def world(api: Api) -> World:
    return build_world(api)


def build_world(api: Api) -> World:
    """An active program with one of everything, built through the API."""
    program = api.created("/v1/programs", PROGRAM)
    assert api.post(f"/v1/programs/{program}/status",
                    {"status": "active", "reason": "approved"}).status_code == 201
    project = api.created(f"/v1/programs/{program}/projects", PROJECT)
    other = api.created(f"/v1/programs/{program}/projects", {**PROJECT, "name": "Data"})
    dependency = api.created(f"/v1/programs/{program}/dependencies", {
        "provider_project_id": str(other), "consumer_project_id": str(project),
        "needed_by": "2026-02-01", "description": "data first"})
    resource = api.created(f"/v1/programs/{program}/resources", {
        "name": "SAP specialists", "unit": "FTE", "capacity_per_month": "2"})
    allocation = api.post(f"/v1/resources/{resource}/allocations", {
        "project_id": str(project), "month": "2026-02", "amount": "1.5"}).json()
    benefit = api.created(f"/v1/programs/{program}/benefits", {
        "name": "O2C cycle time", "kpi": "days", "unit": "days", "direction": "decrease",
        "owner": "COO"})
    assert api.post(f"/v1/benefits/{benefit}/profile", {
        "baseline_value": 42, "baseline_date": "2025-01-01", "target_value": 28,
        "target_date": "2026-12-31", "measurement_method": "extract"}).status_code == 201
    measurement = api.post(f"/v1/benefits/{benefit}/measurements", {
        "value": 41, "source": "BI", "effective_at": "2025-03-31T00:00:00Z"}).json()
    risk = api.created(f"/v1/programs/{program}/risks", {
        "title": "Data quality", "category": "data", "likelihood": 3, "impact": 4,
        "owner": "Li"})
    decisions = [api.created(f"/v1/programs/{program}/decisions", {
        "title": title, "question": "Defer or keep?", "forum": "SteerCo",
        "authority": "Sponsor", "options": OPTIONS, "chosen_option": "defer",
        "rationale": "Protect go-live", "tradeoffs": "Less scope",
        "affects": {"project_ids": [str(project)], "benefit_ids": [str(benefit)],
                    "resource_ids": [str(resource)], "risk_ids": [str(risk)]}})
        for title in ("Defer warehouse", "Rebaseline")]
    head = api.get("/readyz").json()["projection"]["head"]
    assert api.get(f"/v1/programs/{program}", min_position=head).status_code == 200
    return World(program, project, other, dependency, resource,
                 UUID(allocation["allocation_id"]), benefit,
                 UUID(measurement["measurement_id"]), risk, *decisions)


def propose_with_a_refusal(api: Api, world: World) -> UUID:
    """A proposal of three options on the world's program: "hire" (more capacity, an
    allocation, a lower risk), "stretch" (the same allocation over capacity, governed by
    the decision) and "defer", which a rule now refuses: its deliverable was delivered
    after it was proposed (the project started meanwhile)."""
    resource, project = str(world.resource), str(world.project)
    allocate = {"type": "allocate_resource", "resource_id": resource, "project_id": project,
                "month": "2026-02", "amount": "1.5"}
    proposal = api.created(f"/v1/programs/{world.program}/proposals", {
        "title": "Spring capacity", "question": "Hire, stretch the team or defer the build?",
        "forum": "SteerCo", "authority": "Sponsor", "options": [
            {"key": "hire", "summary": "Hire a contractor", "pros": ["Build on time"],
             "cons": ["EUR 40k"], "commands": [
                 {"type": "change_resource_capacity", "resource_id": resource,
                  "capacity_per_month": "3", "reason": "contractor"}, allocate,
                 {"type": "assess_risk", "risk_id": str(world.risk), "likelihood": 2,
                  "impact": 2, "rationale": "a second pair of hands"}]},
            {"key": "stretch", "summary": "Stretch the team", "commands": [allocate]},
            {"key": "defer", "summary": "Defer the build", "commands": [
                {"type": "change_project_scope", "project_id": project, "defer": ["build"],
                 "rationale": "fits the team"}]}]})
    assert api.post(f"/v1/projects/{project}/lifecycle", {
        "status": "in_progress", "reason": "build started"}).status_code == 201
    delivered = api.post(f"/v1/projects/{project}/deliverables/build/delivered", {})
    assert delivered.status_code == 201, delivered.text
    assert api.get(f"/v1/programs/{world.program}",
                   min_position=delivered.json()["position"]).status_code == 200
    return proposal
