"""Each register as an annex of the assembled document: its rows in one table, in groups as declared,
country names and choices in the edition's language, and, where declared, a country × agency table.
Every renderer starts from the assembled document, so the DOCX, the PDF and the web edition all print it."""

from __future__ import annotations

from urllib.parse import urlsplit

from pandocfilters import Link, Para, Plain, Strong

from .. import i18n
from ..blocks import anchor
from ..document import Change
from ..model import Project, pick
from ..terms import harmonise
from ..textruns import inlines
from . import Register, Row, Sheet
from .merge import merge
from .view import cell_text, collate, grouped

WIDTHS = {"text": 3.0, "url": 2.2, "country": 1.6, "agency": 1.5, "year": 0.9, "choice": 1.3}  # relative
NO_ATTR = ["", [], []]


def register_annexes(edition: Project, sheets: list[Sheet], heading, changes: list[Change] | None = None) -> list:
    """The annex of every register report.yaml declares, in its order. `heading(level, text, id, classes)`
    is the assembler's, so the annexes' headings join the document's. With `changes` (the assembler's, when
    it harmonises), a text cell speaks the coalition's language as a draft does: each rejected variant of
    an agreed term becomes the preferred term, and each change is added to `changes`."""
    if not edition.registers:
        return []
    rows = merge(edition, sheets).rows
    blocks = []
    for register in edition.registers.values():
        blocks += annex(edition, register, rows[register.id], heading, changes)
    return blocks


def annex(edition: Project, register: Register, rows: list[Row], heading, changes: list[Change] | None) -> list:
    lang, source = edition.language, edition.source_language
    title = register.title(lang, source)
    blocks = [heading(1, i18n.text(lang, "annex_register", title=title), anchor("annex", register.id),
                      ["part", "annex", "register"])]
    intro = pick(register.intros, lang, source) if register.intros else ""
    if intro:
        blocks.append(Para(inlines(intro)))
    if not rows:
        return blocks + [Para(inlines(i18n.text(lang, "register_empty")))]
    columns = [c for c in register.columns if c.id != register.group_by]
    groups = [(name, [[_cell(edition, c, row, changes) for c in columns] for row in members])
              for name, members in grouped(register, rows, edition)]
    blocks.append(table([inlines(c.title(lang, source)) for c in columns], groups,
                        [WIDTHS[c.type] for c in columns]))
    if register.matrix:
        blocks += matrix(edition, register, rows, heading)
    return blocks


def _cell(edition: Project, column, row: Row, changes: list[Change] | None) -> list:
    """A cell's inlines: a link shows its site's name (the whole address is its target), which may break
    after each dot (a zero-width space) where the column is too narrow for it; a text harmonised, with
    `changes`, in the source language the check reads it in (checks/registers.py)."""
    text = cell_text(column, row.values.get(column.id), edition)
    if column.type == "url" and text:
        site = urlsplit(text).netloc.removeprefix("www.").replace(".", ".\u200b")
        return [Link(NO_ATTR, inlines(site), [text, ""])]
    content = inlines(text)
    if changes is not None and column.type == "text" and text:
        changes += harmonise(edition.terminology, [Plain(content)], lambda run, phrase: row.cells[column.id],
                             row.place.path, edition.source_language)
    return content


def matrix(edition: Project, register: Register, rows: list[Row], heading) -> list:
    """Countries (rows, alphabetically) by agency (columns, in report.yaml's order): how many of the
    register's rows each agency keeps for each country."""
    lang, source = edition.language, edition.source_language
    country = register.first("country")
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        code = row.values.get(country.id)
        if code:
            for agency in row.agencies:
                counts.setdefault(code, {}).setdefault(agency, 0)
                counts[code][agency] += 1
    agencies = [a for a in edition.agencies if any(a in per for per in counts.values())]
    names = {code: cell_text(country, code, edition) for code in counts}
    body = [[inlines(names[code])] + [inlines(str(counts[code].get(a) or "")) for a in agencies]
            for code in sorted(counts, key=lambda code: collate(names[code]))]
    header = [inlines(i18n.text(lang, "register_country"))] + [inlines(edition.agencies[a].short) for a in agencies]
    title = i18n.text(lang, "register_matrix", title=register.title(lang, source))
    share = 0.64 / max(1, len(agencies))
    return [heading(2, title, anchor("annex", register.id, "matrix"), ["register-matrix"]),
            Para(inlines(i18n.text(lang, "register_matrix_intro"))),
            table(header, [("", body)], [0.36] + [share] * len(agencies))]


def table(header: list[list], groups: list[tuple[str, list[list[list]]]], weights: list[float]) -> dict:
    """A pandoc Table: a header row, then one body per group whose title (when it has one) is a row of its
    own across every column; columns as wide as `weights` say, relative to each other."""

    def cell(content: list, span: int = 1) -> list:
        return [NO_ATTR, {"t": "AlignDefault"}, 1, span, [Plain(content)]]

    def row(cells: list) -> list:
        return [NO_ATTR, cells]

    total = sum(weights)
    columns = [[{"t": "AlignLeft"}, {"t": "ColWidth", "c": weight / total}] for weight in weights]
    bodies = [[NO_ATTR, 0, [row([cell([Strong(inlines(title))], len(weights))])] if title else [],
               [row([cell(c) for c in cells]) for cells in rows]] for title, rows in groups]
    return {"t": "Table", "c": [NO_ATTR, [None, []], columns, [NO_ATTR, [row([cell(h) for h in header])]],
                                bodies, [NO_ATTR, []]]}
