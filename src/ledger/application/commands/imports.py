"""Commands an import runs: a measurement or a correction that names the file row it came
from. They are never posted on their own; ``application/imports`` builds them from a file."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from ledger.application.commands.benefits import CorrectMeasurement, MeasureBenefit
from ledger.application.commands.fields import OptionalLine
from ledger.domain.benefit import ImportedRow


class FileRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    file_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    row: Annotated[int, Field(ge=1)]
    file_name: OptionalLine = ""

    def to_domain(self) -> ImportedRow:
        return ImportedRow(self.file_sha256, self.row, self.file_name)


class MeasureBenefitFromFile(MeasureBenefit):
    """Record a measurement read from a row of an imported file."""

    imported_from: FileRow


class CorrectMeasurementFromFile(CorrectMeasurement):
    """Correct a measurement to the value a row of an imported file gives."""

    imported_from: FileRow
