"""One bad draft never takes the report down (issue 11): every hostile or broken input gets a coded,
one-line finding naming its file, the other drafts are still checked and built, and nothing exits 3.

Each hostile draft is made here, sized to prove the point and no more."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
import typst
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from pypdf import PdfReader

from pipeline import pandoc
from pipeline.errors import DraftError
from pipeline.intake.conversion import DraftCache
from pipeline.normalise import image_size, neutralise

from .conftest import edit_yaml, jointreport
from .docxfactory import make_docx

AS_OF = ("--as-of", "2011-01-01")  # before the fixture's deadlines, so only the planted problems show
FINAL = "---\nstatus: final\n---\n\n"
ALIAS_BOMB = "".join(
    ["---\nstatus: final\n", 'l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n']
    + [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 9)] + ["---\n\nText.\n"])
HOSTILE_SECTIONS = ("deep", "lists", "bomb", "sidecar", "huge", "links", "picture", "entity", "hidden", "stale")
PDF = "a-minimal-joint-report.pdf"


def add_sections(root: Path, ids) -> None:
    def more(data):
        data["parts"][0]["chapters"][0]["sections"] += [
            {"id": ident, "title": f"Section {ident}", "lead": "south"} for ident in ids]
    edit_yaml(root / "chapters" / "outline.yaml", more)


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims `width`×`height` pixels (its header is what any reader checks first)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


def with_entities(path: Path, before: str = "") -> None:
    """Rewrite a .docx's body with a 'billion laughs' DOCTYPE, as an attacker (never Word) would; `before`
    it, a comment long enough to hide it from a look at the part's first kilobytes."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    body = parts["word/document.xml"].decode()
    entities = ('<!DOCTYPE w:document [<!ENTITY lol "lol">'
                '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>')
    parts["word/document.xml"] = body.replace("?>", "?>" + before + entities, 1).replace("LAUGH", "&lol2;").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


@pytest.fixture
def hostile(fixture_project):
    root = fixture_project("minimal")
    add_sections(root, HOSTILE_SECTIONS)
    south = root / "contributions" / "south"
    (south / "deep.md").write_text(FINAL + "> " * 2000 + "deep text\n")
    (south / "lists.md").write_text(FINAL + "\n".join("  " * i + "- level" for i in range(400)) + "\n")
    (south / "bomb.md").write_text(ALIAS_BOMB)
    make_docx(south / "sidecar.docx", ["A Word draft whose sidecar is an alias bomb."])
    (south / "sidecar.yaml").write_text(ALIAS_BOMB.split("---\n")[1])
    (south / "huge.md").write_text(FINAL + ("Words of a very long draft. " * 8 + "\n\n") * 4_500)
    (south / "links.md").write_text(
        FINAL + "As @ILO says [@key; @other], see [the table](#missing), [top](#) and [nothing]().\n\n"
        f"![A chart]({'a' * 300}.png)\n\n**Bold**.load( stays text.\n")
    make_docx(south / "picture.docx", ["A draft with a very large picture."], image=png_header(16384, 16384))
    make_docx(south / "entity.docx", ["LAUGH"])
    with_entities(south / "entity.docx")
    make_docx(south / "hidden.docx", ["LAUGH"])
    with_entities(south / "hidden.docx", "<!--" + "padding " * 1000 + "-->")
    with_stale_links(make_docx(south / "stale.docx", ["See ", "Cross "]))
    return root


def with_stale_links(path: Path) -> None:
    """Links to a table-of-contents entry and a cross-reference whose bookmarks are gone, as Word leaves
    them after a heading or a figure was deleted."""
    document = docx.Document(str(path))
    stale = [("_Toc999", "the stale entry"), ("_Ref123", "Figure 3")]
    for paragraph, (anchor, text) in zip(document.paragraphs, stale, strict=True):
        paragraph._p.append(parse_xml(f'<w:hyperlink {nsdecls("w")} w:anchor="{anchor}"><w:r><w:t>{text}</w:t></w:r>'
                                      '</w:hyperlink>'))
    document.save(str(path))


