"""A redline between two states of the report: a Word file with real tracked changes.

Each section's paragraphs and tables are lined up (difflib on whole
paragraphs and tables), then changed paragraphs are compared word by word,
changed tables row by row and cell by cell; removed words go in `w:del`,
added ones in `w:ins` (a whole row in a row's own `w:del` or `w:ins`), with an
author and a date, so Word and LibreOffice can accept or reject each change.
Accepting all of them gives the newer text.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import io
import itertools
import re
from dataclasses import dataclass

import docx
from docx.oxml.ns import qn
from lxml import etree

from ..document import Document
from ..tree import stringify, walk

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
TOKENS = re.compile(r"\s+|[^\s]+")
TEXT_BLOCKS = ("Para", "Plain", "Header", "LineBlock", "CodeBlock")
NOTE = "footnote"


Table = tuple[tuple[str, ...], ...]  # a table's rows of cell texts, caption apart
Pieces = list[tuple[str, str]]  # (kind, text): kind 'same', 'ins' or 'del'


@dataclass
class SectionText:
    title: str
    paragraphs: list[str | Table]  # in reading order: a paragraph's text, or a table


@dataclass
class SectionChange:
    title: str
    added: int
    removed: int


def section_texts(document: Document) -> dict[str, SectionText]:
    """Section heading identifier → its title and paragraphs, in reading order; text before the first
    section (abbreviations, parts, chapter introductions) is left out."""
    sections: dict[str, SectionText] = {}
    current: SectionText | None = None

    def paragraphs_of(block) -> list[str]:
        kind = block["t"]
        if kind in TEXT_BLOCKS:
            notes: list = []
            text = block["c"][1] if kind == "CodeBlock" else stringify(_without_notes(block, notes))
            own = [" ".join(text.split())] if text.strip() else []
            return own + [f"[{NOTE}] {p}" for note in notes for b in note for p in paragraphs_of(b)]
        if kind in ("BulletList", "OrderedList"):
            items = block["c"] if kind == "BulletList" else block["c"][1]
            return [p for item in items for b in item for p in paragraphs_of(b)]
        if kind in ("BlockQuote", "Div"):
            return [p for b in (block["c"] if kind == "BlockQuote" else block["c"][1]) for p in paragraphs_of(b)]
        if kind == "Table":
            caption = " ".join(stringify(block["c"][1][1]).split())
            return ([caption] if caption else []) + [_table(block)]
        text = stringify(block)
        return [" ".join(text.split())] if text.strip() else []

    for block in document.blocks:
        if block["t"] == "Header":
            level, (ident, classes, _), _ = block["c"]
            if "section" in classes:
                current = sections.setdefault(ident, SectionText(stringify(block), []))
                continue
            if level < 3:
                current = None
                continue
        if current is not None:
            current.paragraphs += paragraphs_of(block)
    return sections


def _table(block: dict) -> Table:
    """A pandoc Table's rows (head, bodies, foot) as the text of each cell."""
    _, _, _, head, bodies, foot = block["c"]
    rows = head[1] + [row for body in bodies for row in body[2] + body[3]] + foot[1]
    return tuple(tuple(" ".join(stringify(cell[4]).split()) for cell in row[1]) for row in rows)


def _without_notes(block: dict, notes: list) -> dict:
    """The block without its footnotes, which are collected in `notes` to follow it as paragraphs."""

    def cut(key, value, fmt, meta):
        if key == "Note":
            notes.append(value)
            return []
        return None

    return walk(copy.deepcopy(block), cut, "", {})


def _words(item: str | Table) -> int:
    return len(item.split()) if isinstance(item, str) else sum(len(cell.split()) for row in item for cell in row)


class _Writer:
    """Paragraphs with tracked insertions and deletions, numbered as Word expects."""

    def __init__(self, author: str, when: dt.datetime):
        self.word = docx.Document()
        self.author = author
        self.date = when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.next_id = 1

    def _change(self, parent, kind: str):
        change = etree.SubElement(parent, qn(f"w:{kind}"))
        change.set(qn("w:id"), str(self.next_id))
        change.set(qn("w:author"), self.author)
        change.set(qn("w:date"), self.date)
        self.next_id += 1
        return change

    def paragraph(self, pieces: Pieces, whole: str | None = None, paragraph=None) -> None:
        """`pieces`: (kind, text) with kind 'same', 'ins' or 'del'; `whole` ('ins' or 'del') marks the
        paragraph itself as added or removed, so accepting the change leaves no empty paragraph behind.
        Written into `paragraph` (a table cell's) where given."""
        paragraph = paragraph if paragraph is not None else self.word.add_paragraph()
        if whole:
            properties = paragraph._p.get_or_add_pPr()
            self._change(etree.SubElement(properties, qn("w:rPr")), whole)
        for kind, text in pieces:
            run = etree.Element(qn("w:r"))
            element = etree.SubElement(run, qn("w:delText" if kind == "del" else "w:t"))
            element.text = text
            element.set(XML_SPACE, "preserve")
            if kind == "same":
                paragraph._p.append(run)
                continue
            self._change(paragraph._p, kind).append(run)

    def table(self, rows: list[tuple[list[Pieces], str | None]]) -> None:
        """A table whose `rows` are (each cell's pieces, 'ins' or 'del' for a row added or removed)."""
        width = max((len(cells) for cells, _ in rows), default=0)
        if not width:
            return
        table = self.word.add_table(rows=len(rows), cols=width)
        table.style = "Table Grid"
        for row, (cells, whole) in zip(table.rows, rows, strict=True):
            if whole:
                self._change(row._tr.get_or_add_trPr(), whole)
            for cell, pieces in zip(row.cells, cells, strict=False):  # a short row leaves its last cells empty
                self.paragraph(pieces, paragraph=cell.paragraphs[0])

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.word.save(out)
        return out.getvalue()


