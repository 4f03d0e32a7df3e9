"""Command-line habits: --project anywhere, filtered and machine-readable findings, init, schemas."""

from __future__ import annotations

import csv
import io
import json

from .conftest import jointreport


def test_project_before_or_after_the_command(fixture_project):
    root = str(fixture_project("minimal"))
    before = jointreport("--project", root, "check", "--format", "json")
    after = jointreport("check", "--format", "json", "--project", root)
    assert before.code == after.code == 0 and before.stdout == after.stdout


def test_version():
    run = jointreport("--version")
    assert run.code == 0 and run.stdout.startswith("jointreport, version ")


def test_check_filters_by_agency_and_severity(fixture_project):
    root = fixture_project("minimal")
    (root / "contributions" / "north" / "nowhere.md").write_text("A draft for no section.\n")
    (root / "contributions" / "south" / "beta.md").write_text("---\nstatus: final\n---\n\nThe XYZ group met.\n")
    everything = jointreport("check", "--format", "json", "--project", str(root)).json()["findings"]
    assert sorted((f["code"], f["agency"]) for f in everything) == [
        ("outline/unknown-section", "north"), ("terms/acronym-unknown", "south")]
    south = jointreport("check", "--format", "json", "--agency", "south", "--project", str(root))
    assert south.code == 0 and [f["code"] for f in south.json()["findings"]] == ["terms/acronym-unknown"]
    errors = jointreport("check", "--format", "json", "--severity", "error", "--project", str(root))
    assert errors.code == 1 and [f["code"] for f in errors.json()["findings"]] == ["outline/unknown-section"]
    unknown = jointreport("check", "--agency", "nobody", "--project", str(root))
    assert unknown.code == 2 and "no agency 'nobody'" in unknown.stderr


def test_csv_and_github_formats(fixture_project):
    root = fixture_project("minimal")
    (root / "contributions" / "south" / "beta.md").write_text(
        "---\nstatus: final\n---\n\nFirst paragraph.\n\nThe XYZ group met, again.\n")
    rows = list(csv.DictReader(io.StringIO(jointreport("check", "--format", "csv", "--project", str(root)).stdout)))
    assert list(rows[0]) == ["code", "severity", "path", "message", "section", "agency", "location", "rule"]
    assert [(r["code"], r["location"]) for r in rows] == [("terms/acronym-unknown", "line 7")]
    github = jointreport("check", "--format", "github", "--project", str(root)).stdout.splitlines()
    assert github == ["::notice file=contributions/south/beta.md,line=7,title=terms/acronym-unknown::"
                      "XYZ is not in the glossary's acronyms: add it to terminology.yaml, or spell it out"]


def test_missing_translations_are_one_line_per_agency_and_language(fixture_project):
    root = fixture_project("minimal")
    with open(root / "report.yaml", "a", encoding="utf-8") as report:
        report.write("languages: [en, fr, es]\n")
    text = jointreport("check", "--project", str(root)).stdout
    lines = [line.strip() for line in text.splitlines() if "lang/missing-translation" in line and "no " in line]
    assert len(lines) == 6  # north, south, the chapter introduction × fr, es
    assert any("no fr translation for 2 files (alpha.md, beta.md)" in line for line in lines)
    as_json = jointreport("check", "--format", "json", "--project", str(root)).json()["findings"]
    missing = [f["path"] for f in as_json if f["code"] == "lang/missing-translation"]
    assert len(missing) == 8 and len(set(missing)) == 4  # every file and language in JSON


def test_an_overdue_section_is_reported_once_for_its_latest_milestone(fixture_project):
    root = fixture_project("timeline")
    run = jointreport("check", "--format", "json", "--as-of", "2024-08-10", "--project", str(root))
    overdue = [f for f in run.json()["findings"] if f["code"] == "timeline/overdue" and f["section"] == "s2"]
    assert len(overdue) == 1
    assert "'Final report' by 2024-07-31" in overdue[0]["message"]
    assert "also late for 'First draft'" in overdue[0]["message"]


def test_schema_prints_the_json_schema():
    run = jointreport("schema", "outline")
    schema = json.loads(run.stdout)
    assert schema["title"] == "jointreport outline" and "parts" in schema["properties"]
    part = schema["properties"]["parts"]["items"]
    assert part["required"] == ["title", "chapters"]  # a part's id is optional


def test_init_writes_a_project_that_checks(tmp_path):
    folder = tmp_path / "newreport"
    run = jointreport("init", str(folder), "--title", "State of Social Justice", "--coalition", "Global Coalition",
                      "--agency", "ilo=International Labour Organization", "--agency",
                      "who=World Health Organization|WHO|focal@who.example", "--language", "en", "--language", "fr",
                      "--milestone", "first-draft=2027-03-01", "--milestone", "launch=2027-09-15:cleared", "--yes")
    assert run.code == 0, run.stderr
    for name in ("report.yaml", "chapters/outline.yaml", "terminology.yaml", "README.md", ".gitignore",
                 ".github/workflows/report.yml", ".gitlab-ci.yml", "schemas/report.schema.json"):
        assert (folder / name).is_file(), name
    report = (folder / "report.yaml").read_text()
    assert report.startswith("# yaml-language-server: $schema=schemas/report.schema.json\n")
    assert "focal@who.example" in report and "status: cleared" in report
    assert "contributions/who/" in (folder / "README.md").read_text()
    check = jointreport("check", "--format", "json", "--project", str(folder))
    # init cannot know the agencies' French names: check says so, and that is all it says
    assert (check.code, [(f["code"], f["severity"], f["message"].split(":")[0]) for f in check.json()["findings"]]) == (
        0, [("lang/agency-name-missing", "info", f"agencies.{a} has no fr name") for a in ("ilo", "who")])
    again = jointreport("init", str(folder), "--title", "T", "--agency", "ilo=ILO", "--yes")
    assert again.code == 1 and "already has report.yaml" in again.stderr