def test_every_hostile_draft_gets_its_code_and_the_others_are_still_checked(hostile):
    started = time.monotonic()
    run = jointreport("check", "--format", "json", "--project", str(hostile), *AS_OF)
    elapsed = time.monotonic() - started
    assert run.code == 1, run.stderr
    found = sorted((f["code"], f["path"]) for f in run.json()["findings"])
    south = "contributions/south/"
    assert found == sorted([
        ("input/too-complex", south + "deep.md"),
        ("input/too-complex", south + "lists.md"),
        ("input/bad-metadata", south + "bomb.md"),
        ("input/bad-metadata", south + "sidecar.docx"),
        ("input/too-large", south + "huge.md"),
        ("input/citation", south + "links.md"),
        ("input/dangling-link", south + "links.md"),
        ("input/missing-image", south + "links.md"),
        ("input/image-too-large", south + "picture.docx"),
        ("input/unreadable", south + "entity.docx"),
        ("input/unreadable", south + "hidden.docx"),
        ("input/dangling-link", south + "stale.docx"),
    ])
    messages = {(f["code"], f["path"].rsplit("/", 1)[1]): f["message"] for f in run.json()["findings"]}
    assert "YAML aliases are not allowed in front matter" in messages[("input/bad-metadata", "bomb.md")]
    assert "bomb.md:3:" in messages[("input/bad-metadata", "bomb.md")]  # the first anchor's line
    assert "YAML aliases are not allowed" in messages[("input/bad-metadata", "sidecar.docx")]
    assert "3 links to nowhere" in messages[("input/dangling-link", "links.md")]
    assert "2 links to nowhere (first: '#_Toc999' is not an anchor" in messages[("input/dangling-link", "stale.docx")]
    assert "16,384×16,384-pixel" in messages[("input/image-too-large", "picture.docx")]
    for name in ("entity.docx", "hidden.docx"):
        assert messages[("input/unreadable", name)].startswith(
            "the file contains XML entity declarations, which Word and LibreOffice never write; re-save it")
    assert "over the 1 MB a draft may hold" in messages[("input/too-large", "huge.md")]
    assert elapsed < 60, elapsed  # generous for a loaded CI machine: measured about 5 s


def test_the_report_is_built_from_every_draft_that_can_be(hostile):
    run = jointreport("build", "--force", "--quiet", "--project", str(hostile), *AS_OF)
    assert run.code == 0, run.stderr
    assert "Traceback" not in run.stderr
    text = " ".join(p.extract_text() for p in PdfReader(str(hostile / "build" / PDF)).pages)
    flat = " ".join(text.split())
    for words in ("Beta text, cleared for publication.", "As @ILO says [@key; @other], see the table, top and",
                  "A Word draft whose sidecar is an alias bomb.", "A draft with a very large picture.",
                  "Bold.load( stays text.", "See the stale entry", "Cross Figure 3"):
        assert words in flat, words
    assert (hostile / "build" / "a-minimal-joint-report.docx").is_file()


def test_a_draft_the_pdf_cannot_take_is_set_aside_and_named(fixture_project):
    """Maths Typst cannot read stops the whole PDF; the build finds the draft, prints it as plain text
    and builds the rest."""
    root = fixture_project("minimal")
    (root / "contributions" / "south" / "beta.md").write_text(FINAL + "The root $\\sqrt$ of it all.\n")
    run = jointreport("build", "--quiet", "--project", str(root), *AS_OF)
    assert run.code == 1, run.stderr
    failed = [line for line in run.stderr.splitlines() if "render/failed-draft" in line]
    assert len(failed) == 1 and "PDF (en)" in failed[0], run.stderr
    assert "contributions/south/beta.md" in run.stderr
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(str(root / "build" / PDF)).pages).split())
    assert "could not be typeset and is shown as plain text" in text
    assert "The root" in text and "Northern" in text  # the other drafts are there as usual
    assert "Traceback" not in run.stderr


def test_a_failed_conversion_is_cached_like_a_success(tmp_path, monkeypatch):
    """Pathological Markdown runs pandoc out of its (here shortened) time once; the next run gets the
    same error from the cache without running pandoc."""
    monkeypatch.setattr(pandoc, "DRAFT_SECONDS", 1)
    monkeypatch.setattr(pandoc, "DRAFT_MAX_SECONDS", 1)
    cache = DraftCache(tmp_path / "cache")
    data = b"[" * 20_000
    with pytest.raises(DraftError) as first:
        cache.convert(data, "md")
    assert first.value.code == "input/too-complex" and "gave up after 1 s" in str(first.value)

    def no_pandoc(*args, **kwargs):
        raise AssertionError("pandoc ran again")

    monkeypatch.setattr(pandoc, "run_pandoc", no_pandoc)
    with pytest.raises(DraftError) as again:
        cache.convert(data, "md")
    assert (again.value.code, str(again.value)) == (first.value.code, str(first.value))


def test_budgets_scale_with_the_text(monkeypatch):
    assert pandoc.draft_budget(50_000) == (10, 405)  # an ordinary draft: seconds, not minutes
    assert pandoc.draft_budget(10_000_000) == (30, 1400)


@pytest.mark.parametrize("text, where", [
    ("a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefg", "bcdefgh", strict=True)), "aliases ('*"),
    ("deep: " + "[" * 2000 + "]" * 2000 + "\n", "nested more than 50 levels"),
])
def test_a_project_file_bomb_is_a_project_error_with_its_position(fixture_project, text, where):
    root = fixture_project("minimal")
    with (root / "report.yaml").open("a") as report:
        report.write(text)
    run = jointreport("check", "--project", str(root))
    assert run.code == 2, run.stderr
    assert "report.yaml:" in run.stderr and where in run.stderr and "Traceback" not in run.stderr


