"""The render phase: renderers turn an assembled `Document` into files; each maps the assembler's
semantic classes to its own look. They know nothing of checks or of how drafts were read."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from pathlib import Path

from pandocfilters import Emph, Para, Plain

from .. import i18n
from ..blocks import styled, tagged
from ..document import Document
from ..errors import JointreportError
from ..model import Project
from ..normalise import DECORATIVE, DRAFT_CLASS, anchors
from ..textruns import inlines
from ..tree import stringify, visit, walk
from .workplan import chart_description, chart_png

log = logging.getLogger("jointreport.render")

PANDOC_API_VERSION = [1, 23, 1]


def restyle_divs(blocks: list, restyle: Callable[[str, list, list], list | dict | None]) -> list:
    """Let a renderer replace each semantic Div (by its first class) with its own blocks. Like every pass
    here, it changes the renderer's own copy of the blocks (see `unwrapped`) in place."""

    def replace(key, value, fmt, meta):
        if key == "Div" and value[0][1]:
            return restyle(value[0][1][0], value[0], value[1])
        return None

    return visit(blocks, replace, only=frozenset(("Div",)))


def known_images(blocks: list, media: dict[str, Path]) -> list:
    """Pictures the build holds (media/<name>) stay; any other reference becomes its description, since
    neither renderer may read files from elsewhere."""

    def describe(key, value, fmt, meta):
        source = value[2][0] if key == "Image" else ""
        if key == "Image" and not (source.startswith("media/") and source[len("media/"):] in media):
            return {"t": "Emph", "c": value[1] or [{"t": "Str", "c": "[picture]"}]}
        return None

    return visit(blocks, describe, only=frozenset(("Image",)))


def described(blocks: list, lang: str) -> list:
    """Every picture with words for those who cannot see it (see `describe`)."""
    return visit(blocks, lambda key, value, fmt, meta: describe(value, lang), only=frozenset(("Image",)))


def describe(image: list, lang: str) -> None:
    """Give a picture (an Image's pandoc `c`) words for those who cannot see it (PDF/UA and WCAG 1.1.1): its
    description, else its title, else a note in the edition's language that it has none (`check` named the
    draft: a11y/missing-alt-text). A picture marked decorative stays without: renderers make it an artifact."""
    attr, alt, (_, title) = image
    if DECORATIVE not in attr[1] and all(item.get("t") == "Space" for item in alt):
        image[1] = inlines(title.strip() or i18n.text(lang, "no_description"))


def pandoc_document(blocks: list, lang: str = "") -> dict:
    """The blocks as a pandoc document; `lang` (BCP 47) is the language every writer declares for it."""
    meta = {"lang": {"t": "MetaString", "c": lang}} if lang else {}
    return {"pandoc-api-version": PANDOC_API_VERSION, "meta": meta, "blocks": blocks}


def draft_mark(document: Document) -> str:
    return i18n.text(document.project.language, "draft_mark") if document.is_draft else ""


def with_workplan_chart(document: Document) -> tuple[list, dict[str, Path]]:
    """The document's blocks (the renderer's copy) and media, with the workplan chart drawn where the
    assembly left its place."""
    media, chart = media_and_chart(document)
    return draw_workplan_chart(document.blocks, chart, document.project), media


def media_and_chart(document: Document) -> tuple[dict[str, Path], Path | None]:
    """The document's pictures, with the workplan chart (drawn from the project's data) when it has one."""
    media = dict(document.media)
    chart = chart_png(document.project) if document.project.workplan else None
    if chart is not None:
        media[chart.name] = chart
    return media, chart


def draw_workplan_chart(blocks: list, chart: Path | None, edition: Project) -> list:
    """`blocks` (the renderer's copy) with the picture `chart` where the assembly left the chart's place:
    described by its data in words, its source a line of text under it."""

    def draw(style_class: str, attr: list, blocks: list):
        if style_class != "workplan-chart" or chart is None:
            return None
        caption = blocks[0]["c"]
        alt = inlines(chart_description(edition))
        image = {"t": "Image", "c": [["", [], [["width", "100%"]]], alt, [f"media/{chart.name}", ""]]}
        source = styled("figure-source", [Para(inlines(i18n.text(edition.language, "workplan_source",
                                                                 coalition=edition.coalition)))])
        return [{"t": "Figure", "c": [["fig_workplan", [], []], [None, [Plain(caption)]], [Plain([image])]]}, source]

    return restyle_divs(blocks, draw)


Renderer = Callable[[Document, Path, set[str]], Path]  # the document as assembled, the output, drafts set aside


def in_language(lang: str, blocks: list) -> dict:
    """Blocks in language `lang`, inside an edition in another: a Div without a class, which every
    renderer's restyling leaves alone (pandoc's DOCX writer gives its runs `w:lang`)."""
    return {"t": "Div", "c": [["", [], [["lang", lang]]], blocks]}


def language_of(div: list) -> str | None:
    """The language of a Div made by `in_language` (its pandoc `c`), or None for any other Div."""
    attr = div[0]
    return attr[2][0][1] if not attr[0] and not attr[1] and len(attr[2]) == 1 and attr[2][0][0] == "lang" else None


def draft_paths(blocks: list) -> list[str]:
    """The file of every draft in the document, in reading order."""
    return tagged(blocks, "Div", DRAFT_CLASS, "path")


def anchors_set_aside(blocks: list, set_aside: set[str]) -> set[str]:
    """Every identifier inside the drafts `set_aside`: printed as plain text, they no longer have them."""
    found: set[str] = set()

    def collect(key, value, fmt, meta):
        if DRAFT_CLASS in value[0][1] and dict(value[0][2]).get("path") in set_aside:
            found.update(anchors(value[1]))

    if set_aside:
        visit(blocks, collect, only=frozenset(("Div",)))
    return found


