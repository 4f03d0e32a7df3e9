"""Pieces of pandoc AST that jointreport itself writes: styled groups, plain tables, safe identifiers."""

from __future__ import annotations

import hashlib
import re

from pandocfilters import Div, Plain

from .textruns import inlines
from .tree import stringify, visit


def anchor(*parts: str) -> str:
    """An identifier Word accepts as a bookmark name: letters, digits, underscores, ≤ 40 characters."""
    ident = re.sub(r"[^A-Za-z0-9_]", "_", "_".join(parts))
    if not ident[:1].isalpha():
        ident = "x" + ident
    if len(ident) > 40:
        ident = ident[:31] + "_" + hashlib.sha1(ident.encode()).hexdigest()[:8]
    return ident


def styled(style_class: str, blocks: list) -> dict:
    """A block group carrying a semantic class; each renderer maps the class to its own styling."""
    return Div(["", [style_class], []], blocks)


def simple_table(header: tuple[str, ...], rows: list[tuple[str, ...]], widths: tuple[float, ...]) -> dict:
    """A plain pandoc Table: one header row, left-aligned columns of the given relative widths."""

    def row(cells):
        return [["", [], []], [[["", [], []], {"t": "AlignDefault"}, 1, 1, [Plain(inlines(cell))]] for cell in cells]]

    columns = [[{"t": "AlignLeft"}, {"t": "ColWidth", "c": width}] for width in widths]
    return {"t": "Table", "c": [
        ["", [], []], [None, []], columns,
        [["", [], []], [row(header)]],
        [[["", [], []], 0, [], [row(r) for r in rows]]],
        [["", [], []], []],
    ]}


def _title_words(text: str) -> str:
    """'1.2  Social Protection Floor:' → 'social protection floor': a title as compared, not as printed."""
    text = re.sub(r"^\s*(\d+(\.\d+)*\.?|[IVXLC]+\.)\s+", "", text.strip())
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def first_heading(blocks: list) -> str | None:
    """The words of the heading a file opens with, or None when it opens with something else."""
    if not blocks or blocks[0].get("t") != "Header":
        return None
    return stringify(blocks[0]["c"][2])


def repeats_title(opening: str | None, titles: tuple[str, ...]) -> bool:
    """Whether a draft whose first heading is `opening` (see `first_heading`) only repeats its section's
    title (with or without the section's number): the report prints the title once, so the assembler
    drops that heading."""
    heading = _title_words(opening or "")
    return bool(heading) and heading in {_title_words(t) for t in titles if t}


def tagged(blocks: list, element: str, css_class: str, key: str) -> list[str]:
    """The `key` attribute of every `element` (Div, Span) of class `css_class` in `blocks`, in reading order:
    how the assembly's marks (a draft's file, a cross-reference's target) are found again later."""
    found = []

    def collect(kind, value, fmt, meta):
        if kind == element and css_class in value[0][1]:
            found.append(dict(value[0][2]).get(key, ""))

    visit(blocks, collect, only=frozenset((element,)))
    return found
