"""DOCX through pandoc and the project's reference.docx, finished with python-docx.

pandoc leaves a table of contents as an empty field that Word fills only
after an update; we write the entries ourselves (hyperlinks to the heading
bookmarks, PAGEREF fields for the page numbers) and ask Word to refresh the
page numbers on opening. Cover, running header, draft mark and page numbers
are added here because they depend on the project, not on the template.
"""

from __future__ import annotations

import base64
import copy
import io
import mimetypes
from pathlib import Path
from xml.sax.saxutils import escape

import docx
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Emu
from lxml import etree
from pandocfilters import Div, Image, Para, RawBlock, RawInline, Str

from .. import i18n
from ..document import Document
from ..files import write_atomically
from ..model import Project
from ..normalise import DECORATIVE
from ..pandoc import write_from_ast
from ..textruns import inlines
from ..tree import visit
from ..word.pictures import describe_pictures
from ..wordml import W
from . import (
    copyright_page,
    describe,
    draft_mark,
    known_images,
    label_captions,
    pandoc_document,
    restyle_divs,
    unwrapped,
    with_workplan_chart,
)
from .bookpages import main_matter_start
from .cover import CoverLogos, cover_logos
from .quotes import curly, typographic_quotes
from .wordsections import RECTO, TITLE_PAGES, bare, open_on_right_hand_pages, section_start, w_element
from .wordstyles import complete_reference, resolve_style_ids, style_named

TALLEST = Cm(17)  # a picture's height at most, as the PDF's (render.pdf.TALLEST)
TEXT_WIDTH = Cm(16.3)  # A4 less the built-in reference document's margins, when a template gives no page size
STYLES = {
    "attribution": "Attribution",
    "attribution-margin": "Attribution Margin",
    "contribution-from": "Contribution From",
    "chapter-intro": "Chapter Introduction",
    "missing": "Awaited Section",
    "untranslated": "Untranslated Note",
    "agreed": "Agreed Text",
    "signatories-head": "Signatories Heading",
    "figure-source": "Source Note",
}
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
DECORATIVE_TITLE = "jointreport-decorative"  # what a decorative picture's title says until `_mark_decorative`
# Word's "Mark as decorative": an extension of the picture's properties (Office 2019 and later)
DECORATIVE_EXTENSION = ('<a:extLst xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
                        '<a:ext uri="{C183D7F6-B498-43B3-948B-1728B52AA6E4}">'
                        '<adec:decorative xmlns:adec="http://schemas.microsoft.com/office/drawing/2017/decorative" '
                        'val="1"/></a:ext></a:extLst>')
PAGE_BREAK = RawBlock("openxml", '<w:p><w:r><w:br w:type="page"/></w:r></w:p>')


def _styled(style: str, text: str) -> dict:
    return Div(["", [], [["custom-style", style]]], [Para(inlines(text))])


def _restyle(style_class: str, attr: list, blocks: list):
    style = STYLES.get(style_class)
    return Div(["", [], [["custom-style", style]] if style else []], blocks)


def _embed_images(media: dict[str, Path], blocks: list, lang: str) -> list:
    """pandoc's sandbox reads no image files, so images travel inside the AST as data: URIs; each described
    (see `describe`: its wp:docPr/@descr), a decorative one's title saying so, for `_mark_decorative`."""

    def embed(key, value, fmt, meta):
        describe(value, lang)
        if DECORATIVE in value[0][1]:
            value[2][1] = DECORATIVE_TITLE
        if key == "Image" and value[2][0].startswith("media/"):
            path = media[value[2][0][len("media/"):]]
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            value[2][0] = f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}"
        return None

    return visit(blocks, embed, only=frozenset(("Image",)))


def _run(parent, child: etree._Element | None = None, text: str | None = None) -> None:
    run = etree.SubElement(parent, f"{{{W}}}r")
    if child is not None:
        run.append(child)
    if text is not None:
        t = etree.SubElement(run, f"{{{W}}}t")
        t.text = text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _field_char(kind: str) -> etree._Element:
    return w_element("fldChar", fldCharType=kind)


def _instruction(text: str) -> etree._Element:
    element = w_element("instrText")
    element.text = text
    element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return element


