"""report.yaml's `registers:`: the tables the agencies keep together, with their columns, who keeps rows
in them and how often each row must be reviewed; each printed as an annex."""

from __future__ import annotations

from ..registers import COLUMN_TYPES, DEFAULT_REVIEW_MONTHS, REVIEWED, Column, Register
from ..schema import Field, Validator, mark_of
from .outline import ID_PATTERN

COLUMN = Field("map", help="One column of the register's sheets.", fields={
    "id": Field("str", required=True, help="Short id (lower-case letters, digits, hyphens); a sheet's header may "
                                           "use it or any of the column's titles."),
    "title": Field("text", required=True, help="The column's heading in the annex, or one per language."),
    "type": Field("str", default="text", choices=COLUMN_TYPES,
                  help="country: a country (the UN's name in each edition); agency: agencies of report.yaml (the "
                       "first such column names who keeps the row, the sheet's agency when empty); text; year; "
                       "url: an http(s) link; choice: one of `values`."),
    "required": Field("bool", default=False, help="true: a row without this cell is left out, with a finding."),
    "values": Field("list", items=Field("text", required=True),
                    help="For a choice column: the values it allows, each one text or one per language."),
})
REGISTER = Field("map", help="A table the agencies keep together, printed as an annex.", fields={
    "title": Field("text", required=True, help="The annex's title, or one per language."),
    "intro": Field("text", default={}, help="A sentence printed under the title, or one per language."),
    "columns": Field("list", required=True, items=COLUMN, help="The columns of its sheets, in order."),
    "contributors": Field("list", items=Field("str", required=True),
                          help="The agency ids that keep rows in it (default: every agency)."),
    "review_months": Field("int", default=DEFAULT_REVIEW_MONTHS,
                           help="A row not reviewed for this many months is a finding for its agency."),
    "group_by": Field("str", help="A column id: the annex prints the rows in one group per value."),
    "sort_by": Field("list", items=Field("str", required=True),
                     help="Column ids the rows are sorted by ('-year': newest first); default: every column."),
    "key": Field("list", items=Field("str", required=True),
                 help="Column ids that make two rows the same (printed once); default: all but agency columns."),
    "matrix": Field("bool", default=False,
                    help="true: the annex adds a table of countries by agency (needs a country column)."),
})
REGISTERS = Field("dict", default={}, values=REGISTER,
                  help="Shared registers, by id: each agency keeps its rows in "
                       "contributions/<agency>/registers/<id>.xlsx (or .csv); each is printed as an annex.")


def build_registers(raw, registers: dict, agencies: list[str], validator: Validator) -> dict[str, Register]:
    """The declared registers, each checked against itself and the agencies; a wrong one is left out
    with an error at its file:line:col."""
    result = {}
    for ident, entry in registers.items():
        if not entry:
            continue
        at = ("registers", ident)
        problems = len(validator.errors)
        if not ID_PATTERN.match(ident):
            validator.error(mark_of(raw, *at), f"registers.{ident}",
                            "register ids must be lower-case letters, digits and hyphens (they name the sheets)")
        columns = _columns(raw, ident, entry["columns"] or [], validator)
        contributors = entry["contributors"] if entry["contributors"] is not None else list(agencies)
        for agency in contributors:
            if agency not in agencies:
                validator.error(mark_of(raw, *at, "contributors"), f"registers.{ident}.contributors",
                                f"unknown agency {agency!r} (agencies are declared in report.yaml)")
        names = {c.id: c for c in columns}
        for key in ("sort_by", "key"):
            for name in entry[key] or []:
                if name.lstrip("-") not in names:
                    validator.error(mark_of(raw, *at, key), f"registers.{ident}.{key}", f"no column {name!r}")
        if entry["group_by"] and entry["group_by"] not in names:
            validator.error(mark_of(raw, *at, "group_by"), f"registers.{ident}.group_by",
                            f"no column {entry['group_by']!r}")
        if entry["matrix"] and not any(c.type == "country" for c in columns):
            validator.error(mark_of(raw, *at, "matrix"), f"registers.{ident}.matrix",
                            "a country × agency table needs a column of type country")
        if entry["review_months"] < 1:
            validator.error(mark_of(raw, *at, "review_months"), f"registers.{ident}.review_months",
                            "should be a number of months, 1 or more")
        if len(validator.errors) == problems:
            result[ident] = Register(ident, entry["title"] or {}, tuple(columns), tuple(contributors),
                                     entry["review_months"], entry["intro"] or {}, entry["group_by"],
                                     tuple(entry["sort_by"] or ()), tuple(entry["key"] or ()), entry["matrix"])
    return result


def _columns(raw, ident: str, entries: list, validator: Validator) -> list[Column]:
    columns: list[Column] = []
    for i, entry in enumerate(entries):
        where, keypath = mark_of(raw, "registers", ident, "columns", i), f"registers.{ident}.columns[{i}]"
        if not entry["id"]:
            continue
        if not ID_PATTERN.match(entry["id"]) or entry["id"] == REVIEWED:
            validator.error(where, f"{keypath}.id", f"{entry['id']!r}: column ids are lower-case letters, digits and "
                                                    f"hyphens, and '{REVIEWED}' is the review date's own column")
        elif any(c.id == entry["id"] for c in columns):
            validator.error(where, f"{keypath}.id", f"column {entry['id']!r} is declared twice")
        if (entry["type"] == "choice") != bool(entry["values"]):
            validator.error(where, f"{keypath}.values", "a choice column lists its `values`, and only a choice column")
        columns.append(Column(entry["id"], entry["type"] or "text", entry["title"] or {}, entry["required"],
                              tuple(entry["values"] or ())))
    if not columns:
        validator.error(mark_of(raw, "registers", ident, "columns"), f"registers.{ident}.columns",
                        "a register needs at least one column")
    return columns
