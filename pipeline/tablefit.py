"""Table columns as wide as their words need, whatever the draft's grid says.

Word keeps a table's column widths in its grid, and real drafts carry grids with a column of a few twips
(0.04 cm) or widths adding up to more than the page: PDF and Word then cut the header's words or print them
over the next column. The assembly gives every table of a draft widths that add up to the text's measure,
in the grid's proportions, each column at least as wide as its longest header word (and its longest number,
which must not break); the PDF breaks a body word still wider than its column (a long address) at its
punctuation, or anywhere, rather than let it run over the next cell.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata

from .tree import stringify, visit

MEASURE = 360.0  # points: the narrowest text column of the outputs (the PDF's A4 page less its wide margins)
SIZE = 9.0  # points: table text (the PDF sets 8.5 pt, Word's table style 9 pt): the larger, to be safe
INSET = 13.0  # points: a cell's padding left and right (the PDF's 6 pt a side, Word's 0.19 cm), and a point spare
BODY_SHARE = 0.3  # a body word other than a number asks for at most this share of the measure: longer ones wrap
NUMBER = re.compile(r"[-+−–(]?[$€£¥]?\d[\d.,'’\u00a0\u202f]*[%)]?")
BREAK_AFTER = re.compile(r"(?<=[/\\\-_.?&=:;,@#|])")
ZERO_WIDTH_SPACE = "\u200b"
SCALE_KEY = "text-scale"  # a table whose longest words cannot stand side by side at the usual size: how much smaller
SMALLEST = 0.75  # …but no smaller than this (6.4 pt in the PDF): a table narrower still is the proof's to report


@functools.cache
def _advances(bold: bool) -> tuple[dict[int, float], float]:
    """Each character's advance in the report's table face (Roboto), in ems, and the face's average; read
    from the font once, when a table is first measured."""
    from fontTools.ttLib import TTFont

    from .fonts import font_dir

    font = TTFont(str(font_dir() / ("Roboto-Bold.ttf" if bold else "Roboto-Regular.ttf")), lazy=True)
    metrics, per_em = font["hmtx"], font["head"].unitsPerEm
    advances = {code: metrics[glyph][0] / per_em for code, glyph in (font.getBestCmap() or {}).items()}
    return advances, sum(advances.values()) / max(1, len(advances))


def width(text: str, bold: bool = False) -> float:
    """`text`'s width in points at the table's size: by the font, a wide East Asian character at 1 em."""
    advances, average = _advances(bold)
    total = 0.0
    for char in text:
        wide = unicodedata.east_asian_width(char) in ("W", "F")
        total += 1.0 if wide else advances.get(ord(char), average)
    return total * SIZE


def fit_tables(blocks: list) -> list:
    """Give every Table of `blocks` (changed in place) widths that fit (see the module's docstring)."""
    return visit(blocks, lambda key, value, fmt, meta: fit(value), only=frozenset(("Table",)))


def fit(table: list) -> None:
    """One Table (its pandoc `c`): its column widths, as shares of the measure, made to fit."""
    columns = table[2]
    if not columns:
        return
    head, body = _words_by_column(table, len(columns))
    floors = [max([width(word, bold=True) for word in head[j]]
                  + [min(width(word), BODY_SHARE * MEASURE) if not NUMBER.fullmatch(word) else width(word)
                     for word in body[j]] + [0.0]) + INSET for j in range(len(columns))]
    scale = _scale(floors)
    if scale < 1:  # the text set smaller (the PDF), the columns as wide as its words then need
        floors = [(floor - INSET) * scale + INSET for floor in floors]
        table[0][2] = [pair for pair in table[0][2] if pair[0] != SCALE_KEY] + [[SCALE_KEY, f"{scale:.3f}"]]
    given = [spec[1].get("c") if spec[1].get("t") == "ColWidth" else None for spec in columns]
    if any(share is None or share <= 0 for share in given):  # no grid: as much as each column's longest text
        natural = [max([width(" ".join(head[j]), True)] + [width(text) for text in _cell_texts(table, j)] + [0.0])
                   for j in range(len(columns))]
        given = [min(text, MEASURE / 2) + INSET for text in natural]
    for spec, points in zip(columns, _spread(given, floors, MEASURE), strict=True):
        spec[1] = {"t": "ColWidth", "c": round(points / MEASURE, 4)}


def _scale(floors: list[float]) -> float:
    """How much smaller a table's text must be for each column's longest word to fit the measure beside the
    others' (1: not at all; never below SMALLEST), rounded down."""
    words, room = sum(floor - INSET for floor in floors), MEASURE - INSET * len(floors)
    if words <= room:
        return 1.0
    return max(SMALLEST, math.floor(1000 * room / words) / 1000)


def _spread(shares: list[float], floors: list[float], total: float) -> list[float]:
    """Widths adding up to `total`, each at least its floor, the room left over shared in proportion to
    `shares`; when the floors alone are more than `total`, the floors scaled down to it."""
    if sum(floors) >= total:
        return [floor * total / sum(floors) for floor in floors]
    fixed: dict[int, float] = {}
    while True:
        free = [j for j in range(len(shares)) if j not in fixed]
        room = total - sum(fixed.values())
        weight = sum(shares[j] for j in free) or 1.0
        proposed = {j: room * (shares[j] or 1.0 / len(free)) / weight for j in free}
        short = [j for j in free if proposed[j] < floors[j]]
        if not short:
            return [fixed.get(j, proposed.get(j, 0.0)) for j in range(len(shares))]
        fixed.update({j: floors[j] for j in short})


def _rows(table: list) -> list[tuple[bool, list]]:
    """(in the header?, row) for every row of the table: head, each body's head and rows, foot."""
    head, bodies, foot = table[3], table[4], table[5]
    return ([(True, row) for row in head[1]] + [(True, row) for body in bodies for row in body[2]]
            + [(False, row) for body in bodies for row in body[3]] + [(False, row) for row in foot[1]])


def _placed(table: list, columns: int):
    """Each single-column cell with its column and whether it heads the table, rowspans taken into account."""
    occupied = [0] * columns  # rows still taken by a cell above spanning down
    for heading, row in _rows(table):
        column = 0
        for cell in row[1]:
            while column < columns and occupied[column]:
                column += 1
            rowspan, colspan = max(1, cell[2]), max(1, cell[3])
            if column < columns and colspan == 1:
                yield column, heading, cell
            for taken in range(column, min(columns, column + colspan)):
                occupied[taken] = rowspan
            column += colspan
        occupied = [max(0, left - 1) for left in occupied]


def _words_by_column(table: list, columns: int) -> tuple[list[list[str]], list[list[str]]]:
    head: list[list[str]] = [[] for _ in range(columns)]
    body: list[list[str]] = [[] for _ in range(columns)]
    for column, heading, cell in _placed(table, columns):
        (head if heading else body)[column].extend(stringify(cell[4]).split())
    return head, body


def _cell_texts(table: list, column: int) -> list[str]:
    return [stringify(cell[4]) for where, heading, cell in _placed(table, len(table[2])) if where == column]


def breakable(table: list) -> None:
    """The PDF's copy of a Table (its pandoc `c`, changed in place): a long body word (an address, a code:
    longer than `fit` leaves room for) wider than its column may break, after its punctuation or, in a long
    run, anywhere. Shorter words are not cut: a column too narrow for them is the proof's to report."""
    shares = [spec[1].get("c") if spec[1].get("t") == "ColWidth" else None for spec in table[2]]
    for column, heading, cell in _placed(table, len(shares)):
        if shares[column] is not None and not heading:
            room = shares[column] * MEASURE - INSET
            visit(cell[4], lambda key, value, fmt, meta, room=room: _break(value, room), only=frozenset(("Str",)))


def _break(word: str, room: float):
    if width(word) <= max(room, BODY_SHARE * MEASURE) or NUMBER.fullmatch(word):
        return None
    pieces = []
    for piece in BREAK_AFTER.split(word):
        while width(piece) > room and len(piece) > 1:
            cut = next((n for n in range(len(piece) - 1, 0, -1) if width(piece[:n]) <= room), 1)
            pieces.append(piece[:cut])
            piece = piece[cut:]
        pieces.append(piece)
    return {"t": "Str", "c": ZERO_WIDTH_SPACE.join(p for p in pieces if p)}

