"""Real drafts, real pages (issue 21, items 1–3): no draft's bookmarks or equations stop the PDF, a draft that
does is set aside by name at any size, Word tables fit the page, and every build proofs its own pages.

The Word drafts are made here with python-docx and lxml, as Word and the Open XML SDK write them."""

from __future__ import annotations

import json
import re
import struct
import zlib
from pathlib import Path

import docx
import pytest
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

    _, set_aside = render_safely(renderer, document, tmp_path / "out")
    assert set_aside == {paths[123]: "error: failed to decode image"}
    assert renders == [set(), {paths[123]}]


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HEADERS = ("Code", "Description of the measure", "Amount", "Remarks")
ADDRESS = "https://www.social-protection.org/gimi/ShowWiki.action?id={}&lang=EN&section=coverage"
COMPOUND = "Sozialversicherungsbeitragsbemessungsgrenzenanpassungsverordnung"  # no hyphen, no break anywhere


def long_table(document, rows: int = 90) -> None:
    """A table as real drafts have them: a grid whose first column is 22 twips (0.04 cm) wide, far more rows than
    a page holds, amounts that must not break, web addresses and a word longer than their column."""
    document.add_paragraph("The measures are listed below.")
    table = document.add_table(rows=rows + 1, cols=4)
    for column, width in zip(table._tbl.tblGrid.findall(f"{W}gridCol"), (22, 3400, 1400, 2600), strict=True):
        column.set(f"{W}w", str(width))
    for cell, text in zip(table.rows[0].cells, HEADERS, strict=True):
        cell.text = text
    for number in range(1, rows + 1):
        cells = table.rows[number].cells
        cells[0].text, cells[2].text = f"C{number:03d}", f"{number * 12345.67:,.2f}"
        cells[1].text = f"Cash transfer programme {number} for households with children and older persons"
        cells[3].text = ADDRESS.format(number) if number % 3 == 0 else COMPOUND if number % 3 == 1 else "None"
    document.add_paragraph("Text after the table.")


def test_a_long_word_table_with_a_22_twip_column_fits_the_pdf_and_the_docx(fixture_project):
    """The draft's grid, normalised to the text's width with a floor per column: every header word whole on
    every page the table runs over, the amounts whole, the long addresses wrapped inside their column, nothing
    for the proof to report; the DOCX's columns as wide."""
    root = fixture_project("minimal")
    (root / "contributions" / "south" / "beta.md").unlink()
    word_draft(root / "contributions" / "south" / "beta.docx", long_table)
    run = jointreport("build", "--project", str(root), *AS_OF)
    assert run.code == 0, run.stderr
    assert "layout/" not in run.stderr
    pages = [" ".join(page.extract_text().replace("\u200b", "").split())
             for page in PdfReader(str(root / "build" / PDF)).pages]
    heads = [text for text in pages if "Code Description of the measure Amount Remarks" in text]
    assert len(heads) >= 4, "the table breaks across pages, its header on each"
    text = " ".join(pages)
    for number in (1, 45, 90):
        assert f"C{number:03d} Cash transfer programme {number} for" in text
        assert f"{number * 12345.67:,.2f}" in text  # an amount is never cut
    assert "Text after the table." in text
    flat = text.replace(" ", "")
    assert all(ADDRESS.format(n) in flat for n in (3, 45, 90)), "each address is printed whole, wrapped"
    assert flat.count(COMPOUND) == 30, "the long word too, wrapped in its column"
    word = docx.Document(str(root / "build" / "a-minimal-joint-report.docx"))
    table = next(t for t in word.tables if t.rows[0].cells[0].text == "Code")
    grid = [int(column.get(f"{W}w")) for column in table._tbl.tblGrid.findall(f"{W}gridCol")]
    assert grid[0] >= 0.07 * sum(grid), grid  # 'Code', bold, and the cell's padding: not 22 twips
    assert grid[1] > grid[3] > grid[2], grid  # the rest in the grid's proportions


