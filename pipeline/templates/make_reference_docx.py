"""Build pipeline/templates/reference.docx, the built-in Word styles template of the report.

pandoc takes page setup, styles, header and footer of a DOCX from the file
given with `--reference-doc`. Its own default looks like a generic memo, so
this script starts from that default (so every style pandoc relies on is
there) and restyles it in the house style of a UN-family flagship report:
A4, Roboto, UN blue and navy, parts on divider pages, chapters on new pages,
plus the named paragraph styles the pipeline applies (Attribution, Cover ...).

Run from the repository root:
    .venv/bin/python pipeline/templates/make_reference_docx.py
"""

import subprocess
import tempfile
from pathlib import Path

import pypandoc
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

OUTPUT = Path(__file__).resolve().parent / "reference.docx"

FONT = "Roboto"
# Text colours pass WCAG AA on white: 4.5:1 for body text, 3:1 for large text (18 pt, or 14 pt bold). UN blue
# (3.04:1) is for rules and large headings only; smaller text in blue is TEXT_BLUE (5.08:1).
UN_BLUE = "009EDB"
TEXT_BLUE = "0072BC"
NAVY = "1B365D"
TEXT = "222222"
GREY = "595959"
RED = "C00000"
PALE_BLUE = "EAF2F8"  # a shaded note's ground

PAGE_WIDTH, PAGE_HEIGHT = Cm(21), Cm(29.7)
# A text measure of some 75 characters a line at 10.5 pt (a book's 60–80), the wider margin outside:
# Word mirrors the margins on left-hand pages (w:mirrorMargins).
MARGIN_LEFT, MARGIN_RIGHT = Cm(2.6), Cm(5.4)
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 13 cm

BODY_SIZE = 10.5  # pt
LINE_SPACING = 1.15
BODY_AFTER = 6  # pt

CENTER = WD_ALIGN_PARAGRAPH.CENTER

# Paragraph styles: name -> (based on, next style, look). Every listed style
# is rebuilt from scratch, so nothing of pandoc's own look survives. Size,
# colour and spacing of body text live in the document defaults (see
# set_document_defaults), not in Normal, so that table-style formatting
# (9 pt cells, white header text) still wins inside tables.
HEADING_2 = dict(size=20, color=UN_BLUE, before=24, after=24, keep_next=True,
                 keep_lines=True, line=1.0, border=("bottom", UN_BLUE, 8, 4))
