"""Tracked changes and comments written into the paragraphs of an agency's own Word file.

python-docx cannot write revisions, and docx-revisions stamps each revision
with the clock and puts a replacement in the formatting of its first run. So
the paragraphs are edited here with lxml (package.py writes the file back).

Positions are counted in a paragraph's text as a reader sees it (and as pandoc
reads it): inserted text counts, deleted text and field codes do not. A change
that spans runs is applied run by run: each deleted piece stays in its own run
with its own formatting, and inserted words take the formatting of the words
they replace.
"""

from __future__ import annotations

import bisect
import copy
import itertools
import re
from dataclasses import dataclass, field
from typing import Protocol

from lxml import etree

from ..errors import JointreportError
from ..wordml import MC, W

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
AUTHOR = "Editors"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


# Not text a reader sees: deleted or moved-away text, properties, field codes, text boxes (paragraphs of
# their own), the fallback copy of drawings.
HIDDEN = {w("del"), w("moveFrom"), w("pPr"), w("rPr"), w("instrText"), w("delText"), w("delInstrText"),
          w("txbxContent"), w("fldData"), f"{{{MC}}}Fallback"}
# Run content that stands for one character, as pandoc reads it.
ATOMS = {w("tab"): "\t", w("br"): "\n", w("cr"): "\n", w("noBreakHyphen"): "\u2011", w("sym"): "\ufffc"}
# What a run may hold and still be deleted as text (no picture, note reference or field character in it).
TEXT_CONTENT = {w("rPr"), w("t"), w("tab"), w("br"), w("cr"), w("noBreakHyphen"), w("softHyphen"),
                w("lastRenderedPageBreak")}
REVISIONS = {w("ins"), w("del"), w("moveTo"), w("moveFrom")}
SPACE = re.compile(r"[ \t\n\r]+")


class Comments(Protocol):
    """Where a mark's comment goes (package.CommentsPart)."""

    def add(self, ident: str, text: str, date: str) -> None: ...


class Unplaceable(JointreportError):
    """A change that cannot be written as a tracked change at its place (inside another reviewer's
    revision, across a picture or a field): the caller comments on the paragraph instead."""


@dataclass(frozen=True)
class Char:
    """One character of a paragraph's visible text and the element it comes from (a w:t and the offset
    in it, or a one-character element such as w:tab)."""

    char: str
    node: etree._Element
    offset: int = 0

    @property
    def run(self) -> etree._Element:
        return self.node.getparent()


def visible_pieces(paragraph) -> list[tuple[etree._Element, str]]:
    """The paragraph's own text in reading order (not that of a text box anchored in it): each w:t with its
    text, each one-character element (w:tab…) with the character it stands for."""
    pieces: list[tuple[etree._Element, str]] = []

    def walk(element) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in HIDDEN or tag == w("p"):
                continue
            if tag == w("t"):
                pieces.append((child, child.text or ""))
            elif tag in ATOMS:
                pieces.append((child, ATOMS[tag]))
            else:
                walk(child)

    walk(paragraph)
    return pieces


class ParagraphText:
    """A paragraph's visible text with runs of white space made one space and the ends trimmed, as pandoc
    reads it (`text`); where each of its characters is among the visible characters (`raw`) and the
    element each of those comes from (`char`), worked out only for the paragraphs a return changes."""

    def __init__(self, paragraph):
        self.paragraph = paragraph
        self.refresh()

    def refresh(self) -> None:
        """Read the paragraph again after a change: a split run leaves its text (and `raw`) as it was."""
        self.pieces = visible_pieces(self.paragraph)
        visible = "".join(text for _, text in self.pieces)
        if visible != getattr(self, "visible", None):
            self.visible = visible
            self.text = SPACE.sub(" ", visible.replace("\u00ad", "")).strip()
            self._raw: list[int] | None = None
        self._starts: list[int] | None = None

    @property
    def raw(self) -> list[int]:
        if self._raw is None:
            raw: list[int] = []
            last = ""
            for index, char in enumerate(self.visible):
                if SPACE.fullmatch(char):
                    if raw and last != " ":
                        raw.append(index)
                        last = " "
                elif char != "\u00ad":
                    raw.append(index)
                    last = char
            if raw and last == " ":
                raw.pop()
            self._raw = raw
        return self._raw

    def char(self, index: int) -> Char:
        """The visible character at `index`, and where it comes from."""
        if self._starts is None:
            self._starts = list(itertools.accumulate((len(text) for _, text in self.pieces), initial=0))
        piece = bisect.bisect_right(self._starts, index) - 1
        node, text = self.pieces[piece]
        offset = index - self._starts[piece]
        return Char(text[offset], node, offset if node.tag == w("t") else 0)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Visible characters [a, b) of the text's [start, end); for an insertion (start == end) the point
        between the character before and the one after."""
        if start < end:
            return self.raw[start], self.raw[end - 1] + 1
        point = self.raw[start - 1] + 1 if start > 0 else (self.raw[0] if self.raw else 0)
        return point, point


@dataclass(frozen=True)
class Edit:
    """Replace the text's [start, end) with `text` (a deletion when empty, an insertion when start == end)."""

    start: int
    end: int
    text: str


