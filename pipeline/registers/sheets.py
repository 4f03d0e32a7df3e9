"""Register sheets in and out: each agency's contributions/<agency>/registers/<register>.xlsx or .csv read
through the input guard, and rows written back as a workbook or CSV (the export, the portal's download).

A workbook is read with openpyxl in read-only mode, values only: a formula counts for the value Excel
saved with it and is never evaluated. Sizes are bounded before anything is parsed: the file, the
package's parts unpacked, the rows and columns read.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

from ..codes import finding
from ..errors import DraftError
from ..files import Unreadable, declares_doctype, decode_text, guarded_read
from ..history import commit_dates
from ..model import Finding, Place, Project
from ..wordml import check_package
from . import REGISTERS_DIR, SHEET_TYPES, Register, Sheet
from .countries import folded

MAX_SHEET_BYTES = 10_000_000
MAX_PART_BYTES = 50_000_000  # any part of a workbook unpacked (its rows' XML)
MAX_ROWS = 5_000  # rows of one agency's sheet: hundreds in practice
MAX_COLUMNS = 40
XLSX = "Excel .xlsx"
# What the optional review-date column may be called, in the report's usual languages.
REVIEWED_HEADERS = frozenset(map(folded, (
    "reviewed", "last reviewed", "reviewed on", "review date", "date reviewed", "revu le", "revu",
    "date de revue", "derniere revue", "revise le", "revisado", "revisado el", "fecha de revision",
    "ultima revision")))


def read_sheets(project: Project) -> tuple[list[Sheet], list[Finding]]:
    """Every agency's sheet of every register the project declares, in report.yaml's order of agencies;
    a file that cannot be a register's sheet is a finding naming it, and left out."""
    sheets, findings, dates = [], [], None
    for agency in project.agencies:
        folder = project.contributions_dir / agency / REGISTERS_DIR
        if not folder.is_dir() or folder.is_symlink() or (folder.parent.is_symlink()):
            continue
        seen: dict[str, str] = {}
        for path in sorted(folder.iterdir()):
            if path.name.startswith((".", "~$")) or (path.is_dir() and not path.is_symlink()):
                continue
            relpath = path.relative_to(project.root).as_posix()
            place = Place(relpath, agency=agency)
            problem = _misplaced(project, agency, path, seen)
            if problem:
                findings.append(finding(problem[0], place, problem[1]))
                continue
            seen[path.stem] = path.name
            if dates is None:
                dates = commit_dates(project.root)
            try:
                dated = dates.get(relpath) or dt.date.fromtimestamp(path.lstat().st_mtime)
                sheets.append(read_sheet(guarded_read(path, MAX_SHEET_BYTES), path.suffix.lower(),
                                         project.registers[path.stem], agency, relpath, dated))
            except Unreadable as exc:
                findings.append(finding("input/unreadable", place, str(exc)))
    return sheets, findings


def _misplaced(project: Project, agency: str, path, seen: dict[str, str]) -> tuple[str, str] | None:
    """Why a file of an agency's registers/ folder is no sheet of a register it keeps, or None."""
    if path.suffix.lower() not in SHEET_TYPES:
        old = " (the old Excel format: save it as .xlsx)" if path.suffix.lower() == ".xls" else ""
        return "input/unreadable", f"'{path.suffix}' is not a register sheet{old}; send .xlsx or .csv"
    register = project.registers.get(path.stem)
    if register is None:
        known = ", ".join(project.registers) or "none: report.yaml declares no `registers:`"
        return "registers/unknown-register", (f"'{path.stem}' is not a register of report.yaml (registers: {known});"
                                              " name the sheet after the register it holds rows of")
    if agency not in register.contributors:
        return "registers/not-contributor", (f"{project.agencies[agency].short} does not keep rows of "
                                             f"'{path.stem}' (report.yaml names its contributors); the sheet is "
                                             "left out")
    if path.stem in seen:
        return "registers/two-sheets", f"{seen[path.stem]} holds this register's rows already; keep one sheet"
    return None


