"""Importing a file of benefit measurements: what each row would do against the program as it
stands, and then, all or nothing, doing it in one transaction.

A row is recorded once: a row already recorded from the same file (its SHA-256 and row
number), or whose value the benefit already has for that date, writes nothing, so importing
a file again writes nothing. A row that would change a value already recorded for the same
benefit and date is refused, or with ``corrections`` corrects it, citing the reason given.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

from ledger.application.batch import Batch
from ledger.application.commands.base import Command
from ledger.application.commands.imports import (
    CorrectMeasurementFromFile,
    FileRow,
    MeasureBenefitFromFile,
)
from ledger.application.execution import Executor
from ledger.application.imports.reading import read_sheet
from ledger.application.imports.rows import (
    COLUMNS,
    Parsed,
    Problem,
    Row,
    columns_of,
    parse_rows,
    refused,
)
from ledger.domain.base import Provenance
from ledger.domain.benefit import Benefit, ImportedRow
from ledger.domain.errors import InvalidInput
from ledger.domain.program import Program

WRITES = ("record", "correct")


@dataclass(frozen=True)
class ImportOptions:
    dry_run: bool = False
    corrections: bool = False
    reason: str | None = None  # required with corrections: it is recorded on each one


@dataclass(frozen=True)
class PlannedRow:
    """What one row does: ``record`` a new measurement, ``correct`` one, or nothing, as the
    benefit already has that value (``unchanged``) or this very row (``already_imported``)."""

    row: Row
    benefit: Benefit
    action: str
    measurement_id: UUID
    previous_value: float | None = None


@dataclass
class ImportReport:
    file_sha256: str
    file_name: str
    format: str
    dry_run: bool
    planned: list[PlannedRow]
    problems: list[Problem]
    position: int | None = None
    counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.counts = {action: sum(p.action == action for p in self.planned)
                       for action in ("record", "correct", "unchanged", "already_imported")}
        self.counts["refused"] = len({p.row for p in self.problems})

    @property
    def writes(self) -> int:
        return self.counts["record"] + self.counts["correct"]


def import_measurements(ledger: Executor, program_id: UUID, by: Provenance, content: bytes,
                        file_name: str, options: ImportOptions) -> ImportReport:
    """Read the file, check every row against the program, and (unless a dry run) record
    them all in one transaction; any refused row refuses the whole file."""
    if options.corrections and not (options.reason or "").strip():
        raise InvalidInput("reason", "corrections need a reason; it is recorded on each one")
    settings = ledger.settings
    sheet = read_sheet(content, COLUMNS, settings.import_max_bytes, settings.import_max_rows)
    parsed = parse_rows(sheet, columns_of(sheet), datetime.now(UTC))
    source = FileRow(file_sha256=hashlib.sha256(content).hexdigest(), row=1,
                     file_name=_printable(file_name))

    def report(planned: list[PlannedRow], refusals: list[Problem], position: int | None = None,
               ) -> ImportReport:
        return ImportReport(source.file_sha256, source.file_name, sheet.format,
                            options.dry_run, planned, refusals, position)

    if options.dry_run:
        planned, refusals = _plan(parsed, _benefits(ledger.load(program_id, Program), ledger),
                                  source, options.corrections)
        return report(planned, refusals)

    def run(batch: Batch) -> list[PlannedRow]:
        # Planned under the program's lock, so what it found still holds when recorded.
        planned, refusals = _plan(parsed, _benefits(batch.load(program_id, Program), ledger),
                                  source, options.corrections)
        if refusals:
            raise refused(refusals)
        for step in planned:
            if step.action in WRITES:
                batch.execute(_command(step, source, options.reason or ""))
        return planned

    planned, results = ledger.execute_together(program_id, by, run)
    return report(planned, [], max((r.position for r in results), default=None))


def _benefits(program: Program, ledger: Executor) -> list[Benefit]:
    program.require_open()
    return ledger.current_states(program.component_ids("benefit"), Benefit)


def _plan(parsed: Parsed, benefits: list[Benefit], source: FileRow, corrections: bool
          ) -> tuple[list[PlannedRow], list[Problem]]:
    """What each row would do, and every problem of the file, in row order."""
    named = _by_name(benefits)
    by_id = {b.id: b for b in benefits}
    first_row: dict[tuple[UUID, date], int] = {}
    planned: list[PlannedRow] = []
    problems = list(parsed.problems)
    for number, reference in parsed.named:  # rows refused already: is their benefit known?
        problems += [p for p in [_benefit(number, reference, by_id, named)[1]] if p]
    for row in parsed.rows:
        benefit, problem = _benefit(row.row, row.benefit, by_id, named)
        if benefit is None:
            problems.append(problem)  # type: ignore[arg-type]
            continue
        key = (benefit.id, row.day)
        if key in first_row:
            problems.append(Problem(row.row, "benefit", "duplicate_row", (
                f"row {first_row[key]} already gives '{benefit.name}' for {row.day}; a file "
                "gives one value per benefit and date")))
            continue
        first_row[key] = row.row
        step = _step(row, benefit, ImportedRow(source.file_sha256, row.row), corrections)
        if isinstance(step, Problem):
            problems.append(step)
        else:
            planned.append(step)
    return planned, sorted(problems, key=lambda p: (p.row or 0, COLUMNS.index(p.column)
                                                    if p.column in COLUMNS else len(COLUMNS)))


def _step(row: Row, benefit: Benefit, imported: ImportedRow, corrections: bool
          ) -> PlannedRow | Problem:
    done = benefit.imported_rows.get(imported.key)
    if done is not None:
        return PlannedRow(row, benefit, "already_imported", UUID(done))
    same_day = [(UUID(m), value) for m, value in benefit.measurements.items()
                if benefit.measured_at[m].astimezone(UTC).date() == row.day]
    equal = [m for m, value in same_day if value == row.value]
    if equal:
        return PlannedRow(row, benefit, "unchanged", equal[0], row.value)
    if not same_day:
        return PlannedRow(row, benefit, "record", uuid4())
    recorded = ", ".join(f"{value:g}" for _, value in same_day)
    if not corrections:
        return Problem(row.row, "value", "changes_recorded_value", (
            f"'{benefit.name}' already has {recorded} for {row.day}; import with "
            "corrections (and a reason) to correct it"))
    if len(same_day) > 1:
        return Problem(row.row, "value", "ambiguous_correction", (
            f"'{benefit.name}' has {len(same_day)} measurements for {row.day} ({recorded}); "
            "correct the one meant through the API"))
    (measurement_id, previous), = same_day
    return PlannedRow(row, benefit, "correct", measurement_id, previous)


def _benefit(number: int, reference: str, by_id: dict[UUID, Benefit],
             named: dict[str, list[Benefit]]) -> tuple[Benefit | None, Problem | None]:
    try:
        found = [by_id[UUID(reference)]] if UUID(reference) in by_id else []
    except ValueError:
        found = named.get(_name_key(reference), [])
    if not found:
        return None, Problem(number, "benefit", "unknown_benefit", (
            f"the program has no benefit named or with id {reference!r}"))
    live = [b for b in found if b.status != "cancelled"]
    if len(found) > 1 and len(live) == 1:  # a name reused after its benefit was cancelled
        found = live
    if len(found) > 1:
        return None, Problem(number, "benefit", "ambiguous_benefit", (
            f"{len(found)} benefits are named {reference!r}; give the benefit's id"))
    if found[0].status == "cancelled":
        return None, Problem(number, "benefit", "benefit_cancelled", (
            f"benefit '{found[0].name}' is cancelled; it takes no more measurements"))
    return found[0], None


def _by_name(benefits: list[Benefit]) -> dict[str, list[Benefit]]:
    named: dict[str, list[Benefit]] = defaultdict(list)
    for benefit in benefits:
        named[_name_key(benefit.name)].append(benefit)
    return named


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _command(step: PlannedRow, source: FileRow, reason: str) -> Command:
    row = step.row
    imported_from = source.model_copy(update={"row": row.row})
    if step.action == "correct":
        return CorrectMeasurementFromFile(benefit_id=step.benefit.id,
                                          measurement_id=step.measurement_id, value=row.value,
                                          reason=reason, imported_from=imported_from)
    return MeasureBenefitFromFile(benefit_id=step.benefit.id, measurement_id=step.measurement_id,
                                  value=row.value, effective_at=row.effective_at,
                                  source=row.source, note=row.note, imported_from=imported_from)


def _printable(name: str) -> str:
    """The file's name as recorded: one line of printable characters, at most 200."""
    return "".join(c for c in name if c.isprintable()).strip()[:200]