COVER_TITLE = dict(size=34, color=NAVY, bold=True, line=1.0, before=180, after=18)
COVER_SUBTITLE = dict(size=16, color=TEXT, line=1.0, after=36)
COVER_EDITION = dict(size=11, color=GREY)
TOC_ENTRY = dict(after=2, toc_tab=True)
HEADER_FOOTER = dict(size=8.5, color=GREY, line=1.0, after=0,
                     tabs=((TEXT_WIDTH // 2, WD_TAB_ALIGNMENT.CENTER),
                           (TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)))

PARAGRAPH_STYLES = {
    "Body Text": ("Normal", None, {}),
    "First Paragraph": ("Body Text", "Body Text", {}),
    "Compact": ("Body Text", None, dict(after=2)),
    "Heading 1": ("Normal", "Body Text", dict(
        size=28, color=NAVY, bold=True, line=1.0, before=120, after=12,
        page_break=True, keep_lines=True, outline=0)),
    "Heading 2": ("Normal", "Body Text", dict(HEADING_2, page_break=True, outline=1)),
    "Heading 3": ("Normal", "Body Text", dict(
        size=14, color=NAVY, bold=True, before=18, after=6, keep_next=True,
        keep_lines=True, outline=2)),
    "Heading 4": ("Normal", "Body Text", dict(
        size=12, color=NAVY, bold=True, before=12, after=4, keep_next=True,
        keep_lines=True, outline=3)),
    "Heading 5": ("Normal", "Body Text", dict(
        size=11, color=TEXT_BLUE, bold=True, before=10, after=4, keep_next=True,
        keep_lines=True, outline=4)),
    "Heading 6": ("Normal", "Body Text", dict(
        size=10.5, color=TEXT, bold=True, italic=True, before=8, after=4,
        keep_next=True, keep_lines=True, outline=5)),
    "Heading 7": ("Heading 6", "Body Text", dict(italic=False, outline=6)),
    "Heading 8": ("Heading 6", "Body Text", dict(bold=False, outline=7)),
    "Heading 9": ("Heading 6", "Body Text", dict(bold=False, italic=False, outline=8)),
    "Title": ("Normal", "Body Text", COVER_TITLE),
    "Subtitle": ("Normal", "Body Text", COVER_SUBTITLE),
    "Author": ("Normal", "Body Text", COVER_EDITION),
    "Date": ("Normal", "Body Text", COVER_EDITION),
    # the number hangs in the indent (the renderer puts a tab after it)
    "Footnote Text": ("Normal", None, dict(size=8.5, line=1.0, after=2, left=0.6, hanging=0.6)),
    "Table of Figures": ("Normal", None, dict(TOC_ENTRY, left=0, hanging=0)),
    "Caption": ("Normal", None, dict(size=9, italic=True, color=TEXT, before=4, after=10)),
    "Table Caption": ("Caption", None, dict(before=10, after=4, keep_next=True)),
    "Image Caption": ("Caption", None, dict(align=CENTER)),
    "Source Note": ("Normal", None, dict(size=8.5, color=GREY, before=0, after=12)),
    "Figure": ("Normal", None, dict(align=CENTER)),
    "Captioned Figure": ("Figure", None, dict(keep_next=True)),
    "TOC Heading": ("Normal", "Body Text", dict(HEADING_2, outline=9)),
    "toc 1": ("Normal", "Normal", dict(
        TOC_ENTRY, size=11, bold=True, color=NAVY, before=12)),
    "toc 2": ("Normal", "Normal", dict(TOC_ENTRY, size=10.5, before=4, left=0.5)),
    "toc 3": ("Normal", "Normal", dict(
        TOC_ENTRY, size=10, color=GREY, left=1.0)),
    "Header": ("Normal", None, HEADER_FOOTER),
    "Footer": ("Normal", None, HEADER_FOOTER),
    # Styles the pipeline applies by name.
    "Attribution": ("Normal", "Body Text", dict(
        size=9, italic=True, color=TEXT_BLUE, after=12, left=0.25,
        border=("left", UN_BLUE, 8, 6))),
    # report.yaml's `attribution: margin`: a small line set right, towards the outside margin
    "Attribution Margin": ("Normal", "Body Text", dict(
        size=8, italic=True, color=TEXT_BLUE, after=6, align=WD_ALIGN_PARAGRAPH.RIGHT)),
    "Cover Coalition": ("Normal", None, dict(
        size=14, color=UN_BLUE, bold=True, caps=True, before=0)),
    "Cover Title": ("Normal", None, COVER_TITLE),
    "Cover Subtitle": ("Normal", None, COVER_SUBTITLE),
    "Cover Edition": ("Normal", None, COVER_EDITION),
    # the title page after the cover, and the imprint on its back
    "Title Page Title": ("Normal", None, dict(size=24, color=NAVY, bold=True, line=1.0, before=96, after=12)),
    "Title Page Publisher": ("Normal", None, dict(size=10.5, color=NAVY, bold=True, before=160, after=4)),
    "Title Page Agency": ("Normal", None, dict(size=8.5, color=GREY, line=1.0, after=0)),
    "Copyright": ("Normal", None, dict(size=8, line=1.0, after=6)),
    "Draft Mark": ("Normal", None, dict(
        size=9, bold=True, color=RED, caps=True, line=1.0, after=0)),
    "Chapter Introduction": ("Normal", "Body Text", dict(size=11.5, color=NAVY, after=12)),
    "Annex Entry": ("Normal", None, dict(left=1.0, hanging=1.0)),
    "Contribution From": ("Normal", None, dict(
        size=8.5, color=GREY, caps=True, before=14, after=6, keep_next=True)),
    "Awaited Section": ("Normal", None, dict(size=9.5, italic=True, color=RED, after=12)),
    # the note before a text shown in the source language: navy on pale blue (10.7:1) beside a blue rule
    "Untranslated Note": ("Normal", None, dict(
        size=9.5, color=NAVY, before=6, after=12, keep_next=True, border=("left", TEXT_BLUE, 24, 8),
        shade=PALE_BLUE)),
    "Statement Title": ("Normal", None, dict(
        size=22, color=NAVY, bold=True, line=1.0, before=12, after=6, keep_next=True)),
    "Statement Dateline": ("Normal", None, dict(size=10, color=GREY, after=14)),
    "Signatories Heading": ("Normal", None, dict(
        size=9, color=NAVY, bold=True, caps=True, before=14, after=4, keep_next=True,
        border=("top", UN_BLUE, 8, 6))),
    "Agreed Text": ("Normal", "Body Text", dict(
        size=11, color=NAVY, before=6, after=12, left=0.4,
        border=("left", NAVY, 18, 8))),
}

# Word's own styles among them: mark them built-in and give them Word's ids.
BUILTIN_STYLE_IDS = {"toc 1": "TOC1", "toc 2": "TOC2", "toc 3": "TOC3",
                     "Header": "Header", "Footer": "Footer"}

CHARACTER_STYLES = {
    "Hyperlink": dict(color=TEXT_BLUE),
    "Footnote Reference": dict(color=TEXT_BLUE, superscript=True),
    "Verbatim Char": dict(size=9),
    "Draft Mark Char": dict(size=8.5, bold=True, color=RED, caps=True),
}

TABLE_STYLE = "Table"  # the style pandoc gives every table


def pandoc_default_reference(directory):
    """Write pandoc's own reference.docx into `directory` and return its path."""
    data = subprocess.run(
        [pypandoc.get_pandoc_path(), "--print-default-data-file", "reference.docx"],
        check=True, capture_output=True,
    ).stdout
    path = Path(directory) / "pandoc-default-reference.docx"
    path.write_bytes(data)
    return path


def set_page_layout(doc):
    """A4 portrait with the house margins."""
    for section in doc.sections:
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin = section.bottom_margin = Cm(2.5)
        section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
        section.header_distance = section.footer_distance = Cm(1.2)
        section.gutter = Cm(0)


def set_document_defaults(doc):
    """Body font, size, colour and spacing as docDefaults; Roboto on Normal too."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for tag in ("w:rFonts", "w:color", "w:sz", "w:szCs"):
        for old in rpr.findall(qn(tag)):
            rpr.remove(old)
    half_points = str(int(BODY_SIZE * 2))
    rpr.insert(0, parse_xml(
        f'<w:rFonts {nsdecls("w")} w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}"'
        ' w:eastAsiaTheme="minorEastAsia"/>'))
    rpr.insert(1, parse_xml(f'<w:color {nsdecls("w")} w:val="{TEXT}"/>'))
    rpr.insert(2, parse_xml(f'<w:sz {nsdecls("w")} w:val="{half_points}"/>'))
    rpr.insert(3, parse_xml(f'<w:szCs {nsdecls("w")} w:val="{half_points}"/>'))

    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for old in ppr.findall(qn("w:spacing")):
        ppr.remove(old)
    ppr.append(parse_xml(
        f'<w:spacing {nsdecls("w")} w:before="0" w:after="{BODY_AFTER * 20}"'
        f' w:line="{round(LINE_SPACING * 240)}" w:lineRule="auto"/>'))

    normal = doc.styles["Normal"]
    reset_formatting(normal)
    set_font_name(normal.font)


def drop_linked_character_styles(doc):
    """Remove pandoc's '... Char' twins of paragraph styles (they keep the old
    theme look); Body Text Char stays because pandoc bases character styles on it."""
    root = doc.styles.element
    for style in root.findall(qn("w:style")):
        link = style.find(qn("w:link"))
        if style.get(qn("w:type")) != "paragraph" or link is None:
            continue
        if style.get(qn("w:styleId")) == "BodyText":
            continue
        target = link.get(qn("w:val"))
        style.remove(link)
        if target != "BodyTextChar":
            for twin in root.findall(qn("w:style")):
                if twin.get(qn("w:styleId")) == target:
                    root.remove(twin)


def reset_formatting(style):
    """Drop a style's own paragraph and run properties."""
    for tag in ("w:pPr", "w:rPr"):
        for old in style.element.findall(qn(tag)):
            style.element.remove(old)


