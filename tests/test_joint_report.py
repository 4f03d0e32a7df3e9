"""Issue 12's "done when", in one fixture report: two agencies' reference files sharing a work, a Word draft
citing it through Zotero, figures and tables in two chapters with cross-references between them."""

from __future__ import annotations

import re
import zipfile

from pypdf import PdfReader

from .conftest import jointreport
from .test_citations import NORTH_BIB, SOUTH_BIB, zotero_docx
from .test_numbering import CAPTIONS, _word_draft_with_captions


def joint_report(fixture_project):
    root = fixture_project("numbers")
    north, south = root / "contributions" / "north", root / "contributions" / "south"
    (north / "refs.bib").write_text(NORTH_BIB, encoding="utf-8")
    (south / "refs.bib").write_text(SOUTH_BIB, encoding="utf-8")  # the same work, another key
    with open(north / "alpha.md", "a", encoding="utf-8") as alpha:
        alpha.write("\nCoverage is low [@ilo2017, p. 3], as South found [@wspr2017]; see [@nobody2099].\n")
    (north / "gamma.md").unlink()
    _word_draft_with_captions(north / "gamma.docx")  # Figure 2.1, Table 2.1, a REF field to the figure
    zotero_docx(north / "gamma.docx")  # and a Zotero citation of the shared work
    (north / "gamma.yaml").write_text("status: final\n")
    return root


def test_one_bibliography_and_per_chapter_numbers_in_both_outputs(fixture_project):
    root = joint_report(fixture_project)
    check = jointreport("check", "--project", str(root), "--format", "json")
    unknown = [(f["code"], f["path"], f["severity"]) for f in check.json()["findings"]
               if f["code"] == "cite/unknown-key"]
    assert unknown == [("cite/unknown-key", "contributions/north/alpha.md", "error")]
    build = jointreport("build", "--project", str(root))  # the unknown key is reported, printed as typed
    assert build.code == 0 and "1 error" in build.stderr, build.stderr

    with zipfile.ZipFile(root / "build" / "a-numbered-joint-report.docx") as archive:
        body = archive.read("word/document.xml").decode()
    paragraphs = [re.sub(r"<[^>]+>", "", re.sub(r"<w:instrText[^>]*>.*?</w:instrText>", "", p))
                  for p in re.findall(r"<w:p[ >].*?</w:p>", body)]
    docx_text = " ".join(" ".join(paragraphs).split())
    pdf_text = " ".join(" ".join(page.extract_text() for page in
                                 PdfReader(str(root / "build" / "a-numbered-joint-report.pdf")).pages).split())
    for text in (docx_text, pdf_text):
        for label in CAPTIONS:
            assert f"{label}: " in text, label
        assert "Figure 3" not in text and "Table 3" not in text  # no report-wide numbers
        assert "as Figure 1.1 shows; Table 1.1 gives the rates" in text
        assert "Word sees it too: Figure 2.1 rises." in text
        assert "List of figures" in text and "List of tables" in text
        references = text[text.rindex("References"):]
        assert references.count("World Social Protection Report") == 1, references
        assert "remains low (International Labour Office 2017), the report finds" in text  # Zotero's, restyled
        assert "[@nobody2099]" in text  # printed as typed
