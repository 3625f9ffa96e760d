"""A month-end finance export as finance teams send it: an XLSX workbook made with openpyxl,
a header row, dates as Excel dates, numbers as numbers, and a total row at the bottom."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook

BENEFIT = "O2C cycle time"
HEADER = ["Benefit", "Value", "Effective at", "Source", "Note"]
MONTHS = [(datetime(2025, 1, 31), 44.2, "January close"),
          (datetime(2025, 2, 28), 43.1, ""),
          (datetime(2025, 3, 31), 41.8, "New invoicing run live")]
TOTAL_ROW = 6  # row 5 is left blank, as exports often do before the total


def finance_export(*, with_total: bool = True, benefit: str = BENEFIT) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Benefits Q1"
    sheet.append(HEADER)
    for moment, value, note in MONTHS:
        sheet.append([benefit, value, moment, "SAP FI month-end close", note or None])
        sheet.cell(row=sheet.max_row, column=3).number_format = "dd/mm/yyyy"
    if with_total:
        sheet.cell(row=TOTAL_ROW, column=1, value="Total")
        sheet.cell(row=TOTAL_ROW, column=2, value="=SUM(B2:B4)")
        sheet.cell(row=TOTAL_ROW, column=3, value=datetime(2025, 3, 31)).number_format = \
            "dd/mm/yyyy"
        sheet.cell(row=TOTAL_ROW, column=4, value="SAP FI month-end close")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