def test_file_names_and_text_are_escaped_for_the_terminal(fixture_project):
    """A newline, a right-to-left override or an ANSI escape in a file name cannot split or rewrite the
    output: one finding per line, escaped as \\u…; JSON keeps the exact name."""
    root = fixture_project("minimal")
    south = root / "contributions" / "south"
    names = ["evil\nline.md", "evil\u202egpj.md", "evil\x1b[2Jclear.md"]
    for name in names:
        (south / name).write_text(FINAL + "Text.\n")
    run = jointreport("check", "--project", str(root), *AS_OF)
    lines = run.stdout.splitlines()
    assert "\x1b[2J" not in run.stdout and "\u202e" not in run.stdout
    assert any("evil\\u000aline.md" in line for line in lines)
    assert any("evil\\u202egpj.md" in line for line in lines)
    assert any("evil\\u001b[2Jclear.md" in line for line in lines)
    unknown = [line for line in lines if "outline/unknown-section" in line]
    assert len(unknown) == 3, run.stdout
    checked = jointreport("check", "--format", "json", "--project", str(root), *AS_OF).json()
    paths = {f["path"] for f in checked["findings"]}
    assert {f"contributions/south/{name}" for name in names} <= paths


def test_picture_sizes_are_read_from_their_headers():
    assert image_size(png_header(16384, 16384)) == (16384, 16384)
    assert image_size(b"GIF89a\x10\x00\x20\x00") == (16, 32)
    jpeg = b"\xff\xd8\xff\xe0\x00\x04ab\xff\xc0\x00\x11\x08\x01\x00\x02\x00\x03" + b"\0" * 16
    assert image_size(jpeg) == (512, 256)
    assert image_size(b"not a picture") is None


def test_table_rows_without_cells_are_dropped_before_typst_sees_them(tmp_path):
    """pandoc writes a row without cells as `table.header(,)`, which stops Typst."""
    attr = ["", [], []]
    cell = [attr, {"t": "AlignDefault"}, 1, 1, [{"t": "Plain", "c": [{"t": "Str", "c": "a"}]}]]
    table = {"t": "Table", "c": [attr, [None, []], [[{"t": "AlignDefault"}, {"t": "ColWidthDefault"}]],
                                 [attr, [[attr, []]]], [[attr, 0, [], [[attr, []], [attr, [cell]]]]],
                                 [attr, [[attr, []]]]]}
    blocks, issues = neutralise([table], lambda source: None)
    assert issues == []
    body = pandoc.write_from_ast({"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": blocks}, "typst", [])
    (tmp_path / "t.typ").write_bytes(body)
    assert typst.compile(str(tmp_path / "t.typ")).startswith(b"%PDF")


def test_a_draft_nested_just_within_the_limit_is_checked_and_built(fixture_project):
    """146 nested quotes (pandoc's JSON nests 297 deep) pass every walk of check, assembly and both
    renderers without Python's recursion limit biting; beyond 10 levels they are flattened, which Typst
    needs (it stops at about 18 nested quotes)."""
    root = fixture_project("minimal")
    (root / "contributions" / "south" / "beta.md").write_text(FINAL + "> " * 146 + "deep text\n")
    check = jointreport("check", "--format", "json", "--project", str(root), *AS_OF)
    assert check.code == 0, check.stderr
    findings = [(f["code"], f["path"]) for f in check.json()["findings"]]
    assert findings == [("input/deep-nesting", "contributions/south/beta.md")]
    assert "(136 too deep)" in check.json()["findings"][0]["message"]
    run = jointreport("build", "--quiet", "--project", str(root), *AS_OF)
    assert run.code == 0, run.stderr
    assert "deep text" in " ".join(p.extract_text() for p in PdfReader(str(root / "build" / PDF)).pages)


def test_an_editors_introduction_the_pdf_cannot_take_is_set_aside_too(fixture_project):
    root = fixture_project("minimal")
    (root / "chapters" / "first.md").write_text("An introduction with $\\sqrt$ in it.\n")
    run = jointreport("build", "--quiet", "--project", str(root), *AS_OF)
    assert run.code == 1, run.stderr
    failed = [line.split()[1] for line in run.stderr.splitlines() if "render/failed-draft" in line]
    assert failed == ["render/failed-draft"]
    assert "chapters/first.md" in run.stderr and (root / "build" / PDF).is_file()