def _table_diff(old: Table, new: Table) -> tuple[list[tuple[list[Pieces], str | None]], int, int]:
    """Two states of a table, rows lined up: a changed row compared cell by cell, word by word; with the
    words added and removed."""
    rows, added, removed = [], 0, 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            rows += [([[("same", cell)] for cell in row], None) for row in new[j1:j2]]
            continue
        pairs = list(zip(old[i1:i2], new[j1:j2], strict=False)) if op == "replace" else []
        for before, after in pairs:
            cells = [_word_diff(a, b) for a, b in itertools.zip_longest(before, after, fillvalue="")]
            rows.append((cells, None))
            added += sum(_words(t) for cell in cells for k, t in cell if k == "ins")
            removed += sum(_words(t) for cell in cells for k, t in cell if k == "del")
        for row in old[i1 + len(pairs):i2]:
            rows.append(([[("del", cell)] for cell in row], "del"))
            removed += _words((row,))
        for row in new[j1 + len(pairs):j2]:
            rows.append(([[("ins", cell)] for cell in row], "ins"))
            added += _words((row,))
    return rows, added, removed


def _word_diff(old: str, new: str) -> Pieces:
    a, b = TOKENS.findall(old), TOKENS.findall(new)
    pieces = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("same", "".join(a[i1:i2])))
        if op in ("delete", "replace"):
            pieces.append(("del", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(("ins", "".join(b[j1:j2])))
    return pieces


def redline_docx(old: dict[str, SectionText], new: dict[str, SectionText], heading: str, author: str,
                 when: dt.datetime) -> tuple[bytes, list[SectionChange]]:
    """The Word redline of every section in `old` or `new` (in `new`'s order, then removed ones), and the
    words added and removed per section."""
    writer = _Writer(author, when)
    writer.word.add_heading(heading, level=1)
    changes = []
    for ident in list(new) + [i for i in old if i not in new]:
        before = old.get(ident, SectionText("", []))
        after = new.get(ident, SectionText("", []))
        title = after.title or before.title
        writer.word.add_heading(title, level=2)
        added = removed = 0
        matcher = difflib.SequenceMatcher(None, before.paragraphs, after.paragraphs, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                for item in after.paragraphs[j1:j2]:
                    _write(writer, item)
                continue
            pairs = list(itertools.takewhile(lambda pair: isinstance(pair[0], str) == isinstance(pair[1], str), zip(
                before.paragraphs[i1:i2], after.paragraphs[j1:j2], strict=False))) if op == "replace" else []
            for old_item, new_item in pairs:
                more, fewer = _changed(writer, old_item, new_item)
                added, removed = added + more, removed + fewer
            for item in before.paragraphs[i1 + len(pairs):i2]:
                _write(writer, item, "del")
                removed += _words(item)
            for item in after.paragraphs[j1 + len(pairs):j2]:
                _write(writer, item, "ins")
                added += _words(item)
        changes.append(SectionChange(title, added, removed))
    return writer.bytes(), changes


def _write(writer: _Writer, item: str | Table, whole: str | None = None) -> None:
    """A paragraph or table as it is, or (`whole`: 'ins' or 'del') added or removed."""
    kind = whole or "same"
    if isinstance(item, str):
        writer.paragraph([(kind, item)], whole=whole)
    else:
        writer.table([([[(kind, cell)] for cell in row], whole) for row in item])


def _changed(writer: _Writer, old: str | Table, new: str | Table) -> tuple[int, int]:
    """A paragraph or table changed between two states, written with its changes; the words added and
    removed."""
    if isinstance(new, str):
        pieces = _word_diff(old, new)
        writer.paragraph(pieces)
        return sum(_words(t) for k, t in pieces if k == "ins"), sum(_words(t) for k, t in pieces if k == "del")
    rows, added, removed = _table_diff(old, new)
    writer.table(rows)
    return added, removed
