"""Property-based fuzzing of what agencies send (issue 11): `make fuzz`, not part of `make test`.

Hypothesis writes Markdown drafts (with front matter) and Word drafts (document.xml with random nesting,
tracked changes, comments, hyperlinks and tables) into a small project; `check` and `build --force` must
always finish with findings, never an internal error, and always write both outputs. Bounded by
FUZZ_EXAMPLES (default 25 per property) and by the Makefile's timeout. A crash found here becomes a
regression test in test_hostile.py.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import build as recipe
from pipeline.commands.check import check

from .conftest import ROOTS
from .docxfactory import make_docx

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

MARKDOWN_PIECES = [
    "[", "]", "(", ")", "#", "##", "*", "**", "_", "@ILO", "[@key]", "`", "$", "$x^2$", "\\", "> ", "- ", "1. ",
    "|", "|---|", "\n", "\n\n", "  ", "http://example.org", "(#missing)", "(#)", "()", "![pic](", ".load(",
    "{", "}", "{.class}", "<div>", "</div>", "---", "[^1]", "[^1]: note", ":::", "~~~", "\t", "ILO", "SPF",
    "social floor", "{{agreed:nothing}}", "\u202e", "\x00", "\x1b[31m", "é", "中文", "\u200f", "&amp;", "<!-- -->",
]
YAML_PIECES = ["status: ", "final", "draft", "cleared", "submitted: ", "2011-02-30", "2011-02-03", "version: ",
               "1.10", "&a ", "*a", "[", "]", "{", "}", ": ", "\n", "  ", "- ", "'", '"', "title: ", "NO", "~"]
WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def joined(pieces: list[str], max_size: int):
    return st.lists(st.one_of(st.sampled_from(pieces), st.text(max_size=8)), max_size=max_size).map("".join)


markdown = joined(MARKDOWN_PIECES, 60)
front_matter = joined(YAML_PIECES, 20)


@st.composite
def word_body(draw, depth: int = 0) -> str:
    """Random WordprocessingML: paragraphs, runs, insertions, deletions, comment marks, hyperlinks to
    bookmarks that may not exist, bookmarks, nested tables."""
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["p", "p", "tbl"] if depth < 3 else ["p"]))
        if kind == "tbl":
            rows = draw(st.integers(0, 3))
            cells = "".join(
                "<w:tr>" + "".join(f"<w:tc>{draw(word_body(depth + 1))}</w:tc>" for _ in range(draw(st.integers(0, 3))))
                + "</w:tr>" for _ in range(rows))
            parts.append(f"<w:tbl><w:tblPr/><w:tblGrid/>{cells}</w:tbl><w:p/>")
            continue
        runs = []
        for index in range(draw(st.integers(0, 4))):
            text = draw(st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=12))
            text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            run = f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'
            wrapper = draw(st.sampled_from(["", "ins", "del", "link", "bookmark", "comment"]))
            if wrapper == "ins":
                run = f'<w:ins w:id="{index}" w:author="A" w:date="2011-01-01T00:00:00Z">{run}</w:ins>'
            elif wrapper == "del":
                run = (f'<w:del w:id="{index + 50}" w:author="B" w:date="2011-01-01T00:00:00Z">'
                       f'{run.replace("w:t ", "w:delText ").replace("</w:t>", "</w:delText>")}</w:del>')
            elif wrapper == "link":
                anchor = draw(st.sampled_from(["_Toc1", "_Ref2", "here", ""]))
                run = f'<w:hyperlink w:anchor="{anchor}">{run}</w:hyperlink>'
            elif wrapper == "bookmark":
                run = f'<w:bookmarkStart w:id="{index}" w:name="here"/>{run}<w:bookmarkEnd w:id="{index}"/>'
            elif wrapper == "comment":
                run = f'<w:commentRangeStart w:id="{index}"/>{run}<w:commentRangeEnd w:id="{index}"/>'
            runs.append(run)
        style = draw(st.sampled_from(["", "Heading1", "Heading9", "Title", "ListParagraph", "Nonexistent"]))
        properties = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
        parts.append(f"<w:p>{properties}{''.join(runs)}</w:p>")
    return "".join(parts)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fuzz") / "minimal"
    shutil.copytree(ROOTS / "minimal", root)  # no templates/: the built-in house style applies
    return root


def check_and_build(root: Path) -> None:
    """Both commands finish: findings, never an internal error; the build writes both outputs."""
    result = check(root)
    assert all(f.code and f.path for f in result.findings)
    built = recipe.build(root, recipe.Options(force=True))  # under --force only a stage's gate refuses: none asked
    assert {p.suffix for p in built.outputs} >= {".docx", ".pdf"}


@FUZZ
@given(meta=front_matter, body=markdown)
def test_markdown_drafts_never_break_check_or_build(project, meta, body):
    draft = project / "contributions" / "south" / "beta.md"
    draft.write_text(f"---\n{meta}\n---\n\n{body}\n", encoding="utf-8")
    check_and_build(project)


@FUZZ
@given(body=word_body(), sidecar=front_matter)
def test_word_drafts_never_break_check_or_build(project, body, sidecar):
    south = project / "contributions" / "south"
    (south / "beta.md").unlink(missing_ok=True)
    path = make_docx(south / "beta.docx", ["placeholder"])
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    xml = parts["word/document.xml"].decode()
    start, end = xml.index("<w:body>") + len("<w:body>"), xml.index("<w:sectPr")
    parts["word/document.xml"] = (xml[:start] + body + xml[end:]).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    (south / "beta.yaml").write_text(sidecar, encoding="utf-8")
    try:
        check_and_build(project)
    finally:
        path.unlink()
        (south / "beta.yaml").unlink()
