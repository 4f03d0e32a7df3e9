"""Real drafts, real pages (issue 21, items 1–3): no draft's bookmarks or equations stop the PDF, a draft that
does is set aside by name at any size, Word tables fit the page, and every build proofs its own pages.

The Word drafts are made here with python-docx and lxml, as Word and the Open XML SDK write them."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from pypdf import PdfReader

from .conftest import jointreport

AS_OF = ("--as-of", "2011-01-01")  # before the fixture's deadlines, so only what is planted shows
FINAL = "---\nstatus: final\n---\n\n"
PDF = "a-minimal-joint-report.pdf"


def pdf_text(root: Path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(str(root / "build" / PDF)).pages)


def declares_pdf_ua(root: Path) -> bool:
    """Whether Typst made the PDF as PDF/UA-1 (it makes it without when the text breaks the standard)."""
    metadata = PdfReader(str(root / "build" / PDF)).trailer["/Root"]["/Metadata"].get_object().get_data()
    return b"pdfuaid:part>1<" in metadata or b'pdfuaid:part="1"' in metadata


def findings(run) -> list[tuple[str, str]]:
    return sorted((f["code"], f["path"]) for f in run.json()["findings"])


def bookmark(paragraph, name: str, ident: int, text: str = "") -> None:
    """A bookmark at the paragraph's end so far (empty, as the Open XML SDK writes `_Toc` marks), then `text`."""
    paragraph._p.append(parse_xml(f'<w:bookmarkStart {nsdecls("w")} w:id="{ident}" w:name="{name}"/>'))
    paragraph._p.append(parse_xml(f'<w:bookmarkEnd {nsdecls("w")} w:id="{ident}"/>'))
    if text:
        paragraph.add_run(text)


def internal_link(paragraph, anchor: str, text: str) -> None:
    paragraph._p.append(parse_xml(f'<w:hyperlink {nsdecls("w")} w:anchor="{anchor}"><w:r><w:t xml:space="preserve">'
                                  f'{text}</w:t></w:r></w:hyperlink>'))


def word_draft(path: Path, build) -> Path:
    """A Word draft made by `build(document)`, with its sidecar saying it is final."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = docx.Document()
    build(document)
    document.save(path)
    path.with_suffix(".yaml").write_text("status: final\n", encoding="utf-8")
    return path


def toc_bookmarks(document) -> None:
    """Bookmarks where Typst found no element to give a label to: in a heading, two at one place, at the start of
    a table cell; each the target of a link, as a draft's own contents or cross-references are."""
    heading = document.add_heading("", level=2)
    bookmark(heading, "_Toc100", 1, "Findings on coverage")
    paragraph = document.add_paragraph()
    bookmark(paragraph, "_Toc200", 2)
    bookmark(paragraph, "_Ref201", 3, "Coverage grew in every region.")
    table = document.add_table(rows=2, cols=2)
    bookmark(table.cell(0, 0).paragraphs[0], "_Toc300", 4, "Region")
    table.cell(0, 1).text, table.cell(1, 0).text, table.cell(1, 1).text = "Share", "Africa", "41 per cent"
    links = document.add_paragraph("See ")
    for anchor, text in (("_Toc100", "the findings"), ("_Toc200", " the paragraph"), ("_Ref201", " its claim"),
                         ("_Toc300", " the table")):
        internal_link(links, anchor, text)


def test_word_bookmarks_reach_the_pdf_and_check_sees_nothing_breaking(fixture_project):
    """`_Toc` bookmarks as the Open XML SDK writes them (in a heading, two at one place, at a cell's start), each
    linked: the report builds with every link, and `check` has nothing to say about them."""
    root = fixture_project("minimal")
    (root / "contributions" / "south" / "beta.md").unlink()
    word_draft(root / "contributions" / "south" / "beta.docx", toc_bookmarks)
    with (root / "contributions" / "south" / "alpha.md").open("a", encoding="utf-8") as markdown:
        markdown.write("\n## [Southern]{#south-mark} findings\n\nSee [them](#south-mark).\n")
    check = jointreport("check", "--format", "json", "--project", str(root), *AS_OF)
    assert check.code == 0, check.stderr
    assert findings(check) == []
    run = jointreport("build", "--project", str(root), *AS_OF)
    assert run.code == 0, run.stderr
    assert "render/" not in run.stderr
    assert declares_pdf_ua(root), "no heading left without words"
    text = pdf_text(root)
    for words in ("Findings on coverage", "Coverage grew in every region.", "Region Share", "Africa 41 per cent",
                  "See the findings the paragraph its claim the table", "Southern findings See them."):
        assert words in text, words
    pages = PdfReader(str(root / "build" / PDF)).pages
    links = [a.get_object() for page in pages for a in page.get("/Annots", []) if a.get_object().get("/A")
             or a.get_object().get("/Dest")]
    assert len(links) >= 5, "each link of the drafts is a link in the PDF"