def set_font_name(font):
    """Roboto for Latin and complex scripts, without theme-font overrides."""
    font.name = FONT
    rfonts = font.element.rPr.rFonts
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:cs"), FONT)


def set_given(target, **values):
    """Set only the properties given a value; None keeps what the style inherits."""
    for name, value in values.items():
        if value is not None:
            setattr(target, name, value)


def apply_run_look(font, size=None, color=None, bold=None, italic=None,
                   caps=None, superscript=None):
    """Character formatting shared by paragraph and character styles."""
    if color is not None:
        font.color.rgb = RGBColor.from_string(color)
    set_given(font, size=None if size is None else Pt(size), bold=bold, italic=italic,
              all_caps=caps, superscript=superscript)


def add_border(ppr, side, color, eighths_of_point, space_pt):
    """A single-line paragraph border on one side."""
    border = parse_xml(
        f'<w:pBdr {nsdecls("w")}><w:{side} w:val="single" w:sz="{eighths_of_point}"'
        f' w:space="{space_pt}" w:color="{color}"/></w:pBdr>')
    ppr.insert_element_before(border, "w:shd", "w:tabs", "w:spacing", "w:ind",
                              "w:contextualSpacing", "w:jc", "w:outlineLvl")


def apply_paragraph_look(style, before=None, after=None, line=None, align=None,
                         keep_next=None, keep_lines=None, page_break=None,
                         outline=None, left=None, hanging=None, border=None, shade=None,
                         toc_tab=False, tabs=(), **run_look):
    """Paragraph formatting of one style; the rest goes to the run look."""
    fmt = style.paragraph_format
    set_given(
        fmt,
        space_before=None if before is None else Pt(before),
        space_after=None if after is None else Pt(after),
        line_spacing=line, alignment=align, keep_with_next=keep_next, keep_together=keep_lines,
        page_break_before=page_break,
        left_indent=None if left is None else Cm(left),
        first_line_indent=None if hanging is None else -Cm(hanging),
    )
    if toc_tab:
        fmt.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    for position, alignment in tabs:
        fmt.tab_stops.add_tab_stop(position, alignment)
    ppr = style.element.get_or_add_pPr()
    if border is not None:
        add_border(ppr, *border)
    if shade is not None:
        ppr.insert_element_before(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{shade}"/>'),
                                  "w:tabs", "w:spacing", "w:ind", "w:contextualSpacing", "w:jc", "w:outlineLvl")
    if outline is not None:
        ppr.get_or_add_outlineLvl().val = outline
    apply_run_look(style.font, **run_look)


