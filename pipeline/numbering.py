"""One numbering pass for figures, tables and cross-references, shared by the check and the assembly.

Captioned figures and tables are numbered per chapter ("Figure 2.3", "Table
4.1") on the assembled AST; both renderers show the numbers this pass wrote,
so the DOCX and the PDF cannot disagree. Uncaptioned tables and the tables
jointreport generates (abbreviations, workplan) carry no caption and are not
counted.

A cross-reference is `@fig:id`, `@tbl:id` or `@sec:id` in a Markdown draft
(pandoc reads them as citations). `mark_references` turns each into a Span
of class `xref` as the draft is converted, before anything else sees it, so
it is never taken for a citation; `resolve` finds its target in the draft
itself first, then in any other draft, and `number` writes "Figure 1.1" as a
link to it. The check uses `unknown_references` on the same functions to
report `xref/unknown-target` before the build meets one.
"""

from __future__ import annotations

from dataclasses import dataclass

from pandocfilters import Link, Span, Str

from . import i18n
from .blocks import anchor, tagged
from .normalise import DRAFT_CLASS
from .tree import stringify, visit

XREF_CLASS = "xref"
KINDS = {"fig": "figure", "tbl": "table", "sec": "section_ref"}
CAPTIONED = frozenset(("Figure", "Table"))  # what the numbering pass numbers
NUMBER_KEY = "number"  # the attribute the pass writes on a Figure/Table/chapter or section Header
ORIGINAL_KEY = "xref-id"  # a draft's own identifier, before the assembler prefixed it
# Languages that name a figure in lower case within a sentence ("la figure 2.2", "el cuadro 2.2", as
# figurerefs writes them); the label's own capital opens a sentence
LOWER_IN_TEXT = frozenset(("fr", "es"))
IN_SENTENCE = "xref-in-sentence"  # the mark `number` puts on a reference that does not open its sentence
TEXT_LANG = "xref-lang"  # the language of the text around a reference, where it is not the edition's
SENTENCE_END = ".!?…"


@dataclass(frozen=True)
class Caption:
    """A numbered figure or table: what the lists of figures and tables show."""

    kind: str  # "figure" or "table"
    number: str  # "2.3"
    identifier: str  # the anchor in the assembled report
    label: str  # "Figure 2.3", in the edition's language
    text: str  # the caption's words


def _kind_of(key: str) -> str | None:
    if key.startswith("_Ref"):
        return "ref"
    prefix = key.split(":", 1)[0]
    return prefix if prefix in KINDS and ":" in key and key.split(":", 1)[1] else None


def mark_references(blocks: list) -> list:
    """`@fig:x` / `@tbl:x` / `@sec:x` citations, and a Word draft's cross-references to its own captions
    (REF fields to a `_Ref…` bookmark, which pandoc reads as links), → Spans of class `xref`. Other
    citations and links are left alone. Changes `blocks` (a fresh conversion) and returns them."""
    captions = _word_caption_bookmarks(blocks)

    def mark(key, value, fmt, meta):
        if key == "Link" and value[2][0][1:] in captions and value[2][0].startswith("#"):
            return Span(["", [XREF_CLASS], [["target", value[2][0][1:]]]], [])
        if key != "Cite":
            return None
        citations = value[0]
        if not citations or not all(_kind_of(c["citationId"]) for c in citations):
            return None
        out = []
        for index, citation in enumerate(citations):
            if index:
                out += [Str(","), {"t": "Space"}]
            out.append(Span(["", [XREF_CLASS], [["target", citation["citationId"]]]], []))
        return out

    return visit(blocks, mark, only=frozenset(("Link", "Cite")))


def _word_caption_bookmarks(blocks: list) -> set[str]:
    """A Word caption's `_Ref…` bookmark (an anchor Span at the start of the caption, as pandoc reads it)
    becomes its figure's or table's identifier, so a REF field to it is a cross-reference to the figure."""
    found = set()

    def adopt_bookmark(key, value, fmt, meta):
        if key not in ("Figure", "Table") or value[0][0] or not _has_caption(value[1]):
            return None
        first = value[1][1][0]
        if first["t"] not in ("Plain", "Para"):
            return None
        words = first["c"]
        for index, item in enumerate(words):
            if item["t"] != "Span" or item["c"][1]:
                break
            ident = item["c"][0][0]
            if ident.startswith("_Ref"):
                value[0][0] = ident
                del words[index]
                found.add(ident)
                break
        return None

    visit(blocks, adopt_bookmark, only=CAPTIONED)
    return found