@dataclass
class Mark:
    """One fix at its place: its edits (none for a comment only), and the comment that gives the reason,
    anchored on [start, end) of the paragraph's text."""

    paragraph: ParagraphText
    start: int
    end: int
    edits: list[Edit]
    comment: str


@dataclass
class Revisions:
    """The author, date and running ids every change and comment of one returned file gets."""

    date: str  # e.g. 2025-03-01T00:00:00Z: the day given, never the clock
    next_id: int
    made: set = field(default_factory=set)  # the w:del elements made for the edit in hand

    def ident(self) -> str:
        self.next_id += 1
        return str(self.next_id - 1)

    def element(self, tag: str) -> etree._Element:
        return etree.Element(w(tag), {w("id"): self.ident(), w("author"): AUTHOR, w("date"): self.date})


def split_before(char: Char) -> bool:
    """Make `char` the first character of its run, the run's formatting copied onto the new piece; whether
    anything had to be split."""
    node, run = char.node, char.run
    if node.tag == w("t") and char.offset > 0:
        tail = etree.Element(w("t"), {XML_SPACE: "preserve"})
        tail.text = node.text[char.offset:]
        node.text = node.text[:char.offset]
        node.set(XML_SPACE, "preserve")
        node.addnext(tail)
        node = tail
    content = [child for child in run if child.tag != w("rPr")]
    if content.index(node) == 0:
        return node is not char.node
    piece = etree.Element(run.tag, dict(run.attrib))
    properties = run.find(w("rPr"))
    if properties is not None:
        piece.append(copy.deepcopy(properties))
    for child in content[content.index(node):]:
        piece.append(child)
    run.addnext(piece)
    return True


def isolate(text: ParagraphText, a: int, b: int) -> list[etree._Element]:
    """The runs that hold exactly the visible characters [a, b), splitting runs at a and b."""
    for position in (b, a):
        if position < len(text.visible) and split_before(text.char(position)):
            text.refresh()
    runs: list[etree._Element] = []
    for char in map(text.char, range(a, b)):
        if not runs or runs[-1] is not char.run:
            runs.append(char.run)
    return runs


def _check_editable(run, paragraph) -> None:
    if run.tag != w("r") or any(child.tag not in TEXT_CONTENT for child in run):
        raise Unplaceable("the words share a run with a picture, a note reference or a field")
    for ancestor in run.iterancestors():
        if ancestor is paragraph:
            return
        if ancestor.tag in REVISIONS:
            raise Unplaceable("the words are inside another reviewer's tracked change")


def _properties(run) -> etree._Element | None:
    """A copy of a run's formatting for inserted words, without revision marks of its own."""
    found = run.find(w("rPr"))
    if found is None:
        return None
    properties = copy.deepcopy(found)
    for child in list(properties):
        if child.tag in REVISIONS or child.tag == w("rPrChange"):
            properties.remove(child)
    return properties


def _inserted(text: str, template, revisions: Revisions) -> etree._Element:
    insertion = revisions.element("ins")
    run = etree.SubElement(insertion, w("r"))
    properties = _properties(template)
    if properties is not None:
        run.append(properties)
    node = etree.SubElement(run, w("t"), {XML_SPACE: "preserve"})
    node.text = text
    return insertion


def _delete(runs: list, revisions: Revisions) -> etree._Element:
    """Wrap each run in a w:del (neighbours share one), its text becoming deleted text; the last wrapper."""
    wrapper = None
    for run in runs:
        previous = run.getprevious()
        if previous is not None and previous in revisions.made:
            wrapper = previous
        else:
            wrapper = revisions.element("del")
            revisions.made.add(wrapper)
            run.addprevious(wrapper)
        wrapper.append(run)
        for node in run.iter(w("t")):
            node.tag = w("delText")
            node.set(XML_SPACE, "preserve")
    return wrapper


