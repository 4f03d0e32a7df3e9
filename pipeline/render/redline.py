"""A redline between two states of the report: a Word file with real tracked changes.

Each section's paragraphs are lined up (difflib on whole paragraphs), then
changed paragraphs are compared word by word; removed words go in `w:del`,
added ones in `w:ins`, with an author and a date, so Word and LibreOffice can
accept or reject each change. Accepting all of them gives the newer text.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import io
import re
from dataclasses import dataclass

import docx
from docx.oxml.ns import qn
from lxml import etree

from ..model import Document
from ..tree import stringify, walk

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
TOKENS = re.compile(r"\s+|[^\s]+")
TEXT_BLOCKS = ("Para", "Plain", "Header", "LineBlock", "CodeBlock")
NOTE = "footnote"


@dataclass
class SectionText:
    title: str
    paragraphs: list[str]


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


def _without_notes(block: dict, notes: list) -> dict:
    """The block without its footnotes, which are collected in `notes` to follow it as paragraphs."""

    def cut(key, value, fmt, meta):
        if key == "Note":
            notes.append(value)
            return []
        return None

    return walk(copy.deepcopy(block), cut, "", {})


def _words(text: str) -> int:
    return len(text.split())


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

    def paragraph(self, pieces: list[tuple[str, str]], whole: str | None = None) -> None:
        """`pieces`: (kind, text) with kind 'same', 'ins' or 'del'; `whole` ('ins' or 'del') marks the
        paragraph itself as added or removed, so accepting the change leaves no empty paragraph behind."""
        paragraph = self.word.add_paragraph()
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

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.word.save(out)
        return out.getvalue()


def _word_diff(old: str, new: str) -> list[tuple[str, str]]:
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
                for text in after.paragraphs[j1:j2]:
                    writer.paragraph([("same", text)])
                continue
            pairs = list(zip(before.paragraphs[i1:i2], after.paragraphs[j1:j2])) if op == "replace" else []
            for old_text, new_text in pairs:
                pieces = _word_diff(old_text, new_text)
                writer.paragraph(pieces)
                added += sum(_words(t) for k, t in pieces if k == "ins")
                removed += sum(_words(t) for k, t in pieces if k == "del")
            for text in before.paragraphs[i1 + len(pairs):i2]:
                writer.paragraph([("del", text)], whole="del")
                removed += _words(text)
            for text in after.paragraphs[j1 + len(pairs):j2]:
                writer.paragraph([("ins", text)], whole="ins")
                added += _words(text)
        changes.append(SectionChange(title, added, removed))
    return writer.bytes(), changes
