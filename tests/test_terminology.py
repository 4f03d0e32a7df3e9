"""Agreed terminology and agreed language, on hand-labelled fixtures (Markdown and Word)."""

from __future__ import annotations

import csv
import json

import docx
import pypandoc
import pytest

from pipeline.project import load_project
from pipeline.terms import replacements
from pipeline.textruns import text_runs

from .conftest import REPO, jointreport
from .docxfactory import make_docx

ONE = "contributions/alpha/one.md"
TWO = "contributions/beta/two.docx"
THREE = "contributions/alpha/three.md"

# Every planted problem, labelled by hand: (code, file, location, what the message must say).
EXPECTED = [
    ("terms/rejected", ONE, "line 1", "'Social floors': write 'Social protection floors'"),
    ("terms/rejected", ONE, "line 3", "'social floors': write 'social protection floors'"),
    ("terms/rejected", ONE, "line 3", "'cost effective': write 'cost-effective'"),
    ("terms/rejected", ONE, "line 7", "'UNWomen': write 'UN Women'"),
    ("terms/rejected", ONE, "line 7", "'UN-Women': write 'UN Women'"),
    ("terms/rejected", ONE, "line 7", "'Vietnam': write 'Viet Nam'"),
    ("agreed/drift", ONE, "line 9", "[-security-]"),
    ("agreed/unknown-block", ONE, "line 13", "no agreed block 'nonexistent'"),
    ("terms/acronym-unknown", ONE, "line 15", "XYZ is not in the glossary"),
    ("terms/rejected", TWO, 'paragraph 1 ("Cost effective transfers matter.")',
     "'Cost effective': write 'Cost-effective'"),
    ("terms/acronym-first-use", TWO, 'paragraph 2 ("The SPF is used bare here.")',
     "write 'social protection floor (SPF)'"),
    ("terms/acronym-first-use", TWO, 'paragraph 3 ("The UNCT met in the capital.")',
     "write 'United Nations country team (UNCT)'"),
    ("terms/acronym-first-use", THREE, "line 1", "first use of SPF in this chapter"),
]


@pytest.fixture
def terms_project(fixture_project):
    root = fixture_project("terms")
    make_docx(root / "contributions" / "beta" / "two.docx", [
        "Cost effective transfers matter.", "The SPF is used bare here.", "The UNCT met in the capital.",
        "This paragraph uses the social protection floor correctly.", "{{agreed:definition}}",
    ])
    return root


def test_every_planted_problem_is_found_and_nothing_else(terms_project):
    findings = jointreport("check", "--format", "json", "--project", str(terms_project)).json()["findings"]
    wording = [f for f in findings if f["code"].startswith(("terms/", "agreed/"))]
    assert len(wording) == len(EXPECTED), json.dumps(wording, indent=1)
    for code, path, location, says in EXPECTED:
        assert any(f["code"] == code and f["path"] == path and f["location"] == location and says in f["message"]
                   for f in wording), (code, path, location, says)


def test_clean_text_has_no_finding(terms_project):
    run = jointreport("terms", "--check", str(terms_project / "clean.md"), "--format", "json",
                      "--project", str(terms_project))
    assert (run.code, run.json()["findings"]) == (0, [])


def test_an_agency_can_check_its_draft_before_sending_it(terms_project, tmp_path):
    draft = make_docx(tmp_path / "my-draft.docx", ["We work in Vietnam.", "The UNCT agreed."],
                      insertions=[(0, "A. Author", "and beyond")])
    run = jointreport("terms", "--check", str(draft), "--project", str(terms_project))
    assert run.code == 1  # the unaccepted tracked change is an error
    assert "'Vietnam': write 'Viet Nam'" in run.stdout and "first use of UNCT" in run.stdout
    assert "docx/tracked-changes" in run.stdout


def test_glossary_lists_terms_acronyms_and_agreed_blocks(terms_project):
    out = jointreport("terms", "--project", str(terms_project)).stdout
    assert "cost-effective" in out and "instead of: cost effective" in out
    assert "UNCT" in out and "United Nations country team" in out
    assert "definition: The floor is a nationally defined set" in out


def built_text(root) -> str:
    document = docx.Document(str(root / "build" / "terminology-fixture.docx"))
    return "\n".join(p.text for p in document.paragraphs)


