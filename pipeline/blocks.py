"""Pieces of pandoc AST that jointreport itself writes: styled groups, plain tables, safe identifiers."""

from __future__ import annotations

import hashlib
import re

from pandocfilters import Div, Plain

from .textruns import inlines


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
