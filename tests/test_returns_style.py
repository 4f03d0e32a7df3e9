"""The house style's fixes returned to the agency as tracked changes, like the glossary's (issues 27 and 30):
each with a comment citing its rule and the Manual's section, a rejected one left as written by the build
until an editor decides, and the record of what was offered kept with the project (returns/<agency>.json)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import docx
import openpyxl
import pytest

from .conftest import jointreport, needs_client
from .test_returns import (
    DRAFT,
    beta_project,
    bookmarks_as_comments,
    build_text,
    built_changes,
    editors_fixes,
    libreoffice,
    needs_uno,
    paragraphs,
    parts,
    run_return,
)

RETURNED = Path("build") / "returns" / "beta" / "two.docx"
ALL_FIXES = [("%", " per cent"), ("UN", "United Nations"), ("Vietnam", "Viet Nam"), ("organise", "organize"),
             ("program", "programme"), ("social floor", "social protection floor")]


def styled_draft(path: Path) -> None:
    """A Word draft with glossary fixes and house-style fixes side by side, one word in bold."""
    document = docx.Document()
    document.add_heading("Protection in practice", level=1)
    p = document.add_paragraph("The UN ")
    p.add_run("program").bold = True
    p.add_run(" reached 5% of households in Vietnam, as the social floor requires.")
    document.add_paragraph("Partners organise the transfers together.")
    document.add_paragraph("Nothing to fix in this closing paragraph.")
    document.save(path)


@pytest.fixture
def project(fixture_project):
    return beta_project(fixture_project, styled_draft)


def offered(root: Path) -> dict[tuple[str, str], str]:
    """The record of fixes offered to beta: (before, after) → fix id."""
    record = json.loads((root / "returns" / "beta.json").read_text(encoding="utf-8"))["fixes"]
    return {(offer["before"], offer["after"]): ident for ident, offer in record.items()}


def new_version(path: Path) -> None:
    """The agency sends its draft again, one paragraph longer, without taking the fixes."""
    document = docx.Document(path)
    document.add_paragraph("A paragraph added in the new version.")
    document.save(path)


def test_the_house_styles_fixes_are_tracked_changes_citing_their_rule_and_the_manual(project):
    out = run_return(project)
    assert "two.docx: 6 tracked changes, 6 comments" in out, out
    data = (project / RETURNED).read_bytes()
    assert sorted(editors_fixes(data)) == built_changes(project) == ALL_FIXES  # every fix the build makes
    comments = parts(data)["word/comments.xml"].decode()
    assert ("'programme' instead of 'program': the house style's rule UN.Spelling (UN Editorial Manual; Spelling "
            "(the Concise Oxford's first spelling)). The report prints it this way.") in comments
    assert ("'per cent' instead of '%': the house style's rule UN.PerCent (UN Editorial Manual; Numbers, dates and "
            "time › Percentages)") in comments
    body = parts(data)["word/document.xml"].decode()
    assert re.search(r'<w:del [^>]*><w:r><w:rPr><w:b/></w:rPr><w:delText xml:space="preserve">program</w:delText>'
                     r'</w:r></w:del><w:ins [^>]*><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">programme', body)
    assert paragraphs(parts(data)["word/document.xml"], "ins")[1] == (
        "The United Nations programme reached 5 per cent of households in Viet Nam, as the social protection floor "
        "requires.")
    assert sorted(offered(project)) == ALL_FIXES


def test_a_rejected_style_fix_waits_for_an_editor_and_the_record_of_offers_is_a_project_file(project):
    run_return(project)
    record, old = project / "returns" / "beta.json", project / ".jointreport" / "returns" / "beta.json"
    assert record.is_file() and not old.exists()  # beside decisions.yaml, not in the state git ignores
    ids = offered(project)
    old.parent.mkdir(parents=True)
    record.rename(old)  # a project from before: its record where jointreport kept it then, still read
    new_version(project / DRAFT)
    assert built_changes(project) == []  # every fix set aside as the agency wrote it, house style's too
    run_return(project)  # offers nothing set aside again, and moves the record
    assert record.is_file() and not old.exists() and offered(project) == ids
    assert built_changes(project) == []
    (project / "decisions.yaml").write_text(f"{ids[('organise', 'organize')]}: apply\n", encoding="utf-8")
    assert built_changes(project) == [("organise", "organize")]


@needs_client("soffice")
@needs_uno
def test_style_fixes_reviewed_in_libreoffice_accept_all_gives_the_build_and_a_rejected_one_waits(project, tmp_path):
    run_return(project)
    returned = project / RETURNED
    _, accepted = libreoffice(returned, tmp_path / "accept", "accept-all")
    assert accepted == build_text(project)
    comments = parts(returned.read_bytes())["word/comments.xml"].decode()
    ids = dict((before, ident) for ident, before in re.findall(
        r'<w:comment w:id="(\d+)" w:author="Editors"[^>]*>.*?\'[^\']+\' instead of \'([^\']+)\'', comments, re.S))
    verdicts = {f"jrc{ident}": "reject" if before in ("organise", "%") else "accept" for before, ident in ids.items()}
    saved, text = libreoffice(returned, tmp_path / "review", verdicts)
    assert "The United Nations programme reached 5% of households in Viet Nam, as the social protection floor " \
           "requires." in text and "Partners organise the transfers together." in text
    (project / DRAFT).write_bytes(bookmarks_as_comments(saved.read_bytes(), returned.read_bytes()))
    run = jointreport("comments", "--format", "xlsx", "--out", str(tmp_path / "matrix.xlsx"), "--project", str(project))
    assert run.code == 0, run.stderr
    rows = [[cell.value or "" for cell in row] for row in openpyxl.load_workbook(tmp_path / "matrix.xlsx").active.rows]
    column, answer = rows[0].index("tracked change"), rows[0].index("agency's answer")
    assert {r[column]: r[answer] for r in rows[1:] if r[column]} == {
        "UN → United Nations": "accepted", "program → programme": "accepted", "% →  per cent": "rejected",
        "Vietnam → Viet Nam": "accepted", "social floor → social protection floor": "accepted",
        "organise → organize": "rejected"}
    assert built_changes(project) == []  # the rejected ones left as the agency wrote them
    assert "two.docx: 0 tracked changes" in run_return(project)  # and not offered again
    (project / "decisions.yaml").write_text(f"{offered(project)[('%', ' per cent')]}: apply\n", encoding="utf-8")
    assert built_changes(project) == [("%", " per cent")]
    assert "two.docx: 1 tracked change," in run_return(project)
    assert "The United Nations programme reached 5 per cent of households in Viet Nam, as the social protection " \
           "floor requires." in paragraphs(parts((project / RETURNED).read_bytes())["word/document.xml"], "ins")
