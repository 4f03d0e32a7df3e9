"""Every script the drafts use must show in the PDF: characters none of the report's fonts has would
print as empty boxes, so they are reported before the build, by the fonts' own character maps."""

from __future__ import annotations

from .. import fonts
from ..codes import finding
from ..inputs import Draft
from ..model import Finding, Place
from ..wordcount import ast_text

SHOWN = 5  # characters named in one message


def glyph_findings(draft: Draft) -> list[Finding]:
    """A draft's characters that no font of the PDF has (by the characters measured on conversion: its
    blocks are read only to say where the first one is)."""
    if not fonts.missing(draft.characters):
        return []
    return blocks_glyph_findings(draft.blocks, draft.contribution.place)


def blocks_glyph_findings(blocks: list, place: Place) -> list[Finding]:
    """A draft's or a chapter introduction's characters that no font of the PDF has."""
    absent = fonts.missing(ast_text(blocks))
    if not absent:
        return []
    location = None
    for block in blocks:
        block_text = ast_text([block])
        if any(c in block_text for c in absent):
            location = f'the paragraph starting "{" ".join(block_text.split()[:6])}…"'
            break
    named = ", ".join(f"{c} (U+{ord(c):04X})" for c in absent[:SHOWN])
    more = f" and {len(absent) - SHOWN} more" if len(absent) > SHOWN else ""
    return [finding(
        "render/missing-glyph", place,
        f"{len(absent)} character{'s' * (len(absent) != 1)} that no font of the PDF has: {named}{more}; they would "
        "print as empty boxes: replace them (an emoji or symbol by words), or ask the editors to add a font "
        "that has them", location)]


def text_glyph_findings(text: str, place: Place) -> list[Finding]:
    """A statement's characters (its Markdown text) that no font of the PDF has."""
    absent = fonts.missing(text)
    if not absent:
        return []
    named = ", ".join(f"{c} (U+{ord(c):04X})" for c in absent[:SHOWN])
    more = f" and {len(absent) - SHOWN} more" if len(absent) > SHOWN else ""
    return [finding("render/missing-glyph", place,
                    f"{len(absent)} character{'s' * (len(absent) != 1)} that no font of the PDF has: {named}{more}; "
                    "they would print as empty boxes: replace them, or ask the editors to add a font that has them")]