def test_build_harmonises_the_report_and_lists_every_change(terms_project):
    drafts_before = (terms_project / ONE).read_bytes()
    run = jointreport("build", "--force", "--format", "docx", "--project", str(terms_project))
    assert run.code == 0, run.stderr
    text = built_text(terms_project)
    assert "Social protection floors open this sentence." in text
    assert "Two social protection floors are better than none, and the SPF is cost-effective." in text
    assert "UN Women and UN Women both appear; UN Women too. Viet Nam is named; Viet Nam is fine." in text
    assert "https://example.org/social-floor-report" in text and "“Social Floor Review 2010”" in text
    assert "Cost-effective transfers matter." in text
    assert "The floor is a nationally defined set of basic social security guarantees for all in need." in text
    assert "{{agreed:definition}}" not in text
    assert (terms_project / ONE).read_bytes() == drafts_before
    with open(terms_project / "build" / "terminology-fixture.terminology.csv", encoding="utf-8") as table:
        rows = list(csv.DictReader(table))
    replaced = [(r["file"], r["location"], r["before"], r["after"]) for r in rows
                if r["before"] != "{{agreed:definition}}"]
    assert replaced == [
        (ONE, "line 1", "Social floors", "Social protection floors"),
        (ONE, "line 3", "social floors", "social protection floors"),
        (ONE, "line 3", "cost effective", "cost-effective"),
        (ONE, "line 7", "UNWomen", "UN Women"),
        (ONE, "line 7", "UN-Women", "UN Women"),
        (ONE, "line 7", "Vietnam", "Viet Nam"),
        (TWO, 'paragraph 1 ("Cost effective transfers matter.")', "Cost effective", "Cost-effective"),
    ]
    agreed = [(r["file"], r["location"]) for r in rows if r["before"] == "{{agreed:definition}}"]
    assert agreed == [(ONE, "line 11"), (TWO, 'paragraph 5 ("{{agreed:definition}}")')]
    assert text.count("The floor is a nationally defined set of basic social security guarantees for all in need.") == 2


def test_no_harmonize_keeps_the_agencies_wording(terms_project):
    run = jointreport("build", "--force", "--no-harmonize", "--format", "docx", "--project", str(terms_project))
    assert run.code == 0, run.stderr
    text = built_text(terms_project)
    assert "Social floors open this sentence." in text and "Vietnam is named" in text
    assert "The floor is a nationally defined set of basic social security guarantees for all in need." in text


def test_abbreviations_list_holds_the_acronyms_the_report_uses(terms_project):
    jointreport("build", "--force", "--format", "docx", "--project", str(terms_project))
    document = docx.Document(str(terms_project / "build" / "terminology-fixture.docx"))
    table = document.tables[0]
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["Abbreviation", "Meaning"], ["ALP", "Alpha Agency"], ["BET", "Beta Bureau"],  # named in attribution lines
        ["SPF", "social protection floor"], ["UNCT", "United Nations country team"]]


def test_built_example_has_no_rejected_variant_left(example_build):
    """Read the built DOCX back through pandoc and look for any rejected variant outside quotations."""
    project = load_project(REPO)
    ast = json.loads(pypandoc.convert_file(str(example_build.docx), "json", extra_args=["--sandbox"]))
    leftovers = [r.before for run in text_runs(ast["blocks"])
                 for r in replacements(project.terminology, run, project.language)]
    assert leftovers == []
    with open(example_build.root / "build" / "spf-flagship-report.terminology.csv", encoding="utf-8") as table:
        rows = list(csv.DictReader(table))
    run = jointreport("check", "--format", "json", "--as-of", "2011-04-20", "--project", str(REPO))
    findings = run.json()["findings"]
    rejected = sorted((f["path"], f["location"]) for f in findings if f["code"] == "terms/rejected")
    assert sorted((r["file"], r["location"]) for r in rows
                  if not r["before"].startswith("{{agreed:") and not r["rule"]) == rejected  # rule: the house style's


def test_the_word_count_bound_never_hides_a_paraphrase_of_agreed_text():
    """`may_drift` lets the check skip most paragraphs: it must pass every one `drift` would flag."""
    import itertools
    import random

    from pipeline.agreed import drift, may_drift, word_counts

    agreed = ("Social protection floors are nationally defined sets of basic social security guarantees. "
              "They secure protection aimed at preventing or alleviating poverty.")
    words = agreed.split()
    rng = random.Random(7)
    texts = []
    for cut, extra in itertools.product(range(0, 8), ("", "Countries agree. ", "In short, ")):
        kept = [w for i, w in enumerate(words) if i % 9 != cut]  # drop a word in nine, and so on
        texts.append(extra + " ".join(kept))
        shuffled = words[:]
        rng.shuffle(shuffled)
        texts.append(extra + " ".join(shuffled[:len(words) - cut]))
    flagged = [t for t in texts if drift(agreed, t)]
    assert flagged and all(may_drift(word_counts(agreed), word_counts(t)) for t in flagged)
    assert not may_drift(word_counts(agreed), word_counts("Households in rural areas receive cash transfers."))
