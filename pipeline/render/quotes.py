"""Typographic apostrophes and quotation marks in the DOCX, in the edition's language, whatever was typed:
Word drafts mostly come with them, but the project's own files (report.yaml's titles, the glossary, agreed
text) and some drafts have straight ones; pandoc's DOCX writer sets a Markdown draft's "…" (its Quoted) in English
marks whatever the language. (The PDF's template asks Typst's smart quotes for the same.) The marks are CLDR's
(Babel has no delimiters): “…” in English, « … » in French (with narrow no-break spaces), «…» in Spanish.
"""

from __future__ import annotations

import re

from ..tree import visit

OPENING_CONTEXT = re.compile(r"^$|[\s(\[{\u2014\u2013/-]$")
MARKS = {  # CLDR's quotation start and end, by language; English's for the others
    "en": ("“", "”"), "fr": ("«\u202f", "\u202f»"), "es": ("«", "»"), "pt": ("“", "”"), "it": ("«", "»"),
    "de": ("„", "“"), "ru": ("«", "»"), "ar": ("”", "“"), "zh": ("“", "”"), "ja": ("「", "」"),
}
# CLDR's alternate (inner) quotation marks, for what pandoc's Markdown reader took as 'single-quoted'
ALTERNATES = {"en": ("‘", "’"), "fr": ("“", "”"), "es": ("“", "”"), "pt": ("‘", "’"), "it": ("“", "”"),
              "de": ("‚", "‘"), "ru": ("„", "“"), "zh": ("‘", "’"), "ja": ("『", "』")}


def _marks(lang: str) -> tuple[str, str]:
    return MARKS.get(lang.split("-")[0], MARKS["en"])


def curly(text: str, before: str, lang: str) -> str:
    """`text` with its straight quotes made typographic; `before` is the text just before it ("" at the start
    of a paragraph, " " after a space)."""
    if "'" not in text and '"' not in text:
        return text
    opening, closing = _marks(lang)
    out = []
    for char in text:
        at_start = bool(OPENING_CONTEXT.search((before + "".join(out))[-1:]))
        if char == "'":
            out.append("‘" if at_start and lang.startswith("en") else "’")
        elif char == '"':
            out.append(opening if at_start else closing)
        else:
            out.append(char)
    return "".join(out)


def typographic_quotes(blocks: list, lang: str) -> list:
    """The renderer's copy of `blocks` with typographic quotes in every run of text (code is left alone); a
    group in another language (a draft not translated yet, `lang` attribute) takes that language's marks."""

    def fix(key, value, fmt, meta):
        if key in ("Para", "Plain", "Header"):
            inlines = value[2] if key == "Header" else value
            _fix_inlines(inlines, lang)
        return None

    for block in blocks:
        if block.get("t") == "Div":
            typographic_quotes(block["c"][1], dict(block["c"][0][2]).get("lang") or lang)
        else:
            visit([block], fix, only=frozenset(("Para", "Plain", "Header")))
    return blocks


def _fix_inlines(inlines: list, lang: str) -> None:
    _unquote(inlines, lang)
    before = ""
    for item in inlines:
        kind = item.get("t")
        if kind == "Str":
            item["c"] = curly(item["c"], before, lang)
            before = item["c"][-1:] or before
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            before = " "
        elif kind in ("Emph", "Strong", "Underline", "SmallCaps", "Strikeout"):
            _fix_inlines(item["c"], lang)
        elif kind in ("Span", "Link"):
            _fix_inlines(item["c"][1], lang)


def _unquote(inlines: list, lang: str) -> None:
    """pandoc's Quoted elements (a Markdown draft's "…" and '…') as the language's own marks, in place of the
    English ones pandoc's DOCX writer gives every language."""
    index = 0
    while index < len(inlines):
        item = inlines[index]
        if item.get("t") == "Quoted":
            double = item["c"][0]["t"] == "DoubleQuote"
            language = lang.split("-")[0]
            opening, closing = _marks(lang) if double else ALTERNATES.get(language, ALTERNATES["en"])
            inlines[index:index + 1] = [{"t": "Str", "c": opening}, *item["c"][1], {"t": "Str", "c": closing}]
            continue  # the quoted words may hold quotes of their own
        index += 1
