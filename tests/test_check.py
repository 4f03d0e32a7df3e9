"""`jointreport check` on a fixture project with one planted problem per finding code."""

from __future__ import annotations

import shutil

import docx
import pytest

from .conftest import jointreport
from .docxfactory import make_docx

LOREM = "Word " * 80


@pytest.fixture
def checks(fixture_project):
    root = fixture_project("checks")
    drafts = root / "contributions"
    make_docx(drafts / "alpha" / "revised.docx",
              ["The ministry agreed the plan.", "Costs were estimated for three scenarios."],
              insertions=[(0, "Maria Lopez", "in March"), (1, "K. Tanaka", "and reviewed")],
              deletions=[(1, "K. Tanaka", "roughly")])
    make_docx(drafts / "beta" / "reviewed.docx", ["A paragraph a reviewer commented on.", "Another one."],
              comments=[(0, "Astrid W.", "Source?"), (1, "Astrid W.", "Cut?"), (1, "Pension Watch", "Update")])
    make_docx(drafts / "gamma" / "budget-high.docx", [LOREM])
    return root


def test_every_planted_problem_is_found_with_its_code(checks):
    run = jointreport("check", "--format", "json", "--project", str(checks))
    assert run.code == 1, run.stderr
    found = sorted((f["code"], f["path"]) for f in run.json()["findings"])
    assert found == sorted([
        ("docx/comments", "contributions/beta/reviewed.docx"),
        ("docx/tracked-changes", "contributions/alpha/revised.docx"),
        ("input/bad-metadata", "contributions/alpha/meta.md"),
        ("input/bad-metadata", "contributions/alpha/meta.md"),
        ("input/unreadable", "contributions/alpha/damaged.docx"),
        ("input/unreadable", "contributions/alpha/old.doc"),
        ("input/unreadable", "contributions/beta/notes.pdf"),
        ("outline/duplicate-contribution", "contributions/gamma/budget-high.md"),
        ("outline/missing-section", "contributions/alpha/"),
        ("outline/over-budget", "contributions/gamma/budget-high.docx"),
        ("outline/under-budget", "contributions/beta/budget-low.md"),
        ("outline/unassigned-agency", "contributions/gamma/intro.md"),
        ("outline/unknown-section", "contributions/alpha/nowhere.md"),
    ])


def test_json_shape_and_summary_are_the_documented_interface(checks):
    payload = jointreport("check", "--format", "json", "--project", str(checks)).json()
    assert set(payload) == {"findings", "summary"}
    for finding in payload["findings"]:
        assert set(finding) == {"code", "severity", "path", "section", "agency", "location", "message", "rule"}
    summary = payload["summary"]
    assert set(summary) == {"error", "warning", "info", "rules"}  # rules: house-style findings by rule
    assert summary["error"] == sum(f["severity"] == "error" for f in payload["findings"])


def test_messages_say_what_to_do(checks):
    findings = jointreport("check", "--format", "json", "--project", str(checks)).json()["findings"]
    by_key = {(f["code"], f["path"]): f for f in findings}
    tracked = by_key[("docx/tracked-changes", "contributions/alpha/revised.docx")]
    assert "3 unaccepted tracked changes" in tracked["message"]
    assert "K. Tanaka (2)" in tracked["message"] and "Maria Lopez (1)" in tracked["message"]
    assert tracked["location"].startswith('paragraph 1 ("The ministry agreed')
    comments = by_key[("docx/comments", "contributions/beta/reviewed.docx")]
    assert "Astrid W. (2)" in comments["message"] and "Pension Watch (1)" in comments["message"]
    assert ".docx" in by_key[("input/unreadable", "contributions/alpha/old.doc")]["message"]
    damaged = by_key[("input/unreadable", "contributions/alpha/damaged.docx")]
    assert damaged["message"].startswith("not a Word .docx file")
    budget = by_key[("outline/over-budget", "contributions/gamma/budget-high.docx")]
    assert "80 words" in budget["message"] and "10–40" in budget["message"]
    metadata = [f["message"] for f in findings if f["code"] == "input/bad-metadata"]
    assert any("'finished' is not one of: draft, final, cleared" in m for m in metadata)
    assert any("submitted: should be a date (YYYY-MM-DD), got 'next week'" in m and "meta.md:3:" in m
               for m in metadata)


def test_a_bad_draft_does_not_stop_the_others(checks):
    """The damaged and legacy files are reported, and every good draft is still read and checked."""
    run = jointreport("check", "--project", str(checks))
    assert "Traceback" not in run.stderr + run.stdout
    assert "7 drafts ready to assemble" in run.stdout


def test_human_output_groups_by_agency(checks):
    out = jointreport("check", "--project", str(checks)).stdout
    assert out.index("ALP — Alpha Agency") < out.index("BET — Beta Bureau") < out.index("GAM — Gamma Group")
    assert out.strip().splitlines()[-1].startswith("10 errors, 3 warnings, 0 info")


def test_check_is_deterministic(checks):
    """Two checks from nothing (build/.cache removed between, so neither is answered from the other's
    cache) print the same JSON, byte for byte; a third, answered from the cache, too."""
    cache = checks / "build" / ".cache"

    def check_from_nothing() -> bytes:
        shutil.rmtree(cache, ignore_errors=True)
        run = jointreport("check", "--format", "json", "--project", str(checks))
        assert run.code == 1 and (cache / "check-state.json").is_file(), run.stderr
        return run.stdout.encode()

    first = check_from_nothing()
    assert check_from_nothing() == first
    assert jointreport("check", "--format", "json", "--project", str(checks)).stdout.encode() == first


def test_a_clean_project_exits_zero(fixture_project):
    run = jointreport("check", "--format", "json", "--project", str(fixture_project("minimal")))
    assert (run.code, run.json()["findings"]) == (0, [])


def test_a_folder_that_is_no_agency_is_reported_and_left_out(fixture_project):
    """contributions/<folder>/ must be an agency of report.yaml: its drafts are not assembled, and the one
    finding on the folder says which agencies there are."""
    root = fixture_project("minimal")
    (root / "contributions" / "westen").mkdir()
    (root / "contributions" / "westen" / "alpha.md").write_text("---\nstatus: final\n---\n\nA misfiled text.\n",
                                                                encoding="utf-8")
    run = jointreport("check", "--format", "json", "--project", str(root))
    assert run.code == 1, run.stderr
    [found] = run.json()["findings"]
    assert (found["code"], found["severity"], found["path"], found["agency"]) == (
        "outline/unknown-agency", "error", "contributions/westen/", "westen")
    assert found["message"] == ("no agency 'westen' in report.yaml; rename the folder to an agency id "
                                "(north, south) or add the agency")
    built = jointreport("build", "--force", "--format", "docx", "--project", str(root))
    assert built.code == 0, built.stderr
    text = [p.text for p in docx.Document(str(root / "build" / "a-minimal-joint-report.docx")).paragraphs]
    assert "Northern text with a note. See the heading." in text
    assert not [p for p in text if "misfiled" in p]
