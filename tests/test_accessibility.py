"""Accessible editions (issue 23), held as a publisher's accessibility desk checks them: the PDFs' own
metadata and structure tree (read with pypdf, and `pdfua`), the DOCX's XML, `check`'s findings and the
portal's report card."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
import httpx
import pypdf
import pyphen
import pytest
from lxml import etree
from pypdf.generic import ArrayObject, DictionaryObject, NumberObject

from pipeline import housestyle
from pipeline.checks.a11y import contrast_problems
from pipeline.project import load_project
from pipeline.render.accessibility import accessibility_statement
from pipeline.web.app import Settings
from pipeline.web.tokens import TokenStore

from .conftest import copy_example, edit_yaml, jointreport
from .docxfactory import patch_zip, tiny_png
from .webserver import serving

LANGS = ("en", "fr", "es")
CONTENTS = {"en": "Contents", "fr": "Table des matières", "es": "Índice"}
NO_DESCRIPTION = "Picture without a description"
VIET_NAM = "Few countries have changed as quickly as Viet Nam"  # viet-nam.docx: English only
SAFETY_NETS_FR = "Lors de la deuxième réunion interinstitutions"  # safety-nets.fr.md: the French translation
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
ADEC = "http://schemas.microsoft.com/office/drawing/2017/decorative"


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> Path:
    """The example built in every language, with its joint statement."""
    root = copy_example(tmp_path_factory.mktemp("a11y") / "example")
    run = jointreport("build", "--force", "--lang", "all", "--project", str(root))
    assert run.code == 0, run.stderr
    run = jointreport("statement", "spf-coalition", "--project", str(root))
    assert run.code == 0, run.stderr
    return root


def report(root: Path, lang: str, ext: str) -> Path:
    return root / "build" / f"spf-flagship-report{'' if lang == 'en' else '.' + lang}.{ext}"


def statement(root: Path, lang: str, ext: str) -> Path:
    return root / "build" / "statements" / f"spf-coalition.{lang}.{ext}"


# Reading a PDF as assistive technology does

def declared(path: Path) -> dict[str, str]:
    """The PDF/A and PDF/UA identification of a PDF's XMP metadata: {"pdfaid:part": "2", …}."""
    xmp = pypdf.PdfReader(path).xmp_metadata
    assert xmp is not None, f"{path.name} has no XMP metadata"
    root = etree.fromstring(xmp.stream.get_data())
    names = {"http://www.aiim.org/pdfa/ns/id/": "pdfaid", "http://www.aiim.org/pdfua/ns/id/": "pdfuaid"}
    found = {}
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        qname = etree.QName(element)
        if qname.namespace in names:
            found[f"{names[qname.namespace]}:{qname.localname}"] = (element.text or "").strip()
        for attribute, value in element.attrib.items():  # XMP may write a property as an attribute
            attr = etree.QName(attribute)
            if attr.namespace in names:
                found[f"{names[attr.namespace]}:{attr.localname}"] = value
    return found


@dataclass
class Element:
    kind: str  # "/P", "/Figure", "/H1"…
    lang: str | None  # its own /Lang or the nearest above it (None: the document's)
    alt: str | None
    text: str


def structure(path: Path) -> list[Element]:
    """The structure tree in reading order, each element with the text of its marked content."""
    reader = pypdf.PdfReader(path)
    texts = _marked_texts(reader)
    pages = {page.indirect_reference.idnum: index for index, page in enumerate(reader.pages)}
    found: list[Element] = []

    def walk(node, lang, page) -> str:
        node = node.get_object()
        if not isinstance(node, DictionaryObject):
            return ""
        lang = node.get("/Lang", lang)
        page = pages.get(node.raw_get("/Pg").idnum, page) if "/Pg" in node else page
        kids = node.get("/K")
        kids = kids if isinstance(kids, ArrayObject) else [] if kids is None else [kids]
        element = Element(str(node.get("/S", "")), lang and str(lang), node.get("/Alt"), "")
        if element.kind:
            found.append(element)
        parts = []
        for kid in kids:
            if isinstance(kid, (int, NumberObject)):
                parts.append(texts.get((page, int(kid)), ""))
                continue
            target = kid.get_object()
            if isinstance(target, DictionaryObject) and target.get("/Type") == "/MCR":
                where = pages.get(target.raw_get("/Pg").idnum, page) if "/Pg" in target else page
                parts.append(texts.get((where, int(target["/MCID"])), ""))
            else:
                parts.append(walk(kid, lang, page))
        element.text = "".join(parts)
        return element.text

    walk(reader.trailer["/Root"]["/StructTreeRoot"], None, None)
    return found


