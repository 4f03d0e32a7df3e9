"""Single phases of the recipe, run in-process on fixture roots (Sphinx's tests/roots habit)."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from pipeline import build as recipe
from pipeline import history
from pipeline.assemble import assemble
from pipeline.checks import check
from pipeline.commands.status import status
from pipeline.errors import BuildRefused, ProjectError
from pipeline.intake import read_project
from pipeline.project import load_project

from .conftest import edit_yaml, jointreport, replace_once

DAY = dt.date(2011, 5, 1)


def found(findings) -> list[tuple[str, str, str]]:
    return sorted((f.code, f.severity, f.path) for f in findings)


def test_read_then_check_a_clean_project(fixture_project):
    project = load_project(fixture_project("minimal"))
    sources = read_project(project)
    assert [d.contribution.relpath for d in sources.drafts] == [
        "contributions/north/alpha.md", "contributions/south/alpha.md", "contributions/south/beta.md"]
    assert list(sources.intros) == [("first", "en")]
    checked = check(project, sources, DAY)
    assert (checked.findings, len(checked.drafts)) == ([], 3)


def test_assemble_alone_puts_the_drafts_under_their_outline_headings(fixture_project):
    project = load_project(fixture_project("minimal"))
    sources = read_project(project)
    document = assemble(project, sources.drafts, sources.intros, is_draft=True)
    assert [(h.level, h.text) for h in document.headings] == [
        (2, "Abbreviations"), (1, "Part I: Findings"), (2, "1. First chapter"), (3, "1.1 Alpha section"),
        (3, "1.2 Beta section"), (1, "Annex: Contributors")]
    assert document.is_draft


def test_introductions_and_statements_pass_the_same_guard_as_drafts(fixture_project, tmp_path):
    root = fixture_project("minimal")
    outside = tmp_path / "outside.md"
    outside.write_text("Text from outside the project.\n")
    (root / "chapters" / "first.md").unlink()
    (root / "chapters" / "first.md").symlink_to(outside)
    (root / "statements").mkdir()
    (root / "statements" / "note.md").symlink_to(outside)
    (root / "statements" / "latin.md").write_bytes("---\ntitle: Caf\xe9\n---\n\nCaf\xe9.\n".encode("latin-1"))
    project = load_project(root)
    checked = check(project, read_project(project), DAY)
    assert found(checked.findings) == [
        ("input/unreadable", "error", "chapters/first.md"),
        ("input/unreadable", "error", "statements/latin.md"),
        ("input/unreadable", "error", "statements/note.md"),
    ]
    messages = {f.path: f.message for f in checked.findings}
    assert "symbolic link" in messages["chapters/first.md"] and "symbolic link" in messages["statements/note.md"]
    assert "not UTF-8" in messages["statements/latin.md"]


def test_a_non_utf8_chapter_introduction_is_reported(fixture_project):
    root = fixture_project("minimal")
    (root / "chapters" / "first.md").write_bytes("Les r\xe9dacteurs pr\xe9sentent le chapitre.\n".encode("latin-1"))
    run = jointreport("check", "--format", "json", "--project", str(root))
    assert run.code == 1
    assert [(f["code"], f["path"]) for f in run.json()["findings"]] == [("input/unreadable", "chapters/first.md")]


def test_a_project_sets_severities_and_turns_codes_off(fixture_project):
    root = fixture_project("minimal")
    (root / "contributions" / "north" / "nowhere.md").write_text("A draft for no section, in ABC words.\n")
    project = load_project(root)
    before = found(check(project, read_project(project), DAY).findings)
    assert before == [("outline/unknown-section", "error", "contributions/north/nowhere.md")]

    def settings(data):
        data["findings"] = {"outline/unknown-section": "warning", "lang/missing-translation": "off"}

    edit_yaml(root / "report.yaml", settings)
    run = jointreport("check", "--format", "json", "--project", str(root))
    assert run.code == 0  # the only error is now a warning
    assert [(f["code"], f["severity"]) for f in run.json()["findings"]] == [("outline/unknown-section", "warning")]


def test_an_unknown_code_in_the_settings_is_a_project_error_with_its_position(fixture_project):
    root = fixture_project("minimal")
    with open(root / "report.yaml", "a", encoding="utf-8") as report:
        report.write("findings:\n  terms/acronym-unknwn: off\n  outline/over-budget: loud\n")
    with pytest.raises(ProjectError) as error:
        load_project(root)
    problems = "\n".join(error.value.problems)
    assert ("report.yaml:11:25: findings.terms/acronym-unknwn: no such finding code "
            "(did you mean 'terms/acronym-unknown'?)") in problems
    assert ("report.yaml:12:24: findings.outline/over-budget: 'loud' is not one of: "
            "error, warning, info, off") in problems


def test_the_gate_refuses_errors_unless_forced(fixture_project):
    root = fixture_project("minimal")
    (root / "contributions" / "north" / "nowhere.md").write_text("A draft for no section.\n")
    with pytest.raises(BuildRefused) as refused:
        recipe.build(root, recipe.Options(formats=("docx",)))
    assert [f.code for f in refused.value.findings] == ["outline/unknown-section"]
    assert not (root / "build" / "a-minimal-joint-report.docx").exists()
    result = recipe.build(root, recipe.Options(formats=("docx",), force=True))
    assert [p.name for p in result.outputs] == ["a-minimal-joint-report.docx", "a-minimal-joint-report.terminology.csv",
                                                "a-minimal-joint-report.manifest.json"]


def test_git_log_runs_once_per_command(fixture_project, monkeypatch):
    root = fixture_project("minimal")
    calls = []
    real_run = subprocess.run

    def counting_run(args, *rest, **options):
        if args and args[0] == "git" and "log" in args:
            calls.append(args)
        return real_run(args, *rest, **options)

    monkeypatch.setattr(history.subprocess, "run", counting_run)
    edit_yaml(root / "report.yaml", lambda data: data.update(languages=["en", "fr"]))
    recipe.build(root, recipe.Options(formats=("docx",), lang="all", force=True, as_of=DAY))
    assert len(calls) == 1
    calls.clear()
    status(root, DAY)
    assert len(calls) == 1


def test_values_are_read_as_people_wrote_them(fixture_project):
    """`edition: 2025` is the text "2025", `version: 1.10` stays "1.10", a part needs no id."""
    root = fixture_project("minimal")
    with open(root / "report.yaml", "a", encoding="utf-8") as report:
        report.write("languages: [en, fr]\n")
    replace_once(root / "report.yaml", "edition: Test edition", "edition: 2025")
    replace_once(root / "report.yaml", "south: {name: Southern Agency, short: SA}",
                 "south: {name: {en: Southern Agency, fr: Agence du Sud}, short: {en: SA, fr: ADS}}")
    replace_once(root / "chapters" / "outline.yaml", "  - id: only\n    title: Findings", "  - title: Findings")
    replace_once(root / "contributions" / "south" / "alpha.md", "status: final", "status: final\nversion: 1.10")
    project = load_project(root)
    assert project.edition == "2025" and project.parts[0].id == "part-1"
    assert (project.agencies["south"].name, project.in_language("fr").agencies["south"].name) == (
        "Southern Agency", "Agence du Sud")
    south = next(c for c in read_project(project, convert=False).contributions
                 if c.relpath == "contributions/south/alpha.md")
    assert south.meta.version == "1.10"


def test_each_problem_is_reported_once(fixture_project):
    root = fixture_project("minimal")
    replace_once(root / "chapters" / "outline.yaml", "      - id: first\n", "      - title_: x\n")
    with pytest.raises(ProjectError) as error:
        load_project(root)
    assert [p for p in error.value.problems if "chapters[0]" in p or "id" in p] == [
        "chapters/outline.yaml:5:17: parts[0].chapters[0].title_: unknown key (did you mean 'title'?)",
        "chapters/outline.yaml:5:9: parts[0].chapters[0].id: is required",
    ]
