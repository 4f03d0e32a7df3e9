"""The built-in house style: shipped in the package, overridden file by file, exported for editing; and
any house Word template (pandoc's own, one saved by LibreOffice) builds, keeping its own look."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pypandoc
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, RGBColor
from pypdf import PdfReader

from pipeline.housestyle import BUILTIN_DIR, FILES
from pipeline.render.wordstyles import copy_missing_styles

from .conftest import REPO, jointreport, needs_client, replace_once, soffice

TITLE = "A Minimal Joint Report"  # tests/roots/minimal/report.yaml
REPORT = "build/a-minimal-joint-report"
# The styles the build applies by name: the cover, the header and footer, the contents, the merged text.
USED_STYLES = ("Cover Coalition", "Cover Title", "Cover Subtitle", "Cover Edition", "Header", "Footer", "TOC Heading",
               "toc 1", "toc 2", "Attribution", "Contribution From", "Chapter Introduction", "Draft Mark Char")


def pdf_text(path: Path) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(str(path)).pages)


def style_names(document) -> set[str]:
    return {style.name.lower() for style in document.styles if style.name}


def assert_complete_report(root: Path) -> docx.Document:
    """The built DOCX opens, has its running header, its cover in cover styles, and every paragraph's style
    is a style of the document."""
    document = docx.Document(str(root / f"{REPORT}.docx"))
    header = document.sections[0].header
    assert not header.is_linked_to_previous and header.paragraphs[0].text.startswith(TITLE)
    assert {name.lower() for name in USED_STYLES} <= style_names(document)
    cover = {p.text: p.style.name for p in document.paragraphs[:4]}
    assert cover[TITLE] == "Cover Title" and cover["Minimal Coalition"] == "Cover Coalition"
    ids = {style.style_id for style in document.styles}
    referenced = {ref.get(qn("w:val")) for ref in document.element.body.iter(qn("w:pStyle"))}
    assert referenced <= ids
    return document


def pandoc_default_reference() -> bytes:
    return subprocess.run([pypandoc.get_pandoc_path(), "--print-default-data-file", "reference.docx"],
                          capture_output=True, check=True).stdout


# --- the built-in look, and overriding it file by file --------------------------------------------------


def test_a_project_without_templates_builds_in_the_built_in_look(fixture_project):
    root = fixture_project("minimal")
    assert not (root / "templates").exists()
    run = jointreport("build", "--project", str(root))
    assert run.code == 0, run.stderr
    document = assert_complete_report(root)
    assert document.styles["Normal"].font.name == "Roboto"  # the built-in reference.docx's body font
    assert TITLE in pdf_text(root / f"{REPORT}.pdf")


def test_a_project_template_replaces_only_the_file_of_its_name(fixture_project):
    root = fixture_project("minimal")
    run = jointreport("templates", "export", str(root / "templates"))
    assert run.code == 0, run.stderr
    for name in FILES:
        if name != "report.typ":
            (root / "templates" / name).unlink()
    replace_once(root / "templates" / "report.typ", 'numbering: none, input("toc_title"))',
                 'numbering: none, [House contents])')
    run = jointreport("build", "--project", str(root))
    assert run.code == 0, run.stderr
    assert "House contents" in pdf_text(root / f"{REPORT}.pdf")  # the project's report.typ
    document = assert_complete_report(root)  # the built-in reference.docx
    assert document.styles["Normal"].font.name == "Roboto"


def test_each_style_of_the_built_in_reference_has_its_own_id_and_name():
    """Word applies a style by id: two styles under one id (the built-in had two "Caption"s) leave one unused."""
    styles = docx.Document(str(BUILTIN_DIR / "reference.docx")).styles.element.findall(qn("w:style"))
    ids = [style.get(qn("w:styleId")) for style in styles]
    names = [style.find(qn("w:name")).get(qn("w:val")).lower() for style in styles]
    assert len(set(ids)) == len(ids) and len(set(names)) == len(names)
    assert {name.lower() for name in USED_STYLES} <= set(names)


def test_templates_export_writes_the_built_in_files_and_never_overwrites_unasked(tmp_path):
    folder = tmp_path / "house"
    run = jointreport("templates", "export", str(folder))
    assert run.code == 0, run.stderr
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILES)
    assert all((folder / name).read_bytes() == (BUILTIN_DIR / name).read_bytes() for name in FILES)
    assert all(f"{name} — " in run.stdout for name in FILES)  # says what it wrote, and what each file is

    (folder / "report.typ").write_text("// ours\n", encoding="utf-8")
    again = jointreport("templates", "export", str(folder))
    assert again.code == 1 and "--force" in again.stderr and "report.typ" in again.stderr
    assert (folder / "report.typ").read_text(encoding="utf-8") == "// ours\n"

    forced = jointreport("templates", "export", "--force", str(folder))
    assert forced.code == 0, forced.stderr
    assert (folder / "report.typ").read_bytes() == (BUILTIN_DIR / "report.typ").read_bytes()


def test_a_project_dashboard_template_is_named_in_errors_and_without_it_the_built_in_one_works(fixture_project):
    root = fixture_project("minimal")
    (root / "templates").mkdir()
    (root / "templates" / "status.html.j2").write_text("{% if %}", encoding="utf-8")
    run = jointreport("status", "--html", str(root / "build" / "status.html"), "--project", str(root))
    assert run.code == 1 and "templates/status.html.j2:1" in run.stderr and "Traceback" not in run.stderr
    (root / "templates" / "status.html.j2").unlink()
    run = jointreport("status", "--html", str(root / "build" / "status.html"), "--project", str(root))
    assert run.code == 0, run.stderr
    assert TITLE in (root / "build" / "status.html").read_text(encoding="utf-8")


def test_the_built_in_look_ships_in_a_non_editable_install(tmp_path, fixture_project):
    """A wheel of the checkout holds every built-in file; `pip install <checkout>` (not editable) into a
    fresh venv outside the repository builds a project that has no templates/ folder, and a new coalition
    can init, check and build with it."""
    checkout = tmp_path / "checkout"  # what a clone holds: no build/ or *.egg-info left by earlier builds
    shutil.copytree(REPO / "pipeline", checkout / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(REPO / name, checkout / name)
    wheels = tmp_path / "wheels"
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels),
                           str(checkout)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    (wheel,) = wheels.glob("jointreport-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"pipeline/templates/{name}" for name in FILES} <= names

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    proc = subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", str(checkout)], capture_output=True,
                          text=True, timeout=1200)
    assert proc.returncode == 0, proc.stderr
    root = fixture_project("minimal")
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import pipeline; print(pipeline.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where).is_relative_to(venv)  # the installed copy, not the checkout
    proc = subprocess.run([str(venv / "bin" / "jointreport"), "build", "--project", str(root)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert_complete_report(root)
    assert TITLE in pdf_text(root / f"{REPORT}.pdf")

    # A new coalition's first steps with the installed package: init, check, build — nothing from the checkout.
    def installed(*args, cwd):
        return subprocess.run([str(venv / "bin" / "jointreport"), *args], cwd=cwd, env=env, capture_output=True,
                              text=True, timeout=600)

    init = installed("init", "newreport", "--title", "State of Social Justice", "--agency",
                     "ilo=International Labour Organization", "--agency", "who=World Health Organization",
                     "--language", "en", "--yes", cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    fresh = tmp_path / "newreport"
    assert not (fresh / "templates").exists()
    check = installed("check", cwd=fresh)
    assert check.returncode == 0 and "0 errors, 0 warnings" in check.stdout, check.stdout + check.stderr
    build = installed("build", cwd=fresh)
    assert build.returncode == 0, build.stderr
    assert "State of Social Justice" in pdf_text(fresh / "build" / "state-of-social-justice.pdf")
    assert "State of Social Justice" in [p.text for p in docx.Document(
        str(fresh / "build" / "state-of-social-justice.docx")).paragraphs]


# --- any house Word template ---------------------------------------------------------------------------


def test_pandocs_default_reference_docx_builds_and_keeps_its_own_styles(fixture_project, tmp_path):
    house = docx.Document(io.BytesIO(pandoc_default_reference()))
    assert "Header" not in {style.name for style in house.styles}  # what used to crash the build
    house.styles["Normal"].font.name = "Courier New"
    house.styles["Normal"].font.size = Pt(13)
    root = fixture_project("minimal")
    (root / "templates").mkdir()
    house.save(str(root / "templates" / "reference.docx"))
    before = (root / "templates" / "reference.docx").read_bytes()

    run = jointreport("build", "--format", "docx", "--project", str(root))
    assert run.code == 0, run.stderr
    document = assert_complete_report(root)
    normal = document.styles["Normal"]
    assert (normal.font.name, normal.font.size) == ("Courier New", Pt(13))  # the house's own style wins
    assert document.styles["Heading 2"].font.color.rgb != docx.Document(str(BUILTIN_DIR / "reference.docx")).styles[
        "Heading 2"].font.color.rgb  # pandoc's heading, not the built-in one
    assert (root / "templates" / "reference.docx").read_bytes() == before  # the project's file is left alone

    rerun = jointreport("build", "--format", "docx", "--project", str(root))  # the completed template is cached
    assert rerun.code == 0, rerun.stderr
    assert len(list((root / "build" / ".cache").glob("reference-*.docx"))) == 1


@needs_client("soffice")
def test_a_libreoffice_template_builds_and_the_result_opens_in_libreoffice(fixture_project, tmp_path):
    source = tmp_path / "house.fodt"
    source.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
        ' xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"'
        ' xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"'
        ' office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text">'
        '<office:styles><style:style style:name="Standard" style:family="paragraph" style:class="text">'
        '<style:text-properties fo:font-family="\'Liberation Serif\'" fo:font-size="13pt"/></style:style>'
        '</office:styles><office:body><office:text>'
        '<text:p text:style-name="Standard">Our letterhead</text:p>'
        '<text:p text:style-name="Header">Old header</text:p>'
        '</office:text></office:body></office:document>\n', encoding="utf-8")
    root = fixture_project("minimal")
    (root / "templates").mkdir()
    made = soffice(tmp_path, "docx", source, tmp_path)
    made.rename(root / "templates" / "reference.docx")
    house = docx.Document(str(root / "templates" / "reference.docx"))
    assert "Header" in {style.name for style in house.styles}  # LibreOffice's spelling, where Word has "header"
    assert "Cover Title" not in {style.name for style in house.styles}

    run = jointreport("build", "--format", "docx", "--project", str(root))
    assert run.code == 0, run.stderr
    document = assert_complete_report(root)
    assert document.styles["Normal"].font.name == "Liberation Serif"
    assert document.styles["Normal"].font.size == Pt(13)

    converted = soffice(tmp_path, "pdf", root / f"{REPORT}.docx", tmp_path / "lo")
    text = pdf_text(converted)
    assert TITLE in text and "Alpha section" in text and "Minimal Coalition" in text


def test_a_statement_builds_with_a_house_template(fixture_project):
    root = fixture_project("minimal")
    (root / "templates").mkdir()
    (root / "templates" / "reference.docx").write_bytes(pandoc_default_reference())
    (root / "statements").mkdir()
    (root / "statements" / "note.md").write_text(
        "---\ntitle: A note\ndate: 2011-02-01\nplace: Geneva\nsignatories:\n  - {agency: north, status: endorsed}\n"
        "---\n\nWe agree.\n", encoding="utf-8")
    run = jointreport("statement", "note", "--format", "docx", "--project", str(root))
    assert run.code == 0, run.stderr
    document = docx.Document(str(root / "build" / "statements" / "note.en.docx"))
    assert [p.style.name for p in document.paragraphs if p.text == "A note"] == ["Statement Title"]
    title = document.styles["Statement Title"]  # the built-in style, not an empty one pandoc makes up
    assert title.font.bold and title.font.color.rgb == RGBColor.from_string("1B365D")


def test_a_reference_docx_that_is_no_word_file_is_an_error_that_says_so(fixture_project):
    root = fixture_project("minimal")
    (root / "templates").mkdir()
    (root / "templates" / "reference.docx").write_text("not a Word file", encoding="utf-8")
    run = jointreport("build", "--format", "docx", "--project", str(root))
    assert run.code == 1 and "templates/reference.docx" in run.stderr and "Traceback" not in run.stderr
    assert "internal error" not in run.stderr


def test_a_missing_numbered_style_brings_its_list_definition():
    """A house template lacking a numbered style of the built-in one gets the style and its numbering."""
    builtin = docx.Document(str(BUILTIN_DIR / "reference.docx"))
    numbering = builtin.part.numbering_part.element
    numbering.append(parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="77"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        '<w:numFmt w:val="lowerRoman"/><w:lvlText w:val="(%1)"/></w:lvl></w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="77"><w:abstractNumId w:val="77"/></w:num>'))
    builtin.styles.element.append(parse_xml(
        f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" w:styleId="Recommendation">'
        '<w:name w:val="Recommendation"/><w:basedOn w:val="BodyText"/>'
        '<w:pPr><w:numPr><w:numId w:val="77"/></w:numPr></w:pPr></w:style>'))
    house = docx.Document(io.BytesIO(pandoc_default_reference()))
    house.styles["Body Text"].font.name = "Courier New"

    copied = copy_missing_styles(builtin, house)
    assert "recommendation" in copied and "body text" not in copied and "header" in copied
    saved = io.BytesIO()
    house.save(saved)
    house = docx.Document(io.BytesIO(saved.getvalue()))
    style = house.styles["Recommendation"]
    assert style.base_style.name == "Body Text" and style.base_style.font.name == "Courier New"
    num_id = style.element.pPr.find(qn("w:numPr")).find(qn("w:numId")).get(qn("w:val"))
    into = house.part.numbering_part.element
    (num,) = [n for n in into.findall(qn("w:num")) if n.get(qn("w:numId")) == num_id]
    abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    (abstract,) = [a for a in into.findall(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abstract_id]
    assert abstract.find(qn("w:lvl")).find(qn("w:lvlText")).get(qn("w:val")) == "(%1)"