def existing(doc, name):
    """The style called `name`, compared as Word compares names: pandoc's default writes "Caption" where
    python-docx looks for Word's "caption", and adding a second one would give two styles one id."""
    return next((style for style in doc.styles if style.name.lower() == name.lower()), None)


def restyle_paragraph_styles(doc):
    """Create or rebuild every style in PARAGRAPH_STYLES."""
    styles = doc.styles
    for name, (based_on, next_style, look) in PARAGRAPH_STYLES.items():
        style = existing(doc, name)
        if style is None:
            builtin = name in BUILTIN_STYLE_IDS
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH, builtin=builtin)
            style.quick_style = not builtin
            if builtin:
                style.style_id = BUILTIN_STYLE_IDS[name]
        reset_formatting(style)
        style.base_style = existing(doc, based_on)
        if next_style is not None:
            style.next_paragraph_style = existing(doc, next_style)
        apply_paragraph_look(style, **look)


def restyle_character_styles(doc):
    """Hyperlinks, footnote marks, inline code and the draft mark in the running header."""
    for name, look in CHARACTER_STYLES.items():
        style = existing(doc, name) or doc.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
        apply_run_look(style.font, **look)


def restyle_table_style(doc):
    """Tables as the UN Editorial Manual sets them: a rule above and below the column heads (bold, navy), one at
    the foot, none between the rows; 9 pt text."""
    style = doc.styles[TABLE_STYLE]
    reset_formatting(style)
    style.font.size = Pt(9)
    style.paragraph_format.line_spacing = 1.0
    style.paragraph_format.space_before = Pt(2)
    style.paragraph_format.space_after = Pt(2)
    # no hyphenation in table cells ("Productive in-vestment")
    style.element.get_or_add_pPr().append(parse_xml(f'<w:suppressAutoHyphens {nsdecls("w")}/>'))
    for old in style.element.findall(qn("w:tblPr")) + style.element.findall(qn("w:tblStylePr")):
        style.element.remove(old)
    rule = f'w:val="single" w:sz="6" w:space="0" w:color="{TEXT}"'
    style.element.append(parse_xml(
        f'<w:tblPr {nsdecls("w")}>'
        '<w:tblInd w:w="0" w:type="dxa"/>'
        f'<w:tblBorders><w:top {rule}/><w:left w:val="nil"/><w:bottom {rule}/>'
        '<w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders>'
        '<w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="57" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar>'
        '</w:tblPr>'))
    style.element.append(parse_xml(
        f'<w:tblStylePr {nsdecls("w")} w:type="firstRow">'
        '<w:pPr><w:keepNext/></w:pPr>'
        f'<w:rPr><w:b/><w:bCs/><w:color w:val="{NAVY}"/></w:rPr>'
        '<w:trPr><w:tblHeader/></w:trPr>'
        f'<w:tcPr><w:tcBorders><w:top w:val="single" w:sz="6" w:space="0" w:color="{TEXT}"/>'
        f'<w:bottom w:val="single" w:sz="4" w:space="0" w:color="{TEXT}"/></w:tcBorders>'
        '<w:vAlign w:val="bottom"/></w:tcPr>'
        '</w:tblStylePr>'))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        doc = Document(str(pandoc_default_reference(tmp)))
    set_page_layout(doc)
    set_document_defaults(doc)
    drop_linked_character_styles(doc)
    restyle_paragraph_styles(doc)
    restyle_character_styles(doc)
    restyle_table_style(doc)
    settings = doc.settings.element
    if settings.find(qn("w:mirrorMargins")) is None:
        settings.insert(0, parse_xml(f'<w:mirrorMargins {nsdecls("w")}/>'))
    doc.save(OUTPUT)
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