def read_sheet(data: bytes, suffix: str, register: Register, agency: str, relpath: str, dated: dt.date) -> Sheet:
    """One sheet's header and rows: the header is the first row naming one of the register's columns
    (a title above it is no row), else the first row with anything in it."""
    name, rows = (("", _csv_rows(data)) if suffix == ".csv" else _workbook_rows(data))
    known = {folded(c.id) for c in register.columns} | {folded(t) for c in register.columns
                                                        for t in c.titles.values()} | REVIEWED_HEADERS
    filled = [(number, values) for number, values in rows if any(as_text(v) for v in values)]
    if not filled:
        raise Unreadable("has no rows: fill in the sheet under its header row (the columns of "
                         f"{register.id}: {', '.join(c.id for c in register.columns)})")
    header_at = next((i for i, (_, values) in enumerate(filled) if any(folded(as_text(v)) in known for v in values)), 0)
    number, values = filled[header_at]
    header = {column: as_text(v) for column, v in enumerate(values, start=1) if as_text(v)}
    return Sheet(register.id, agency, relpath, name, number, header, filled[header_at + 1:], dated)


def as_text(value) -> str:
    """A header or cell as text: numbers as written (2011, not 2011.0), dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)


def _csv_rows(data: bytes) -> list[tuple[int, list]]:
    """A CSV file's rows, the separator found from its first line (Excel writes ';' in many languages)."""
    text = decode_text(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096].split("\n", 1)[0] or ",", delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text, newline=""), dialect), start=1):
            if number > MAX_ROWS + 1:
                raise Unreadable(f"has more than {MAX_ROWS:,} rows; a register sheet holds one agency's rows")
            rows.append((number, values[:MAX_COLUMNS]))
    except csv.Error as exc:
        raise Unreadable(f"is not a CSV file jointreport can read ({exc}); save it again as CSV UTF-8") from None
    return rows


def _workbook_rows(data: bytes) -> tuple[str, list[tuple[int, list]]]:
    """The first worksheet's name and rows, after the package passed the zip and XML checks."""
    try:
        names = check_package(data, "xl/workbook.xml", XLSX)
    except DraftError as exc:
        raise Unreadable(str(exc)) from None
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for info in package.infolist():
            if info.file_size > MAX_PART_BYTES:
                raise Unreadable(f"{info.filename} unpacks to {info.file_size // 1_000_000} MB, more than a "
                                 "register's rows ever need; copy the rows into a new workbook")
            if info.filename in names and info.filename.endswith((".xml", ".rels")):
                with package.open(info) as part:
                    crafted = declares_doctype(part)
                if crafted:
                    raise Unreadable("the workbook's XML declares entities, which Excel and LibreOffice never "
                                     "write; save it again from Excel as .xlsx")
    from openpyxl import load_workbook  # openpyxl loads slowly; only register sheets need it here
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            if not book.worksheets:
                raise Unreadable("has no worksheet; put the rows on the first sheet")
            sheet = book.worksheets[0]
            rows = []
            for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
                if number > MAX_ROWS + 1 and any(v is not None for v in values):
                    raise Unreadable(f"has more than {MAX_ROWS:,} rows; a register sheet holds one agency's rows")
                if number <= MAX_ROWS + 1:
                    rows.append((number, list(values)))
            return sheet.title, rows
        finally:
            book.close()
    except Unreadable:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a file that is no workbook
        raise Unreadable(f"not a workbook jointreport can read ({type(exc).__name__}); open it in Excel or "
                         "LibreOffice and save it again as .xlsx") from None


def workbook(title: str, header: list[str], rows: list[list], choices: dict[str, list[str]] | None = None) -> bytes:
    """Rows as a one-sheet workbook (bold header, filters, widths, a drop-down for each column in
    `choices`), for a person to edit or publish."""
    from ..spreadsheet import workbook as sheets  # openpyxl loads slowly
    return sheets({title: (header, rows)}, choices=choices)


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    """Rows as CSV in UTF-8 with a byte-order mark, which Excel needs to read it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
