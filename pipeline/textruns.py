"""Running text inside a pandoc AST, as strings a checker can search and a fixer can rewrite.

A run is a stretch of plain words (Str, Space, SoftBreak) inside one inline
list; formatting, links and notes start new runs, so a match never crosses
them. Code, maths, URLs and cited or quoted material are not running text
and are left out, so checks never touch them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .casing import case_of

TEXT_BLOCKS = ("Para", "Plain", "Header")
BREAKING_SPACE = re.compile(r"([ \t\r\n\f\v]+)")  # what pandoc reads as Space; other spaces are text
WORD_LIKE = ("Str", "Space", "SoftBreak")
SKIPPED_INLINES = ("Code", "Math", "RawInline", "Cite", "Quoted")
SKIPPED_BLOCKS = ("CodeBlock", "RawBlock")
# Spans of a run's text that are not prose: web and e-mail addresses, and quoted titles.
NOT_PROSE = re.compile(
    r"""(?:https?://|www\.)\S+|\S+@\S+\.\w+|“[^”]*”|"[^"]*"|«[^»]*»|‘[^’]*’(?!\w)""", re.I)


@dataclass
class Run:
    container: list  # the inline list holding the run
    start: int
    end: int
    text: str
    paragraph: int  # 1-based reading-order number of the text block it sits in
    first_words: str  # the start of that text block, so a person can find it
    in_note: bool = False
    heading_case: str = ""  # in a heading: how the heading is capitalised (casing.case_of), which a fix keeps

    def prose_spans(self) -> list[tuple[int, int]]:
        """Where in `text` checks may look: everything but addresses and quotations."""
        spans, position = [], 0
        for skipped in NOT_PROSE.finditer(self.text):
            spans.append((position, skipped.start()))
            position = skipped.end()
        spans.append((position, len(self.text)))
        return [(a, b) for a, b in spans if b > a]

    def replace(self, new_text: str) -> None:
        """Rewrite the run in place; word boundaries become Space elements again."""
        self.container[self.start:self.end] = inlines(new_text)


def inlines(text: str) -> list:
    """Plain text as pandoc inlines: words (Str) and the spaces between them. A non-breaking or thin
    space is part of the text (pandoc keeps it in a Str), not a place to break: it stays."""
    result = []
    for index, piece in enumerate(BREAKING_SPACE.split(text)):
        if piece:
            result.append({"t": "Space"} if index % 2 else {"t": "Str", "c": piece})
    return result


def plain_text(inlines: list) -> str:
    parts = []
    for inline in inlines:
        kind, content = inline["t"], inline.get("c")
        if kind == "Str":
            parts.append(content)
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
        elif kind in ("Emph", "Strong", "Underline", "Strikeout", "SmallCaps", "Superscript", "Subscript"):
            parts.append(plain_text(content))
        elif kind in ("Span", "Link", "Quoted"):
            parts.append(plain_text(content[1]))
        elif kind == "Code":
            parts.append(content[1])
    return "".join(parts)


class _Walker:
    def __init__(self):
        self.paragraph = 0
        self.runs: list[Run] = []

    def blocks(self, blocks: list, in_note: bool = False) -> None:
        for block in blocks:
            kind, content = block["t"], block.get("c")
            if kind in SKIPPED_BLOCKS:
                continue
            if kind in TEXT_BLOCKS:
                inlines = content[2] if kind == "Header" else content
                self.paragraph += 1
                words = plain_text(inlines).split()
                first = " ".join(words[:6]) + ("…" if len(words) > 6 else "")
                notes: list = []
                heading = case_of(plain_text(inlines)) if kind == "Header" else ""
                self.inlines(inlines, first, in_note, notes, heading)
                for note in notes:
                    self.blocks(note, in_note=True)
            else:
                self.nested(block, in_note)

    def nested(self, node, in_note: bool) -> None:
        """Blocks inside lists, quotes, tables and divs, in reading order."""
        if isinstance(node, dict):
            if node.get("t") in TEXT_BLOCKS or node.get("t") in SKIPPED_BLOCKS:
                self.blocks([node], in_note)
                return
            for value in node.values():
                self.nested(value, in_note)
        elif isinstance(node, list):
            for item in node:
                self.nested(item, in_note)

    def inlines(self, inlines: list, first: str, in_note: bool, notes: list, heading: str = "") -> None:
        start = None
        for index, inline in enumerate(inlines + [{"t": "End"}]):
            kind = inline["t"]
            if kind in WORD_LIKE:
                start = index if start is None else start
                continue
            if start is not None:
                text = plain_text(inlines[start:index])
                self.runs.append(Run(inlines, start, index, text, self.paragraph, first, in_note, heading))
                start = None
            content = inline.get("c")
            if kind == "Note":
                notes.append(content)
            elif kind in ("Emph", "Strong", "Underline", "Strikeout", "SmallCaps", "Superscript", "Subscript"):
                self.inlines(content, first, in_note, notes, heading)
            elif kind == "Span" or (kind == "Link" and not _is_address(content)):
                self.inlines(content[1], first, in_note, notes, heading)


def _is_address(link: list) -> bool:
    """Autolinks show their own address as text: not prose."""
    classes, target = link[0][1], link[2][0]
    shown = plain_text(link[1]).strip()
    return "uri" in classes or "email" in classes or shown in (target, target.removeprefix("mailto:"))


def text_runs(blocks: list) -> list[Run]:
    """Every run of prose in `blocks`, in reading order (footnotes right after their paragraph)."""
    walker = _Walker()
    walker.blocks(blocks)
    return walker.runs


class Locator:
    """Turns a run into a place a person can find: a line in Markdown (given its `source` text),
    a paragraph in Word."""

    def __init__(self, source: str | None = None):
        self.source = source

    def __call__(self, run: Run, phrase: str) -> str:
        if self.source is not None:
            paragraph = self._find(run.first_words.rstrip("…"), 0)
            found = self._find(phrase, paragraph or 0) if phrase else None
            offset = found if found is not None else paragraph
            if offset is not None:
                return f"line {self.source.count(chr(10), 0, offset) + 1}"
        where = f'paragraph {run.paragraph} ("{run.first_words}")'
        return f"footnote in {where}" if run.in_note else where

    def _find(self, phrase: str, start: int) -> int | None:
        """Offset of `phrase` in the Markdown source, allowing for line breaks and markup between words."""
        words = phrase.split()
        if not words:
            return None
        pattern = r"[\s>*_\[\]]+".join(re.escape(w) for w in words)
        match = re.compile(pattern).search(self.source, start)
        return match.start() if match else None
