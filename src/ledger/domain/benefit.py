"""Benefit: an MSP benefit profile, its measurements over time, and its target revisions."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any, Self
from uuid import UUID

from ledger.domain.base import LedgerAggregate, Provenance, require_choice, require_text
from ledger.domain.decision import Decision
from ledger.domain.errors import InvalidInput, InvariantViolated, NotFound
from ledger.domain.lifecycle import BENEFIT_LIFECYCLE

DIRECTIONS = frozenset({"increase", "decrease"})


@dataclass(frozen=True)
class ImportedRow:
    """Where an imported fact came from: the file's SHA-256, its row, and the name it had."""

    file_sha256: str
    row: int
    file_name: str = ""

    @property
    def key(self) -> str:
        return f"{self.file_sha256}#{self.row}"

    def to_event(self) -> dict[str, Any]:
        return asdict(self)


def _remember_import(benefit: Any, imported_from: dict[str, Any] | None,
                     measurement_id: UUID) -> None:
    if imported_from is not None:
        key = ImportedRow(**imported_from).key
        benefit.imported_rows[key] = measurement_id.hex


def realization(baseline: float, target: float, actual: float) -> float:
    """Share of the planned improvement achieved: (actual - baseline) / (target - baseline)."""
    return (actual - baseline) / (target - baseline)


