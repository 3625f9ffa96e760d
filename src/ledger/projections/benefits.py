"""Read model of benefits: profile, measurement series (corrections applied, originals
kept) and every target revision with the decision behind it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field
from sqlalchemy import Boolean, Column, Float, Index, String, Table, Text, select
from sqlalchemy.engine import Connection

from ledger.db import ID, POSITION, Document, UTCDateTime, metadata
from ledger.domain.benefit import Benefit, realization
from ledger.domain.errors import NotFound
from ledger.projections.encoding import plain
from ledger.projections.failures import raise_if_stale
from ledger.projections.pages import DEFAULT_LIMIT, Page, keyset_page
from ledger.projections.registry import ReadModel
from ledger.projections.view import View

benefits = Table(
    "rm_benefits", metadata,
    Column("benefit_id", ID, primary_key=True),
    Column("program_id", ID, nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("kpi", Text, nullable=False),
    Column("unit", String(32), nullable=False),
    Column("direction", String(8), nullable=False),
    Column("owner", Text, nullable=False),
    Column("dis_benefit", Boolean, nullable=False),
    Column("status", String(16), nullable=False),
    Column("profile", Document, nullable=True),
    Column("original_target_value", Float, nullable=True),
    Column("original_target_date", String(10), nullable=True),
    # The measurement latest in business time (a later recording wins a tie), kept by the
    # handlers so that realization needs no scan of the series.
    Column("latest_measurement_id", ID, nullable=True),
    Column("latest_value", Float, nullable=True),
    Column("latest_at", UTCDateTime, nullable=True),
    Column("identified_at", UTCDateTime, nullable=False),
    Column("version", POSITION, nullable=False),
    Column("last_position", POSITION, nullable=False),
)

measurements = Table(
    "rm_benefit_measurements", metadata,
    Column("measurement_id", ID, primary_key=True),
    Column("benefit_id", ID, nullable=False),
    Column("program_id", ID, nullable=False),
    Column("effective_at", UTCDateTime, nullable=False),
    Column("position", POSITION, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("value", Float, nullable=False),
    Column("original_value", Float, nullable=False),
    Column("corrected", Boolean, nullable=False),
    Column("correction_reason", Text, nullable=True),
    Column("source", Text, nullable=False),
    Column("note", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Index("ix_rm_benefit_measurements_series", "benefit_id", "effective_at", "position"),
)

target_revisions = Table(
    "rm_benefit_target_revisions", metadata,
    Column("position", POSITION, primary_key=True, autoincrement=False),
    Column("benefit_id", ID, nullable=False, index=True),
    Column("effective_at", UTCDateTime, nullable=False),
    Column("from_target_value", Float, nullable=False),
    Column("to_target_value", Float, nullable=False),
    Column("from_target_date", String(10), nullable=False),
    Column("to_target_date", String(10), nullable=False),
    Column("decision_id", ID, nullable=False),
    Column("reason", Text, nullable=True),
    Column("actor", Text, nullable=False),
)

model = ReadModel("benefits", {"benefits": benefits, "measurements": measurements,
                               "target_revisions": target_revisions}, root="benefits")


@model.on(Benefit.BenefitIdentified)
def _identified(event: Benefit.BenefitIdentified, position: int, view: View) -> None:
    view.add("benefits", {
        "benefit_id": str(event.originator_id), "program_id": str(event.program_id),
        "name": event.name, "description": event.description, "kpi": event.kpi,
        "unit": event.unit, "direction": event.direction, "owner": event.owner,
        "dis_benefit": event.dis_benefit, "status": "identified", "profile": None,
        "original_target_value": None, "original_target_date": None,
        "latest_measurement_id": None, "latest_value": None, "latest_at": None,
        "identified_at": event.effective_at, "version": event.originator_version,
        "last_position": position,
    })


@model.on(Benefit.BenefitProfileSet)
def _profile(event: Benefit.BenefitProfileSet, position: int, view: View) -> None:
    row = model.touch(event, position, view)
    row["profile"] = plain({
        "baseline_value": event.baseline_value, "baseline_date": event.baseline_date,
        "target_value": event.target_value, "target_date": event.target_date,
        "contributing_project_ids": event.contributing_project_ids,
        "measurement_method": event.measurement_method,
    })
    # The business case's target, before any governed revision: what drift is measured from.
    row["original_target_value"] = event.target_value
    row["original_target_date"] = event.target_date.isoformat()


@model.on(Benefit.BenefitMeasured)
def _measured(event: Benefit.BenefitMeasured, position: int, view: View) -> None:
    row = model.touch(event, position, view)
    view.add("measurements", {
        "measurement_id": str(event.measurement_id), "benefit_id": row["benefit_id"],
        "program_id": row["program_id"], "effective_at": event.effective_at,
        "position": position, "recorded_at": event.timestamp, "value": event.value,
        "original_value": event.value, "corrected": False, "correction_reason": None,
        "source": event.source, "note": event.note, "actor": event.actor,
    })
    latest_at = row["latest_at"]
    # A back-dated measurement joins the series without becoming the latest value.
    if not isinstance(latest_at, datetime) or event.effective_at >= latest_at:
        row.update(latest_measurement_id=str(event.measurement_id), latest_value=event.value,
                   latest_at=event.effective_at)


@model.on(Benefit.BenefitMeasurementCorrected)
def _corrected(event: Benefit.BenefitMeasurementCorrected, position: int,
               view: View) -> None:
    row = model.touch(event, position, view)
    view.changed("measurements", str(event.measurement_id)).update(
        value=event.to_value, corrected=True, correction_reason=event.reason)
    if row["latest_measurement_id"] == str(event.measurement_id):
        row["latest_value"] = event.to_value


@model.on(Benefit.BenefitTargetRevised)
def _revised(event: Benefit.BenefitTargetRevised, position: int, view: View) -> None:
    row = model.touch(event, position, view)
    row["profile"] = {**row["profile"], "target_value": event.to_target_value,
                      "target_date": event.to_target_date.isoformat()}
    view.add("target_revisions", {
        "position": position, "benefit_id": row["benefit_id"],
        "effective_at": event.effective_at, "from_target_value": event.from_target_value,
        "to_target_value": event.to_target_value,
        "from_target_date": event.from_target_date.isoformat(),
        "to_target_date": event.to_target_date.isoformat(),
        "decision_id": str(event.decision_id), "reason": event.reason, "actor": event.actor,
    })


@model.on(Benefit.BenefitStatusChanged)
def _status(event: Benefit.BenefitStatusChanged, position: int, view: View) -> None:
    model.touch(event, position, view)["status"] = event.to_status


class MeasurementView(BaseModel):
    id: UUID
    effective_at: datetime
    position: int
    recorded_at: datetime
    value: float
    original_value: float
    corrected: bool
    correction_reason: str | None
    source: str
    note: str
    actor: str


class TargetRevisionView(BaseModel):
    position: int
    effective_at: datetime
    from_target_value: float
    to_target_value: float
    from_target_date: date
    to_target_date: date
    decision_id: UUID
    reason: str | None
    actor: str


class BenefitView(BaseModel):
    id: UUID
    program_id: UUID
    name: str
    description: str
    kpi: str
    unit: str
    direction: str
    owner: str
    dis_benefit: bool
    status: str
    profile: dict[str, Any] | None
    original_target_value: float | None
    original_target_date: date | None
    latest_value: float | None = Field(
        description="The measurement latest in business time, corrections applied.")
    latest_at: datetime | None
    realization: float | None = Field(
        description="(latest - baseline) / (target - baseline), as a fraction of the plan.")
    target_drift: float | None = Field(
        description="Current target minus the business case's original target.")
    measurements: list[MeasurementView] = []
    target_revisions: list[TargetRevisionView] = []
    identified_at: datetime
    version: int
    position: int


def _realization(profile: dict[str, Any] | None, latest_value: float | None) -> float | None:
    if not profile or latest_value is None:
        return None
    return realization(profile["baseline_value"], profile["target_value"], latest_value)


def _series(connection: Connection, benefit_id: str) -> list[MeasurementView]:
    """Every measurement in business-time order; a tie goes to the earlier recording."""
    rows = connection.execute(
        select(measurements).where(measurements.c.benefit_id == benefit_id)
        .order_by(measurements.c.effective_at, measurements.c.position))
    return [MeasurementView(id=m.measurement_id, **{k: getattr(m, k) for k in (
        "effective_at", "position", "recorded_at", "value", "original_value", "corrected",
        "correction_reason", "source", "note", "actor")}) for m in rows]


def _revisions(connection: Connection, benefit_id: str) -> list[TargetRevisionView]:
    return [TargetRevisionView(**dict(r._mapping)) for r in connection.execute(
        select(target_revisions).where(target_revisions.c.benefit_id == benefit_id)
        .order_by(target_revisions.c.position))]


def _benefit(connection: Connection, row: Any, detail: bool) -> BenefitView:
    """The benefit; with ``detail`` its measurement series and target revisions too."""
    profile = row.profile
    return BenefitView(
        id=row.benefit_id, program_id=row.program_id, name=row.name,
        description=row.description, kpi=row.kpi, unit=row.unit, direction=row.direction,
        owner=row.owner, dis_benefit=row.dis_benefit, status=row.status, profile=profile,
        original_target_value=row.original_target_value,
        original_target_date=row.original_target_date,
        latest_value=row.latest_value, latest_at=row.latest_at,
        realization=_realization(profile, row.latest_value),
        target_drift=(profile["target_value"] - row.original_target_value) if profile else None,
        measurements=_series(connection, row.benefit_id) if detail else [],
        target_revisions=_revisions(connection, row.benefit_id) if detail else [],
        identified_at=row.identified_at, version=row.version, position=row.last_position)


def program_realizations(connection: Connection, program_id: UUID) -> list[float]:
    """The realization of every benefit of the program that has a profile and a
    measurement (the program summary averages them)."""
    rows = connection.execute(
        select(benefits.c.profile, benefits.c.latest_value)
        .where(benefits.c.program_id == str(program_id), benefits.c.latest_value.is_not(None)))
    return [share for profile, value in rows
            if (share := _realization(profile, value)) is not None]


def get_benefit(connection: Connection, benefit_id: UUID) -> BenefitView:
    raise_if_stale(connection, "benefit", benefit_id)
    row = connection.execute(
        select(benefits).where(benefits.c.benefit_id == str(benefit_id))).first()
    if row is None:
        raise NotFound(f"no benefit with id {benefit_id}")
    return _benefit(connection, row, detail=True)


def list_benefits(connection: Connection, program_id: UUID, limit: int = DEFAULT_LIMIT,
                  cursor: str | None = None) -> Page[BenefitView]:
    query = select(benefits).where(benefits.c.program_id == str(program_id))
    return keyset_page(connection, query, benefits.c.benefit_id, limit, cursor,
                       lambda row: _benefit(connection, row, detail=False))
