"""The agencies' sheets merged into each register's rows, and every problem with a cell as a finding that
names the file, the sheet, the row as the spreadsheet numbers it and the column.

A row with an error (an unknown country or agency, a row claimed for another agency, a bad year, link or
value, an empty required cell) is left out of the annex until its sheet is fixed, and its finding says so;
a country written another way than the UN's is printed under the UN's name, and reported. The same row
kept by two agencies (or twice by one) is printed once, for both.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..codes import finding
from ..errors import JointreportError
from ..model import Finding, Place, Project, pick
from . import REVIEWED, Column, Register, Row, Sheet, add_months
from .countries import find, folded, name, suggestion
from .sheets import REVIEWED_HEADERS, as_text

AGENCY_SEPARATORS = re.compile(r"\s*[,;/]\s*")
YEARS = (1900, 2100)


@dataclass(frozen=True)
class Kept:
    """A row an agency keeps, with the day it was last reviewed: what the review period is held to."""

    sheet: Sheet
    row: int
    reviewed: dt.date


@dataclass
class Merged:
    rows: dict[str, list[Row]]  # register id → the rows its annex prints
    kept: list[Kept] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


@dataclass
class Overdue:
    """An agency's rows of one register that are past their review, for the board and the reminders."""

    sheet: Sheet
    rows: list[int]  # as the spreadsheet numbers them
    oldest: dt.date
    months: int


class _Problem(JointreportError):
    """A cell an annex cannot print; its code and message become the cell's finding."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def column_letter(number: int) -> str:
    """3 → 'C', 28 → 'AB': how a spreadsheet names a column (openpyxl's helper would load all of openpyxl)."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def where(sheet: Sheet, row: int | str | None = None, column: int | None = None) -> str:
    """'sheet 'Tools', row 4, column C (Country)': a place a person finds in the spreadsheet (`row` may
    be several: 'rows 3, 5–7')."""
    parts = [f"sheet {sheet.name!r}"] if sheet.name else []
    parts += [f"row {row}" if isinstance(row, int) else row] if row else []
    if column:
        parts.append(f"column {column_letter(column)} ({sheet.header.get(column, '')})")
    return ", ".join(parts)


def rows_at(sheet: Sheet, rows: list[int]) -> str:
    """"sheet 'Tools', rows 3, 5–7": several rows of a sheet, as a finding or an e-mail names them."""
    return where(sheet, f"row{'s' * (len(rows) > 1)} {spans(rows)}")


def spans(numbers: list[int]) -> str:
    """[3, 5, 6, 7, 9] → '3, 5–7, 9'."""
    runs: list[list[int]] = []
    for number in sorted(numbers):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}" for run in runs)


def merge(project: Project, sheets: list[Sheet]) -> Merged:
    """Every register's rows from its agencies' sheets, with a finding for every cell that cannot be used."""
    merged = Merged({ident: [] for ident in project.registers})
    seen: dict[tuple, Row] = {}
    for sheet in sheets:
        register = project.registers[sheet.register]
        columns = _columns(project, register, sheet, merged.findings)
        if columns is None:
            continue
        for number, values in sheet.rows:
            row = _row(project, register, sheet, columns, number, values, merged.findings)
            if row is None:
                continue
            merged.kept.append(Kept(sheet, number, row.reviewed))
            key = (register.id, tuple(_same(c, row.values.get(c.id)) for c in register.key_columns))
            first = seen.get(key)
            if first is None:
                seen[key] = row
                merged.rows[register.id].append(row)
                continue
            first.agencies = tuple(dict.fromkeys(first.agencies + row.agencies))
            first.reviewed = max(first.reviewed, row.reviewed)
            owner = register.first("agency")
            if owner is not None:
                first.values[owner.id] = first.agencies
            shorts = ", ".join(project.agencies[a].short for a in first.agencies)
            merged.findings.append(finding("registers/duplicate-row", Place(sheet.relpath, agency=sheet.agency),
                                           f"the same row as {first.where}: printed once, for {shorts}",
                                           location=where(sheet, number)))
    return merged


