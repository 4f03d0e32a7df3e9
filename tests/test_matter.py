"""Front and back matter declared in the outline, acknowledgements from the drafts' authors, a copyright page."""

from __future__ import annotations

import docx
from pypdf import PdfReader

from .conftest import jointreport, replace_once

OUTLINE_MATTER = """\
front:
  - {id: foreword, title: {en: Foreword, fr: Avant-propos}}
  - {id: key-messages, title: Key messages, agreed: definition}
  - {id: acknowledgements, title: Acknowledgements}
back:
  - {id: notes, title: Notes on the data}
"""


def with_matter(root):
    with open(root / "chapters" / "outline.yaml", "a", encoding="utf-8") as outline:
        outline.write(OUTLINE_MATTER)
    with open(root / "report.yaml", "a", encoding="utf-8") as report:
        report.write('copyright:\n  isbn: 978-92-2-000000-0\n  rights: "© Minimal Coalition 2011."\n'
                     '  disclaimer: "The designations employed imply no opinion."\n')
    (root / "terminology.yaml").write_text(
        "agreed:\n  definition:\n    text: Social protection floors are nationally defined guarantees.\n")
    (root / "chapters" / "foreword.md").write_text("The coalition thanks every agency.\n")
    replace_once(root / "contributions" / "north" / "alpha.md", "status: final", "status: final\nauthor: Nora North")
    return root


def test_front_and_back_matter_in_both_outputs(fixture_project):
    root = with_matter(fixture_project("minimal"))
    check = jointreport("check", "--format", "json", "--project", str(root))
    assert [(f["code"], f["path"]) for f in check.json()["findings"]] == [
        ("outline/missing-matter", "chapters/outline.yaml")]
    (root / "chapters" / "notes.md").write_text("All figures are in current US dollars.\n")
    run = jointreport("build", "--project", str(root))
    assert run.code == 0, run.stderr
    paragraphs = [p.text for p in docx.Document(str(root / "build" / "a-minimal-joint-report.docx")).paragraphs]
    body = paragraphs[paragraphs.index("Abbreviations", paragraphs.index("Contents") + 8):]
    order = [body.index(t) for t in ("Foreword", "The coalition thanks every agency.", "Key messages",
                                     "Social protection floors are nationally defined guarantees.", "Acknowledgements",
                                     "Northern Agency: Nora North", "Part I: Findings", "Annex: Contributors",
                                     "Notes on the data", "All figures are in current US dollars.")]
    assert order == sorted(order)
    assert "Foreword\t" in paragraphs  # in the contents, unnumbered
    copyright_at = paragraphs.index("ISBN 978-92-2-000000-0")
    assert copyright_at < paragraphs.index("Contents")  # on the back of the title page
    pages = [p.extract_text() for p in PdfReader(str(root / "build" / "a-minimal-joint-report.pdf")).pages]
    # cover, its blank back, the title page, the imprint on its back
    assert "ISBN 978-92-2-000000-0" in pages[3] and "© Minimal Coalition 2011." in pages[3]
    text = " ".join(pages)
    assert "The coalition thanks every agency." in text and "Nora North" in text
    assert "All figures are in current US dollars." in text


def test_unknown_agreed_block_and_clashing_ids_are_reported(fixture_project):
    root = with_matter(fixture_project("minimal"))
    (root / "chapters" / "notes.md").write_text("Notes.\n")
    replace_once(root / "chapters" / "outline.yaml", "agreed: definition", "agreed: nowhere")
    findings = jointreport("check", "--format", "json", "--project", str(root)).json()["findings"]
    assert [(f["code"], f["path"]) for f in findings] == [("agreed/unknown-block", "chapters/outline.yaml")]
    replace_once(root / "chapters" / "outline.yaml", "{id: notes,", "{id: first,")
    run = jointreport("check", "--project", str(root))
    assert run.code == 2 and "'first' is also a chapter id" in run.stderr
