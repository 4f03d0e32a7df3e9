"""The publisher's proof (issue 24) held against a project that is not the example: a French-source report
(tests/roots/francophone) whose draft types straight quotes, a picture with its source line under it and
cross-references, read back from its French PDF and DOCX as a French UN publications editor reads them."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from .conftest import ROOTS, jointreport, needs_client
from .test_typography import column, docx_texts, pdf_lines


@pytest.fixture(scope="module")
def french(tmp_path_factory) -> Path:
    """The francophone project's French and English editions (the English one showing the French text until
    it is translated), PDF and DOCX."""
    root = tmp_path_factory.mktemp("francophone") / "project"
    shutil.copytree(ROOTS / "francophone", root)
    run = jointreport("build", "--force", "--lang", "all", "--format", "pdf,docx", "--project", str(root))
    assert run.code == 0, run.stderr
    return root / "build" / "vers-une-protection-sociale-universelle"


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_quoted_words_of_a_markdown_draft_take_french_guillemets_in_the_docx(french):
    text = docx_texts(french.with_suffix(".docx"))
    assert "«\u202fla protection sociale est un investissement\u202f»" in text
    assert "“" not in text and "”" not in text


def test_a_french_caption_puts_a_no_break_space_before_its_colon(french):
    assert "Figure 1.1\u00a0: Taux de couverture par pays" in pdf_text(french.with_suffix(".pdf"))
    assert "Figure 1.1\u00a0: Taux de couverture par pays" in docx_texts(french.with_suffix(".docx"))
    assert "Figure 1.1:" not in docx_texts(french.with_suffix(".docx"))  # nor in the list of figures


def test_a_figures_source_line_goes_with_it_where_it_floats(french):
    lines = [" ".join(line.split()) for line in pdf_text(french.with_suffix(".pdf")).splitlines()]
    caption = lines.index("Figure 1.1 : Taux de couverture par pays")
    assert lines[caption + 1] == "Source : calculs de l’OIT, 2026."


def test_a_french_reference_within_a_sentence_is_lower_case_and_one_opening_it_capitalised(french):
    for text in (pdf_text(french.with_suffix(".pdf")), docx_texts(french.with_suffix(".docx"))):
        text = " ".join(text.split())
        assert "Comme le montre la figure 1.1, l’écart" in text
        assert "considérable. Figure 1.1 donne les taux" in text


def test_a_reference_in_french_text_of_the_english_edition_is_in_french_words(french):
    """The English edition shows the French draft until it is translated: its references read as French
    ("la figure 1.1"), not "la Figure 1.1" in the edition's words."""
    for text in (pdf_text(french.with_suffix(".en.pdf")), docx_texts(french.with_suffix(".en.docx"))):
        text = " ".join(text.split())
        assert "Comme le montre la figure 1.1, l’écart" in text
        assert "considérable. Figure 1.1 donne les taux" in text


def test_french_text_in_the_english_edition_keeps_its_french_quotes_in_the_docx_as_in_the_pdf(french):
    quoted = "«\u202fla protection sociale est un investissement\u202f»"
    assert quoted in pdf_text(french.with_suffix(".en.pdf"))
    assert quoted in docx_texts(french.with_suffix(".en.docx"))


@needs_client("pdftoppm")
def test_a_chapters_opening_page_has_no_running_head_nor_its_rule(french, tmp_path):
    pdf = french.with_suffix(".pdf")
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(str(pdf)).pages]
    # the chapter opens on the page with its attribution line (the contents name the chapter too)
    opening = next(n for n, text in enumerate(pages, 1) if "Contribution de l’OIT" in text)
    following = opening + 1  # the chapter's next page has its running head and rule: the band is the right one
    for number, printed in ((opening, False), (following, True)):
        subprocess.run(["pdftoppm", "-r", "72", "-gray", "-f", str(number), "-l", str(number), str(pdf),
                        str(tmp_path / f"p{number}")], check=True)
        picture = next(tmp_path.glob(f"p{number}*.pgm")).read_bytes()
        width, height = (int(v) for v in picture.split(b"\n")[1].split())
        pixels = picture[-width * height:]
        band = pixels[width * 30:width * 64]  # from 30 pt to above the text (2.6 cm, 74 pt): the header's room
        assert (min(band) < 230) is printed, f"page {number}"  # the rule is a light grey


