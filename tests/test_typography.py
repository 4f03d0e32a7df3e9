"""A publisher's proof (issue 24): the example's PDF read back as a UN publications editor reads it — line
endings, pictures within the column, folios on the outer edge, roman folios and page labels for the front
matter, blank versos, a long table over two pages with its heads repeated, the imprint, the French
edition's agencies, typographic quotes, numbered references that link — and the DOCX where Word follows."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import docx
import pytest
from pypdf import PdfReader

from bench import bounds
from pipeline.build import Options, build
from pipeline.render import typst

from .conftest import copy_example, edit_yaml, jointreport, needs_client, soffice

CM = 72 / 2.54
INSIDE, OUTSIDE = 2.6 * CM, 5.6 * CM  # report.typ's margins: the text column between them
SOFT_HYPHENS = "-\u00ad\u2010"
DRAFT = "DRAFT – NOT FOR CIRCULATION"


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    """The example built in every language, PDF and DOCX, in a scratch copy."""
    root = copy_example(tmp_path_factory.mktemp("typography"))
    run = jointreport("build", "--force", "--lang", "all", "--format", "pdf,docx", "--project", str(root))
    assert run.code == 0, run.stderr
    return root / "build"


def pdf_lines(pdf: Path) -> list[list[tuple[str, list[tuple[str, float, float]]]]]:
    """Each page's lines as pdftotext sees them: (the line's text, its words with their x0 and x1)."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    xml = re.sub(r"<!DOCTYPE[^>]*>", "", xml).replace(' xmlns="http://www.w3.org/1999/xhtml"', "")
    pages = []
    for page in ElementTree.fromstring(xml).iter("page"):
        lines = []
        for line in page.iter("line"):
            words = [(w.text or "", float(w.get("xMin")), float(w.get("xMax")), float(w.get("yMin")))
                     for w in line.iter("word")]
            if words:
                lines.append((" ".join(w[0] for w in words), words))
        pages.append(lines)
    return pages


def column(page_number: int, width: float) -> tuple[float, float]:
    """The text column of a page (1-based): the wider margin outside, on the right of a right-hand page."""
    return (INSIDE, width - OUTSIDE) if page_number % 2 else (OUTSIDE, width - INSIDE)


@needs_client("pdftotext")
@pytest.mark.parametrize("edition", ["", ".fr"])
def test_few_lines_end_in_a_hyphen_and_never_three_in_a_row(example, edition):
    pages = pdf_lines(example / f"spf-flagship-report{edition}.pdf")
    endings = [line[-1][0] for lines in pages for _, line in lines]
    hyphenated = [bool(re.search(rf"\w[{SOFT_HYPHENS}]$", word)) for word in endings]
    assert sum(hyphenated) / len(hyphenated) < 0.06, f"{sum(hyphenated)} of {len(hyphenated)} lines"
    runs = re.findall(r"1{3,}", "".join("1" if h else "0" for h in hyphenated))
    assert not runs, "three lines or more in a row end in a hyphen"


def placed_pictures(pdf: Path) -> list[tuple[int, float, float]]:
    """Each picture drawn on a page: (page number, x0, x1), from the drawing operations."""
    found = []
    for number, page in enumerate(PdfReader(str(pdf)).pages, 1):
        page.extract_text(visitor_operand_before=lambda op, args, cm, tm, number=number: found.append(
            (number, cm[4], cm[4] + cm[0])) if op == b"Do" else None)
    return found


def test_every_picture_lies_within_the_text_column(example):
    pdf = example / "spf-flagship-report.pdf"
    width = float(PdfReader(str(pdf)).pages[0].mediabox.width)
    pictures = [(page, x0, x1) for page, x0, x1 in placed_pictures(pdf) if page > 1]  # the cover bleeds
    assert len(pictures) >= 6  # five charts and the workplan
    for page, x0, x1 in pictures:
        left, right = column(page, width)
        assert left - 0.5 <= x0 and x1 <= right + 0.5, f"page {page}: {x0:.0f}–{x1:.0f} outside {left:.0f}–{right:.0f}"