class Benefit(LedgerAggregate):
    """A measurable improvement (or, for a dis-benefit, a measurable cost) the program causes.

    Version 2 added ``imported_rows`` (the file rows already recorded, each to its
    measurement); snapshots of version 1 are read with none."""

    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["imported_rows"] = {}

    class BenefitIdentified(LedgerAggregate.Created):
        program_id: UUID
        name: str
        description: str
        kpi: str
        unit: str
        direction: str
        owner: str
        dis_benefit: bool

    class BenefitProfileSet(LedgerAggregate.Event):
        baseline_value: float
        baseline_date: date
        target_value: float
        target_date: date
        contributing_project_ids: list[UUID]
        measurement_method: str

        def apply(self, benefit: Any) -> None:
            benefit.profile = {
                "baseline_value": self.baseline_value,
                "baseline_date": self.baseline_date,
                "target_value": self.target_value,
                "target_date": self.target_date,
            }

    class BenefitMeasured(LedgerAggregate.Event):
        """Version 2 added ``source``; version 1 events are read with source 'unrecorded'.
        Version 3 added ``imported_from`` (file digest, row, name; None when not imported)."""

        class_version = 3

        measurement_id: UUID
        value: float
        source: str
        note: str
        imported_from: dict[str, Any] | None

        def apply(self, benefit: Any) -> None:
            benefit.measurements[self.measurement_id.hex] = self.value
            benefit.measured_at[self.measurement_id.hex] = self.effective_at
            _remember_import(benefit, self.imported_from, self.measurement_id)

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["source"] = "unrecorded"

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state["imported_from"] = None

    class BenefitMeasurementCorrected(LedgerAggregate.Event):
        """Version 2 added ``imported_from``, as on ``BenefitMeasured``."""

        class_version = 2

        measurement_id: UUID
        from_value: float
        to_value: float
        imported_from: dict[str, Any] | None

        def apply(self, benefit: Any) -> None:
            benefit.measurements[self.measurement_id.hex] = self.to_value
            _remember_import(benefit, self.imported_from, self.measurement_id)

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["imported_from"] = None

    class BenefitTargetRevised(LedgerAggregate.Event):
        from_target_value: float
        to_target_value: float
        from_target_date: date
        to_target_date: date
        decision_id: UUID

        def apply(self, benefit: Any) -> None:
            benefit.profile["target_value"] = self.to_target_value
            benefit.profile["target_date"] = self.to_target_date

    class BenefitStatusChanged(LedgerAggregate.Event):
        from_status: str
        to_status: str

        def apply(self, benefit: Any) -> None:
            benefit.status = self.to_status

    def __init__(self, program_id: UUID, name: str, description: str, kpi: str, unit: str,
                 direction: str, owner: str, dis_benefit: bool) -> None:
        self.program_id = program_id
        self.name = name
        self.description = description
        self.kpi = kpi
        self.unit = unit
        self.owner = owner
        self.direction = direction
        self.dis_benefit = dis_benefit
        self.status = "identified"
        self.profile: dict[str, Any] | None = None
        self.measurements: dict[str, float] = {}
        self.measured_at: dict[str, datetime] = {}
        self.imported_rows: dict[str, str] = {}

    @classmethod
    def identify(
        cls,
        *,
        program_id: UUID,
        name: str,
        description: str,
        kpi: str,
        unit: str,
        direction: str,
        owner: str,
        dis_benefit: bool,
        by: Provenance,
        effective_at: datetime | None = None,
    ) -> Self:
        return cls._start(
            cls.BenefitIdentified,
            by,
            effective_at=effective_at,
            program_id=program_id,
            name=require_text("name", name),
            description=description.strip(),
            kpi=require_text("kpi", kpi),
            unit=require_text("unit", unit),
            direction=require_choice("direction", direction, DIRECTIONS),
            owner=require_text("owner", owner),
            dis_benefit=bool(dis_benefit),
        )

    def require_not_cancelled(self) -> None:
        if self.status == "cancelled":
            raise InvariantViolated(f"benefit '{self.name}' is cancelled", rule="benefit_cancelled")

    def set_profile(
        self,
        *,
        baseline_value: float,
        baseline_date: date,
        target_value: float,
        target_date: date,
        contributing_project_ids: list[UUID],
        measurement_method: str,
        by: Provenance,
        reason: str | None = None,
        effective_at: datetime | None = None,
    ) -> None:
        self.require_not_cancelled()
        _require_target(baseline_value, baseline_date, target_value, target_date)
        self._record(
            self.BenefitProfileSet,
            by,
            reason=reason,
            effective_at=effective_at,
            baseline_value=float(baseline_value),
            baseline_date=baseline_date,
            target_value=float(target_value),
            target_date=target_date,
            contributing_project_ids=list(dict.fromkeys(contributing_project_ids)),
            measurement_method=require_text("measurement_method", measurement_method),
        )

    def measure(
        self,
        *,
        measurement_id: UUID,
        value: float,
        source: str,
        note: str,
        by: Provenance,
        effective_at: datetime | None = None,
        imported_from: ImportedRow | None = None,
    ) -> None:
        self.require_not_cancelled()
        if measurement_id.hex in self.measurements:
            raise InvariantViolated(f"measurement id {measurement_id} was already used; "
                                    "correct a measurement instead of re-measuring it",
                                    rule="duplicate_id")
        self._require_not_imported(imported_from)
        self._record(
            self.BenefitMeasured,
            by,
            effective_at=effective_at,
            measurement_id=measurement_id,
            value=float(value),
            source=require_text("source", source),
            note=note.strip(),
            imported_from=None if imported_from is None else imported_from.to_event(),
        )

    def _require_not_imported(self, imported_from: ImportedRow | None) -> None:
        if imported_from is not None and imported_from.key in self.imported_rows:
            raise InvariantViolated(
                f"row {imported_from.row} of file {imported_from.file_sha256} was already "
                f"recorded for benefit '{self.name}'; a file is imported once",
                rule="row_already_imported")

    def correct_measurement(
        self, measurement_id: UUID, value: float, by: Provenance, reason: str,
        imported_from: ImportedRow | None = None,
    ) -> None:
        """Correct a measurement by a new event; the original value stays in the log.

        The correction is effective when the measurement was: it says what the value really
        was then, so "the value on D as known at T" shows it only once it was known.
        """
        current = self.measurements.get(measurement_id.hex)
        if current is None:
            raise NotFound(f"measurement_id: benefit '{self.name}' has no measurement "
                           f"{measurement_id}")
        if float(value) == current:
            raise InvalidInput("value", f"the measurement already has the value {current}")
        self._require_not_imported(imported_from)
        self._record(
            self.BenefitMeasurementCorrected,
            by,
            reason=require_text("reason", reason),
            effective_at=self.measured_at[measurement_id.hex],
            measurement_id=measurement_id,
            from_value=current,
            to_value=float(value),
            imported_from=None if imported_from is None else imported_from.to_event(),
        )

    def revise_target(
        self,
        *,
        target_value: float | None,
        target_date: date | None,
        decision: Decision,
        by: Provenance,
        reason: str,
        effective_at: datetime | None = None,
    ) -> None:
        self.require_not_cancelled()
        if self.profile is None:
            raise InvariantViolated(
                f"benefit '{self.name}' has no profile yet; set its baseline and target first",
                rule="benefit_profile_missing",
            )
        if target_value is None and target_date is None:
            raise InvalidInput("target_value", "give a new target_value, target_date or both")
        decision.require_governs("benefit", self.id, self.program_id)
        new_value = self.profile["target_value"] if target_value is None else float(target_value)
        new_date = self.profile["target_date"] if target_date is None else target_date
        profile = self.profile
        _require_target(profile["baseline_value"], profile["baseline_date"], new_value, new_date)
        self._record(
            self.BenefitTargetRevised,
            by,
            reason=require_text("reason", reason),
            effective_at=effective_at,
            from_target_value=profile["target_value"],
            to_target_value=new_value,
            from_target_date=profile["target_date"],
            to_target_date=new_date,
            decision_id=decision.id,
        )

    def change_status(
        self, to_status: str, by: Provenance, reason: str, effective_at: datetime | None = None
    ) -> None:
        BENEFIT_LIFECYCLE.check(self.status, to_status)
        self._record(
            self.BenefitStatusChanged,
            by,
            reason=require_text("reason", reason),
            effective_at=effective_at,
            from_status=self.status,
            to_status=to_status,
        )


def _require_target(baseline: float, baseline_date: date, target: float, target_date: date) -> None:
    if float(target) == float(baseline):
        raise InvalidInput("target_value", "must differ from baseline_value")
    if target_date <= baseline_date:
        raise InvalidInput("target_date", "must be after baseline_date")