def test_equations_with_symbols_typst_renamed_and_tex_pandoc_cannot_read_are_printed(fixture_project):
    """pandoc writes ∩ as `sect` and ⊙ as `dot.circle`, names Typst 0.14 dropped; a display equation with
    `\\label{…}` it cannot convert it writes as TeX. Neither stops the PDF any more."""
    root = fixture_project("minimal")
    (root / "contributions" / "south" / "beta.md").write_text(
        FINAL + "Coverage $A \\cap B$ and $x \\odot y$ held.\n\n$$a = b \\label{eq:one}$$\n\nBeta ends here.\n")
    run = jointreport("build", "--project", str(root), *AS_OF)
    assert run.code == 0, run.stderr
    text = pdf_text(root)
    assert "∩" in text and "⊙" in text and "Beta ends here." in text
    assert "a = b \\label{eq:one}" in text  # as typed, where pandoc could not read it


def broken_png() -> bytes:
    """A PNG whose header is sound (the picture limits pass) and whose data is not: only Typst finds out."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", b"not a deflate stream") + chunk(b"IEND", b""))


def test_a_draft_typst_fails_on_is_named_from_the_error_and_the_rest_is_built(fixture_project):
    """A picture Typst cannot decode, in a figure the lists of figures name and a link leads to: the draft whose
    text holds the line Typst names is set aside as plain text; no list or link leads into it any more."""
    root = fixture_project("minimal")
    south = root / "contributions" / "south"
    (south / "broken.png").write_bytes(broken_png())
    (south / "beta.md").write_text(FINAL + "Beta before.\n\n![A broken chart](broken.png){#chart}\n\n"
                                   "See [the chart](#chart). Beta after.\n")
    run = jointreport("build", "--project", str(root), *AS_OF)
    assert run.code == 1, run.stderr
    failed = [line for line in run.stderr.splitlines() if "render/failed-draft" in line]
    assert len(failed) == 1 and "failed to decode image" in failed[0], run.stderr
    assert "contributions/south/beta.md" in run.stderr
    assert f"{PDF}: set aside, the renderer fails on contributions/south/beta.md" in run.stderr  # named, not sought
    text = pdf_text(root)
    assert "could not be typeset and is shown as plain text" in text
    assert "Beta before." in text and "Beta after." in text and "Northern text" in text


def test_a_renderer_that_names_its_failing_drafts_renders_twice_whatever_the_size(tmp_path):
    """`DraftsFailed` names the drafts: no bisection, one render more, even with 400 drafts."""
    from dataclasses import dataclass, field
    from types import SimpleNamespace

    from pandocfilters import Para, Str

    from pipeline.render import DraftsFailed, render_safely, unwrapped

    @dataclass
    class Doc:
        blocks: list
        project: object = field(default_factory=lambda: SimpleNamespace(language="en"))

    paths = [f"contributions/x/{n:03d}.md" for n in range(400)]
    document = Doc([{"t": "Div", "c": [["", ["from-draft"], [["path", p]]], [Para([Str(f"text {p}")])]]}
                    for p in paths])
    renders = []

    def renderer(doc, output, set_aside):
        renders.append(set(set_aside))
        if paths[123] not in set_aside:
            raise DraftsFailed("error: failed to decode image", {paths[123]: "error: failed to decode image"})
        json.dumps(unwrapped(doc, set_aside).blocks)
        return output

    output, set_aside = render_safely(renderer, document, tmp_path / "out")
    assert set_aside == {paths[123]: "error: failed to decode image"}
    assert renders == [set(), {paths[123]}]
