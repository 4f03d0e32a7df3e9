"""Spreadsheets for coordinators, who live in Excel: a frozen header, filters, wrapped text, sensible widths."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

HEADER_FILL = PatternFill("solid", fgColor="1B365D")
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters an XLSX cell may not hold
SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def workbook(sheets: dict[str, tuple[list[str], list[list]]], widths: dict[str, int] | None = None,
             choices: dict[str, list[str]] | None = None) -> bytes:
    """One sheet per entry: name → (header, rows). Column widths by header name, else by content; a column
    named in `choices` offers those values in a drop-down."""
    book = Workbook()
    book.remove(book.active)
    for name, (header, rows) in sheets.items():
        sheet = book.create_sheet(SHEET_NAME.sub("-", name)[:31] or "Sheet")
        sheet.append(header)
        for row in rows:
            sheet.append([ILLEGAL.sub("", v) if isinstance(v, str) else v for v in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = HEADER_FILL
        for column, title in enumerate(header, start=1):
            longest = max([len(str(title))] + [len(str(r[column - 1] or "")) for r in rows[:200]])
            width = (widths or {}).get(title) or min(60, max(10, longest + 2))
            sheet.column_dimensions[get_column_letter(column)].width = width
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        for column, title in enumerate(header, start=1):
            if title in (choices or {}):
                letter = get_column_letter(column)
                rule = DataValidation(type="list", formula1='"' + ",".join(choices[title]) + '"', allow_blank=True)
                sheet.add_data_validation(rule)
                rule.add(f"{letter}2:{letter}{max(2, len(rows) + 1)}")
        sheet.freeze_panes = "A2"
        if rows:
            sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_rows(data: bytes) -> list[dict[str, str]]:
    """The first sheet's rows as {header: text}, for reading a filled-in matrix back."""
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = book.worksheets[0].iter_rows(values_only=True)
    header = [str(h or "").strip().lower() for h in next(rows, [])]
    return [{h: "" if v is None else str(v) for h, v in zip(header, row, strict=True)} for row in rows if any(row)]
