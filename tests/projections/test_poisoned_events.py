"""A poisoned event (one no read model can store: a NaN, a NUL in a text) that reached the log
straight through the store stops nothing else: it is recorded as a failure, its entity's
reads answer a problem naming its position, every other event is applied exactly once, and a
rebuild (or `retry-failures`, after a fix) tries it again."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import psycopg2
import pytest
import sqlalchemy as sa
from eventsourcing.persistence import Notification
from fastapi.testclient import TestClient
from sqlalchemy.engine import Connection

import ledger.projections.projector as projector_module
from ledger.access.tokens import issue_token
from ledger.application import ProgramLedger
from ledger.application.commands.benefits import MeasureBenefit
from ledger.application.commands.programs import AddProgramObjective
from ledger.application.commands.risks import AssessRisk
from ledger.domain.benefit import Benefit
from ledger.domain.risk import Risk
from ledger.projections.benefits import benefits, get_benefit
from ledger.projections.bulk import insert_rows
from ledger.projections.failures import Failure, StaleReadModel, live_failures
from ledger.projections.log import notifications_after
from ledger.projections.projector import Projector
from ledger.projections.rebuild import rebuild, retry_failures
from ledger.projections.risks import get_risk
from ledger.projections.summary import get_program
from ledger.projections.timeline import timeline
from ledger.projections.tracking import current_position
from ledger.schema import all_tables_metadata
from ledger.settings import Settings
from ledger.web import create_app
from tests.api.conftest import prepare_database
from tests.projections.commands import RandomProgram
from tests.projections.conftest import dump, recorded
from tests.projections.scenario import ALICE, at


@dataclass
class PoisonedLog:
    a: RandomProgram  # holds both poisoned entities
    b: RandomProgram  # another program, untouched
    benefit: UUID  # a's benefit, measured as NaN, then measured again
    nan_at: int
    nul_risk: UUID  # a risk of a's whose creation carries a NUL in its title
    nul_at: int
    after: int  # a's benefit measured again, after the NaN

    @property
    def stale(self) -> set[str]:
        return {str(self.benefit), str(self.nul_risk)}


def position_of(ledger: ProgramLedger, event_class: type, originator: UUID) -> int:
    head = ledger.recorder.max_notification_id() or 0
    for notification in ledger.recorder.select_notifications(1, head):
        if notification.originator_id == originator and \
                isinstance(ledger.mapper.to_domain_event(notification), event_class):
            return notification.id
    raise LookupError(f"no {event_class.__name__} of {originator}")


def poison(ledger: ProgramLedger, like: int, **changes: Any) -> int:
    """Append, straight through the store (no command, so no validation), a copy of the event
    at ``like`` with ``changes``; its position."""
    copy = dataclasses.replace(recorded(ledger, like), timestamp=datetime.now(UTC), **changes)
    (position,) = ledger.recorder.insert_events([ledger.mapper.to_stored_event(copy)]) or ()
    return position


def write_poisoned_log(ledger: ProgramLedger) -> PoisonedLog:
    a, b = RandomProgram(ledger), RandomProgram(ledger)
    benefit = a.benefits[0]
    ledger.execute(MeasureBenefit(
        benefit_id=benefit, value=40, source="BI", effective_at=at(3, 1)), by=ALICE)
    version = ledger.repository.get(benefit).version
    nan_at = poison(ledger, position_of(ledger, Benefit.BenefitMeasured, benefit),
                    value=float("nan"), measurement_id=uuid4(), originator_version=version + 1,
                    effective_at=at(4, 1))
    nul_risk = uuid4()
    nul_at = poison(ledger, position_of(ledger, Risk.RiskRaised, a.risks[0]),
                    originator_id=nul_risk, originator_version=1, title="Data\x00quality")
    # Good events after the poison: the same entity, the same program, another program.
    after = ledger.execute(MeasureBenefit(
        benefit_id=benefit, value=30, source="BI", effective_at=at(5, 1)), by=ALICE).position
    ledger.execute(AssessRisk(
        risk_id=a.risks[0], likelihood=5, impact=5, rationale="worse"), by=ALICE)
    ledger.execute(AddProgramObjective(program_id=b.program, objective="later"), by=ALICE)
    ledger.execute(MeasureBenefit(benefit_id=b.benefits[0], value=5, source="BI"), by=ALICE)
    return PoisonedLog(a, b, benefit, nan_at, nul_risk, nul_at, after)


def failures_of(engine: sa.Engine) -> list[Failure]:
    with engine.connect() as connection:
        count, failed = live_failures(connection)
    assert count == len(failed)
    return failed


def without(rows: dict[str, list[tuple[Any, ...]]], ids: set[str]) -> dict[str, list[Any]]:
    """Every table's rows but those that mention one of these entities."""
    return {name: [row for row in table if not any(i in value for i in ids for value in row)]
            for name, table in rows.items()}


def skipping(positions: set[int]) -> Callable[[Connection, int, int], list[Notification]]:
    """The log as if these events had never been written."""
    def read(connection: Connection, position: int, limit: int) -> list[Notification]:
        return [n for n in notifications_after(connection, position, limit)
                if n.id not in positions]
    return read


