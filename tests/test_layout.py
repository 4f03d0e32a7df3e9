"""Layout choices of report.yaml (issue 12): where the attribution goes, annexes with or without a divider
page, a long chapter title in the PDF's running head."""

from __future__ import annotations

import subprocess

import docx
from docx.enum.section import WD_SECTION_START
from pypdf import PdfReader

from .conftest import edit_yaml, jointreport, needs_client, replace_once

LONG_TITLE = ("Political and fiscal space, sustainability and the many ways countries have found to pay for a "
              "floor of social protection")


def build(root, *args):
    run = jointreport("build", "--project", str(root), *args)
    assert run.code == 0, run.stderr
    word, pdf = root / "build" / "a-minimal-joint-report.docx", root / "build" / "a-minimal-joint-report.pdf"
    return (docx.Document(str(word)) if word.is_file() else None), (PdfReader(str(pdf)) if pdf.is_file() else None)


def pdf_pages(pdf) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in pdf.pages]


def text_positions(page) -> dict[str, float]:
    """Each piece of text on a PDF page and the x of where it starts, in points."""
    found = {}
    page.extract_text(visitor_text=lambda text, cm, tm, font, size: found.setdefault(
        text.strip(), tm[4] * cm[0] + cm[4]) if text.strip() else None)
    return found


def test_attribution_in_the_margin_or_not_at_all(fixture_project):
    root = fixture_project("minimal")
    edit_yaml(root / "report.yaml", lambda data: data.update(attribution="margin"))
    word, pdf = build(root)
    credit = "Contributed by NA with SA"
    assert [p.style.name for p in word.paragraphs if p.text == credit] == ["Attribution Margin"]
    assert word.styles["Attribution Margin"].paragraph_format.alignment == 2  # right-aligned, small
    page = next(p for p in pdf.pages if credit in " ".join(p.extract_text().split()))
    width, right_margin = float(page.mediabox.width), 5.6 / 2.54 * 72
    start = next(x for text, x in text_positions(page).items() if text.startswith("Contributed"))
    assert start > width - right_margin, "the note stands in the outside margin, right of the text column"

    edit_yaml(root / "report.yaml", lambda data: data.update(attribution="none"))
    word, pdf = build(root)
    for text in (" ".join(p.text for p in word.paragraphs), " ".join(pdf_pages(pdf))):
        assert "Contributed by" not in text
        assert "Northern Agency (NA)" in text and "Alpha section (lead)" in text  # the contributors annex


def test_an_annex_opens_like_a_chapter_unless_dividers_are_asked_for(fixture_project):
    root = fixture_project("minimal")
    _, pdf = build(root, "--format", "pdf")
    annex = [page for page in pdf_pages(pdf) if page.startswith("Annex: Contributors")]
    assert len(annex) == 1 and "The agencies below drafted" in annex[0]  # heading and text on one page

    edit_yaml(root / "report.yaml", lambda data: data.update(annex_dividers=True))
    _, pdf = build(root, "--format", "pdf")
    pages = pdf_pages(pdf)
    divider = next(i for i, page in enumerate(pages) if page.startswith("Annex: Contributors"))
    assert "The agencies below drafted" not in pages[divider]  # the heading alone on its page (and the folio)
    assert pages[divider + 1].startswith("Annex: Contributors The agencies below drafted")


def test_a_long_chapter_title_in_the_running_head_is_cut_clear_of_the_draft_mark(fixture_project):
    root = fixture_project("minimal")
    replace_once(root / "chapters" / "outline.yaml", "title: First chapter", f"title: {LONG_TITLE}")
    replace_once(root / "contributions" / "north" / "alpha.md", "status: final", "status: draft")
    with open(root / "contributions" / "north" / "alpha.md", "a", encoding="utf-8") as draft:
        draft.write("\n\n".join(["Words that fill the chapter's pages one after another. " * 12] * 12))
    _, pdf = build(root, "--format", "pdf", "--force")  # a draft past its deadline: the mark stays
    inside = [page for page in pdf.pages if "Words that fill" in page.extract_text()][1]  # not the opening
    positions = text_positions(inside)
    head = next(text for text in positions if text.startswith("1. Political"))
    mark = next(x for text, x in positions.items() if text.startswith("DRAFT"))
    assert head.endswith("…") and LONG_TITLE not in head
    assert positions[head] < mark


def test_docx_parts_and_chapters_open_on_a_page_without_the_running_head(fixture_project, tmp_path):
    root = fixture_project("minimal")
    replace_once(root / "contributions" / "north" / "alpha.md", "status: final", "status: draft")
    word, _ = build(root, "--format", "docx,pdf", "--force")
    sections = word.sections
    headings = [p for p in word.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    assert len(sections) == len(headings) + 3  # the cover, the title pages, the contents, then one a heading
    for section in sections:
        assert section.different_first_page_header_footer and section.start_type == WD_SECTION_START.ODD_PAGE
    cover, title_pages, *openings = sections
    for section in (cover, *openings):
        assert section.header.paragraphs[0].text.startswith("A Minimal Joint Report")
    for part in (title_pages.header, title_pages.even_page_header, title_pages.first_page_header):
        assert part.paragraphs[0].text == "\tDRAFT – not for circulation"  # the mark, no running head
    for section in openings:  # the contents and each part or chapter: the draft mark, no title; the folio
        assert section.first_page_header.paragraphs[0].text == "\tDRAFT – not for circulation"
        footer = section.first_page_footer._element.xml
        assert "Minimal Coalition" in footer and 'w:instr=" PAGE "' in footer
    for footer in (cover.first_page_footer, title_pages.footer, title_pages.even_page_footer):
        assert "Minimal Coalition" not in footer._element.xml and "PAGE" not in footer._element.xml  # no folio


@needs_client("soffice")
def test_libreoffice_shows_a_docx_chapter_opening_without_the_running_head(fixture_project, tmp_path):
    root = fixture_project("minimal")
    build(root, "--format", "docx")
    proc = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                           "--convert-to", "pdf", "--outdir", str(tmp_path),
                           str(root / "build" / "a-minimal-joint-report.docx")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    pages = pdf_pages(PdfReader(str(tmp_path / "a-minimal-joint-report.pdf")))
    opening = next(page for page in pages if "The editors introduce the first chapter" in page)
    assert "A Minimal Joint Report" not in opening  # no running head
    assert "Minimal Coalition" in opening  # the footer and its folio stay
