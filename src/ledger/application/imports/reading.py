"""Reading an imported file: CSV or XLSX bytes to a header and rows of cells. What cannot be
read is refused with the reason a person can act on, never with the parser's exception."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from ledger.domain.errors import InvalidRows, TooLarge

XLSX_MAGIC = b"PK\x03\x04"
OLD_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
EXPANSION = 20  # an XLSX may unzip to this many times its limit, and no more
MAX_COLUMNS = 26  # A to Z: five columns are named, and a sheet's grid is read whole
SLACK_ROWS = 1000  # blank but formatted rows a sheet may carry beyond its data
DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class Formula:
    """A cell that holds a formula instead of a value."""

    text: str


@dataclass(frozen=True)
class Merged:
    """A cell inside a merged range."""

    cells: str


Cell = str | float | int | bool | datetime | date | time | timedelta | Formula | Merged | None
PLAIN = (str, float, int, bool, datetime, date, time, timedelta)


@dataclass(frozen=True)
class Sheet:
    """A file's header (as written) and its data rows, each with the row number a
    spreadsheet shows (the header is row 1 when it is the first line)."""

    format: str
    header: list[Cell]
    header_row: int
    rows: list[tuple[int, list[Cell]]]


def refuse(message: str, rule: str, field: str = "file") -> InvalidRows:
    return InvalidRows(f"the file was refused: {message}", [(field, rule, message)])


def read_sheet(content: bytes, columns: tuple[str, ...], max_bytes: int,
               max_rows: int) -> Sheet:
    """The header and non-blank rows of a CSV (UTF-8) or XLSX file (its first sheet).
    ``columns`` are the names a header may use: a CSV's delimiter is the one that finds most
    of them in its first line."""
    if len(content) > max_bytes:
        raise TooLarge(f"the file has {len(content)} bytes; the limit is {max_bytes}")
    if not content.strip():
        raise refuse("the file is empty; send a header row and at least one data row",
                     "empty_file")
    if content.startswith(XLSX_MAGIC):
        sheet = _xlsx(content, max_bytes * EXPANSION, max_rows)
    elif content.startswith(OLD_XLS_MAGIC):
        raise refuse("this is an old-style .xls workbook; save it as .xlsx or as CSV UTF-8",
                     "unknown_format")
    else:
        sheet = _csv(content, columns, max_rows)
    if not sheet.rows:
        raise refuse("the file has a header but no data rows", "no_rows")
    return sheet


def _csv(content: bytes, columns: tuple[str, ...], max_rows: int) -> Sheet:
    if b"\x00" in content:
        raise refuse("the file holds binary data (NUL bytes); send CSV text or an XLSX "
                     "workbook", "unknown_format")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise refuse(f"the file is not UTF-8 text (byte {error.start} cannot be read); save "
                     "it as CSV UTF-8", "not_utf8") from None
    first = next((line for line in io.StringIO(text) if line.strip()), "")
    delimiter = max(DELIMITERS, key=lambda d: len({normal_name(n) for n in first.split(d)}
                                                  & set(columns)))
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    numbered: list[tuple[int, list[Cell]]] = []  # blank lines are skipped, not kept
    try:
        for number, record in enumerate(records, start=1):
            if any(c.strip() for c in record):
                numbered.append((number, list(record)))
                if len(numbered) > max_rows + 1:
                    break
    except csv.Error as error:
        raise refuse(f"record {records.line_num} cannot be read as CSV ({error})",
                     "malformed_csv") from None
    return _sheet("csv", numbered, max_rows)


def normal_name(name: object) -> str:
    """A header as compared: case, surrounding spaces and inner spaces or dashes ignored."""
    text = str(name).strip().lower() if name is not None else ""
    return "_".join(text.replace("-", " ").split())


def _xlsx(content: bytes, max_expanded: int, max_rows: int) -> Sheet:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError):  # a zip feature
        # Python cannot read (NotImplementedError: "zip file version 6.4") is a 422 too
        raise refuse("the file starts like an XLSX workbook but is not a readable zip "
                     "archive", "unreadable_xlsx") from None
    if expanded > max_expanded:
        raise TooLarge(f"the workbook unzips to {expanded} bytes; the limit is {max_expanded}")
    worksheet = _first_worksheet(content)
    if worksheet.max_column > MAX_COLUMNS or worksheet.max_row > max_rows + SLACK_ROWS:
        raise refuse(f"the sheet's used range ({worksheet.dimensions}) is far larger than "
                     f"{max_rows} rows of measurements; delete the unused rows and columns",
                     "too_many_rows")
    merged = {(row, column): Merged(str(cells))
              for cells in worksheet.merged_cells.ranges
              for row, column in cells.cells}
    rows = [(number, [merged.get((cell.row, cell.column)) or _value(cell) for cell in row])
            for number, row in enumerate(worksheet.iter_rows(), start=1)]
    return _sheet("xlsx", [(n, cells) for n, cells in rows if any(not blank(c) for c in cells)],
                  max_rows)


def _first_worksheet(content: bytes) -> Any:
    from openpyxl import load_workbook  # loaded only when an XLSX arrives

    try:
        workbook = load_workbook(io.BytesIO(content), data_only=False)
        worksheet = workbook.worksheets[0]
    except Exception as error:
        raise refuse(f"the workbook cannot be read ({type(error).__name__}); open and save "
                     "it again in a spreadsheet program, or export CSV UTF-8",
                     "unreadable_xlsx") from None
    return worksheet


def _value(cell: Any) -> Cell:
    value = cell.value
    if cell.data_type == "f" or not (value is None or isinstance(value, PLAIN)):
        return Formula(str(getattr(value, "text", value)))
    return value


def _sheet(kind: str, numbered: list[tuple[int, list[Cell]]], max_rows: int) -> Sheet:
    """Header = the first non-blank row; data = the non-blank rows after it."""
    if not numbered:
        raise refuse("the file has no header row", "empty_file")
    (header_row, header), data = numbered[0], numbered[1:]
    if len(data) > max_rows:
        raise refuse(f"the file has more than {max_rows} data rows; split it into files of "
                     f"at most {max_rows}", "too_many_rows")
    return Sheet(kind, header, header_row, data)


def blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())