def _field_list(title: str, instruction: str, entries: list[tuple[str, str, str]]) -> list:
    """A heading, then a Word TOC field whose result is already written: one paragraph per entry
    (style, text, bookmark), each a hyperlink to its bookmark with a PAGEREF page number Word fills in."""
    heading = w_element("p")
    heading.append(w_element("pPr"))
    heading[0].append(w_element("pStyle", val="TOCHeading"))
    _run(heading, text=title)
    paragraphs = [heading]
    for index, (style, text, identifier) in enumerate(entries):
        p = w_element("p")
        ppr = etree.SubElement(p, f"{{{W}}}pPr")
        ppr.append(w_element("pStyle", val=style))
        if index == 0:
            _run(p, _field_char("begin"))
            _run(p, _instruction(instruction))
            _run(p, _field_char("separate"))
        link = etree.SubElement(p, f"{{{W}}}hyperlink")
        link.set(f"{{{W}}}anchor", identifier)
        link.set(f"{{{W}}}history", "1")
        _run(link, text=text)
        _run(link, w_element("tab"))
        _run(link, _field_char("begin"))
        _run(link, _instruction(f" PAGEREF {identifier} \\h "))
        _run(link, _field_char("separate"))
        _run(link, text="")
        _run(link, _field_char("end"))
        if index == len(entries) - 1:
            _run(p, _field_char("end"))
        paragraphs.append(p)
    return paragraphs


def table_of_contents(document: Document, title: str) -> list:
    """A Word TOC field whose result already lists every part, chapter and section."""
    lang = document.project.language
    entries = [(f"TOC{h.level}", curly(h.text, "", lang), h.identifier) for h in document.headings if h.level <= 3]
    paragraphs = _field_list(title, ' TOC \\o "1-3" \\h \\z \\u ', entries)
    return [RawBlock("openxml", "".join(etree.tostring(p, encoding="unicode") for p in paragraphs))]


def _text_run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def caption_label(lang: str, kind: str, number: str) -> list:
    """"Figure 2.3: " as Word writes a caption: the chapter number as text, then a SEQ field restarting at
    each Heading 2 (a chapter) whose result is already filled in, so Word and LibreOffice show it unupdated."""
    chapter, _, count = number.rpartition(".")
    seq = "Figure" if kind == "figure" else "Table"
    # \s 2: Word restarts the count at each Heading 2 (a chapter); \r 1 on a chapter's first caption says the
    # same to LibreOffice, which ignores \s and recounts every SEQ field when it opens a file
    restart = (" \\s 2" if chapter else "") + (" \\r 1" if count == "1" else "")
    xml = (_text_run(f"{i18n.text(lang, kind)} {chapter + '.' if chapter else ''}")
           + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
           + f'<w:r><w:instrText xml:space="preserve"> SEQ {seq} \\* ARABIC{restart} </w:instrText></w:r>'
           + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
           + _text_run(count) + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
           + _text_run(i18n.text(lang, "caption_colon") + " "))
    return [RawInline("openxml", xml)]


def lists_of_captions(document: Document) -> list:
    """The lists of figures and of tables: Word TOC fields over the caption labels, their entries already
    written (hyperlinks to the figures' and tables' bookmarks, PAGEREF page numbers Word fills on opening)."""
    lang = document.project.language
    colon = i18n.text(lang, "caption_colon")
    paragraphs = []
    for kind, title in (("figure", "list_of_figures"), ("table", "list_of_tables")):
        entries = [("TableofFigures", curly(f"{c.label}{colon} {c.text}", "", lang), c.identifier)
                   for c in document.captions if c.kind == kind]
        if entries:
            label = "Figure" if kind == "figure" else "Table"
            paragraphs += _field_list(i18n.text(lang, title), f' TOC \\h \\z \\c "{label}" ', entries)
    if not paragraphs:
        return []
    return [PAGE_BREAK, RawBlock("openxml", "".join(etree.tostring(p, encoding="unicode") for p in paragraphs))]


def _logo_row(sources: list[str], names: list[str], height: str) -> dict:
    """One paragraph of logos side by side, each `height` high, each described by whose it is."""
    row = []
    for source, name in zip(sources, names, strict=True):
        row += ([Str("\u2003")] if row else []) + [Image(["", [], [["height", height]]], inlines(name), [source, ""])]
    return Div(["", [], [["custom-style", "Cover Edition"]]], [Para(row)])


def front_matter(document: Document, copyright: list, logos: CoverLogos) -> list:
    """Cover (with the coalition's logo above its name and the agencies' in a row at the foot), the title
    page, the imprint (the assembly's `copyright` group), contents, lists of figures and tables."""
    project = document.project
    cover = [_logo_row([logos.coalition], [project.coalition], "1.6cm")] if logos.coalition else []
    cover += [
        _styled("Cover Coalition", project.coalition),
        _styled("Cover Title", project.title),
        _styled("Cover Subtitle", project.subtitle),
        _styled("Cover Edition", project.edition),
    ]
    if project.date:
        cover.append(_styled("Cover Edition", i18n.long_date(project.date, project.language)))
    if document.is_draft:
        cover.append(_styled("Draft Mark", draft_mark(document)))
    if logos.agencies:
        cover.append(_logo_row(logos.agencies, logos.names, "0.8cm"))
    cover += [section_start(TITLE_PAGES), *title_page(project)]
    if copyright:  # on the title page's back
        cover += [PAGE_BREAK, Div(["", [], [["custom-style", "Copyright"]]], copyright)]
    return (cover + [section_start(RECTO)] + table_of_contents(document, i18n.text(project.language, "contents"))
            + lists_of_captions(document))


