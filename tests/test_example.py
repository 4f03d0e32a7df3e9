"""The example project at the repository root, built as `make report` builds it, read back as a reader would."""

from __future__ import annotations

import io
import itertools
import json
import re
import subprocess
import zipfile
from pathlib import Path

import docx
import pypandoc
from PIL import Image
from pypdf import PdfReader

from pipeline.project import load_project

from .conftest import REPO, as_printed, change_log, jointreport, needs_client

PLANTED_ERRORS = {
    ("docx/tracked-changes", "contributions/ilo/fiscal-space.docx"),
    ("outline/unassigned-agency", "contributions/oecd/social-pensions.md"),
}
PLANTED_WARNINGS = {
    ("docx/comments", "contributions/helpage/social-pensions.docx"),
    ("outline/over-budget", "contributions/who/health-financing.docx"),
}
UNASSIGNED = "contributions/oecd/social-pensions.md"
EDITORS_DAY = "2011-04-20"  # between the first draft (March) and the final report (July)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def draft_ast(path):
    reader = "markdown" if path.suffix == ".md" else path.suffix[1:]
    return json.loads(pypandoc.convert_file(str(path), "json", format=reader, extra_args=["--sandbox"]))


def first_words(path, count=12) -> str:
    """The opening of the draft's first real paragraph, as pandoc reads it."""
    for block in draft_ast(path)["blocks"]:
        if block["t"] == "Para":
            text = squash(pypandoc.convert_text(json.dumps({**draft_ast(path), "blocks": [block]}), "plain",
                                                format="json", extra_args=["--wrap=none"]))
            words = re.sub(r"\[\d+\]", "", text).split()
            if len(words) >= count:
                return " ".join(words[:count])
    raise AssertionError(f"no paragraph in {path}")


def placed_drafts():
    """The source-language drafts the English edition is made of (translations are <section>.<lang>.<ext>)."""
    drafts = sorted(p for p in (REPO / "contributions").rglob("*") if p.suffix in (".docx", ".md", ".odt")
                    and p.name.count(".") == 1)
    return [p for p in drafts if p.relative_to(REPO).as_posix() != UNASSIGNED]


def docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return squash(" ".join(parts))


NAVY, UN_BLUE = (0x1B, 0x36, 0x5D), (0x00, 0x9E, 0xDB)  # the workplan chart's bars (templates/workplan.typ)


def picture_described(document, opening: str) -> tuple[str, Image.Image]:
    """The picture of a DOCX whose alternative text opens with `opening`: that text, and the pixels."""
    for shape in document.inline_shapes:
        alt = shape._inline.docPr.get("descr") or ""
        if alt.startswith(opening):
            blip = shape._inline.graphic.graphicData.pic.blipFill.blip
            return alt, Image.open(io.BytesIO(document.part.related_parts[blip.embed].blob)).convert("RGB")
    raise AssertionError(f"no picture described as {opening!r}…")


