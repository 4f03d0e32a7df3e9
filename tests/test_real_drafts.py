"""Drafts as agencies really write them (issue 21): glossary fixes that keep the text's case and articles,
citations read from the citation managers' own fields, pictures beside a Markdown draft, SmartArt,
embedded objects, a draft's own table of contents, and digests and redlines that tell the truth."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import re
import subprocess

import docx
import pypandoc
import pytest
from docx.oxml.ns import qn

from pipeline.commands.remind import remind
from pipeline.model import Term, Terminology
from pipeline.terms import replacements
from pipeline.textruns import text_runs

from .conftest import edit_yaml, jointreport

GLOSSARY = Terminology([
    Term("secondary dwelling", ("accessory dwelling",)),
    Term("Viet Nam", ("Vietnam",), case_sensitive=True),
    Term("SPF Initiative", ("SPF-I",), case_sensitive=True),
    Term("older persons", ("the elderly",)),
    Term("social transfer", ("handout",)),
    Term("agglomération", ("ville",), lang="fr", gender="f"),
    Term("hôpital", ("clinique",), lang="fr", gender="m"),
    Term("escuela", ("colegio",), lang="es", gender="f"),
])


def fixes(markdown: str, lang: str = "en") -> list[tuple[str, str]]:
    blocks = json.loads(pypandoc.convert_text(markdown, "json", format="markdown"))["blocks"]
    return [(r.before, r.after) for run in text_runs(blocks) for r in replacements(GLOSSARY, run, lang)]


@pytest.mark.parametrize("markdown, lang, expected", [
    ("# ACCESSORY DWELLING UNITS", "en", [("ACCESSORY DWELLING", "SECONDARY DWELLING")]),
    ("We built an accessory dwelling.", "en", [("an accessory dwelling", "a secondary dwelling")]),
    ("An Accessory Dwelling's roof.", "en", [("An Accessory Dwelling’s", "A Secondary Dwelling’s")]),
    ("AN ACCESSORY DWELLING.", "en", [("AN ACCESSORY DWELLING", "A SECONDARY DWELLING")]),
    ("Two accessory dwellings’ roofs.", "en", [("accessory dwellings’", "secondary dwellings’")]),
    ("## Accessory Dwellings in Towns", "en", [("Accessory Dwellings", "Secondary Dwellings")]),
    ("## Plans for Accessory Dwellings", "en", [("Accessory Dwellings", "Secondary Dwellings")]),
    ("Vietnam and SPF-I.", "en", [("Vietnam", "Viet Nam"), ("SPF-I", "SPF Initiative")]),
    ("The elderly; THE ELDERLY.", "en", [("The elderly", "Older persons"), ("THE ELDERLY", "OLDER PERSONS")]),
    ("Handouts, a handout, an old handout.", "en",
     [("Handouts", "Social transfers"), ("handout", "social transfer"), ("handout", "social transfer")]),
    ("La ville, une clinique, la clinique, de la ville.", "fr",
     [("La ville", "L'agglomération"), ("une clinique", "un hôpital"), ("la clinique", "l'hôpital"),
      ("de la ville", "de l'agglomération")]),
    ("El colegio y un colegio.", "es", [("El colegio", "La escuela"), ("un colegio", "una escuela")]),
])
def test_a_fix_keeps_the_case_inflection_and_article_of_what_it_replaces(markdown, lang, expected):
    assert fixes(markdown, lang) == expected


def test_a_digest_counts_each_finding_under_its_own_term(fixture_project, tmp_path):
    """One 'Vietnam' and three other rejected terms in one draft: the digest says so, not '4 × Vietnam'."""
    root = fixture_project("terms")
    edit_yaml(root / "report.yaml", lambda data: data["agencies"]["alpha"].update(
        contact={"name": "A. Person", "email": "a@alpha.example"}))
    (root / "contributions" / "alpha" / "one.md").write_text(
        "We work in Vietnam. The social floor, another social floor and a cost effective plan.\n", encoding="utf-8")
    written = remind(root, dt.date(2011, 1, 3), tmp_path / "eml").written
    digest = email.message_from_bytes(next(p for p in written if p.name.endswith("-alpha.eml")).read_bytes(),
                                      policy=email.policy.default).get_content()
    lines = [" ".join(line.split()) for line in digest.splitlines()]
    start = lines.index("- contributions/alpha/one.md:")
    assert lines[start + 1:start + 4] == ["'Vietnam': write 'Viet Nam' (first at line 1)",
                                          "'cost effective': write 'cost-effective' (first at line 1)",
                                          "2 × 'social floor': write 'social protection floor' (first at line 1)"]


def git(root, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), "-c", "user.name=Editor", "-c", "user.email=editor@example.org", *args],
                   check=True, capture_output=True)


BETA = """---
status: cleared
---

Work in Vietnam goes on [@smith2019].

| Country | Grants |
|---------|--------|
| Vietnam | 120    |
| Ghana   | 80     |
"""


def test_a_redline_shows_the_text_the_report_prints_with_its_tables_and_citations(fixture_project, tmp_path):
    root = fixture_project("minimal")
    (root / "terminology.yaml").write_text("terms:\n  - {preferred: Viet Nam, reject: [Vietnam], case: sensitive}\n",
                                           encoding="utf-8")
    (root / "references.bib").write_text("@report{smith2019, author = {Smith, Jane}, title = {Grants at work}, "
                                         "year = {2019}}\n", encoding="utf-8")
    (root / "contributions" / "south" / "beta.md").write_text(BETA, encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first drafts")
    assert jointreport("snapshot", "final", "--project", str(root)).code == 0
    (root / "contributions" / "south" / "beta.md").write_text(
        BETA.replace("| Ghana   | 80     |", "| Ghana   | 95     |\n| Togo    | 12     |"), encoding="utf-8")
    git(root, "commit", "-q", "-am", "second round")
    out = tmp_path / "redline.docx"
    run = jointreport("diff", "--from", "final", "--to", "HEAD", "--out", str(out), "--project", str(root))
    assert run.code == 0, run.stderr
    assert re.search(r"^  1.2 Beta section +\+3 −1 words$", run.stdout, re.M), run.stdout  # 95, Togo 12; 80
    document = docx.Document(str(out))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Work in Viet Nam goes on (Smith 2019)." in text and "Vietnam" not in text and "@" not in text
    table = document.tables[0]._tbl
    cells = [["".join(t.text for t in cell.iter(qn("w:t"), qn("w:delText"))) for cell in row.iter(qn("w:tc"))]
             for row in table.iter(qn("w:tr"))]
    assert cells == [["Country", "Grants"], ["Viet Nam", "120"], ["Ghana", "8095"], ["Togo", "12"]]
    deleted = [t.text for t in table.iter(qn("w:delText"))]
    inserted = [t.text for change in table.iter(qn("w:ins")) for t in change.iter(qn("w:t"))]
    assert deleted == ["80"] and inserted == ["95", "Togo", "12"]
    assert [row.find(qn("w:trPr")) is not None and row.find(qn("w:trPr")).find(qn("w:ins")) is not None
            for row in table.iter(qn("w:tr"))] == [False, False, False, True]  # the new row is one change
