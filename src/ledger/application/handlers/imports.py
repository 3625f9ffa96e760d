"""Handlers of the commands an import runs: the benefit's own, with the file row they name."""

from __future__ import annotations

from ledger.application.commands.imports import (
    CorrectMeasurementFromFile,
    MeasureBenefitFromFile,
)
from ledger.application.handling import Context, handles
from ledger.domain.benefit import Benefit


@handles(MeasureBenefitFromFile)
def measure_from_file(command: MeasureBenefitFromFile, benefit: Benefit, context: Context) -> None:
    benefit.measure(measurement_id=command.measurement_id, value=command.value,
                    source=command.source, note=command.note, by=context.by,
                    effective_at=command.effective_at,
                    imported_from=command.imported_from.to_domain())


@handles(CorrectMeasurementFromFile)
def correct_from_file(command: CorrectMeasurementFromFile, benefit: Benefit,
                      context: Context) -> None:
    benefit.correct_measurement(command.measurement_id, command.value, context.by,
                                command.reason, imported_from=command.imported_from.to_domain())
