"""Where the converted draft's words are in its Word file.

pandoc numbers paragraphs its own way (tables, text boxes and the title move
about), so a fix is not placed by number: its paragraph is the first Word
paragraph, from where the last one was found, whose text holds every run of
prose of pandoc's paragraph in order; the fix's words are then at the same
offset in that run. Footnotes are looked for among the notes.
"""

from __future__ import annotations

import re

from ..textruns import Run
from ..wordml import WordPackage, countable_paragraphs
from .fixes import Proposal
from .wordedit import Edit, Mark, ParagraphText

FIRST_WORDS = re.compile(r'paragraph \d+ \("(?P<words>[^"]*)"\)')


class Story:
    """The paragraphs of the body, or of the footnotes and endnotes, in reading order."""

    def __init__(self, package: WordPackage, parts: list[str]):
        self.parts = [name for name in parts if package.part(name) is not None]
        self.paragraphs = [ParagraphText(p) for name in self.parts for p in countable_paragraphs(package.part(name))]
        self.cursor = 0

    def find(self, runs: list[Run]) -> tuple[ParagraphText, list[int]] | None:
        """The paragraph holding `runs` (one pandoc paragraph), and where each run starts in its text."""
        order = self.paragraphs[self.cursor:] + self.paragraphs[:self.cursor]
        for text in order:
            offsets = run_offsets(text.text, runs)
            if offsets is not None:
                self.cursor = self.paragraphs.index(text)
                return text, offsets
        return None

    def at(self, location: str | None) -> ParagraphText | None:
        """The paragraph a finding's location names by its first words, else the first with any text."""
        match = FIRST_WORDS.search(location or "")
        words = " ".join(match.group("words").rstrip("…").split()) if match else ""
        with_text = [text for text in self.paragraphs if text.text]
        if words:
            found = next((text for text in with_text if text.text.startswith(words)), None)
            if found is not None:
                return found
        return with_text[0] if with_text else None


def run_offsets(text: str, runs: list[Run]) -> list[int] | None:
    """Where each run's text starts in `text`, found in order, or None when one is missing."""
    offsets, position = [], 0
    for run in runs:
        words = run.text.strip()
        found = text.find(words, position) if words else position
        if found < 0:
            return None
        offsets.append(found - (len(run.text) - len(run.text.lstrip())))
        position = found + len(words)
    return offsets


def locate(proposals: list[Proposal], body: Story, notes: Story) -> dict[tuple[int, bool], tuple | None]:
    """Each proposal's pandoc paragraph → its Word paragraph and where its runs start there, found in
    reading order (so that of two paragraphs with the same words, each finds its own)."""
    found: dict[tuple[int, bool], tuple | None] = {}
    for proposal in sorted(proposals, key=lambda p: (p.runs[0].in_note, p.runs[0].paragraph)):
        key = (proposal.runs[0].paragraph, proposal.runs[0].in_note)
        if key not in found:
            found[key] = (notes if key[1] else body).find(proposal.runs)
    return found


def place(proposal: Proposal, found: tuple[ParagraphText, list[int]] | None) -> Mark | None:
    """The proposal as a mark on its Word paragraph (`found` by `locate`), or None when its words are
    not there as pandoc read them."""
    if found is None:
        return None
    text, offsets = found
    before = proposal.fix.before
    if proposal.run is None:  # a passage of the paragraph: found by its words
        start = text.text.find(" ".join(before.split()))
    else:
        start = offsets[next(i for i, run in enumerate(proposal.runs) if run is proposal.run)] + proposal.start
    if start < 0 or text.text[start:start + len(before)] != before:
        return None
    edits = [Edit(start + a, start + b, new) for a, b, new in proposal.edits]
    return Mark(text, start, start + len(before), edits, f"{proposal.fix.reason} (fix {proposal.fix.id})")


def overlaps(mark: Mark, marks: list[Mark]) -> bool:
    """Whether `mark` touches the words of one of `marks` (those of its paragraph)."""
    return any(m.start < mark.end and mark.start < m.end for m in marks)


def stories(package: WordPackage) -> tuple[Story, Story]:
    """The body, and the notes (footnotes, then endnotes)."""
    return Story(package, [package.main]), Story(package, package.related("footnotes") + package.related("endnotes"))