def test_a_poisoned_event_stops_nothing_else(ledger: ProgramLedger, engine: sa.Engine,
                                            project: Projector,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    log = write_poisoned_log(ledger)
    head = ledger.recorder.max_notification_id()
    project.catch_up()  # batches of 7: the bad events share batches with good ones
    assert current_position(engine) == head

    failed = failures_of(engine)
    assert {f.position for f in failed} == {log.nan_at, log.nul_at}
    assert {(log.nan_at, "benefits"), (log.nul_at, "risks")} <= {
        (f.position, f.read_model) for f in failed}
    assert {(f.position, f.entity_id) for f in failed} == {
        (log.nan_at, str(log.benefit)), (log.nul_at, str(log.nul_risk))}
    assert {f.program_id for f in failed} == {str(log.a.program)}
    assert {f.attempts for f in failed} == {1}

    with engine.connect() as connection:
        with pytest.raises(StaleReadModel, match=f"position {log.nan_at}"):
            get_benefit(connection, log.benefit)
        with pytest.raises(StaleReadModel, match=f"position {log.nul_at}"):
            get_risk(connection, log.nul_risk)  # never created: stale, not "not found"
        with pytest.raises(StaleReadModel, match=f"position {log.nan_at}"):
            get_program(connection, log.a.program)  # its rollups include the benefit
        # Other entities, in the same program and in another, kept advancing.
        assert get_risk(connection, log.a.risks[0]).exposure == 25
        assert get_program(connection, log.b.program).objectives[-1] == "later"
        assert get_benefit(connection, log.b.benefits[0]).latest_value == 5

    # A rebuild tries every event again, completes, and fails exactly the same ones again.
    live = dump(engine)
    first_seen = {(f.position, f.read_model): f.first_seen for f in failed}
    assert rebuild(ledger, engine, batch_size=5).failures == len(failed)
    again = failures_of(engine)
    assert {(f.position, f.read_model): f.first_seen for f in again} == first_seen
    assert {f.attempts for f in again} == {2}
    assert dump(engine) == live

    # Exactly once for everything else: the same rows as the log without the bad events.
    with monkeypatch.context() as patched:
        patched.setattr(projector_module, "notifications_after",
                        skipping({log.nan_at, log.nul_at}))
        rebuild(ledger, engine)
    assert without(dump(engine), log.stale) == without(live, log.stale)
    assert failures_of(engine) == []  # nothing failed in that log


def test_a_fixed_event_is_applied_in_order_by_retry(ledger: ProgramLedger, engine: sa.Engine,
                                                   project: Projector,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    log = write_poisoned_log(ledger)
    project.catch_up()
    nul_failures = [f for f in failures_of(engine) if f.position == log.nul_at]
    unfixed = retry_failures(ledger, engine)
    assert unfixed is not None and unfixed.failures == len(failures_of(engine))

    # The fix, as an upcaster would make it: the NaN measurement reads as 7.
    decode = ledger.mapper.to_domain_event

    def upcast(notification: Notification) -> Any:
        event = decode(notification)
        return dataclasses.replace(event, value=7.0) if notification.id == log.nan_at else event

    monkeypatch.setattr(ledger.mapper, "to_domain_event", upcast)
    fixed = retry_failures(ledger, engine)
    assert fixed is not None and fixed.failures == len(nul_failures)
    assert {f.position for f in failures_of(engine)} == {log.nul_at}

    with engine.connect() as connection:
        benefit = get_benefit(connection, log.benefit)  # no longer stale
        changes = connection.execute(sa.select(timeline.c.changes).where(
            timeline.c.position == log.after)).scalar_one()
        with pytest.raises(StaleReadModel):
            get_risk(connection, log.nul_risk)
    assert (benefit.latest_value, benefit.latest_at) == (30, at(5, 1))
    # In order: the measurement after the fixed one replaced 7, not the 40 before it, as
    # applying the old event late, after the rest, would have shown.
    assert changes["value"] == {"before": 7.0, "after": 30}


def test_retry_with_nothing_failed_does_nothing(ledger: ProgramLedger, engine: sa.Engine,
                                                project: Projector) -> None:
    RandomProgram(ledger)
    project.catch_up()
    assert retry_failures(ledger, engine) is None


def test_readyz_status_and_reads_show_the_failure(database_url: str, tmp_path: Path) -> None:
    settings = Settings(database_url=database_url, data_dir=tmp_path, read_wait_seconds=2.0,
                        projection_poll_seconds=0.05)
    prepare_database(settings)
    ledger = ProgramLedger(settings)
    try:
        log = write_poisoned_log(ledger)
        head = ledger.recorder.max_notification_id() or 0
    finally:
        ledger.close()
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        services = app.state.services
        token = issue_token(services.query_engine, principal_id="viewer.one", role="viewer",
                            programs=None).token
        headers = {"Authorization": f"Bearer {token}"}
        auditor = {"Authorization": "Bearer " + issue_token(
            services.query_engine, principal_id="auditor.one", role="auditor",
            programs=None).token}
        assert services.wait_for(head, 60)
        # What replays the log itself, not the read models, still answers (pydantic writes a
        # NaN as null); the audit chain still verifies.
        replayed = [client.get(path, headers=auditor) for path in (
            f"/v1/programs/{log.a.program}/as-of?position={head}",
            f"/v1/aggregates/{log.benefit}/history", f"/v1/aggregates/{log.nul_risk}/history",
            "/v1/audit/verify")]
        stale = client.get(f"/v1/benefits/{log.benefit}", headers=headers)
        never_created = client.get(f"/v1/risks/{log.nul_risk}", headers=headers)
        program = client.get(f"/v1/programs/{log.a.program}", headers=headers)
        other = client.get(f"/v1/programs/{log.b.program}", headers=headers)
        ready = client.get("/readyz")
    for response, position in ((stale, log.nan_at), (never_created, log.nul_at),
                               (program, log.nan_at)):
        assert response.status_code == 409, response.text
        problem = response.json()
        assert problem["rule"] == "read_model_stale"
        assert f"position {position}" in problem["detail"]
    assert other.status_code == 200
    assert [r.status_code for r in replayed] == [200] * 4
    assert replayed[3].json()["ok"] is True
    assert replayed[2].json()[0]["data"]["title"] == "Data\x00quality"
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "degraded"
    assert body["projection"]["position"] == head
    assert {f["position"] for f in body["failures"]["listed"]} == {log.nan_at, log.nul_at}
    assert body["failures"]["count"] == len(body["failures"]["listed"])
    assert "error" not in body["failures"]["listed"][0]  # no data quoted without a token

    status = _ledger_cli(settings, "projections", "status", "--json")
    document = json.loads(status.stdout)
    assert document["status"] == "degraded"
    assert {(f["position"], f["entity_id"]) for f in document["failures"]["listed"]} >= {
        (log.nan_at, str(log.benefit)), (log.nul_at, str(log.nul_risk))}
    table = _ledger_cli(settings, "projections", "status")
    assert "degraded" in table.stdout and str(log.nan_at) in table.stdout
    retried = _ledger_cli(settings, "projections", "retry-failures")
    assert retried.returncode == 1 and "failure(s) remain" in retried.stdout


def _ledger_cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "LEDGER_DATABASE_URL": settings.resolved_database_url,
                   "LEDGER_DATA_DIR": str(settings.data_dir), "COLUMNS": "250"}
    return subprocess.run([sys.executable, "-c", "from ledger.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=120, env=environment,
                          check=False)


def test_an_undecodable_event_is_recorded_for_every_model(ledger: ProgramLedger,
                                                          engine: sa.Engine,
                                                          project: Projector) -> None:
    program = RandomProgram(ledger)
    stored = ledger.mapper.to_stored_event(recorded(ledger, 1))
    gone = uuid4()
    (position,) = ledger.recorder.insert_events([dataclasses.replace(
        stored, originator_id=gone, topic="ledger.domain.gone:Gone.Created")]) or ()
    ledger.execute(AddProgramObjective(program_id=program.program, objective="after"), by=ALICE)
    project.catch_up()
    (failure,) = failures_of(engine)
    assert (failure.position, failure.read_model, failure.entity_id) == (position, "*", str(gone))
    assert "Gone" in failure.error
    with engine.connect() as connection:
        assert get_program(connection, program.program).objectives[-1] == "after"


@pytest.mark.parametrize("bad", [{"latest_value": float("nan")},
                                 {"latest_value": float("inf")},
                                 {"profile": {"target_value": float("-inf")}},
                                 {"owner": "C\x00O"}], ids=["nan", "inf", "json", "nul"])
def test_both_databases_refuse_the_same_unstorable_values(engine: sa.Engine,
                                                          bad: dict[str, Any]) -> None:
    """SQLite would store a NaN as NULL, an infinity and a NUL as they are; PostgreSQL a
    NaN or an infinity in a float column too: the read models refuse them all, alike."""
    good = {"benefit_id": str(uuid4()), "program_id": str(uuid4()), "name": "n",
            "description": "", "kpi": "k", "unit": "u", "direction": "increase", "owner": "o",
            "dis_benefit": False, "status": "identified", "profile": None,
            "original_target_value": None, "original_target_date": None,
            "latest_measurement_id": None, "latest_value": None, "latest_at": None,
            "identified_at": at(1, 1), "version": 1, "last_position": 1}
    create_schema_tables(engine)
    with engine.begin() as connection:
        insert_rows(connection, benefits, [good])
        with pytest.raises((ValueError, sa.exc.StatementError,
                            psycopg2.DataError)), connection.begin_nested():
            insert_rows(connection, benefits, [{**good, **bad, "benefit_id": str(uuid4())}])
        count = connection.execute(sa.select(sa.func.count()).select_from(benefits)).scalar()
    assert count == 1


def create_schema_tables(engine: sa.Engine) -> None:
    all_tables_metadata().create_all(engine)