def _marked_texts(reader: pypdf.PdfReader) -> dict[tuple[int, int], str]:
    """(page, MCID) → the text shown inside that marked content."""
    texts: dict[tuple[int, int], str] = {}
    for index, page in enumerate(reader.pages):
        texts.update({(index, mcid): text for mcid, text in _page_texts(page).items()})
    return texts


def _page_texts(page) -> dict[int, str]:
    texts: dict[int, str] = {}
    stack: list[int | None] = []

    def operator(op, args, cm, tm):
        if op == b"BDC":
            properties = args[1] if len(args) > 1 else None
            stack.append(properties.get("/MCID") if isinstance(properties, DictionaryObject) else None)
        elif op == b"BMC":
            stack.append(None)
        elif op == b"EMC" and stack:
            stack.pop()

    def text(shown, cm, tm, font, size):
        mcid = next((m for m in reversed(stack) if m is not None), None)
        if mcid is not None:
            texts[int(mcid)] = texts.get(int(mcid), "") + shown

    page.extract_text(visitor_operand_before=operator, visitor_text=text)
    return texts


def image_placements(path: Path) -> tuple[int, int]:
    """How many pictures the pages draw as tagged content, and how many as artifacts."""
    tagged = artifacts = 0
    for page in pypdf.PdfReader(path).pages:
        images = {name for name, x in (page.get("/Resources", {}).get("/XObject") or {}).items()
                  if x.get_object().get("/Subtype") == "/Image"}
        stack: list[str] = []
        for operands, op in pypdf.generic.ContentStream(page.get_contents(), page.pdf).operations:
            if op in (b"BDC", b"BMC"):
                stack.append(str(operands[0]))
            elif op == b"EMC" and stack:
                stack.pop()
            elif op == b"Do" and str(operands[0]) in images:
                if "/Artifact" in stack:
                    artifacts += 1
                else:
                    tagged += 1
    return tagged, artifacts


# The example, in every edition

@pytest.mark.parametrize("lang", LANGS)
def test_each_edition_is_pdfa_2a_and_pdfua_1_with_its_title_language_and_first_heading(editions, lang):
    for path in (report(editions, lang, "pdf"), statement(editions, lang, "pdf")):
        ids = declared(path)
        identification = (ids.get("pdfuaid:part"), ids.get("pdfaid:part"), ids.get("pdfaid:conformance"))
        assert identification == ("1", "2", "A"), path.name
        reader = pypdf.PdfReader(path)
        catalog = reader.trailer["/Root"]
        assert catalog["/Lang"] == lang
        assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    project = load_project(editions).in_language(lang)
    assert pypdf.PdfReader(report(editions, lang, "pdf")).metadata.title == project.title
    headings = [e for e in structure(report(editions, lang, "pdf")) if re.fullmatch(r"/H\d", e.kind)]
    assert (headings[0].kind, headings[0].text.strip()) == ("/H1", CONTENTS[lang])


@pytest.mark.parametrize("lang", LANGS)
def test_every_figure_has_alt_text_logos_their_agency_and_the_chart_its_data(editions, lang):
    path = report(editions, lang, "pdf")
    figures = [e for e in structure(path) if e.kind == "/Figure"]
    assert figures and all(figure.alt and figure.alt.strip() for figure in figures)
    project = load_project(editions).in_language(lang)
    alts = [str(figure.alt) for figure in figures]
    assert {project.coalition} | {agency.name for agency in project.agencies.values()} <= set(alts)
    chart = next(alt for alt in alts if all(a.title in alt for a in project.workplan))
    shorts = ", ".join(project.agencies[a].short for a in ("ilo", "unicef", "who", "undp"))  # ILO or OIT
    assert shorts in chart  # the agencies of an activity, as the chart shows them, in the edition's language
    assert image_placements(path) == (len(figures), 0)  # every picture drawn is one of them


@pytest.mark.parametrize("lang", LANGS)
def test_pdfua_finds_nothing_wrong(editions, lang):
    from pdfua import validate  # PyPI's pdfua: 16 of PDF/UA-1's machine-checkable rules, on pikepdf

    for path in (report(editions, lang, "pdf"), statement(editions, lang, "pdf")):
        result = validate(str(path))
        assert [(f.rule_id, f.message) for f in result.findings] == [], path.name


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_a_section_shown_in_fallback_keeps_its_language_in_the_pdf(editions, lang):
    paragraphs = [e for e in structure(report(editions, lang, "pdf")) if e.kind == "/P"]
    fallback = [p for p in paragraphs if VIET_NAM in " ".join(p.text.split())]
    assert len(fallback) == 1 and fallback[0].lang == "en"
    own = [p for p in paragraphs if p.lang in (None, lang)]  # the edition's own words
    assert len(own) >= 20
    if lang == "fr":
        translated = [p for p in paragraphs if SAFETY_NETS_FR in " ".join(p.text.split())]
        assert len(translated) == 1 and translated[0].lang in (None, "fr")