def title_page(edition: Project) -> list:
    """The title page, as the PDF's: title, subtitle, the coalition and its agencies' full names in the
    edition's language, the edition."""
    return [_styled("Title Page Title", edition.title), _styled("Cover Subtitle", edition.subtitle),
            _styled("Title Page Publisher", edition.coalition),
            *(_styled("Title Page Agency", agency.name) for agency in edition.agencies.values()),
            _styled("Cover Edition", edition.edition)]


def render_docx(document: Document, output: Path, set_aside: set[str] = frozenset()) -> Path:
    document = unwrapped(document, set_aside)
    blocks, media = with_workplan_chart(document)
    logos = cover_logos(document.project)
    media = {**media, **logos.media}
    copyright, blocks = copyright_page(blocks)
    lang = document.project.language
    blocks = label_captions(blocks, lambda kind, number: caption_label(lang, kind, number))
    front = front_matter(document, copyright, logos)
    blocks = typographic_quotes(front + blocks, lang)
    write_atomically(output, finish(document, to_docx(document.project, blocks, media)))
    return output


def to_docx(project: Project, blocks: list, media: dict[str, Path]) -> bytes:
    """pandoc's DOCX of `blocks`, in the project's Word styles and language (its default run language and
    dc:language), every picture described (see `describe`): its `wp:docPr/@descr`."""
    blocks = _embed_images(media, restyle_divs(known_images(blocks, media), _restyle), project.language)
    return write_from_ast(pandoc_document(blocks, project.language), "docx",
                          [f"--reference-doc={complete_reference(project)}"], yielding=True)


def _accessible(word, lang: str) -> None:
    """What pandoc leaves to do: the edition's language for Word's theme fonts too (pandoc sets the default
    run language and dc:language), each picture's words wherever a reader looks for them, and Word's own mark
    on decorative pictures (screen readers skip them)."""
    theme = word.settings.element.find(qn("w:themeFontLang"))
    if theme is None:
        theme = w_element("themeFontLang")
        word.settings.element.append(theme)
    theme.set(qn("w:val"), lang)
    describe_pictures(word.element.body)
    _mark_decorative(word)


def _mark_decorative(word) -> None:
    """Pictures whose title says they are decorative get Word's mark instead."""
    for properties in word.element.body.iter(f"{{{WP}}}docPr"):
        if properties.get("title") == DECORATIVE_TITLE:
            del properties.attrib["title"]
            properties.set("descr", "")
            properties.append(etree.fromstring(DECORATIVE_EXTENSION))


def render_statement_docx(project: Project, heading: tuple[str, str, str], blocks: list, media: dict[str, Path],
                          output: Path) -> Path:
    """A joint statement: coalition, title and dateline, then the text and its signatories; no cover."""
    coalition, title, dateline = heading
    top = [_styled("Cover Coalition", coalition), _styled("Statement Title", title),
           _styled("Statement Dateline", dateline)]
    word = docx.Document(io.BytesIO(to_docx(project, typographic_quotes(top + blocks, project.language), media)))
    _accessible(word, project.language)
    properties = word.core_properties
    properties.title, properties.author = title, coalition
    out = io.BytesIO()
    word.save(out)
    write_atomically(output, out.getvalue())
    return output


