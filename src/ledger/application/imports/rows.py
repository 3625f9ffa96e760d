"""The rows of a measurements file as typed values: its header mapped to the columns, and each
row's cells read as benefit, value, effective_at, source and note, or refused by rule."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from pydantic import ValidationError

from ledger.application.commands.benefits import Measure
from ledger.application.imports.reading import Cell, Formula, Merged, Sheet, blank, normal_name
from ledger.domain.base import MAX_CLOCK_SKEW
from ledger.domain.errors import InvalidRows

COLUMNS = ("benefit", "value", "effective_at", "source", "note")
REQUIRED = ("benefit", "value", "effective_at", "source")
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_HINT = "give a date (2025-03-31) or a date-time with its zone (2025-03-31T17:00:00+01:00)"


@dataclass(frozen=True)
class Problem:
    """Why a row (or, with row None, the file) is refused: which column and which rule."""

    row: int | None
    column: str
    rule: str
    message: str

    @property
    def field(self) -> str:
        return self.column if self.row is None else f"row {self.row}, {self.column}"


@dataclass(frozen=True)
class Row:
    """One measurement as the file states it; ``benefit`` is still a name or an id."""

    row: int
    benefit: str
    value: float
    effective_at: datetime
    source: str
    note: str

    @property
    def day(self) -> date:
        return self.effective_at.astimezone(UTC).date()


def refused(problems: list[Problem]) -> InvalidRows:
    rows = sorted({p.row for p in problems if p.row is not None})
    listed = ", ".join(map(str, rows[:20])) + (" …" if len(rows) > 20 else "")
    where = f"{len(rows)} row(s) ({listed})" if rows else "its header"
    return InvalidRows(f"the file was refused as a whole, so nothing was recorded: {where} "
                       "broke a rule; each is listed by row, column and rule",
                       [(p.field, p.rule, p.message) for p in problems])


def columns_of(sheet: Sheet) -> dict[str, int]:
    """Each column's position in the header; the header must name each required column
    once and nothing else."""
    positions: dict[str, int] = {}
    problems: list[Problem] = []
    for index, cell in enumerate(sheet.header):
        name = normal_name(cell) if isinstance(cell, str | int | float) else ""
        if isinstance(cell, Merged | Formula) or (not blank(cell) and name not in COLUMNS):
            problems.append(Problem(None, "header", "unknown_column", (
                f"column {index + 1} is headed {_shown(cell)}; the columns are "
                f"{', '.join(COLUMNS)} (note may be left out), and the first line is the "
                "header: separate columns with commas, semicolons or tabs")))
        elif name in positions:
            problems.append(Problem(None, "header", "duplicate_column",
                                    f"column '{name}' appears twice"))
        elif name:
            positions[name] = index
    problems += [Problem(None, "header", "missing_column", f"no column named '{name}'")
                 for name in REQUIRED if name not in positions]
    if problems:
        raise refused(problems)
    return positions


@dataclass(frozen=True)
class Parsed:
    """The rows read whole, the problems found, and the benefit each refused row names (so
    an unknown benefit is reported beside its row's other problems)."""

    rows: list[Row]
    problems: list[Problem]
    named: list[tuple[int, str]]


def parse_rows(sheet: Sheet, columns: dict[str, int], now: datetime) -> Parsed:
    parsed = Parsed([], [], [])
    for number, cells in sheet.rows:
        row, found = _parse(number, cells, columns, now)
        parsed.problems.extend(found)
        if row is not None:
            parsed.rows.append(row)
        elif "benefit" not in {p.column for p in found}:
            parsed.named.append((number, _text(cells[columns["benefit"]])
                                 if columns["benefit"] < len(cells) else ""))
    return parsed


def _parse(number: int, cells: list[Cell], columns: dict[str, int], now: datetime
           ) -> tuple[Row | None, list[Problem]]:
    problems = [Problem(number, f"column {i + 1}", "cell_outside_columns",
                        f"{_shown(c)} lies in a column with no header")
                for i, c in enumerate(cells) if i not in columns.values() and not blank(c)]
    values: dict[str, Any] = {}
    for name in COLUMNS:
        cell = cells[columns[name]] if name in columns and columns[name] < len(cells) else None
        try:
            values[name] = _READERS[name](cell)
        except _Refused as why:
            problems.append(Problem(number, name, why.rule, why.message))
    if not problems and values["effective_at"] > now + MAX_CLOCK_SKEW:
        problems.append(Problem(number, "effective_at", "future_date", (
            f"{values['effective_at'].isoformat()} lies in the future; a measurement can "
            "only be recorded once it is true")))
    if problems:
        return None, problems
    try:  # the same rules as a measurement posted to the API
        Measure.model_validate({k: values[k] for k in ("value", "effective_at", "source",
                                                       "note")})
    except ValidationError as error:
        return None, [Problem(number, str(e["loc"][0]), "invalid_value", e["msg"])
                      for e in error.errors()]
    return Row(number, **values), []


class _Refused(Exception):
    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


def _plain(cell: Cell, required: bool) -> Cell:
    if isinstance(cell, Merged):
        raise _Refused("merged_cells", f"the cell is merged ({cell.cells}); unmerge it and "
                                       "repeat the value in every row")
    if isinstance(cell, Formula) or (isinstance(cell, str) and cell.lstrip().startswith("=")):
        raise _Refused("formula", f"the cell holds a formula ({_shown(cell)}); export the "
                                  "values, not the formulas")
    if required and blank(cell):
        raise _Refused("required", "is empty")
    return cell


def _text(cell: Cell, required: bool = True) -> str:
    cell = _plain(cell, required)
    if cell is None:
        return ""
    if isinstance(cell, bool) or not isinstance(cell, str | int | float):
        raise _Refused("not_text", f"{_shown(cell)} is not text")
    return str(cell).strip()


def _number(cell: Cell) -> float:
    cell = _plain(cell, True)
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        number = float(cell)
    elif isinstance(cell, str) and NUMBER.match(cell.strip()):
        number = float(cell.strip())
    else:
        raise _Refused("not_a_number", f"{_shown(cell)} is not a number; write it like "
                                       "1234.5 (a point for decimals, no thousands separator)")
    if not math.isfinite(number):
        raise _Refused("not_a_number", f"{_shown(cell)} is not a finite number")
    return number


def _moment(cell: Cell) -> datetime:
    """A date is its first moment in UTC; a spreadsheet's date-time (which has no zone) is
    read as UTC; a written date-time must name its zone."""
    cell = _plain(cell, True)
    if isinstance(cell, datetime):
        return cell.replace(tzinfo=UTC) if cell.tzinfo is None else cell.astimezone(UTC)
    if isinstance(cell, date):
        return datetime.combine(cell, time(), UTC)
    if not isinstance(cell, str):
        raise _Refused("not_a_date", f"{_shown(cell)} is not a date; {DATE_HINT}")
    text = cell.strip()
    try:
        if DAY.match(text):
            return datetime.combine(date.fromisoformat(text), time(), UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        if moment.tzinfo is None:
            raise _Refused("no_time_zone", f"{text!r} names no time zone; {DATE_HINT}")
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise _Refused("not_a_date", f"{_shown(cell)} is not a date; {DATE_HINT}") from None


_READERS: dict[str, Callable[[Cell], Any]] = {
    "benefit": _text, "value": _number, "effective_at": _moment, "source": _text,
    "note": lambda cell: _text(cell, required=False),
}


def _shown(cell: Cell) -> str:
    """A cell as an error message quotes it: short, and on one line."""
    if isinstance(cell, Formula):
        cell = cell.text
    text = repr(cell if isinstance(cell, str) else str(cell))
    return text if len(text) <= 60 else text[:57] + "…'"