def unlinked(blocks: list, hidden: set[str]) -> list:
    """`blocks` (the renderer's copy, changed in place) with each link to an identifier of `hidden` (see
    `anchors_set_aside`) as its words: Typst stops at a link to a label the document does not have."""
    def unlink(key, value, fmt, meta):
        target = value[2][0]
        return value[1] if target.startswith("#") and target[1:] in hidden else None

    return visit(blocks, unlink, only=frozenset(("Link",))) if hidden else blocks


def _as_plain_text(blocks: list) -> list:
    """A draft set aside: a note saying so, then its words paragraph by paragraph, without any structure."""
    note = Para([Emph(inlines("[This contribution could not be typeset and is shown as plain text.]"))])
    return [note] + [Para(inlines(" ".join(text.split()))) for text in map(stringify, blocks) if text.strip()]


def unwrapped(document: Document, set_aside: set[str] = frozenset()) -> Document:
    """The document as renderers take it: a copy of its own, which they change in place, with each draft's
    blocks in place of its Div, the drafts in `set_aside` as plain text."""
    blocks = unwrapped_blocks(document.blocks, set_aside, document.project.language)
    return dataclasses.replace(document, blocks=blocks)


def unwrapped_blocks(blocks: list, set_aside: set[str] = frozenset(), lang: str = "",
                     mark: Callable[[str, list], list] | None = None) -> list:
    """A copy of `blocks` with each draft's blocks in place of its Div, the drafts in `set_aside` as plain
    text. A file in another language than the edition's `lang` (not translated yet) stays in a Div that
    says its language (`in_language`): screen readers and hyphenation then follow the text's own. `mark`
    (its file, its blocks → blocks) puts a renderer's marks around each draft."""

    def unwrap(key, value, fmt, meta):
        if key == "Div" and DRAFT_CLASS in value[0][1]:
            attrs = dict(value[0][2])
            path = attrs.get("path", "")
            blocks = _as_plain_text(value[1]) if path in set_aside else value[1]
            own = attrs.get("lang", "")
            blocks = [in_language(own, blocks)] if lang and own and own != lang else blocks
            return mark(path, blocks) if mark else blocks
        return None

    return walk(blocks, unwrap)


class DraftsFailed(JointreportError):
    """A renderer's failure it could put down to drafts itself (Typst names the lines of its errors)."""

    def __init__(self, message: str, drafts: dict[str, str]):
        super().__init__(message)
        self.drafts = drafts  # file → the error it caused


def render_safely(render: Renderer, document: Document, output: Path) -> tuple[Path, dict[str, str]]:
    """Render the document (each renderer takes its own copy, see `unwrapped`); if the renderer fails, find
    the drafts that make it fail, set each aside as plain text, and render the rest: the drafts the renderer
    names (`DraftsFailed`: one render more, whatever the report's size), else by bisection over the drafts
    in reading order. Returns the output and, for each draft set aside, the renderer's error. A failure no
    draft explains is raised."""
    set_aside: dict[str, str] = {}
    while True:
        try:
            return render(document, output, set(set_aside)), set_aside
        except Exception as exc:  # whatever a draft makes a renderer raise, find the draft
            error = exc
        candidates = [path for path in draft_paths(document.blocks) if path not in set_aside]
        named = {path: why for path, why in getattr(error, "drafts", {}).items() if path in candidates}
        if named:
            log.info("%s: set aside, the renderer fails on %s", output.name, ", ".join(named))
            set_aside.update(named)
            continue

        def renders(extra: list[str]) -> bool:
            try:
                render(document, output, set(set_aside) | set(extra))
            except Exception:
                return False
            return True

        if not candidates or not renders(candidates):
            raise error  # no draft explains it: the renderer's own problem
        low, high = 1, len(candidates)  # the shortest prefix whose setting aside lets the render through
        while low < high:
            middle = (low + high) // 2
            if renders(candidates[:middle]):
                high = middle
            else:
                low = middle + 1
        culprit = candidates[low - 1]
        log.info("%s: set aside, the renderer fails on it", culprit)
        set_aside[culprit] = _first_error_line(error if isinstance(error, JointreportError)
                                               else f"{type(error).__name__}\n{error}")


def _first_error_line(error) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()] or ["unknown error"]
    detail = [line for line in lines[1:] if line.lower().startswith("error")] or lines[1:] or lines
    return detail[0][:200]


def label_captions(blocks: list, label: Callable[[str, str], list]) -> list:
    """Put each numbered figure's and table's label (`label(kind, number)` → inlines) before its caption's
    words: the numbers are the assembler's numbering pass's, so every output shows the same ones."""

    def prefix(key, value, fmt, meta):
        if key in ("Figure", "Table"):
            attrs = dict(value[0][2])
            caption = value[1][1]
            if "number" in attrs and caption and caption[0]["t"] in ("Plain", "Para"):
                caption[0]["c"][:0] = label(attrs.get("kind", "figure"), attrs["number"])
        return None

    return visit(blocks, prefix, only=frozenset(("Figure", "Table")))


def copyright_page(blocks: list) -> tuple[list, list]:
    """The copyright page's blocks (the assembly puts them first, in a `copyright` group) and the rest:
    each renderer sets them on the back of the cover."""
    first = blocks[0] if blocks else None
    if first and first["t"] == "Div" and "copyright" in first["c"][0][1]:
        return first["c"][1], blocks[1:]
    return [], blocks