def _same(column: Column, value):
    """A key cell as compared for duplicates: text without case, accents or extra spaces."""
    return folded(value) if column.type in ("text", "url") and isinstance(value, str) else value


def placed(register: Register, sheet: Sheet) -> dict[int, str | None]:
    """Which of the register's columns each of the sheet's columns holds, by id or by a title in any
    language ('reviewed' for the review date; None for a column it does not know, or holds already)."""
    titles = {folded(t): c.id for c in register.columns for t in (c.id, *c.titles.values())}
    columns: dict[int, str | None] = {}
    for number, text in sheet.header.items():
        ident = titles.get(folded(text)) or (REVIEWED if folded(text) in REVIEWED_HEADERS else None)
        columns[number] = ident if ident not in columns.values() else None
    return columns


def _columns(project: Project, register: Register, sheet: Sheet, findings: list[Finding]) -> dict[int, str] | None:
    """The sheet's columns the register reads (a finding for each other one); None when a required column
    is missing, so no row can be read."""
    place, lang = Place(sheet.relpath, agency=sheet.agency), project.language
    columns = placed(register, sheet)
    for number, ident in columns.items():
        if ident is None:
            text = sheet.header[number]
            twice = folded(text) in {folded(sheet.header[n]) for n, i in columns.items() if i}
            known = ", ".join(c.title(lang, lang) for c in register.columns)
            why = "is there twice" if twice else f"is not a column of {register.title(lang, lang)} ({known})"
            findings.append(finding("registers/unknown-column", place, f"{text!r} {why}: its cells are not printed",
                                    location=where(sheet, sheet.header_row, number)))
    missing = [c for c in register.columns if c.required and c.type != "agency" and c.id not in columns.values()]
    if missing:
        names = ", ".join(repr(c.title(lang, lang)) for c in missing)
        findings.append(finding("registers/missing-column", place,
                                f"the header (row {sheet.header_row}) has no {names} column: the sheet's rows are "
                                "left out of the annex until it has", location=where(sheet, sheet.header_row)))
        return None
    return {number: ident for number, ident in columns.items() if ident}


def _row(project: Project, register: Register, sheet: Sheet, columns: dict[int, str], number: int, values: list,
         findings: list[Finding]) -> Row | None:
    """One sheet row as the register reads it, or None (with the findings why) when it cannot be printed."""
    cells = {ident: values[i - 1] if i - 1 < len(values) else None for i, ident in columns.items()}
    if not any(as_text(cells[ident]) for ident in columns.values() if ident != REVIEWED):
        return None  # an empty row, or one with only a date
    place = Place(sheet.relpath, agency=sheet.agency)
    position = {ident: i for i, ident in columns.items()}
    found, errors = {}, 0
    for column in register.columns:
        text = as_text(cells.get(column.id))
        try:
            found[column.id] = _value(project, register, column, sheet, cells.get(column.id), text)
        except _Problem as problem:
            errors += problem.code != "registers/country-variant"
            left_out = "" if problem.code == "registers/country-variant" else "; the row is left out of the annex"
            findings.append(finding(problem.code, place, f"{problem}{left_out}",
                                    location=where(sheet, number, position.get(column.id))))
            if problem.code == "registers/country-variant":
                found[column.id] = find(text, tuple(project.languages)).code
    reviewed = _reviewed(cells.get(REVIEWED), sheet, number, position.get(REVIEWED), findings)
    if errors:
        return None
    owner = register.first("agency")
    agencies = found[owner.id] if owner is not None else (sheet.agency,)
    return Row(register.id, found, agencies, reviewed, f"{sheet.relpath}, {where(sheet, number)}", place,
               {ident: where(sheet, number, position[ident]) for ident in found if ident in position})