def apply_edit(text: ParagraphText, edit: Edit, at_start: bool, revisions: Revisions) -> None:
    """One edit as tracked changes. Inserted words take the formatting of the first word they replace, or
    of the word before them (the word after, at the start of a fix: "gross domestic product (" before GDP)."""
    a, b = text.raw_span(edit.start, edit.end)
    if a < b:
        runs = isolate(text, a, b)
        for run in runs:
            _check_editable(run, text.paragraph)
        last = _delete(runs, revisions)
        if edit.text:
            last.addnext(_inserted(edit.text, runs[0], revisions))
    elif edit.text:
        isolate(text, a, a)
        if at_start and a < len(text.visible):
            neighbour = text.char(a).run
            _check_editable(neighbour, text.paragraph)
            neighbour.addprevious(_inserted(edit.text, neighbour, revisions))
        elif a > 0:
            neighbour = text.char(a - 1).run
            _check_editable(neighbour, text.paragraph)
            neighbour.addnext(_inserted(edit.text, neighbour, revisions))
        else:
            raise Unplaceable("the paragraph has no text to insert next to")
    text.refresh()


def _comment_marks(text: ParagraphText, start: int, end: int, ident: str) -> None:
    """commentRangeStart before the fix's first character, commentRangeEnd and the reference after its
    last (or around the whole paragraph for an empty range)."""
    paragraph = text.paragraph
    start_mark = etree.Element(w("commentRangeStart"), {w("id"): ident})
    end_mark = etree.Element(w("commentRangeEnd"), {w("id"): ident})
    reference = etree.Element(w("r"))
    etree.SubElement(reference, w("commentReference"), {w("id"): ident})
    if start < end:
        a, b = text.raw_span(start, end)
        runs = isolate(text, a, b)
        runs[0].addprevious(start_mark)
        runs[-1].addnext(end_mark)
    else:
        properties = paragraph.find(w("pPr"))
        if properties is not None:
            properties.addnext(start_mark)
        else:
            paragraph.insert(0, start_mark)
        paragraph.append(end_mark)
    end_mark.addnext(reference)


def mark_paragraph(marks: list[Mark], revisions: Revisions, comments: Comments) -> list[tuple[Mark, str]]:
    """Write one paragraph's marks, right to left so that earlier positions stay where they are. A mark
    whose edits cannot be tracked at their place (tried first on a copy of the paragraph) becomes a
    comment on its words alone; those are returned with the reason. `marks` must not overlap."""
    unplaced = []
    for mark in sorted(marks, key=lambda m: (m.start, m.end), reverse=True):
        try:
            if not _plainly_editable(mark):
                _write_mark(ParagraphText(copy.deepcopy(mark.paragraph.paragraph)), mark,
                            Revisions(revisions.date, revisions.next_id))
        except Unplaceable as why:
            ident = revisions.ident()
            _comment_marks(mark.paragraph, mark.start, mark.end, ident)
            comments.add(ident, f"{mark.comment}\n(Not marked as a tracked change: {why}.)", revisions.date)
            unplaced.append((mark, str(why)))
            continue
        comments.add(_write_mark(mark.paragraph, mark, revisions), mark.comment, revisions.date)
    return unplaced


def _plainly_editable(mark: Mark) -> bool:
    """Whether every run the mark touches holds only text and is nobody's tracked change: its edits then
    cannot fail, and need no trial on a copy of the paragraph."""
    text = mark.paragraph
    a, b = text.raw_span(mark.start, mark.end)
    runs = {id(char.run): char.run for char in map(text.char, range(max(a - 1, 0), min(b + 1, len(text.visible))))}
    try:
        for run in runs.values():
            _check_editable(run, text.paragraph)
    except Unplaceable:
        return False
    return True


def _write_mark(text: ParagraphText, mark: Mark, revisions: Revisions) -> str:
    """The comment's range around the fix's words as written, then its edits inside it; the comment's id."""
    ident = revisions.ident()
    _comment_marks(text, mark.start, mark.end, ident)
    for edit in sorted(mark.edits, key=lambda e: (e.start, e.end), reverse=True):
        revisions.made.clear()
        apply_edit(text, edit, edit.start == mark.start, revisions)
    return ident


def comment_on_paragraph(text: ParagraphText, comment: str, revisions: Revisions, comments: Comments) -> None:
    """A comment on a whole paragraph: a finding the agency must act on."""
    ident = revisions.ident()
    _comment_marks(text, 0, 0, ident)
    comments.add(ident, comment, revisions.date)