def bars(chart: Image.Image) -> list[tuple[int, tuple]]:
    """The chart's bars from top to bottom, as a reader sees them: how many month boxes each row fills (the
    boxes are apart, so a run of bar colour across the row's middle is a month), and their colour."""
    pixels, (width, height) = chart.load(), chart.size
    filled = [[x for x in range(width) if pixels[x, y] in (NAVY, UN_BLUE)] for y in range(height)]
    rows, start = [], None
    for y in range(height + 1):
        if y < height and len(filled[y]) >= 40:
            start = y if start is None else start
        elif start is not None:
            if y - start >= 20:  # a bar is 9pt tall (25 px at 200 ppi); the navy header text is not
                middle = filled[(start + y) // 2]
                months = 1 + sum(b - a > 1 for a, b in itertools.pairwise(middle))
                rows.append((months, pixels[middle[0], (start + y) // 2]))
            start = None
    return rows


def months_between(start, end) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def test_check_lists_each_planted_imperfection_and_no_other_error():
    run = jointreport("check", "--format", "json", "--as-of", EDITORS_DAY, "--project", str(REPO))
    findings = run.json()["findings"]
    errors = {(f["code"], f["path"]) for f in findings if f["severity"] == "error"}
    warnings = {(f["code"], f["path"]) for f in findings if f["severity"] == "warning"}
    assert run.code == 1
    assert errors == PLANTED_ERRORS
    assert warnings >= PLANTED_WARNINGS


def test_example_is_big_enough_to_be_real():
    drafts = placed_drafts() + [REPO / UNASSIGNED]
    project = load_project(REPO)
    assert len(project.sections) >= 14
    assert len({p.parent.name for p in drafts}) >= 7
    assert len([p for p in drafts if p.suffix == ".docx"]) * 2 >= len(drafts)


def test_build_leaves_agency_files_untouched(example_build):
    after = {p.relative_to(example_build.root).as_posix(): p.read_bytes()
             for p in sorted((example_build.root / "contributions").rglob("*")) if p.is_file()}
    assert after == example_build.drafts_before


def test_docx_headings_follow_the_outline(example_build):
    project = load_project(example_build.root)
    expected = []
    for part in project.parts:
        expected.append(f"Part {part.numeral}: {part.title}")
        for chapter in part.chapters:
            expected.append(f"{chapter.number}. {chapter.title}" if chapter.number else chapter.title)
            expected += [f"{s.number} {s.title}".strip() for s in chapter.sections]
    expected.append("Annex: Contributors")
    document = docx.Document(str(example_build.docx))
    structural = [p.text for p in document.paragraphs if p.style.name in ("Heading 1", "Heading 2", "Heading 3")]
    assert [h for h in structural if h in expected] == expected


def test_agency_headings_sit_below_their_section(example_build):
    document = docx.Document(str(example_build.docx))
    levels = {p.style.name for p in document.paragraphs if p.style.name.startswith("Heading")}
    assert "Heading 4" in levels
    sections = {p.text for p in document.paragraphs if p.style.name == "Heading 3"}
    assert not any(t.startswith("Part ") for t in sections)


def test_every_placed_contribution_is_in_the_docx_and_the_unassigned_one_is_not(example_build):
    text = docx_text(docx.Document(str(example_build.docx)))
    changes = change_log(example_build.docx)  # a fix the build made is printed, and logged, in their stead

    def printed(draft: Path) -> str:
        return as_printed(first_words(draft), [c for c in changes if c["file"] == draft.relative_to(REPO).as_posix()])

    missing = [p.name for p in placed_drafts() if printed(p) not in text]
    assert missing == []
    assert first_words(REPO / UNASSIGNED) not in text


def test_docx_keeps_images_and_footnotes(example_build):
    notes = sum(json.dumps(draft_ast(p)).count('"t": "Note"') for p in placed_drafts())
    draft_images = set()
    for path in placed_drafts():
        if path.suffix == ".docx":
            with zipfile.ZipFile(path) as archive:
                draft_images |= {archive.read(n) for n in archive.namelist() if n.startswith("word/media/")}
    with zipfile.ZipFile(example_build.docx) as archive:
        images = {archive.read(n) for n in archive.namelist() if n.startswith("word/media/")}
        footnotes = archive.read("word/footnotes.xml").decode()
    assert len(draft_images) >= 3
    assert draft_images <= images
    assert footnotes.count("<w:footnote ") - footnotes.count('w:type="separator"') - footnotes.count(
        'w:type="continuationSeparator"') == notes


def test_docx_has_a_filled_table_of_contents_and_draft_mark(example_build):
    with zipfile.ZipFile(example_build.docx) as archive:
        body = archive.read("word/document.xml").decode()
    assert 'TOC \\o "1-3"' in body
    assert 'w:anchor="sec_social_pensions"' in body and 'w:name="sec_social_pensions"' in body
    document = docx.Document(str(example_build.docx))
    toc = [p.text.strip() for p in document.paragraphs if p.style.name.lower().startswith("toc ")]
    assert "5.2 Social pensions for older people" in toc
    section = document.sections[0]
    assert "DRAFT – not for circulation" in section.header.paragraphs[0].text
    assert "DRAFT – not for circulation" in section.first_page_header.paragraphs[0].text
    # the coalition's logo, its name, the title
    assert document.paragraphs[0].text == "" and document.paragraphs[0]._p.xpath(".//w:drawing")
    assert document.paragraphs[2].text == "Social Protection Floor for a Fair and Inclusive Globalization"


def test_pdf_has_the_structure_of_the_report(example_build):
    reader = PdfReader(str(example_build.pdf))
    assert len(reader.pages) >= 30
    pages = [squash(page.extract_text()) for page in reader.pages]
    assert all("DRAFT – NOT FOR CIRCULATION" in page for page in pages)
    text = " ".join(pages[3:])  # after the cover and the contents
    project = load_project(example_build.root)
    titles = [s.title for s in project.sections.values()]
    positions = [text.find(title) for title in titles]
    assert -1 not in positions, [t for t, p in zip(titles, positions, strict=True) if p == -1]
    assert positions == sorted(positions)
    assert "Contents" in pages[4]  # on page iii, recto: after the cover, its back, the title page and the imprint


@needs_client("soffice")
def test_docx_opens_in_libreoffice(example_build, tmp_path):
    proc = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(example_build.docx)],
                          capture_output=True, text=True, timeout=300)
    converted = tmp_path / "spf-flagship-report.pdf"
    assert proc.returncode == 0 and converted.is_file(), proc.stderr
    pages = [squash(p.extract_text()) for p in PdfReader(str(converted)).pages]
    assert len(pages) >= 30
    assert any("5.2 Social pensions for older people" in page for page in pages[2:])


def test_workplan_annex_is_in_both_outputs(example_build):
    document = docx.Document(str(example_build.docx))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[-6:] == ["Annex: Joint workplan", "Annex: SPF country activities",  # the registers' annexes
                             "Annex: Key publications on the SPF", "Annex: Key tools for the SPF",
                             "Annex: Contributors", "References"]
    workplan = next(t for t in document.tables if t.rows[0].cells[0].text == "Activity")
    assert [c.text for c in workplan.rows[2].cells] == ["SPF flagship report", "Report launched",
                                                         "ILO, UNICEF, WHO, UNDP", "Jan 2011 – Sep 2011"]
    # The month-by-month chart travels as a picture, described for a screen reader: one bar per activity,
    # over the months it runs, the one leading to a milestone dark; the PDF shows the same pixels.
    alt, chart = picture_described(document, "Chart of the joint workplan, month by month")
    activities = load_project(example_build.root).workplan
    assert [a.title for a in activities if a.title not in alt] == []
    assert bars(chart) == [(months_between(a.start, a.end), NAVY if a.milestone else UN_BLUE) for a in activities]
    assert sum(a.milestone is not None for a in activities) == 1
    all_pages = PdfReader(str(example_build.pdf)).pages
    pages = [p for p in all_pages if "Joint workplan, month by month" in p.extract_text()]
    assert len(pages) == 1 and len(pages[0].images) == 1
    assert pages[0].images[0].image.convert("RGB").tobytes() == chart.tobytes()
    annex = " ".join(p.extract_text() for p in all_pages if "Annex: Joint workplan" in p.extract_text())
    assert "Fiscal space analysis" in annex  # and the table of activities