def finish(document: Document, data: bytes) -> bytes:
    """Header, footer, draft mark and document properties: the parts pandoc does not write."""
    project = document.project
    word = docx.Document(io.BytesIO(data))
    resolve_style_ids(word)
    section = word.sections[0]
    section.different_first_page_header_footer = True
    mark = draft_mark(document)
    width = _text_width(section)
    header_style, footer_style = style_named(word, "Header"), style_named(word, "Footer")

    mark_style = style_named(word, "Draft Mark Char")
    word.settings.odd_and_even_pages_header_footer = True  # the folio on the outer edge of either page
    for part in (section.header, section.even_page_header):
        header = _blank_paragraph(part, header_style, width)
        header.add_run(_fitted(curly(project.title, "", project.language), mark, width))
        if mark:
            header.add_run("\t")
            header.add_run(mark, style=mark_style)
    cover_header = _blank_paragraph(section.first_page_header, header_style, width)  # the title pages' too
    if mark:
        cover_header.add_run("\t")
        cover_header.add_run(mark, style=mark_style)
    coalition = curly(project.coalition, "", project.language)
    _folio(_blank_paragraph(section.footer, footer_style, width), coalition)
    _folio(_blank_paragraph(section.even_page_footer, footer_style, width), coalition, verso=True)
    _blank_paragraph(section.first_page_footer, footer_style, width)

    title_pages = open_on_right_hand_pages(word, main_matter_start(document.blocks))
    openings = word.sections[1:]
    if openings:  # a part's or chapter's opening page: the draft mark but no running head, and its folio
        footer = openings[0].first_page_footer
        footer.is_linked_to_previous = True  # drops the cover's blank footer…
        footer.is_linked_to_previous = False  # …for a footer of its own
        _folio(_blank_paragraph(footer, footer_style, width), coalition)
        reference = openings[0]._sectPr.find(qn("w:footerReference") + '[@{%s}type="first"]' % W)
        for later in openings[1:]:
            for old in later._sectPr.findall(qn("w:footerReference") + '[@{%s}type="first"]' % W):
                later._sectPr.remove(old)
            later._sectPr.insert(0, copy.deepcopy(reference))
    for section in title_pages:
        bare(section, word.sections[0]._sectPr)
    _hanging_footnote_numbers(word)
    _no_taller_than(word.element.body, TALLEST)

    for restart in list(word.element.body.iter(qn("w:numRestart"))):  # pandoc restarts footnotes each section;
        restart.getparent().remove(restart)  # LibreOffice then numbers them all "1"

    settings = word.settings.element
    if settings.find(qn("w:updateFields")) is None:
        settings.append(parse_xml(f'<w:updateFields {nsdecls("w")} w:val="true"/>'))
    _accessible(word, project.language)

    properties = word.core_properties
    properties.title, properties.subject, properties.author = project.title, project.subtitle, project.coalition
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _folio(paragraph, coalition: str, verso: bool = False) -> None:
    """The footer's words, the page number on the outer edge: on a right-hand page the coalition, then the
    number at the right tab stop; on a left-hand (`verso`) page the number, then the coalition."""
    number = parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>')
    if verso:
        paragraph._p.append(number)
        paragraph.add_run(f"\t{coalition}")
    else:
        paragraph.add_run(f"{coalition}\t")
        paragraph._p.append(number)


def _no_taller_than(body, tallest: int) -> None:
    """Each picture scaled down, in proportion, to `tallest` (EMU) where pandoc made it taller (it fits a picture
    to the page's width only): room is left on its page for its caption and source line, as in the PDF."""
    for extent in body.iter(f"{{{WP}}}extent"):
        height = int(extent.get("cy", "0"))
        if height <= tallest:
            continue
        drawn = extent.getparent().iter("{http://schemas.openxmlformats.org/drawingml/2006/main}ext")
        for size in [extent, *(ext for ext in drawn if ext.get("cx"))]:  # not an extension list's a:ext
            size.set("cx", str(int(size.get("cx", "0")) * tallest // height))
            size.set("cy", str(int(size.get("cy", "0")) * tallest // height))


def _hanging_footnote_numbers(word) -> None:
    """A tab, not a space, after each footnote's number: with the Footnote Text style's hanging indent, the
    number stands in the margin of the note."""
    for part in word.part.package.iter_parts():
        if not str(part.partname).endswith("/footnotes.xml"):
            continue
        root = part.element if hasattr(part, "element") else etree.fromstring(part.blob)
        for reference in root.iter(qn("w:footnoteRef")):
            run = reference.getparent().getnext()
            text = run.find(qn("w:t")) if run is not None and run.tag == qn("w:r") else None
            if text is not None and text.text == " ":
                run.remove(text)
                run.append(w_element("tab"))
        if not hasattr(part, "element"):
            part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _fitted(title: str, mark: str, width) -> str:
    """The running head's title, cut at a word with '…' where it and the draft mark would not fit on one line
    of the text column (about 6.5 characters a centimetre at the header's 8.5 pt; the mark's bold capitals
    count half as much again)."""
    capacity = int(Emu(width).cm * 6.5)
    room = capacity - int(len(mark) * 1.5) - 2 if mark else capacity
    if len(title) <= room:
        return title
    cut = title[:max(room - 1, 1)].rsplit(" ", 1)[0].rstrip(" ,:;–-")
    return cut + "…"


def _text_width(section):
    """The width between the margins of the template's page, where the right-aligned tab stop goes."""
    sizes = (section.page_width, section.left_margin, section.right_margin)
    return sizes[0] - sizes[1] - sizes[2] if all(size is not None for size in sizes) else TEXT_WIDTH


def _blank_paragraph(part, style, width):
    """The header or footer's only paragraph, emptied of what the template put there, with a right tab stop."""
    part.is_linked_to_previous = False
    for extra in part.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    paragraph = part.paragraphs[0]
    for child in list(paragraph._p):
        paragraph._p.remove(child)
    paragraph.style = style
    tabs = paragraph.paragraph_format.tab_stops
    for inherited in style.paragraph_format.tab_stops if style is not None else ():
        tabs.add_tab_stop(inherited.position, WD_TAB_ALIGNMENT.CLEAR)
    tabs.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    return paragraph
