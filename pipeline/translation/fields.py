"""A Word source's citations and cross-references written into its Word translation as Word's own fields,
so the translation reads back as its source did. pandoc's Word writer knows neither: it prints a citation
as plain text and drops a cross-reference (an empty span).

Each citation becomes a Zotero field holding its works' CSL JSON, as the source draft embedded them (the
one form word/citations.py reads from any citation manager; Zotero itself takes it up), with the
citation's prefix, suffix and mode; each cross-reference a REF field to its caption's `_Ref…` bookmark,
which is set again at the start of the caption (pandoc names its own bookmarks). What cannot be written
so (a citation of a work the source does not embed) is left to pandoc: the read-back check then reports it.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from xml.sax.saxutils import escape, quoteattr

from .. import i18n
from ..numbering import XREF_CLASS
from ..tree import stringify, visit
from ..word.citations import ZOTERO_FORM

FIRST_BOOKMARK_ID = 900_000  # above the ids pandoc gives its own bookmarks
MODES = {"SuppressAuthor": "suppress-author", "AuthorInText": "author-only"}


def with_word_fields(blocks: list, references: list[dict], lang: str) -> list:
    """`blocks` (changed in place) with each citation and each cross-reference to a Word caption as a field."""
    works = {str(entry.get("id")): entry for entry in references}
    shown = _caption_bookmarks(blocks, lang)

    def field(key, value, fmt, meta):
        if key == "Cite":
            items = [_item(citation, works) for citation in value[0]]
            if all(items):
                return _raw(ZOTERO_FORM + json.dumps({"citationItems": items}, ensure_ascii=False),
                            stringify(value[1]))
        elif XREF_CLASS in value[0][1]:
            target = dict(value[0][2]).get("target", "")
            if target in shown:
                return _raw(f"REF {target} \\h", shown[target])
        return None

    return visit(blocks, field, only=frozenset(("Cite", "Span")))


def _caption_bookmarks(blocks: list, lang: str) -> dict[str, str]:
    """Each figure's and table's `_Ref…` bookmark (their identifier, adopted from the source's caption) set
    again at the start of its caption; → what a REF field to it shows until Word updates it ("Figure 2")."""
    shown: dict[str, str] = {}
    counts: Counter = Counter()
    ids = itertools.count(FIRST_BOOKMARK_ID)

    def mark(key, value, fmt, meta):
        kind = "figure" if key == "Figure" else "table"
        counts[kind] += 1
        ident, caption = value[0][0], value[1][1]
        if ident.startswith("_Ref") and caption and caption[0]["t"] in ("Plain", "Para"):
            number = next(ids)
            caption[0]["c"].insert(0, {"t": "RawInline", "c": [
                "openxml", f'<w:bookmarkStart w:id="{number}" w:name={quoteattr(ident)}/>'
                           f'<w:bookmarkEnd w:id="{number}"/>']})
            shown[ident] = f"{i18n.text(lang, kind)} {counts[kind]}"

    visit(blocks, mark, only=frozenset(("Figure", "Table")))
    return shown


def _item(citation: dict, works: dict[str, dict]) -> dict | None:
    key = citation["citationId"]
    if key not in works:
        return None
    item = {"id": key, "itemData": works[key]}
    for name, inlines in (("prefix", citation["citationPrefix"]), ("suffix", citation["citationSuffix"])):
        if stringify(inlines):
            item[name] = stringify(inlines)
    if citation["citationMode"]["t"] in MODES:
        item[MODES[citation["citationMode"]["t"]]] = True
    return item


def _raw(instruction: str, result: str) -> dict:
    """A complex field as Word writes it: its instruction, and the result shown until it is updated."""
    return {"t": "RawInline", "c": ["openxml", (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {escape(instruction)} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f'<w:r><w:t xml:space="preserve">{escape(result)}</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>')]}