def test_no_english_paragraph_of_the_french_edition_is_hyphenated_with_french_patterns(editions):
    """Every word the French edition breaks at a line's end inside an English paragraph breaks where the
    English patterns allow (pyphen's en_US, the same TeX patterns as Typst's), or at a hyphen the word has
    anyway (one the English edition shows too). French patterns made "th-rough", "mee-ting", "spa-ce"."""
    patterns = pyphen.Pyphen(lang="en_US", left=1, right=1)
    compounds = " ".join(e.text.replace("-\n", "-") for e in structure(report(editions, "en", "pdf")) if e.kind == "/P")
    english = [e for e in structure(report(editions, "fr", "pdf")) if e.kind == "/P" and e.lang == "en"]
    broken = [(match.group(1), match.group(2)) for paragraph in english
              for match in re.finditer(r"(\w+)-\n(\w+)", paragraph.text)]
    assert len(broken) >= 50
    wrong = [f"{head}-{tail}" for head, tail in broken
             if len(head) not in patterns.positions((head + tail).lower()) and f"{head}-{tail}" not in compounds]
    assert wrong == []


@pytest.mark.parametrize("lang", LANGS)
def test_each_docx_edition_says_its_language(editions, lang):
    for path in (report(editions, lang, "docx"), statement(editions, lang, "docx")):
        with zipfile.ZipFile(path) as package:
            styles = etree.fromstring(package.read("word/styles.xml"))
            settings = etree.fromstring(package.read("word/settings.xml"))
        default = styles.find(f"{{{W}}}docDefaults/{{{W}}}rPrDefault/{{{W}}}rPr/{{{W}}}lang")
        assert default.get(f"{{{W}}}val") == lang, path.name
        assert settings.find(f"{{{W}}}themeFontLang").get(f"{{{W}}}val") == lang, path.name
        assert docx.Document(str(path)).core_properties.language == lang, path.name


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_a_section_shown_in_fallback_keeps_its_language_in_the_docx(editions, lang):
    path = report(editions, lang, "docx")
    document = docx.Document(str(path))
    [paragraph] = [p for p in document.paragraphs if p.text.startswith(VIET_NAM)]
    assert {_run_language(run._r) for run in paragraph.runs if run.text.strip()} == {"en"}
    [note] = [r.get(f"{{{W}}}id") for r in paragraph._p.iter(f"{{{W}}}footnoteReference")]
    with zipfile.ZipFile(path) as package:  # its footnote too
        footnotes = etree.fromstring(package.read("word/footnotes.xml"))
    [footnote] = [f for f in footnotes.iter(f"{{{W}}}footnote") if f.get(f"{{{W}}}id") == note]
    assert {_run_language(run) for run in footnote.iter(f"{{{W}}}r") if run.findtext(f"{{{W}}}t")} == {"en"}
    heading = next(p for p in document.paragraphs if p.style.name.lower() == "heading 1")
    assert {_run_language(run._r) for run in heading.runs} == {None}  # the edition's own words
    if lang == "fr":
        [translated] = [p for p in document.paragraphs if p.text.startswith(SAFETY_NETS_FR)]
        assert {_run_language(run._r) for run in translated.runs} == {None}


def _run_language(run) -> str | None:
    language = run.find(f"{{{W}}}rPr/{{{W}}}lang")
    return None if language is None else language.get(f"{{{W}}}val")


@pytest.mark.parametrize("lang", LANGS)
def test_every_docx_picture_is_described_and_the_chart_has_its_source_as_text(editions, lang):
    path = report(editions, lang, "docx")
    with zipfile.ZipFile(path) as package:
        body = etree.fromstring(package.read("word/document.xml"))
    descriptions = [p.get("descr") for p in body.iter(f"{{{WP}}}docPr")]
    assert len(descriptions) == 17 and all(descriptions)
    project = load_project(editions).in_language(lang)
    assert {agency.name for agency in project.agencies.values()} <= set(descriptions)
    assert any(all(a.title in d for a in project.workplan) for d in descriptions)
    source = {"en": "Source: joint workplan", "fr": "Source\u00a0: plan de travail conjoint",
              "es": "Fuente: plan de trabajo conjunto"}[lang]
    assert [p.style.name for p in docx.Document(str(path)).paragraphs if p.text.startswith(source)] == ["Source Note"]
    pdf_text = "".join(page.extract_text() for page in pypdf.PdfReader(report(editions, lang, "pdf")).pages)
    assert " ".join(f"{source} ({project.coalition}).".split()) in " ".join(pdf_text.split())


