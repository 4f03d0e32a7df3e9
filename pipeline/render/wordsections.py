"""The DOCX's sections, as a publisher sets a book: parts and chapters open on a right-hand page, and the
front matter is numbered i, ii, … before the main matter starts again at 1 (Word's page number formats,
the PDF's page labels)."""

from __future__ import annotations

import copy

from docx.oxml.ns import qn
from lxml import etree
from pandocfilters import RawBlock

from ..wordml import W
from .wordstyles import style_named


def w_element(tag: str, **attrs) -> etree._Element:
    element = etree.Element(f"{{{W}}}{tag}", nsmap={"w": W})
    for name, value in attrs.items():
        element.set(f"{{{W}}}{name}", value)
    return element


# Marker paragraphs the front matter puts where a section of its own starts on a right-hand page: the title
# page (it and the imprint on its back carry no running head or folio) and the contents (opening as a chapter).
TITLE_PAGES, RECTO = "JointreportTitlePages", "JointreportRecto"


def section_start(marker: str) -> RawBlock:
    """Where the front matter starts a section on a right-hand page (TITLE_PAGES or RECTO)."""
    return RawBlock("openxml", f'<w:p><w:pPr><w:pStyle w:val="{marker}"/></w:pPr></w:p>')


def open_on_right_hand_pages(word, main_matter: str | None = None) -> list:
    """Parts and chapters (Heading 1 and 2), and the front matter's marked pages, open a new section
    starting on an odd page, with a distinct first page: the cover's for the first section, an opening page
    without running head for the others. The sections before the heading `main_matter` (its identifier:
    bookmarked by pandoc) are numbered i, ii, …; its own starts again at 1. Returns the title pages'
    sections' properties: no running head or folio belongs on them."""
    body = word.element.body
    final = body.find(qn("w:sectPr"))
    if final is None:
        return []
    styles = {style_named(word, name).style_id for name in ("Heading 1", "Heading 2") if style_named(word, name)}
    openers = [p for p in body.iterchildren(qn("w:p")) if _style(p) in styles | {TITLE_PAGES, RECTO}]
    for old in final.findall(qn("w:type")):  # a section's own start (the last one's too: the final annex)
        final.remove(old)
    leading = [child for child in final if child.tag in {qn("w:headerReference"), qn("w:footerReference"),
                                                         qn("w:footnotePr"), qn("w:endnotePr")}]
    final.insert(len(leading), w_element("type", val="oddPage"))  # where the schema wants it, after those
    starts = [_bookmarks(paragraph) for paragraph in openers]
    kinds = [None, *(_style(paragraph) for paragraph in openers)]  # what opened each section
    ends = []  # each section's properties, in order: a section's are on the paragraph that ends it
    for paragraph in openers:
        section = copy.deepcopy(final)
        if kinds[len(ends) + 1] in (TITLE_PAGES, RECTO):  # the marker itself ends the section before
            paragraph.remove(paragraph.pPr)
            breaker = paragraph
        else:
            breaker = w_element("p")
            paragraph.addprevious(breaker)
            paragraph.pPr.get_or_add_pageBreakBefore().val = False  # the section break already starts the page
        breaker.insert(0, w_element("pPr"))
        breaker[0].append(section)
        ends.append(section)
    sections = [*ends, final]  # section 0 starts the document, n at opener n - 1
    main = next((number for number, names in enumerate(starts) if main_matter in names), None)
    if main_matter and main is not None:
        for number, section in enumerate(sections):
            if number <= main:
                _number_pages(section, "lowerRoman", "1" if number == 0 else None)
            elif number == main + 1:
                _number_pages(section, "decimal", "1")
    return [section for section, kind in zip(sections, kinds, strict=True) if kind == TITLE_PAGES]


def bare(section, like) -> None:
    """`section`'s pages take the headers and footers of the first page of `like` (the cover's: the draft
    mark at most, no running head, no folio), whether first, left or right."""
    for tag in ("headerReference", "footerReference"):
        first = like.find(qn(f"w:{tag}") + '[@{%s}type="first"]' % W)
        for old in section.findall(qn(f"w:{tag}")):
            section.remove(old)
        for kind in ("default", "even", "first"):
            reference = copy.deepcopy(first)
            reference.set(qn("w:type"), kind)
            section.insert(0, reference)


def _style(paragraph) -> str | None:
    return paragraph.pPr.pStyle.val if paragraph.pPr is not None and paragraph.pPr.pStyle is not None else None


# what follows w:pgNumType in a section's properties (the schema's order)
AFTER_PAGE_NUMBERS = {qn(f"w:{tag}") for tag in ("cols", "formProt", "vAlign", "noEndnote", "titlePg", "textDirection",
                                                 "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange")}


def _number_pages(section, style: str, start: str | None) -> None:
    """A section's page numbers in `style` (lowerRoman, decimal), starting at `start` or going on."""
    for old in section.findall(qn("w:pgNumType")):
        section.remove(old)
    numbers = w_element("pgNumType", fmt=style, **({"start": start} if start else {}))
    later = next((child for child in section if child.tag in AFTER_PAGE_NUMBERS), None)
    if later is None:
        section.append(numbers)
    else:
        later.addprevious(numbers)


def _bookmarks(paragraph) -> set[str]:
    """The names bookmarked at a paragraph: in it, or just before it (pandoc's mark of a division's start)."""
    names = {mark.get(qn("w:name")) for mark in paragraph.iter(qn("w:bookmarkStart"))}
    before = paragraph.getprevious()
    while before is not None and before.tag == qn("w:bookmarkStart"):
        names.add(before.get(qn("w:name")))
        before = before.getprevious()
    return names


