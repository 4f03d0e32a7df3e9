"""A register's rows as an edition shows them: each cell's text in the edition's language, the rows in the
edition's alphabetical order, in the groups the register declares. The annex and the export both read
rows through here, so they print the same names in the same order.

Alphabetical order is the Unicode Collation Algorithm with its default table (pyuca): accents and case
count only between otherwise equal names ('Égypte' before 'El Salvador'), whatever the machine's locale.
It is not tailored per language (Spanish 'ñ' sorts as an accented 'n').
"""

from __future__ import annotations

import functools

import pyuca

from ..model import Project, pick
from . import Column, Register, Row
from .countries import name


@functools.cache
def _collator() -> pyuca.Collator:
    return pyuca.Collator()


def collate(text: str) -> tuple:
    """The key that sorts a text alphabetically (see the module's note)."""
    return _collator().sort_key(text)


def cell_text(column: Column, value, edition: Project) -> str:
    """What a cell shows in the edition's language: a country's UN name, an agency's short name, a
    choice's label; years, links and text as they are."""
    if value is None or value == "":
        return ""
    if column.type == "country":
        return name(value, edition.language)
    if column.type == "agency":
        return ", ".join(edition.agencies[a].short for a in value)
    if column.type == "choice":
        return pick(column.values[value], edition.language, edition.source_language)
    return str(value)


def _key(column: Column, value, edition: Project, newest_first: bool) -> tuple:
    if value is None or value == "":
        return (1,)  # empty cells last
    if column.type == "year":
        return (0, -value if newest_first else value)
    if column.type == "choice":
        return (0, value)  # in the declared order
    if column.type == "agency":
        order = list(edition.agencies)
        return (0, tuple(order.index(a) for a in value))
    return (0, collate(cell_text(column, value, edition)))


def ordered(register: Register, rows: list[Row], edition: Project) -> list[Row]:
    """Rows in the register's order: by its `sort_by` columns ('-year': newest first), else by every
    column from the left, alphabetically in the edition's language."""
    wanted = register.sort_by or tuple(c.id for c in register.columns)
    columns = [(register.column(ident.lstrip("-")), ident.startswith("-")) for ident in wanted]
    return sorted(rows, key=lambda row: tuple(_key(c, row.values.get(c.id), edition, newest) for c, newest in columns))


def grouped(register: Register, rows: list[Row], edition: Project) -> list[tuple[str, list[Row]]]:
    """(group title, its rows in order) for each value of the register's `group_by` column, the groups
    in alphabetical order (agencies in report.yaml's); one untitled group when it declares none."""
    rows = ordered(register, rows, edition)
    column = register.column(register.group_by) if register.group_by else None
    if column is None:
        return [("", rows)] if rows else []
    groups: dict = {}
    for row in rows:
        groups.setdefault(row.values.get(column.id) or "", []).append(row)
    keys = sorted(groups, key=lambda value: _key(column, value, edition, False))
    return [(cell_text(column, value, edition), groups[value]) for value in keys]