def test_the_accessibility_statement_of_each_edition_is_in_the_build_manifest(editions):
    statements = json.loads((editions / "build" / "spf-flagship-report.manifest.json").read_text())["accessibility"]
    assert [s["language"] for s in statements] == list(LANGS)
    for entry in statements:
        assert entry["standards"] == ["PDF/A-2a", "PDF/UA-1"]
        assert entry["files"] == sorted([report(editions, entry["language"], "docx").name,
                                         report(editions, entry["language"], "pdf").name])
        assert all(check["passed"] for check in entry["checks"]), entry["checks"]


# A project's own drafts, settings and templates

@pytest.fixture
def minimal(fixture_project) -> Path:
    """The minimal project with south's beta draft sent as Word: an undescribed picture, a decorative one
    (Word's mark), and north's alpha with an equation."""
    root = fixture_project("minimal")
    (root / "contributions/south/beta.md").unlink()
    document = docx.Document()
    document.add_paragraph("Beta text, cleared for publication, with two pictures.")
    for colour in ((0, 158, 219), (200, 30, 30)):
        picture = root / f"picture-{colour[0]}.png"
        picture.write_bytes(tiny_png(colour))
        document.add_picture(str(picture))
        picture.unlink()
    path = root / "contributions/south/beta.docx"
    document.save(path)
    with zipfile.ZipFile(path) as package:
        xml = package.read("word/document.xml").decode()
    decorative = (f'<wp:docPr id="2" name="Picture 2"><a:extLst xmlns:a="http://schemas.openxmlformats.org/'
                  f'drawingml/2006/main"><a:ext uri="{{C183D7F6-B498-43B3-948B-1728B52AA6E4}}"><adec:decorative '
                  f'xmlns:adec="{ADEC}" val="1"/></a:ext></a:extLst></wp:docPr>')
    assert xml.count('<wp:docPr id="2" name="Picture 2"/>') == 1
    patch_zip(path, {"word/document.xml": xml.replace('<wp:docPr id="2" name="Picture 2"/>', decorative).encode()})
    alpha = root / "contributions/north/alpha.md"
    alpha.write_text(alpha.read_text(encoding="utf-8") + "\nEnergy is $E = mc^2$.\n", encoding="utf-8")
    return root


def test_an_undescribed_word_picture_is_found_by_check_and_the_build_still_describes_it(minimal):
    run = jointreport("check", "--format", "json", "--project", str(minimal))
    findings = run.json()["findings"]
    a11y = [f for f in findings if f["code"].startswith("a11y/")]  # no a11y/no-document-date: nor PDF/A asked for
    assert [(f["code"], f["path"], f["severity"]) for f in a11y] == [
        ("a11y/missing-alt-text", "contributions/south/beta.docx", "warning")]
    assert a11y[0]["message"].startswith("1 picture without a description (first: picture 1 of the draft, image1.png)")

    run = jointreport("build", "--force", "--project", str(minimal))
    assert run.code == 0, run.stderr
    pdf = minimal / "build" / "a-minimal-joint-report.pdf"
    elements = structure(pdf)
    assert [str(e.alt) for e in elements if e.kind == "/Figure"] == [NO_DESCRIPTION]
    assert [str(e.alt) for e in elements if e.kind == "/Formula"] == ["E = mc^2"]
    assert image_placements(pdf) == (1, 1)  # the decorative picture drawn as an artifact
    ids = declared(pdf)  # no date in report.yaml: PDF/UA, not PDF/A
    assert ids.get("pdfuaid:part") == "1" and "pdfaid:part" not in ids
    with zipfile.ZipFile(minimal / "build" / "a-minimal-joint-report.docx") as package:
        body = etree.fromstring(package.read("word/document.xml"))
    pictures = list(body.iter(f"{{{WP}}}docPr"))
    assert [p.get("descr") for p in pictures] == [NO_DESCRIPTION, ""]
    assert [len(list(p.iter(f"{{{ADEC}}}decorative"))) for p in pictures] == [0, 1]


