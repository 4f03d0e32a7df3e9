"""Building fixture projects: merging without collisions, draft mark rules, atomic outputs, the cache."""

from __future__ import annotations

import re
import shutil
import zipfile

import docx
from pypdf import PdfReader

from .conftest import REPO, jointreport, replace_once
from .docxfactory import make_docx, tiny_png


def build(root, *args):
    run = jointreport("build", "--project", str(root), *args)
    assert run.code == 0, run.stderr
    return root / "build"


def test_merged_drafts_keep_their_ids_notes_and_images_apart(fixture_project):
    root = fixture_project("minimal")
    # Two Word drafts whose pictures both live at word/media/image1.png inside their files.
    make_docx(root / "contributions" / "south" / "beta.docx", ["South's beta text in Word."],
              headings={0: (1, "South Word heading")}, image=tiny_png((200, 0, 0)))
    (root / "contributions" / "south" / "beta.md").unlink()
    make_docx(root / "contributions" / "north" / "alpha.docx", ["North's Word text."], image=tiny_png((0, 0, 200)))
    (root / "contributions" / "north" / "alpha.md").unlink()
    out = build(root, "--format", "docx,pdf", "--force")
    report = out / "a-minimal-joint-report.docx"
    with zipfile.ZipFile(report) as archive:
        images = {archive.read(n) for n in archive.namelist() if n.startswith("word/media/")}
        body = archive.read("word/document.xml").decode()
        notes = archive.read("word/footnotes.xml").decode()
    assert tiny_png((200, 0, 0)) in images and tiny_png((0, 0, 200)) in images
    assert "Southern footnote." in notes
    bookmarks = re.findall(r'w:name="([^"]+)"', body)
    assert len(bookmarks) == len(set(bookmarks))
    document = docx.Document(str(report))
    levels = {p.text: p.style.name for p in document.paragraphs if p.style.name.startswith("Heading")}
    assert levels["Southern heading"] == "Heading 4"
    assert levels["South Word heading"] == "Heading 4"
    assert levels["1.2 Beta section"] == "Heading 3"
    pdf_text = " ".join(p.extract_text() for p in PdfReader(str(out / "a-minimal-joint-report.pdf")).pages)
    assert "South Word heading" in pdf_text