def references(blocks: list) -> list[str]:
    """The targets of the cross-references in `blocks`, in reading order."""
    return tagged(blocks, "Span", XREF_CLASS, "target")


def targets(blocks: list) -> set[str]:
    """The identifiers a cross-reference may name in `blocks`: captioned figures' and tables', headings'."""
    found = set()

    def collect(key, value, fmt, meta):
        if key in ("Figure", "Table") and value[0][0] and _has_caption(value[1]):
            found.add(value[0][0])
        elif key == "Header" and value[1][0]:
            found.add(value[1][0])

    visit(blocks, collect, only=CAPTIONED | {"Header"})
    return found


def resolvable(key: str, own: set[str], everywhere: set[str], sections: set[str]) -> bool:
    """Whether the build will find `key`: in the draft (`own`), another draft, or an outline section id."""
    if not _kind_of(key):
        return False
    if key in own or key in everywhere:
        return True
    return key.startswith("sec:") and key[4:] in sections


def unknown_references(keys: list[str], own: set[str], everywhere: set[str], sections: set[str]) -> list[str]:
    """The cross-references of one draft (`keys`, its targets `own`) that name nothing the report has."""
    return [key for key in keys if not resolvable(key, own, everywhere, sections)]


def _has_caption(caption: list) -> bool:
    return bool(caption and len(caption) > 1 and caption[1] and stringify(caption[1]).strip())


def _attrs(attr: list) -> dict:
    return dict(attr[2])


def _set(attr: list, name: str, value: str) -> None:
    attr[2] = [kv for kv in attr[2] if kv[0] != name] + [[name, value]]


def number(blocks: list, lang: str) -> tuple[list, list[Caption]]:
    """Number the assembled report's captioned figures and tables per chapter and write its
    cross-references as "Figure 1.1" links, in place. Returns the blocks and the captions in reading order."""
    captions: list[Caption] = []
    originals: dict[str, list[tuple[str, str, tuple]]] = {}  # draft id → [(assembled id, prefix, label)]
    by_identifier: dict[str, tuple[str, str]] = {}  # assembled id → label: (its word's key, its number)
    state = {"chapter": "", "section": "", "counts": {"figure": 0, "table": 0}}

    def record(attr: list, label: tuple[str, str]) -> None:
        by_identifier[attr[0]] = label
        original = _attrs(attr).get(ORIGINAL_KEY)
        if original:
            originals.setdefault(original, []).append((attr[0], _attrs(attr).get("xref-prefix", ""), label))

    def count(key, value, fmt, meta):
        if key == "Header":
            attr = value[1]
            classes = attr[1]
            if "chapter" in classes or "front" in classes or "part" in classes:
                state["chapter"] = _attrs(attr).get(NUMBER_KEY, "")
                state["counts"] = {"figure": 0, "table": 0}
                state["section"] = ""
            if "section" in classes:
                state["section"] = _attrs(attr).get(NUMBER_KEY, "")
            if attr[0]:
                where = state["section"] or state["chapter"]
                if where:
                    record(attr, ("section_ref", where))
            return None
        if key in ("Figure", "Table") and _has_caption(value[1]):
            kind = "figure" if key == "Figure" else "table"
            state["counts"][kind] += 1
            count = state["counts"][kind]
            num = f"{state['chapter']}.{count}" if state["chapter"] else str(count)
            attr = value[0]
            if not attr[0]:
                attr[0] = anchor("auto", kind, str(len(captions) + 1))
            _set(attr, NUMBER_KEY, num)
            _set(attr, "kind", kind)
            record(attr, (kind, num))
            label = f"{i18n.text(lang, kind)} {num}"
            captions.append(Caption(kind, num, attr[0], label, stringify(value[1][1]).strip()))
        return None

    references: list[dict] = []  # the cross-references, written once every label is known (they may look ahead)

    def count_and_gather(key, value, fmt, meta):
        if key in ("Para", "Plain"):
            _mark_within_sentences(value)
            return None
        if key == "Span":
            if XREF_CLASS not in value[0][1]:
                return None
            references.append({"t": "Span", "c": value})  # put in the Span's place, to be changed in place
            return references[-1]
        return count(key, value, fmt, meta)

    _in_their_language(blocks, lang)
    visit(blocks, count_and_gather, only=CAPTIONED | {"Header", "Span", "Para", "Plain"})  # one walk of the report
    for node in references:
        node.update(_reference(node["c"], originals, by_identifier, lang))
    return blocks, captions