def test_the_portal_card_shows_an_undescribed_picture(minimal):
    data = (minimal / "contributions/south/beta.docx").read_bytes()
    (minimal / "contributions/south/beta.docx").unlink()
    _, secret = TokenStore(minimal).issue("agency", "south")
    with serving(Settings(minimal)) as server:
        response = httpx.post(f"{server.url}/api/drafts", headers={"Authorization": f"Bearer {secret}"},
                              data={"section": "beta"}, files={"file": ("beta.docx", data)}, timeout=60)
    assert response.status_code == 201, response.text
    [card] = [f for f in response.json()["findings"] if f["code"] == "a11y/missing-alt-text"]
    assert card["path"] == "contributions/south/beta.docx" and "picture 1 of the draft" in card["message"]


@pytest.mark.parametrize("standards, expected", [
    (["a-3u", "ua-1"], {"pdfaid:part": "3", "pdfaid:conformance": "U", "pdfuaid:part": "1"}),
    ([], {}),
])
def test_report_yaml_chooses_the_pdf_standards(fixture_project, standards, expected):
    root = fixture_project("minimal")

    def choose(data):
        data["date"] = dt.date(2011, 9, 15)
        data["pdf_standards"] = standards

    edit_yaml(root / "report.yaml", choose)
    run = jointreport("build", "--force", "--format", "pdf", "--project", str(root))
    assert run.code == 0, run.stderr
    ids = declared(root / "build" / "a-minimal-joint-report.pdf")
    assert {key: value for key, value in ids.items() if key in ("pdfaid:part", "pdfaid:conformance",
                                                                "pdfuaid:part")} == expected


def test_pdfa_asked_for_without_a_date_is_reported_and_the_pdf_declares_what_it_can(fixture_project):
    root = fixture_project("minimal")
    edit_yaml(root / "report.yaml", lambda data: data.update(pdf_standards=["a-2b", "ua-1"]))
    run = jointreport("check", "--format", "json", "--project", str(root))
    [missing] = [f for f in run.json()["findings"] if f["path"] == "report.yaml" and f["code"].startswith("a11y/")]
    assert (missing["code"], missing["severity"]) == ("a11y/no-document-date", "info")
    run = jointreport("build", "--force", "--format", "pdf", "--project", str(root))
    assert run.code == 0, run.stderr
    ids = declared(root / "build" / "a-minimal-joint-report.pdf")
    assert ids.get("pdfuaid:part") == "1" and "pdfaid:part" not in ids
    [entry] = accessibility_statement(load_project(root), [root / "build" / "a-minimal-joint-report.pdf"], [])
    assert [(c["check"], c["failed"]) for c in entry["checks"] if not c["passed"]] == [("pdf-standards", ["PDF/A-2b"])]


def test_two_pdfa_levels_are_refused_where_report_yaml_says_them(fixture_project):
    root = fixture_project("minimal")
    edit_yaml(root / "report.yaml", lambda data: data.update(pdf_standards=["a-2a", "a-3a"]))
    run = jointreport("check", "--project", str(root))
    assert run.code != 0 and "report.yaml" in run.stderr and "pdf_standards" in run.stderr
    assert "choose one PDF/A level" in run.stderr


def test_the_built_in_look_passes_wcag_aa_contrast():
    for name in ("report.typ", "statement.typ", "workplan.typ", "reference.docx"):
        assert contrast_problems(name, housestyle.builtin(name).read_bytes()) == [], name


def test_check_reports_a_projects_template_colours_that_fail_contrast(fixture_project):
    root = fixture_project("minimal")
    templates = root / "templates"
    templates.mkdir()
    typst = housestyle.builtin("report.typ").read_text(encoding="utf-8")
    assert typst.count('#let text-blue = rgb("#0072BC")') == 1
    (templates / "report.typ").write_text(typst.replace('#let text-blue = rgb("#0072BC")',
                                                        '#let text-blue = rgb("#009EDB")'), encoding="utf-8")
    word = docx.Document(str(housestyle.builtin("reference.docx")))
    word.styles["Hyperlink"].font.color.rgb = docx.shared.RGBColor.from_string("8FA8C0")
    word.save(str(templates / "reference.docx"))
    shutil.copyfile(housestyle.builtin("statement.typ"), templates / "statement.typ")  # the built-in: passes

    run = jointreport("check", "--format", "json", "--project", str(root))
    found = {(f["path"], f["message"].split(";")[0]) for f in run.json()["findings"]
             if f["code"] == "a11y/low-contrast"}
    assert found == {("templates/report.typ", "text #009EDB on #FFFFFF has a contrast of 3.04:1"),
                     ("templates/reference.docx", "text #8FA8C0 on #FFFFFF has a contrast of 2.46:1")}