def test_numbers_a_draft_typed_in_its_captions_and_text_follow_the_reports_numbering(french):
    for text in (pdf_text(french.with_suffix(".pdf")), docx_texts(french.with_suffix(".docx"))):
        text = " ".join(text.split())
        assert "Figure 1.2 : Dépenses de protection sociale" in text and "Tableau 1.1 : Principaux régimes" in text
        assert "La figure 1.2 montre les dépenses ; les régimes sont au tableau 1.1 (voir tableau 1.1)." in text


def test_the_figure_below_of_french_text_becomes_its_number_in_the_english_edition_too(french):
    for edition in (".pdf", ".en.pdf"):
        assert "La figure 1.1 présente les taux." in " ".join(pdf_text(french.with_suffix(edition)).split())


@needs_client("pdftotext")
def test_a_table_too_wide_for_the_column_is_set_smaller_rather_than_over_its_neighbours(french):
    """Seven columns of long French words: at the usual size the heads print over each other and a cell runs
    into the margin (the proof's layout/narrow-column and layout/in-margin: the build exits 1). In the English
    edition the table is in the French text shown untranslated, and is set the same way."""
    for edition in (".pdf", ".en.pdf"):
        pages = pdf_lines(french.with_suffix(edition))
        number = next(n for n, lines in enumerate(pages, 1) if any("Taazour" in text for text, _ in lines))
        left, right = column(number, 595.3)
        words = [word for _, line in pages[number - 1] for word in line]
        assert all(left - 1 <= x0 and x1 <= right + 1 for _, x0, x1, _ in words), edition
        body = next(y for text, _, _, y in words if text == "Burkina")
        heads = sorted((x0, x1) for text, x0, x1, y in words
                       if y < body and text in ("moyen", "ménages", "référence", "Source"))
        assert len(heads) == 4 and all(a[1] <= b[0] for a, b in itertools.pairwise(heads)), heads  # side by side


def test_a_sentence_that_opens_a_list_stays_on_the_page_of_the_list(french):
    """The draft's "s'engagent à :" falls on the last line of a page (the paragraphs before it are as many as
    that takes): left there, its list would start overleaf."""
    pages = [page.extract_text() for page in PdfReader(str(french.with_suffix(".pdf"))).pages]
    lead = next(n for n, text in enumerate(pages) if "s’engagent à" in text)
    assert "partager leurs données" in pages[lead]


@needs_client("pdftotext")
def test_a_tall_picture_leaves_room_for_its_caption_and_source_above_the_page_foot(french):
    """A portrait picture scaled to the column alone would fill the page: its caption and source would print
    over the footer (layout/in-margin: the build exits 1)."""
    pages = pdf_lines(french.with_suffix(".pdf"))
    words = next(line for lines in pages for text, line in lines if text.startswith("Source : OIT, 2026"))
    assert words[0][3] < 842 - 2.4 * 72 / 2.54  # above the bottom margin, where the footer is


def test_a_tall_picture_in_the_docx_is_no_taller_than_the_page_leaves_room_for(french):
    """The same portrait picture at the column's width would be 19.8 cm tall, past the page's text."""
    with zipfile.ZipFile(french.with_suffix(".docx")) as archive:
        xml = archive.read("word/document.xml").decode()
    heights = [int(cy) for cy in re.findall(r'<wp:extent cx="\d+" cy="(\d+)"', xml)]
    assert heights and max(heights) <= 17 * 360000  # EMU: 17 cm
