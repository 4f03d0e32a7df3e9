"""Registers as tables to hand out: the merged register for the coalition's website (`registers export`),
and one agency's own sheet to edit and send back (the portal's download, and what an upload is stored
as)."""

from __future__ import annotations

from .. import i18n
from ..model import Project, pick
from . import REVIEWED, Register, Row, Sheet
from .countries import alpha3
from .merge import placed
from .view import cell_text, grouped


def merged_table(edition: Project, register: Register, rows: list[Row]) -> tuple[list[str], list[list]]:
    """Every printed row of a register in the annex's order, each cell as the edition in its language
    shows it but links in full; a country also by its ISO 3166 alpha-3 code, for maps."""
    lang, source = edition.language, edition.source_language
    header: list[str] = []
    for column in register.columns:
        header.append(column.title(lang, source))
        if column.type == "country":
            header.append(f"{column.title(lang, source)} (ISO 3166)")
    if register.first("agency") is None:
        header.append(i18n.text(lang, "register_agencies"))
    header.append(i18n.text(lang, "register_reviewed"))
    table = []
    for _, members in grouped(register, rows, edition):
        for row in members:
            cells: list = []
            for column in register.columns:
                value = row.values.get(column.id)
                cells.append(value if column.type == "year" else cell_text(column, value, edition))
                if column.type == "country":
                    cells.append(alpha3(value) if value else "")
            if register.first("agency") is None:
                cells.append(", ".join(edition.agencies[a].short for a in row.agencies))
            table.append(cells + [row.reviewed])
    return header, table


def agency_table(project: Project, register: Register, sheet: Sheet | None) -> tuple[list[str], list[list]]:
    """An agency's sheet in the register's own columns (titles in the report's language), its rows as the
    agency wrote them, each with the day it was last reviewed (its own date, else the sheet's); columns
    the register does not know kept at the end. No sheet: the header alone, to fill in."""
    lang = project.source_language
    header = [c.title(lang, lang) for c in register.columns] + [i18n.text(lang, "register_reviewed")]
    if sheet is None:
        return header, []
    titles = {c.id: c for c in register.columns}
    columns = placed(register, sheet)
    extra = [number for number, ident in columns.items() if ident is None]
    header += [sheet.header[number] for number in extra]
    where = {ident: number for number, ident in columns.items() if ident}
    table = []
    for _, values in sheet.rows:
        cells = dict(enumerate(values, start=1))
        table.append([cells.get(where.get(ident)) for ident in titles]
                     + [cells.get(where.get(REVIEWED)) or sheet.dated] + [cells.get(number) for number in extra])
    return header, table


def choices(project: Project, register: Register) -> dict[str, list[str]]:
    """The drop-down of each fixed-list column of an agency's sheet: its values in the report's language."""
    lang = project.source_language
    return {c.title(lang, lang): [pick(v, lang, lang) for v in c.values] for c in register.columns if c.values}
