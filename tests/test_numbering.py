"""Figures and tables numbered per chapter, lists of them, cross-references: one numbering pass, both outputs."""

from __future__ import annotations

import re
import subprocess
import zipfile

import docx
from pypdf import PdfReader

from .conftest import jointreport, needs_client

CAPTIONS = ["Figure 1.1", "Figure 1.2", "Figure 2.1", "Table 1.1", "Table 1.2", "Table 2.1"]


def numbered_project(fixture_project):
    """The fixture project; its Markdown figures name pictures a Markdown draft cannot carry, so they print
    their descriptions (input/missing-image): numbering does not depend on the pictures."""
    return fixture_project("numbers")


def test_check_reports_the_unknown_target_and_takes_no_cross_reference_for_a_citation(fixture_project):
    root = numbered_project(fixture_project)
    findings = jointreport("check", "--project", str(root), "--format", "json").json()["findings"]
    codes = [(f["code"], f["path"]) for f in findings]
    assert ("xref/unknown-target", "contributions/north/alpha.md") in codes
    unknown = [f for f in findings if f["code"] == "xref/unknown-target"]
    assert len(unknown) == 1 and "@fig:nowhere" in unknown[0]["message"]
    assert not [f for f in findings if f["code"] == "input/citation"]
    # beta.md opens with "# 1.2 Coverage", its section's own title: reported, and printed once (below)
    assert ("outline/duplicate-title", "contributions/south/beta.md") in codes


def test_both_outputs_number_per_chapter_list_and_cross_reference_alike(fixture_project):
    root = numbered_project(fixture_project)
    run = jointreport("build", "--project", str(root), "--format", "docx,pdf")
    assert run.code == 0, run.stderr
    out = root / "build"
    with zipfile.ZipFile(out / "a-numbered-joint-report.docx") as archive:
        body = archive.read("word/document.xml").decode()
    paragraphs = [re.sub(r"<[^>]+>", "", re.sub(r"<w:instrText[^>]*>.*?</w:instrText>", "", p))
                  for p in re.findall(r"<w:p[ >].*?</w:p>", body)]
    docx_text = "\n".join(paragraphs)
    # Word caption fields: SEQ restarting at each chapter (Heading 2), their results already filled in.
    assert len(re.findall(r"SEQ Figure \\\* ARABIC \\s 2", body)) == 3
    assert len(re.findall(r"SEQ Table \\\* ARABIC \\s 2", body)) == 3
    pdf_text = "\n".join(page.extract_text() for page in PdfReader(str(out / "a-numbered-joint-report.pdf")).pages)
    for text in (docx_text, pdf_text):
        flat = " ".join(text.split())
        for label in CAPTIONS:
            assert f"{label}: " in flat, label
        assert "Figure 1.1: Cost of a basic social protection floor" in flat
        assert "Table 1.2: Coverage by region" in flat
        assert "Table 1.3" not in flat and "Table 3" not in flat  # uncaptioned and generated tables: no number
        assert "List of figures" in flat and "List of tables" in flat
        assert "as Figure 1.1 shows; Table 1.1 gives the rates" in flat
        assert "Financing returns to Table 1.1 and to Figure 1.1" in flat
        assert "Section 2.1 discusses" in flat
        assert "Figure ??" in flat  # the unknown target, reported by check
        assert "fig:" not in flat and "tbl:" not in flat and "fig_" not in flat
        assert len(re.findall(r"(?<!Table )1\.2 Coverage", flat)) == 3  # contents, heading, annex: no second heading
    # The DOCX's cross-references are hyperlinks to the figures' and tables' bookmarks.
    anchors = set(re.findall(r'<w:hyperlink w:anchor="([^"]+)"', body))
    names = set(re.findall(r'<w:bookmarkStart [^>]*w:name="([^"]+)"', body))
    assert "alpha_north_fig_costs" in anchors and "alpha_north_fig_costs" in names