def _value(project: Project, register: Register, column: Column, sheet: Sheet, cell, text: str):
    """A cell's value as its column's type reads it; `_Problem` when it cannot be used."""
    label = column.title(project.language, project.language)
    if not text:
        if column.type == "agency" and column is register.first("agency"):
            return (sheet.agency,)  # a row without its keeper is the sheet's agency's
        if column.required:
            raise _Problem("registers/missing-value", f"{label!r} is empty")
        return None
    if column.type == "country":
        return _country(project, text)
    if column.type == "agency":
        return _agencies(project, text, sheet.agency if column is register.first("agency") else None)
    if column.type == "year":
        year = int(cell) if isinstance(cell, (int, float)) and float(cell).is_integer() else \
            int(text) if re.fullmatch(r"\d{4}", text) else None
        if year is None or not YEARS[0] <= year <= YEARS[1]:
            raise _Problem("registers/bad-year", f"{label} {text!r} is not a year, such as 2011")
        return year
    if column.type == "url":
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or "." not in parts.netloc or " " in text:
            raise _Problem("registers/bad-url", f"{label} {text!r} is not a web address starting with https://")
        return text
    if column.type == "choice":
        for index, texts in enumerate(column.values):
            if folded(text) in {folded(t) for t in texts.values()}:
                return index
        choices = ", ".join(pick(t, project.language, project.language) for t in column.values)
        raise _Problem("registers/unknown-value", f"{label} {text!r} is not one of: {choices}")
    return text


def _country(project: Project, text: str) -> str:
    languages = tuple(project.languages)
    match = find(text, languages)
    if match is None:
        close = suggestion(text, languages)
        hint = f" (did you mean {close!r}?)" if close else "; write one country per row, as the UN names it"
        raise _Problem("registers/unknown-country", f"{text!r} is not a country jointreport knows{hint}")
    if not match.as_written:
        raise _Problem("registers/country-variant", f"{text!r} is written {name(match.code, project.language)!r} "
                                                    "(the UN's name); the report prints it so")
    return match.code


def _agencies(project: Project, text: str, keeper: str | None) -> tuple[str, ...]:
    """The agencies a cell names (ids, short or full names, in any language); a row's keeper column may
    name only the sheet's own agency."""
    names = {folded(n): ident for ident, agency in project.agencies.items()
             for n in (ident, agency.short, agency.name, *agency.names.values(), *agency.shorts.values())}
    found = []
    for part in filter(None, AGENCY_SEPARATORS.split(text)):
        ident = names.get(folded(part))
        if ident is None:
            known = ", ".join(a.short for a in project.agencies.values())
            raise _Problem("registers/unknown-agency", f"{part!r} is not an agency of the report ({known})")
        found.append(ident)
    others = [a for a in found if a != keeper]
    if keeper and others:
        short, theirs = project.agencies[keeper].short, project.agencies[others[0]].short
        raise _Problem("registers/other-agency", f"the row is claimed for {theirs}: {short}'s sheet holds "
                                                 f"{short}'s rows only; {theirs} lists its own")
    return tuple(dict.fromkeys(found))


def _reviewed(cell, sheet: Sheet, number: int, column: int | None, findings: list[Finding]) -> dt.date:
    """When the row was last reviewed: its own date, else the day its sheet arrived."""
    if cell is None or cell == "":
        return sheet.dated
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    try:
        return dt.date.fromisoformat(as_text(cell))
    except ValueError:
        findings.append(finding("registers/bad-date", Place(sheet.relpath, agency=sheet.agency),
                                f"{as_text(cell)!r} is not a date (YYYY-MM-DD): the row counts as reviewed when the "
                                f"sheet arrived, {sheet.dated.isoformat()}", location=where(sheet, number, column)))
        return sheet.dated


def overdue(project: Project, merged: Merged, as_of: dt.date) -> list[Overdue]:
    """Each agency's rows, per sheet, whose last review is older than their register's review period."""
    late: dict[str, Overdue] = {}
    for kept in merged.kept:
        register = project.registers[kept.sheet.register]
        if add_months(kept.reviewed, register.review_months) >= as_of:
            continue
        entry = late.setdefault(kept.sheet.relpath, Overdue(kept.sheet, [], kept.reviewed, register.review_months))
        entry.rows.append(kept.row)
        entry.oldest = min(entry.oldest, kept.reviewed)
    return list(late.values())