def test_typst_has_a_time_budget_too(tmp_path, monkeypatch):
    """Typst compiles in a child process that is stopped when its time is up (here shortened)."""
    from pipeline.errors import JointreportError
    from pipeline.render import typst as staged

    monkeypatch.setattr(staged, "TYPST_SECONDS", 2)
    started = time.monotonic()
    with pytest.raises(JointreportError, match="Typst gave up after 2 s"):
        endless = b"#for i in range(9000000) { for j in range(9000000) { } }\n"  # Typst sees through `while true`
        staged.compile_staged(tmp_path, "main.typ", {"main.typ": endless}, {}, {}, "the PDF")
    assert time.monotonic() - started < 15
    assert list((tmp_path / ".staging").iterdir()) == []  # nothing left behind


def test_typst_has_a_memory_budget_in_threads_too(tmp_path, monkeypatch):
    """A document that eats memory stops its Typst child at the budget (here lowered to 1 GB), one-shot or
    kept for a session, and from a thread, where the build runs it; an ordinary document fits the same budget."""
    from concurrent.futures import ThreadPoolExecutor

    from pipeline.errors import JointreportError
    from pipeline.render import typst as staged

    monkeypatch.setattr(staged, "TYPST_MEMORY", 1024 ** 3)
    greedy = b'#let s = "x"\n#for i in range(30) { s = s + s }\n#s.len()\n'  # a 1 GB string, built by doubling

    def typeset(source: bytes) -> bytes:
        return staged.compile_staged(tmp_path, "main.typ", {"main.typ": source}, {}, {}, "the PDF")

    with ThreadPoolExecutor(max_workers=1) as thread:
        with pytest.raises(JointreportError, match="out of memory or crashed"):
            thread.submit(typeset, greedy).result()
        assert thread.submit(typeset, b"= A report\n\nIt fits.").result().startswith(b"%PDF")
        with staged.warm_session():
            with pytest.raises(JointreportError, match="Typst stopped"):
                thread.submit(typeset, greedy).result()
            assert thread.submit(typeset, b"= A report\n\nIt fits.").result().startswith(b"%PDF")


def test_a_file_name_that_is_not_utf8_is_escaped_too(fixture_project):
    root = fixture_project("minimal")
    with open(os.fsencode(root / "contributions" / "south") + b"/bad\xff\xfename.md", "wb") as draft:
        draft.write(FINAL.encode() + b"Text.\n")
    proc = subprocess.run([sys.executable, "-m", "pipeline", "check", "--project", str(root), *AS_OF],
                          capture_output=True, timeout=120, check=False)
    assert proc.returncode == 1 and b"Traceback" not in proc.stderr
    assert b"contributions/south/bad\\udcff\\udcfename.md" in proc.stdout
    proc.stdout.decode("utf-8")  # the text output itself is valid UTF-8


def test_the_failing_drafts_are_found_by_bisection_whatever_the_renderer_raises(tmp_path):
    from dataclasses import dataclass, field
    from types import SimpleNamespace

    from pandocfilters import Para, Str, Strong, stringify

    from pipeline.render import render_safely, unwrapped

    @dataclass
    class Doc:
        blocks: list
        project: object = field(default_factory=lambda: SimpleNamespace(language="en"))

    def draft(path: str, bad: bool) -> dict:
        text = [Strong([Str("bold")])] if bad else [Str("fine")]  # the renderer stumbles on bold text
        return {"t": "Div", "c": [["", ["from-draft"], [["path", path]]], [Para(text)]]}

    paths = [f"contributions/x/{n}.md" for n in range(9)]
    document = Doc([draft(p, n in (2, 7)) for n, p in enumerate(paths)])
    rendered = []

    def renderer(doc, output, set_aside):
        doc = unwrapped(doc, set_aside)
        if '"Strong"' in json.dumps(doc.blocks):
            raise KeyError("a renderer bug a draft triggers")
        rendered.append(stringify(doc.blocks))
        return output

    _, set_aside = render_safely(renderer, document, tmp_path / "out")
    assert sorted(set_aside) == [paths[2], paths[7]]
    assert rendered[-1].count("fine") == 7 and rendered[-1].count("could not be typeset") == 2

    def always_fails(doc, output, set_aside):
        raise KeyError("not a draft's fault")

    with pytest.raises(KeyError, match="not a draft's fault"):
        render_safely(always_fails, document, tmp_path / "out")


def test_an_editors_introduction_is_checked_like_a_draft(fixture_project):
    root = fixture_project("minimal")
    (root / "chapters" / "first.md").write_text("As @ILO said, see [below](#nowhere).\n")
    run = jointreport("check", "--format", "json", "--project", str(root), *AS_OF)
    assert sorted((f["code"], f["path"]) for f in run.json()["findings"]) == [
        ("input/citation", "chapters/first.md"), ("input/dangling-link", "chapters/first.md")]