def _reference(value: list, originals: dict, by_identifier: dict, lang: str) -> dict:
    """What a cross-reference's Span (its `c`) becomes: the link to its target ("Figure 1.1"), or the words
    "Figure ??" when it has none — in the words of the text around it (the edition's, or the language of a
    draft shown untranslated), in lower case within a sentence where that language writes so."""
    attrs = _attrs(value[0])
    words = attrs.get(TEXT_LANG) or lang
    found = _resolve(attrs, originals, by_identifier)
    if found is None:
        kind = KINDS.get(_kind_of(attrs.get("target", "")) or "", "figure")  # a Word _Ref always finds its caption
        return Str(f"{i18n.text(words, kind)} ??")
    identifier, (key, num) = found
    label = f"{i18n.text(words, key)} {num}"
    if attrs.get(IN_SENTENCE) and words.split("-")[0] in LOWER_IN_TEXT:
        label = label[:1].lower() + label[1:]
    return Link(["", [XREF_CLASS], []], [Str(label)], ["#" + identifier, ""])


def _in_their_language(blocks: list, lang: str) -> None:
    """Mark each cross-reference in a draft shown in another language than the edition's (not translated yet)
    with that language, so it reads "le tableau 1.1" in French text of the English edition, not "le Table 1.1"."""
    def draft(key, value, fmt, meta):
        own = _attrs(value[0]).get("lang", "")
        if DRAFT_CLASS in value[0][1] and own and own.split("-")[0] != lang.split("-")[0]:
            visit(value[1], lambda k, v, f, m: _set(v[0], TEXT_LANG, own) if XREF_CLASS in v[0][1] else None,
                  only=frozenset(("Span",)))

    visit(blocks, draft, only=frozenset(("Div",)))


def _mark_within_sentences(inlines: list) -> None:
    """Mark each cross-reference among a paragraph's words that does not open a sentence (words before it,
    the last not ending one), so `_reference` writes its label in lower case."""
    before = ""
    for item in inlines:
        kind = item["t"]
        if kind == "Span" and XREF_CLASS in item["c"][0][1]:
            if before and not before.endswith(tuple(SENTENCE_END)):
                _set(item["c"][0], IN_SENTENCE, "1")
            before = "x"
        elif kind == "Str":
            before = item["c"].rstrip("»”’\"')\u00a0\u202f") or before
        elif kind not in ("Space", "SoftBreak", "LineBreak"):
            before = "x"  # emphasis, a link, a note: words, as far as the sentence is concerned


def _resolve(attrs: dict, originals: dict, by_identifier: dict) -> tuple[str, tuple[str, str]] | None:
    target, prefix = attrs.get("target", ""), attrs.get("xref-prefix", "")
    candidates = originals.get(target, [])
    for identifier, where, label in candidates:  # the referring draft's own target first
        if where == prefix:
            return identifier, label
    if candidates:
        identifier, _, label = candidates[0]
        return identifier, label
    if target.startswith("sec:"):
        section = anchor("sec", target[4:])
        if section in by_identifier:
            return section, by_identifier[section]
    return None


def adopt_references(blocks: list, prefix: str) -> list:
    """In the assembler, before ids are prefixed: remember each target's and each reference's draft
    (`prefix`) and draft-own id, so `number` can resolve references within and across drafts. Changes
    `blocks` (the assembler's copy) and returns them."""

    def remember(key, value, fmt, meta):
        if key == "Span" and XREF_CLASS in value[0][1]:
            _set(value[0], "xref-prefix", prefix)
        elif key in ("Figure", "Table", "Header"):
            attr = value[1] if key == "Header" else value[0]
            if attr[0]:
                _set(attr, ORIGINAL_KEY, attr[0])
                _set(attr, "xref-prefix", prefix)
        return None

    return visit(blocks, remember, only=CAPTIONED | {"Span", "Header"})