def _field_runs(instruction: str, result: str) -> list[str]:
    return [f'<w:r {W}><w:fldChar w:fldCharType="begin"/></w:r>',
            f'<w:r {W}><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>',
            f'<w:r {W}><w:fldChar w:fldCharType="separate"/></w:r>', f'<w:r {W}><w:t>{result}</w:t></w:r>',
            f'<w:r {W}><w:fldChar w:fldCharType="end"/></w:r>']


def _word_draft_with_captions(path):
    """A Word draft as Word writes captions and cross-references: a picture, its "Figure 1: …" Caption
    paragraph whose number is a SEQ field inside a _Ref bookmark, a REF field to that bookmark in the text;
    a table under a "Table 1: …" caption."""
    from docx.oxml import parse_xml

    from .docxfactory import tiny_png

    word = docx.Document()
    text = word.add_paragraph()
    for xml in [f'<w:r {W}><w:t xml:space="preserve">Word sees it too: </w:t></w:r>',
                *_field_runs("REF _Ref52717 \\h", "Figure 1"),
                f'<w:r {W}><w:t xml:space="preserve"> rises.</w:t></w:r>']:
        text._p.append(parse_xml(xml))
    picture = path.with_suffix(".png")
    picture.write_bytes(tiny_png((20, 60, 120)))
    word.add_picture(str(picture))
    picture.unlink()
    caption = word.add_paragraph(style="Caption")
    for xml in [f'<w:bookmarkStart {W} w:id="7" w:name="_Ref52717"/>',
                f'<w:r {W}><w:t xml:space="preserve">Figure </w:t></w:r>',
                *_field_runs("SEQ Figure \\* ARABIC", "1"), f'<w:bookmarkEnd {W} w:id="7"/>',
                f'<w:r {W}><w:t xml:space="preserve">: Public social spending over time</w:t></w:r>']:
        caption._p.append(parse_xml(xml))
    word.add_paragraph("Table 1: Sources of financing", style="Caption")
    table = word.add_table(rows=2, cols=2)
    for (row, column), value in {(0, 0): "Source", (0, 1): "Share", (1, 0): "Taxes", (1, 1): "70 %"}.items():
        table.cell(row, column).text = value
    word.save(str(path))


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def test_a_word_drafts_captions_and_ref_fields_join_the_numbering(fixture_project):
    root = fixture_project("numbers")
    (root / "contributions" / "north" / "gamma.md").unlink()
    _word_draft_with_captions(root / "contributions" / "north" / "gamma.docx")
    (root / "contributions" / "north" / "gamma.yaml").write_text("status: final\n")
    run = jointreport("build", "--project", str(root), "--format", "docx,pdf")
    assert run.code == 0, run.stderr
    out = root / "build"
    pdf_text = " ".join(" ".join(page.extract_text() for page in
                                 PdfReader(str(out / "a-numbered-joint-report.pdf")).pages).split())
    word = docx.Document(str(out / "a-numbered-joint-report.docx"))
    docx_text = " ".join(" ".join(p.text for p in word.paragraphs).split())
    for text in (pdf_text, docx_text):
        assert "Word sees it too: Figure 2.1 rises." in text, text[text.find("Word sees"):][:300]
        assert "Figure 2.1: Public social spending over time" in text
        assert "Table 2.1: Sources of financing" in text
        assert "Figure 1:" not in text and "_Ref" not in text


@needs_client("soffice")
def test_libreoffice_shows_the_same_numbers_when_it_recounts_the_fields(fixture_project, tmp_path):
    """LibreOffice recounts every SEQ field on opening and ignores Word's per-chapter restart (\\s 2): the
    first caption of each chapter also restarts the count (\\r 1), so it shows the numbers Word does."""
    root = fixture_project("numbers")
    assert jointreport("build", "--project", str(root), "--format", "docx").code == 0
    proc = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                           "--convert-to", "pdf", "--outdir", str(tmp_path),
                           str(root / "build" / "a-numbered-joint-report.docx")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(str(tmp_path / "a-numbered-joint-report.pdf"))
                             .pages).split())
    for label in CAPTIONS:
        assert f"{label}: " in text, label
    assert "Figure 1.3" not in text and "Table 2.3" not in text