@needs_client("pdftotext")
def test_folios_sit_on_the_outer_edge_and_blank_pages_are_blank(example):
    pdf = example / "spf-flagship-report.pdf"
    reader = PdfReader(str(pdf))
    width, labels = float(reader.pages[0].mediabox.width), reader.page_labels
    folios, blank = 0, 0
    for number, lines in enumerate(pdf_lines(pdf), 1):
        if [text for text, _ in lines] == [DRAFT]:  # the example is a draft: its mark is on every page
            blank += 1
            continue
        at_foot = [word for _, words in lines for word in words if word[3] > 780 and word[0] == labels[number - 1]]
        if not at_foot:
            continue
        folios += 1
        x0, x1 = at_foot[-1][1], at_foot[-1][2]
        left, right = column(number, width)
        if number % 2:
            assert abs(x1 - right) < 1, f"page {number}: the folio ends at {x1:.0f}, not at the right edge {right:.0f}"
        else:
            assert abs(x0 - left) < 1, f"page {number}: the folio starts at {x0:.0f}, not at the left edge {left:.0f}"
    assert folios > 60 and blank >= 4  # the cover's back, the title page's, the versos before parts
    for number, lines in enumerate(pdf_lines(pdf), 1):  # a page with only a head or a folio is no page
        body = [text for text, words in lines if 60 < words[0][3] < 780]
        assert body or [text for text, _ in lines] == [DRAFT], f"page {number} has a running head or folio but no text"


