"""Shared registers: tables the agencies keep together (which agency does what in which country, each
agency's key publications and tools) and the report prints as annexes.

A register is declared in report.yaml (`registers:`), with typed columns; each agency keeps its own rows
in contributions/<agency>/registers/<register>.xlsx (or .csv), or sends them through the portal. The
read phase gives the sheets as they are (`Sheet`); `merge` turns them into the rows the annexes print and
the findings the check reports; `overdue` says whose rows are past their review. This package is a
library: the load, read, check and assemble phases each use the part they need.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from ..model import Place, pick

REGISTERS_DIR = "registers"  # contributions/<agency>/registers/<register>.xlsx
SHEET_TYPES = (".xlsx", ".csv")
COLUMN_TYPES = ("country", "agency", "text", "year", "url", "choice")
DEFAULT_REVIEW_MONTHS = 6  # the coalition's rule: shared information is updated at least every six months
REVIEWED = "reviewed"  # the optional column that dates each row's last review


@dataclass(frozen=True)
class Column:
    """One declared column: its id, type and title (one per language); a `choice` column's values are
    each one text per language, printed in the edition's language whichever one a sheet uses."""

    id: str
    type: str
    titles: dict = field(default_factory=dict, compare=False)
    required: bool = False
    values: tuple = ()

    def title(self, lang: str, fallback: str) -> str:
        return pick(self.titles, lang, fallback) or self.id


@dataclass(frozen=True)
class Register:
    id: str
    titles: dict
    columns: tuple[Column, ...]
    contributors: tuple[str, ...]  # agency ids that keep rows in it
    review_months: int = DEFAULT_REVIEW_MONTHS
    intros: dict = field(default_factory=dict)  # language → the sentence printed under the annex's title
    group_by: str | None = None  # a column id: the annex prints one group of rows per value
    sort_by: tuple[str, ...] = ()  # column ids, "-year" for newest first; default: the columns in order
    key: tuple[str, ...] = ()  # the columns that make two rows the same row (default: all but agencies)
    matrix: bool = False  # the annex adds a country × agency table

    def title(self, lang: str, fallback: str) -> str:
        return pick(self.titles, lang, fallback) or self.id

    def column(self, ident: str) -> Column | None:
        return next((c for c in self.columns if c.id == ident), None)

    def first(self, kind: str) -> Column | None:
        """The first column of a type: the country column, or the agency column that names a row's keeper."""
        return next((c for c in self.columns if c.type == kind), None)

    @property
    def key_columns(self) -> tuple[Column, ...]:
        return tuple(self.column(c) for c in self.key) if self.key else tuple(
            c for c in self.columns if c.type != "agency")


@dataclass
class Sheet:
    """One agency's sheet for one register, as the read phase found it: the header row and every row
    below it, each with the number the spreadsheet gives it."""

    register: str
    agency: str
    relpath: str
    name: str  # the worksheet's name; "" for a CSV file
    header_row: int
    header: dict[int, str]  # column number (1 = A) → the header cell's text, for every non-empty one
    rows: list[tuple[int, list]]  # (row number, cell values from column A on); empty rows left out
    dated: dt.date  # when the sheet arrived: the date of a row whose own review date is not given


@dataclass
class Row:
    """A row the annex prints: each column's value as the register reads it (a country's ISO code, an
    agency id, a year as a number, a choice's position), and who keeps it."""

    register: str
    values: dict
    agencies: tuple[str, ...]  # its keeper, and every other agency that listed the same row
    reviewed: dt.date
    where: str  # the file, sheet and row it was first read from
    place: Place | None = None  # that file, and the agency whose sheet it is
    cells: dict = field(default_factory=dict)  # column id → its cell there ("sheet 'Tools', row 4, column C (Tool)")


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