def test_two_markdown_drafts_with_the_same_ids_and_labels_both_survive(fixture_project):
    root = fixture_project("minimal")
    document = docx.Document(str(build(root, "--format", "docx") / "a-minimal-joint-report.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Northern text with a note." in text and "Southern text with a note." in text
    assert "Contributed by NA with SA" in text
    with zipfile.ZipFile(root / "build" / "a-minimal-joint-report.docx") as archive:
        notes = archive.read("word/footnotes.xml").decode()
        body = archive.read("word/document.xml").decode()
    assert "Northern footnote." in notes and "Southern footnote." in notes
    # North's link to its own heading points at North's heading, not South's.
    assert 'w:anchor="alpha_north_shared_id"' in body and 'w:name="alpha_north_shared_id"' in body
    assert 'w:name="alpha_south_shared_id"' in body


def test_no_draft_mark_once_every_required_section_is_final(fixture_project):
    root = fixture_project("minimal")
    out = build(root)
    document = docx.Document(str(out / "a-minimal-joint-report.docx"))
    assert "DRAFT" not in document.sections[0].header.paragraphs[0].text
    assert "DRAFT" not in " ".join(p.extract_text() for p in PdfReader(str(out / "a-minimal-joint-report.pdf")).pages)
    (root / "contributions" / "south" / "beta.md").write_text("---\nstatus: draft\n---\n\nBeta text, still a draft.\n")
    out = build(root, "--format", "docx", "--as-of", "2011-06-01")
    document = docx.Document(str(out / "a-minimal-joint-report.docx"))
    assert "DRAFT – not for circulation" in document.sections[0].header.paragraphs[0].text


def test_build_refuses_on_errors_unless_forced(fixture_project):
    root = fixture_project("minimal")
    (root / "contributions" / "north" / "nowhere.md").write_text("A draft for no section.\n")
    run = jointreport("build", "--project", str(root))
    assert run.code == 1
    assert "not building: 1 error" in run.stderr and "outline/unknown-section" in run.stderr
    assert not (root / "build" / "a-minimal-joint-report.docx").exists()
    assert jointreport("build", "--force", "--project", str(root)).code == 0


def test_a_failed_build_leaves_the_previous_outputs_intact(fixture_project):
    root = fixture_project("minimal")
    out = build(root)
    before = (out / "a-minimal-joint-report.pdf").read_bytes()
    template = root / "templates" / "report.typ"  # a project's own report.typ, broken
    template.parent.mkdir()
    template.write_text((REPO / "pipeline" / "templates" / "report.typ").read_text() + "\n#let broken = (\n")
    run = jointreport("build", "--project", str(root))
    assert run.code == 1 and "the PDF could not be typeset" in run.stderr and "Traceback" not in run.stderr
    assert (out / "a-minimal-joint-report.pdf").read_bytes() == before
    assert not [p for p in out.iterdir() if p.name.endswith(".part")]


def test_a_rebuild_converts_only_the_changed_draft_and_gives_what_a_cold_build_gives(fixture_project, monkeypatch):
    """One draft changed: the report is assembled again, but only that draft goes through pandoc and is
    measured again; the others come from build/.cache/drafts, and the report is the one a build from
    nothing gives."""
    from pipeline import build as recipe
    from pipeline.intake import conversion

    converted, measured = [], []
    read_to_ast, remember = conversion.read_to_ast, conversion.DraftCache.remember
    monkeypatch.setattr(conversion, "read_to_ast", lambda data, *rest: converted.append(data)
                        or read_to_ast(data, *rest))
    monkeypatch.setattr(conversion.DraftCache, "remember", lambda cache, entry, found: measured.append(entry.name)
                        or remember(cache, entry, found))
    root = fixture_project("minimal")
    (root / "contributions" / "south" / "beta.md").unlink()
    make_docx(root / "contributions" / "south" / "beta.docx", ["South's beta text in Word."],
              headings={0: (1, "South Word heading")})
    (root / "contributions" / "south" / "beta.yaml").write_text("status: final\n", encoding="utf-8")
    options = recipe.Options(formats=("docx",))
    report = root / "build" / "a-minimal-joint-report.docx"

    def text() -> list[str]:
        return [p.text for p in docx.Document(str(report)).paragraphs]

    recipe.build(root, options)
    assert len(converted) == 4 and len(measured) == 3  # three drafts and the chapter's introduction
    replace_once(root / "contributions" / "north" / "alpha.md", "Northern text with", "Northern text, revised, with")
    converted.clear()
    measured.clear()
    recipe.build(root, options)
    assert len(converted) == 1 and b"Northern text, revised" in converted[0] and len(measured) == 1
    rebuilt = text()
    assert "Northern text, revised, with a note. See the heading." in rebuilt
    assert {"South Word heading", "South’s beta text in Word.", "Southern text with a note."} <= set(rebuilt)
    shutil.rmtree(root / "build")
    converted.clear()
    recipe.build(root, options)
    assert len(converted) == 4
    assert text() == rebuilt


def test_unknown_format_is_a_usage_error(fixture_project):
    run = jointreport("build", "--format", "epub", "--project", str(fixture_project("minimal")))
    assert run.code == 2 and "--format" in run.stderr


def test_the_same_drafts_give_the_same_pdf(fixture_project):
    root = fixture_project("minimal")
    first = (build(root, "--format", "pdf") / "a-minimal-joint-report.pdf").read_bytes()
    shutil.rmtree(root / "build")  # typeset again from nothing, not kept from the last build
    second = (build(root, "--format", "pdf") / "a-minimal-joint-report.pdf").read_bytes()
    assert first == second
