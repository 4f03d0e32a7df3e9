"""One page's blocks made ready for pandoc's HTML writer, from its own copy of the assembled report.

Two steps. `prepare` does everything that depends on the page alone: drafts unwrapped (text shown in the
source language for want of a translation keeps its own `lang` and gets a visible note), the workplan
chart drawn, figure and table labels set from the numbering pass (the PDF's numbers), citations made
links to their References entry, pictures in web sizes, tables in a scrolling region, headings moved so
the page's own is its only h1, and whatever a draft could smuggle into a web page removed (attributes such
as `onclick` or `style`, links to `javascript:` or to files). `link_pages` then points each link to an
anchor at the page that holds it, once every page's anchors are known.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pandocfilters import Div, Emph, Para, Space, Span, Str

from ...blocks import anchor
from ...model import Project
from ...textruns import inlines
from ...tree import stringify, visit
from .. import described, draw_workplan_chart, known_images, label_captions, language_of, unwrapped_blocks
from .pictures import Picture
from .words import direction, language_name, say

KEPT_ATTRIBUTES = {"lang", "dir"}  # of a draft's own key-values: nothing else reaches the page
LINK_SCHEMES = ("#", "http://", "https://", "mailto:")
SCROLLS = "scrolls"  # a table in its own region that scrolls sideways on a narrow screen
MEDIA = "../media/"  # where a page finds the site's pictures


@dataclass
class Context:
    """What preparing a page depends on besides its own blocks."""

    edition: Project
    media: dict[str, Path]
    chart: Path | None
    per_chapter_references: bool
    picture: Callable[[str], Picture | None]  # media name → how the web shows it (None: it cannot)
    set_aside: frozenset[str] = field(default_factory=frozenset)


@dataclass
class Facts:
    """What the site needs to know of a prepared page: the anchors it holds and the anchors it links to."""

    ids: list[str]
    targets: list[str]
    pictures: list[str]  # the files of the site's media/ folder it shows


def prepare(blocks: list, level: int, context: Context) -> list:
    """The page's blocks (a copy: the document stays as it is), its heading at `level` in the report."""
    lang = context.edition.language
    own = unwrapped_blocks(blocks, context.set_aside, lang)
    visit(own, lambda key, value, fmt, meta: _noted(value, lang), only=frozenset(("Div",)))
    own = described(draw_workplan_chart(own, context.chart, context.edition), lang)
    own = label_captions(own, lambda kind, number: [
        Span(["", ["caption-label"], []], [Str(f"{say(lang, kind)} {number}:")]), Space()])
    own = known_images(own, context.media)
    _link_citations(own, context.per_chapter_references)
    _clean(own)
    _shift_headings(own, level)
    heading = [""]  # the last heading seen: what names a table without a caption

    def for_the_web(key, value, fmt, meta):
        if key == "Header":
            heading[0] = stringify(value[2])
            return None
        return _for_the_web(key, value, context, heading[0])

    return visit(own, for_the_web, only=frozenset(("Header", "Image", "Table")))


def _noted(value: list, edition: str):
    """A draft not translated yet, shown in its own language (`in_language`), with a note saying so in the
    edition's; its footnotes, printed away from it, keep its language too. The assembly's own note (class
    `untranslated`, for the DOCX and PDF) gives way to this one."""
    if "untranslated" in value[0][1]:
        return []
    lang = language_of(value)
    if lang is None:
        return None
    note = say(edition, "fallback", language=language_name(edition, edition), original=language_name(lang, edition))

    def own_language(key, value, fmt, meta):
        return {"t": "Note", "c": [Div(["", [], _language(lang)], value)]}

    content = visit(value[1], own_language, only=frozenset(("Note",)))
    return Div(["", ["fallback"], []], [Div(["", ["fallback-note"], []], [Para(inlines(note))]),
                                        Div(["", ["fallback-text"], _language(lang)], content)])


def _language(lang: str) -> list:
    return [["lang", lang]] + ([["dir", "rtl"]] if direction(lang) == "rtl" else [])


