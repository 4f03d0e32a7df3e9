"""Intake of untrusted drafts: other formats, hostile archives, links out of the project."""

from __future__ import annotations

import zipfile

import docx
import pypandoc
from pypdf import PdfReader

from .conftest import jointreport
from .docxfactory import make_docx


def findings(root):
    checked = jointreport("check", "--format", "json", "--project", str(root)).json()
    return {(f["code"], f["path"]): f for f in checked["findings"]}


def test_odt_drafts_are_read_and_assembled(fixture_project):
    root = fixture_project("minimal")
    beta = root / "contributions" / "south" / "beta.md"
    pypandoc.convert_text("## From LibreOffice\n\nBeta text written in LibreOffice Writer.[^1]\n\n"
                          "[^1]: An ODT footnote.\n",
                          "odt", format="markdown", outputfile=str(beta.with_suffix(".odt")))
    beta.unlink()
    (root / "contributions" / "south" / "beta.yaml").write_text("status: final\n")
    run = jointreport("build", "--format", "docx", "--project", str(root))
    assert run.code == 0, run.stderr
    document = docx.Document(str(root / "build" / "a-minimal-joint-report.docx"))
    paragraphs = {p.text: p.style.name for p in document.paragraphs}
    assert "Beta text written in LibreOffice Writer." in paragraphs
    assert paragraphs["From LibreOffice"] == "Heading 4"


def test_a_zip_bomb_is_refused_before_anything_unpacks_it(fixture_project):
    root = fixture_project("minimal")
    bomb = make_docx(root / "contributions" / "south" / "beta.docx", ["Innocent looking."])
    (root / "contributions" / "south" / "beta.md").unlink()
    with zipfile.ZipFile(bomb, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/padding.bin", b"\0" * 60_000_000)
    finding = findings(root)[("input/unreadable", "contributions/south/beta.docx")]
    assert "zip bomb" in finding["message"]


def test_symbolic_links_out_of_the_project_are_not_followed(fixture_project, tmp_path):
    root = fixture_project("minimal")
    secret = tmp_path / "secret.md"
    secret.write_text("Text from outside the project.\n")
    (root / "contributions" / "south" / "beta.md").unlink()
    (root / "contributions" / "south" / "beta.md").symlink_to(secret)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (root / "contributions" / "west").symlink_to(outside, target_is_directory=True)
    found = findings(root)
    assert "symbolic link" in found[("input/unreadable", "contributions/south/beta.md")]["message"]
    assert "symbolic link" in found[("input/unreadable", "contributions/west/")]["message"]


def test_raw_code_in_a_draft_is_shown_as_text_not_run(fixture_project):
    root = fixture_project("minimal")
    (root / "contributions" / "south" / "beta.md").write_text(
        "---\nstatus: final\n---\n\nVisible text.\n\n```{=openxml}\n<w:p><w:r><w:t>INJECTED</w:t></w:r></w:p>\n```\n\n"
        "```{=typst}\n#text(fill: red)[RUN]\n```\n")
    run = jointreport("build", "--project", str(root))
    assert run.code == 0, run.stderr
    with zipfile.ZipFile(root / "build" / "a-minimal-joint-report.docx") as archive:
        body = archive.read("word/document.xml").decode()
    assert "<w:t>INJECTED</w:t>" not in body and "&lt;w:t&gt;INJECTED&lt;/w:t&gt;" in body
    text = " ".join(p.extract_text() for p in PdfReader(str(root / "build" / "a-minimal-joint-report.pdf")).pages)
    assert "Visible text." in text and "#text(fill: red)[RUN]" in text
