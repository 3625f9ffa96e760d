"""Response body of a measurement import: what each row does (or would do), and what was
refused, by row, column and rule."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from ledger.application.imports.measurements import ImportReport

Action = Literal["record", "correct", "unchanged", "already_imported"]


class ImportedFileOut(BaseModel):
    sha256: str = Field(description="The SHA-256 of the file's bytes, recorded on each event.")
    name: str
    format: Literal["csv", "xlsx"]


class ImportRowOut(BaseModel):
    row: int = Field(description="The row as a spreadsheet numbers it (the header is row 1).")
    action: Action = Field(description=(
        "`record`: a new measurement; `correct`: a correction of `measurement_id` from "
        "`previous_value` (only with `corrections=true`); `unchanged`: the benefit already has "
        "this value for this date; `already_imported`: this row of this file was recorded "
        "before. The last two write nothing."))
    benefit_id: UUID
    benefit: str
    value: float
    effective_at: datetime
    source: str
    note: str
    measurement_id: UUID
    previous_value: float | None = None


class ImportRefusalOut(BaseModel):
    row: int | None = Field(description="None when the file or its header is refused.")
    column: str
    rule: str = Field(description="unknown_benefit, not_a_number, future_date, duplicate_row, "
                                  "changes_recorded_value, formula, merged_cells, …")
    message: str


class ImportOut(BaseModel):
    dry_run: bool
    file: ImportedFileOut
    recorded: int = Field(description="Rows recorded as new measurements (or, in a dry run, "
                                      "that would be).")
    corrected: int
    unchanged: int
    already_imported: int
    refused: int = Field(description="Rows refused; a file with any is not imported at all.")
    rows: list[ImportRowOut]
    errors: list[ImportRefusalOut]
    position: int | None = Field(default=None, description=(
        "The log position of the import's last event; none when nothing was written."))

    @classmethod
    def of(cls, report: ImportReport) -> ImportOut:
        counts = report.counts
        return cls(
            dry_run=report.dry_run,
            file=ImportedFileOut(sha256=report.file_sha256, name=report.file_name,
                                 format=report.format),
            recorded=counts["record"], corrected=counts["correct"],
            unchanged=counts["unchanged"], already_imported=counts["already_imported"],
            refused=counts["refused"],
            rows=[ImportRowOut(
                row=p.row.row, action=p.action, benefit_id=p.benefit.id,
                benefit=p.benefit.name, value=p.row.value, effective_at=p.row.effective_at,
                source=p.row.source, note=p.row.note, measurement_id=p.measurement_id,
                previous_value=p.previous_value) for p in report.planned],
            errors=[ImportRefusalOut(row=p.row, column=p.column, rule=p.rule, message=p.message)
                    for p in report.problems],
            position=report.position)