def _link_citations(blocks: list, per_chapter: bool) -> None:
    """Each citation a link to the first work it cites in the References: the report's list, or its
    chapter's (`references: chapter`), whose entries carry the chapter's identifier."""
    owner = ""

    def link(key, value, fmt, meta):
        if key == "Span" and "citation" in value[0][1]:
            cited = dict(value[0][2]).get("refs", "").split()
            if cited:
                target = anchor(owner, cited[0]) if per_chapter else cited[0]
                return {"t": "Link", "c": [["", ["citation"], []], value[1], ["#" + target, ""]]}
        return None

    for block in blocks:
        if block.get("t") == "Header" and block["c"][0] <= 2:
            owner = block["c"][1][0]
        visit(block, link, only=frozenset(("Span",)))


def _is_attr(node) -> bool:
    return (len(node) == 3 and type(node[0]) is str and type(node[1]) is list and type(node[2]) is list
            and all(type(pair) is list and len(pair) == 2 for pair in node[2]))


def _clean(node) -> None:
    """Every attribute but an identifier, classes, `lang` and `dir` removed; links that lead nowhere on the
    web (another file, `javascript:`) become their words. In place."""
    if type(node) is dict:
        if node.get("t") == "Link" and not node["c"][2][0].startswith(LINK_SCHEMES):
            node["t"], node["c"] = "Span", [["", [], []], node["c"][1]]
        for value in node.values():
            if type(value) is list or type(value) is dict:
                _clean(value)
    elif type(node) is list:
        if _is_attr(node):
            node[2] = [pair for pair in node[2] if pair[0] in KEPT_ATTRIBUTES]
        for item in node:
            if type(item) is list or type(item) is dict:
                _clean(item)


def _shift_headings(blocks: list, level: int) -> None:
    """The page's own heading (at `level` in the report) becomes its h1, the rest follow below it; no
    other heading becomes an h1."""
    shift = level - 1

    def move(key, value, fmt, meta):
        value[0] = max(1 if value[0] == level else 2, min(6, value[0] - shift))

    visit(blocks, move, only=frozenset(("Header",)))


def _for_the_web(key: str, value: list, context: Context, heading: str):
    """A picture in its web sizes (or its description, if no browser shows it); a table in a region of its
    own that scrolls sideways on a narrow screen, named by its caption, else by the heading above it."""
    if key == "Image":
        name = value[2][0].removeprefix("media/")
        picture = context.picture(name)
        if picture is None:
            return Emph(value[1] or inlines("[picture]"))
        value[0][2] = picture.attributes()
        value[2][0] = picture.src
        return None
    if SCROLLS in value[0][1]:
        return None
    value[0][1].append(SCROLLS)
    label = stringify(value[1][1]).strip() or heading or say(context.edition.language, "table")
    return Div(["", ["table-scroll"], [["role", "region"], ["tabindex", "0"], ["aria-label", label]]],
               [{"t": "Table", "c": value}])


def facts(blocks: list) -> Facts:
    """The anchors a prepared page holds, the anchors (`#id`) its links point to, the pictures it shows."""
    ids, targets, pictures = [], [], set()

    def collect(node) -> None:
        if type(node) is dict:
            if node.get("t") == "Link" and node["c"][2][0].startswith("#"):
                targets.append(node["c"][2][0][1:])
            elif node.get("t") == "Image":
                sources = [node["c"][2][0]] + [url.split()[0] for key, value in node["c"][0][2] if key == "srcset"
                                               for url in value.split(", ")]
                pictures.update(url.rsplit("/", 1)[-1] for url in sources if url.startswith(MEDIA))
            for value in node.values():
                if type(value) is list or type(value) is dict:
                    collect(value)
        elif type(node) is list:
            if _is_attr(node) and node[0]:
                ids.append(node[0])
            for item in node:
                if type(item) is list or type(item) is dict:
                    collect(item)

    collect(blocks)
    return Facts(ids, sorted(set(targets)), sorted(pictures))


def link_pages(blocks: list, here: str, where: dict[str, str]) -> list:
    """Links to an anchor of another page lead there (`slug.html#id`); a link to an anchor no page holds
    becomes its words. In place."""

    def point(key, value, fmt, meta):
        target = value[2][0]
        if not target.startswith("#"):
            return None
        page = where.get(target[1:])
        if page is None:
            return Span(["", value[0][1], []], value[1])
        if page != here:
            value[2][0] = f"{page}.html{target}"
        return None

    return visit(blocks, point, only=frozenset(("Link",)))