def overflowing(markdown_dir: Path) -> str:
    """A draft whose text cannot stay on the page: a number of 300 digits, and a picture taller than the page
    in a table's cell (a picture standing alone, a figure, is scaled to leave room for its caption)."""
    height, width = 1200, 20
    rows = b"".join(b"\x00" + b"\x00\x9e\xdb" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    (markdown_dir / "tall.png").write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(
        ">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return (FINAL + "Beta starts.\n\nA reference number " + "1234567890" * 30 + " ends.\n\n"
            "| Beta's chart |\n|---|\n| ![A tall chart](tall.png) |\n\nBeta ends.\n")


def test_a_deliberately_overflowing_draft_is_a_proof_error_with_its_page_until_it_changes(fixture_project):
    root = fixture_project("minimal")
    beta = root / "contributions" / "south" / "beta.md"
    beta.write_text(overflowing(beta.parent))
    run = jointreport("build", "--project", str(root), *AS_OF)
    assert run.code == 1, run.stderr
    lines = [re.match(r"\s*(\w+)\s+(layout/\S+)\s+(page \w+): (.*)", line) for line in run.stderr.splitlines()]
    found = [line.groups() for line in lines if line]
    assert [(severity, code) for severity, code, _, _ in found] == [
        ("error", "layout/outside-page"), ("error", "layout/picture-outside")], run.stderr
    assert "'A reference number 1234567890" in found[0][3] and "contributions/south/beta.md" in run.stderr
    check = jointreport("check", "--format", "json", "--project", str(root), *AS_OF)
    proofed = [(f["code"], f["path"], f["severity"], f["location"]) for f in check.json()["findings"]
               if f["code"].startswith("layout/")]
    assert proofed == [("layout/outside-page", "contributions/south/beta.md", "error", found[0][2]),
                       ("layout/picture-outside", "contributions/south/beta.md", "error", found[1][2])]
    refused = jointreport("build", "--project", str(root), *AS_OF)
    assert refused.code == 1 and "not building: 2 errors" in refused.stderr
    beta.write_text(FINAL + "Beta, its number and chart now in an annex.\n")
    check = jointreport("check", "--format", "json", "--project", str(root), *AS_OF)
    assert [f for f in check.json()["findings"] if f["code"].startswith("layout/")] == []
    rebuilt = jointreport("build", "--project", str(root), *AS_OF)
    assert rebuilt.code == 0 and "layout/" not in rebuilt.stderr, rebuilt.stderr


def test_a_forced_build_with_proof_errors_is_kept_and_a_rebuild_with_nothing_changed_says_them_again(
        fixture_project):
    """A forced build whose PDF has proof errors saves its state: the same build again does nothing, and
    still names the errors and exits 1 (at flagship size, every rebuild had redone everything)."""
    root = fixture_project("minimal")
    beta = root / "contributions" / "south" / "beta.md"
    beta.write_text(overflowing(beta.parent))
    first = jointreport("build", "--force", "--project", str(root), *AS_OF)
    again = jointreport("build", "--force", "--project", str(root), *AS_OF)
    assert first.code == again.code == 1, again.stderr
    assert "nothing changed since the last build" in again.stderr and "wrote " not in again.stdout

    def said(run) -> list[str]:
        return [line.strip() for line in run.stderr.splitlines() if "layout/" in line]

    assert said(again) == said(first) and any("error" in line and "layout/outside-page" in line
                                              for line in said(again)), again.stderr


def proofed(tmp_path: Path, body: str, next_draft: str = "") -> list:
    """The proof of a page Typst sets from `body`, as the renderer sets a draft's text: between the draft's
    marks, the layout asked of the same compiler; `next_draft`: the text of a second draft, which follows."""
    import typst

    from pipeline.fonts import font_dirs
    from pipeline.proof import proof
    from pipeline.tracing import LAYOUT, LAYOUT_QUERY, draft_id

    drafts = ["contributions/x/d.md"] + ["contributions/y/e.md"] * bool(next_draft)
    text = "".join(f'#metadata("{draft_id(path)}") <jointreport-draft>\n\n{words}\n\n#metadata("") '
                   '<jointreport-draft>\n' for path, words in zip(drafts, (body, next_draft), strict=False))
    source = tmp_path / "page.typ"
    source.write_text('#set document(title: "Proof")\n#set page(paper: "a4", margin: 2cm)\n'
                      f'#set text(font: "Roboto", hyphenate: false)\n= Proof\n{text}{LAYOUT}', encoding="utf-8")
    compiler = typst.Compiler(str(source), font_paths=[str(d) for d in font_dirs()], ignore_system_fonts=True)
    (tmp_path / "page.pdf").write_bytes(compiler.compile())
    layout = compiler.query(LAYOUT_QUERY, field="value", one=True)
    return proof(tmp_path / "page.pdf", layout, drafts, False, tmp_path / "cache")


TABLE_END = "#metadata(none) <jointreport-table-end>"


def test_the_proof_finds_lines_printed_over_one_another(tmp_path):
    problems = proofed(tmp_path, "#block[Words that stand on this line.]\n#v(-1.7em)\n"
                                 "#block[Other words printed over them.]")
    assert [(p.code, p.page, p.draft) for p in problems] == [("layout/overprint", 1, "contributions/x/d.md")]


def test_the_proof_finds_a_table_taller_than_a_page_that_did_not_break(tmp_path):
    problems = proofed(tmp_path, "#figure(kind: table, supplement: none, table(columns: 1, block(height: 26cm, "
                                 f"breakable: false)[Top of the cell #v(1fr) Foot of the cell{TABLE_END}]))")
    assert [(p.code, p.draft) for p in problems] == [("layout/table-overflow", "contributions/x/d.md")]
    assert "Foot of the cell" in problems[0].detail


def test_the_proof_finds_a_column_narrower_than_its_word_and_text_in_the_margin(tmp_path):
    problems = proofed(tmp_path, "#figure(kind: table, supplement: none, table(columns: (20pt, 1fr), align: left, "
                                 f"[Contributory], [Noncontributory{TABLE_END}]))\n\n" + "M" * 52)
    assert sorted((p.code, p.page, p.draft) for p in problems) == [
        ("layout/in-margin", 1, "contributions/x/d.md"), ("layout/narrow-column", 1, "contributions/x/d.md")]
    assert "Contributory" in next(p.detail for p in problems if p.code == "layout/narrow-column")


def test_a_problem_in_a_note_is_put_down_to_the_draft_whose_note_it_is(tmp_path):
    """Notes are set at the page's foot, below where their draft's text ends and the next draft's starts: a
    number that runs off the page in a note is the error of the draft that has the note, not of the next one
    (nor a warning of the report's own page, when no draft follows)."""
    note = "#footnote[A reference number " + "1234567890" * 30 + "]"
    problems = proofed(tmp_path, f"The first draft cites a source.{note}", next_draft="The next draft. #lorem(900)")
    assert [(p.code, p.page, p.draft) for p in problems] == [("layout/outside-page", 1, "contributions/x/d.md")]
    assert "'1234567890123" in problems[0].detail
    (tmp_path / "alone").mkdir()
    alone = proofed(tmp_path / "alone", f"The only draft cites a source.{note}")
    assert [(p.code, p.draft) for p in alone] == [("layout/outside-page", "contributions/x/d.md")]


def test_the_proof_reads_a_pdf_once(tmp_path, monkeypatch):
    """A PDF proofed before (the same bytes, the same layout) is not read again: its problems are kept by its
    digest, so a rebuild that keeps the PDF costs nothing."""
    from pipeline import proof

    first = proofed(tmp_path, "M" * 52)
    monkeypatch.setattr(proof, "_read", lambda *args: pytest.fail("the PDF was read again"))
    assert proofed(tmp_path, "M" * 52) == first != []


def many_drafts(root: Path, count: int) -> list[str]:
    """A project of `count` one-paragraph sections, each drafted by one of four agencies; their files."""
    import yaml

    agencies = {"ilo": "ILO", "who": "WHO", "undp": "UNDP", "fao": "FAO"}
    sections = [{"id": f"s{n:03d}", "title": f"Section {n}", "lead": list(agencies)[n % 4]} for n in range(count)]
    chapters = [{"id": f"c{c:02d}", "title": f"Chapter {c}", "sections": sections[c * 20:(c + 1) * 20]}
                for c in range((count + 19) // 20)]
    report = {"title": "Four hundred drafts", "coalition": "A coalition",
              "agencies": {key: {"name": f"The {short}", "short": short} for key, short in agencies.items()}}
    (root / "chapters").mkdir(parents=True)
    (root / "report.yaml").write_text(yaml.safe_dump(report, sort_keys=False), encoding="utf-8")
    (root / "chapters" / "outline.yaml").write_text(yaml.safe_dump(
        {"parts": [{"id": "p1", "title": "Findings", "chapters": chapters}]}, sort_keys=False), encoding="utf-8")
    paths = []
    for section in sections:
        draft = root / "contributions" / section["lead"] / f"{section['id']}.md"
        draft.parent.mkdir(parents=True, exist_ok=True)
        draft.write_text(FINAL + f"Draft {section['id']} reports its findings.\n", encoding="utf-8")
        paths.append(draft.relative_to(root).as_posix())
    return paths


def test_one_draft_typst_fails_on_among_400_is_named_and_the_399_others_are_built(tmp_path):
    """At any size: a picture only Typst finds broken, in draft 250 of 400. (Its time against a clean build is
    measured by bench/isolation.py, not here.)"""
    root = tmp_path / "big"
    paths = many_drafts(root, 400)
    broken = root / paths[250]
    (broken.parent / "chart.png").write_bytes(broken_png())
    broken.write_text(broken.read_text(encoding="utf-8") + "\n![A chart](chart.png)\n", encoding="utf-8")
    run = jointreport("build", "--project", str(root))
    assert run.code == 1, run.stderr
    failed = [line for line in run.stderr.splitlines() if line.split()[:2] == ["error", "render/failed-draft"]]
    assert len(failed) == 1 and "failed to decode image" in failed[0], run.stderr
    assert "layout/" not in run.stderr  # an agency's list of 100 sections in the annex breaks across pages
    assert f"four-hundred-drafts.pdf: set aside, the renderer fails on {paths[250]}" in run.stderr
    text = " ".join(" ".join(page.extract_text().split())
                    for page in PdfReader(str(root / "build" / "four-hundred-drafts.pdf")).pages)
    assert all(f"Draft s{n:03d} reports its findings." in text for n in range(400)), "all 400 drafts' words"
    assert text.count("could not be typeset and is shown as plain text") == 1


def test_notes_numbered_from_a_thousand_on_are_not_printed_over_their_text(fixture_project):
    """What the proof found on a 400-section report: a note's number of four digits ran over the note's words."""
    root = fixture_project("minimal")
    notes = range(1, 1003)
    (root / "contributions" / "south" / "beta.md").write_text(
        FINAL + "".join(f"Sentence {n}.[^n{n}]\n\n" for n in notes) + "".join(f"[^n{n}]: Note {n}.\n" for n in notes))
    run = jointreport("build", "--project", str(root), *AS_OF)
    assert run.code == 0, run.stderr
    assert "layout/" not in run.stderr
    assert "1002 Note 1000." in pdf_text(root)