def roman(number: int) -> str:
    numerals = (("m", 1000), ("cm", 900), ("d", 500), ("cd", 400), ("c", 100), ("xc", 90), ("l", 50), ("xl", 40),
                ("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))
    out = ""
    for letters, value in numerals:
        while number >= value:
            out, number = out + letters, number - value
    return out


def test_front_matter_in_roman_then_the_text_from_page_1(example):
    reader = PdfReader(str(example / "spf-flagship-report.pdf"))
    labels = reader.page_labels
    first = labels.index("1")
    assert labels[:2] == ["", ""]  # the cover and its back
    assert labels[2:first] == [roman(n) for n in range(1, first - 1)] and first > 6
    assert labels[first:first + 3] == ["1", "2", "3"] and labels[-1] == str(len(labels) - first)
    assert "Part I: Overview" in reader.pages[first].extract_text()
    title_page = reader.pages[2].extract_text().replace(DRAFT, "").strip()
    assert title_page.startswith("Social Protection Floor for a Fair")


def test_a_long_table_runs_over_two_pages_with_its_heads_repeated(example):
    pages = PdfReader(str(example / "spf-flagship-report.pdf")).pages
    heads = [number for number, page in enumerate(pages, 1)
             if "Agency Guarantee Activity Status Since" in [line.strip() for line in page.extract_text().splitlines()]]
    assert len(heads) >= 2 and heads[1] == heads[0] + 1, heads


def test_the_imprint_on_the_title_pages_back(example):
    reader = PdfReader(str(example / "spf-flagship-report.pdf"))
    imprint = " ".join(reader.pages[reader.page_labels.index("ii")].extract_text().split())
    for words in ("© International Labour Organization, 2011", "ISBN 978-92-2-125116-3", "eISBN 978-92-2-125117-0",
                  "Sales No. E.11.III.A.1",
                  "The designations employed and the presentation of the material in this publication do not imply",
                  "Suggested citation: Social Protection Floor Initiative (2011). Social Protection Floor for a Fair "
                  "and Inclusive Globalization. SPF/2011/1."):
        assert words in imprint
    french = PdfReader(str(example / "spf-flagship-report.fr.pdf"))
    imprint = " ".join(french.pages[french.page_labels.index("ii")].extract_text().split())
    assert "Numéro de vente\u00a0: F.11.III.A.1" in imprint or "Numéro de vente : F.11.III.A.1" in imprint
    assert "Les appellations employées dans la présente publication" in imprint


def test_the_french_edition_names_the_agencies_in_french(example):
    text = " ".join(" ".join(page.extract_text().split())
                    for page in PdfReader(str(example / "spf-flagship-report.fr.pdf")).pages)
    for words in ("Contribution de l’OIT avec l’OMS", "Contribution du PNUD", "Contribution d’ONU-Femmes",
                  "Organisation internationale du Travail (OIT)", "Organisation mondiale de la Santé"):
        assert words in text
    assert "Contribution de ILO" not in text and "International Labour Organization" not in text
    word = " ".join(p.text for p in docx.Document(str(example / "spf-flagship-report.fr.docx")).paragraphs)
    assert "Contribution de l’OIT avec l’OMS" in word and "Organisation internationale du Travail (OIT)" in word
    spanish = " ".join(" ".join(page.extract_text().split())
                       for page in PdfReader(str(example / "spf-flagship-report.es.pdf")).pages)
    assert "Contribución de la OIT con la OMS" in spanish and "Contribución del PNUD" in spanish


def docx_texts(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml").decode()
    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


def test_quotes_and_apostrophes_are_typographic_in_every_edition(example):
    for edition in ("", ".fr", ".es"):
        reader = PdfReader(str(example / f"spf-flagship-report{edition}.pdf"))
        pdf = " ".join(page.extract_text() for page in reader.pages)
        assert "'" not in pdf and '"' not in pdf
        assert "'" not in docx_texts(example / f"spf-flagship-report{edition}.docx")
    french = " ".join(page.extract_text() for page in PdfReader(str(example / "spf-flagship-report.fr.pdf")).pages)
    assert "Rapport phare de l’Initiative" in french  # report.yaml's subtitle


def test_pointers_to_the_figure_below_become_numbered_links(example):
    reader = PdfReader(str(example / "spf-flagship-report.pdf"))
    text = [" ".join(page.extract_text().split()) for page in reader.pages]
    assert not any(re.search(r"the (figure|table) below", page, re.I) for page in text)
    source = next(i for i, page in enumerate(text) if "As Figure 2.1 shows" in page or "As Figure 2.1" in page)
    caption = next(i for i, page in enumerate(text) if "Figure 2.1: Public social protection expenditure" in page)
    targets = []
    for annotation in reader.pages[source].get("/Annots") or []:
        annotation = annotation.get_object()
        action = annotation.get("/A")
        destination = annotation.get("/Dest") or (action.get("/D") if action else None)
        if destination is not None:
            destination = reader.named_destinations.get(destination, destination) if isinstance(destination, str) \
                else destination
            page = destination["/Page"] if hasattr(destination, "get") and "/Page" in destination else destination[0]
            targets.append(reader.get_page_number(page.get_object()) if hasattr(page, "get_object") else page)
    assert caption in targets
    record = (example / "spf-flagship-report.terminology.csv").read_text(encoding="utf-8")
    assert "contributions/ilo/economic-case.docx,,the figure below,Figure 2.1,figure-reference" in record
    assert "the figure below" not in docx_texts(example / "spf-flagship-report.docx")


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_the_docx_follows_where_word_allows(example):
    path = example / "spf-flagship-report.docx"
    word = docx.Document(str(path))
    table = word.styles["Table"].element
    borders = table.find(f"{W}tblPr/{W}tblBorders")
    assert borders.find(f"{W}insideH").get(f"{W}val") == "nil"  # no rule between rows
    assert borders.find(f"{W}top").get(f"{W}val") == "single" and borders.find(f"{W}bottom").get(f"{W}val") == "single"
    assert word.settings.odd_and_even_pages_header_footer
    even = word.sections[0].even_page_footer.paragraphs[0]._p
    assert even[1].tag == f"{W}fldSimple" and "PAGE" in even[1].get(f"{W}instr")  # the number first, outside
    styles = [(p.style.name, p.text) for p in word.paragraphs[:60]]
    assert ("Title Page Title", "Social Protection Floor for a Fair and Inclusive Globalization") in styles
    assert ("Copyright", "Sales No. E.11.III.A.1") in styles
    assert ("Title Page Agency", "International Labour Organization") in styles


def folio(page_text: str) -> str:
    """A page's number, as its footer prints it (after the coalition on a right-hand page, before on a left);
    "" for a page without one."""
    footer = [line for line in page_text.splitlines() if line.strip()][-1].split()
    return next((word for word in (footer[-1], footer[0]) if re.fullmatch(r"[ivxlc]+|\d{1,3}", word)), "")


@needs_client("soffice")
def test_the_docx_numbers_its_front_matter_in_roman_and_its_text_from_1(example, tmp_path):
    """Opened in a word processor (LibreOffice, here), the DOCX's title page and imprint carry no running head
    or folio, the rest of the front matter is numbered in roman, and the main matter starts again at 1 on
    Part I's opening page, as the PDF's page labels say."""
    pdf = soffice(tmp_path, "pdf", example / "spf-flagship-report.docx", tmp_path / "lo")
    pages = [page.extract_text() for page in PdfReader(str(pdf)).pages]
    part = next(n for n, text in enumerate(pages) if "Part I: Overview" in text.splitlines()[:3])
    title = next(n for n, text in enumerate(pages) if n > 0 and "First edition, 2011" in text)  # after the cover
    imprint = next(n for n, text in enumerate(pages) if "Sales No." in text)
    assert folio(pages[title]) == folio(pages[imprint]) == "" and "Social Protection Floor Initiative" not in (
        pages[imprint].splitlines()[-1])
    front = [folio(text) for text in pages[imprint + 1:part]]
    assert front and all(re.fullmatch(r"[ivxlc]+", number) for number in front), front
    values = [roman_value(number) for number in front]  # LibreOffice leaves out the blank left-hand pages
    assert values == sorted(set(values)) and values[0] == 5, front  # i the cover, iii the title page
    assert folio(pages[part]) == "1" and folio(pages[part + 1]) in ("2", "3")


def roman_value(numeral: str) -> int:
    return next(n for n in range(1, 100) if roman(n) == numeral)


def test_a_name_an_edition_lacks_is_reported_and_a_given_one_used(fixture_project):
    root = fixture_project("minimal")

    def french(data):
        data["languages"] = ["en", "fr"]
        data["agencies"]["north"]["names"] = {"fr": {"name": "Agence du Nord", "short": "AN", "article": "l'"}}
    edit_yaml(root / "report.yaml", french)
    findings = jointreport("check", "--format", "json", "--project", str(root)).json()["findings"]
    assert [(f["code"], f["severity"], f["message"]) for f in findings if f["code"] == "lang/agency-name-missing"] == [
        ("lang/agency-name-missing", "info", "agencies.south has no fr name: the fr edition prints 'Southern Agency "
         "(SA)' (add names: {fr: {name: …, short: …, article: …}})")]
    run = jointreport("build", "--lang", "fr", "--format", "docx", "--project", str(root))
    assert run.code == 0, run.stderr
    text = [p.text for p in docx.Document(str(root / "build" / "a-minimal-joint-report.fr.docx")).paragraphs]
    assert "Contribution de l’AN avec SA" in text and "Agence du Nord (AN)" in text


def test_the_report_breaks_lines_as_the_bench_bound_does_and_the_preview_faster(tmp_path, monkeypatch):
    from bench.generate import generate

    inputs = []
    monkeypatch.setattr(typst, "_compile", lambda main, root, given, *rest: inputs.append(given) or b"%PDF-1.7")
    root = generate(tmp_path / "report", 3)
    build(root, Options(formats=("pdf",), force=True))
    build(root, Options(formats=("pdf",), force=True, preview=True))
    assert [given["linebreaks"] for given in inputs] == ["optimized", "simple"]
    assert bounds.typst_inputs(root)["linebreaks"] == inputs[0]["linebreaks"]
