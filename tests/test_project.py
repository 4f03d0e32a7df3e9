"""A broken project exits 2 and says file:line:col for every problem, not just the first."""

from __future__ import annotations

from .conftest import jointreport, replace_once


def write(root, name, text):
    (root / name).write_text(text, encoding="utf-8")


def test_yaml_syntax_error_names_file_line_and_column(fixture_project):
    root = fixture_project("minimal")
    write(root, "report.yaml", "title: Broken\ncoalition: [unclosed\nagencies: {}\n")
    run = jointreport("check", "--project", str(root))
    assert run.code == 2
    assert "report.yaml:3:" in run.stderr and "Traceback" not in run.stderr


def test_duplicate_keys_are_rejected_with_their_position(fixture_project):
    root = fixture_project("minimal")
    report = (root / "report.yaml").read_text()
    write(root, "report.yaml", report + "title: A second title\n")
    run = jointreport("check", "--project", str(root))
    assert run.code == 2
    assert "report.yaml:10:1: duplicate key 'title'" in run.stderr


def test_schema_errors_are_all_collected(fixture_project):
    root = fixture_project("minimal")
    write(root, "report.yaml", """\
titel: Typo in the key
coalition: C
agencies:
  north: {name: Northern Agency, short: NA}
  NO: {name: Norway, short: NO}
milestones:
  - {id: final, title: Final, date: someday, status: published}
""")
    replace_once(root / "chapters" / "outline.yaml", "contributors: [south]", "contributors: [south, west]")
    run = jointreport("check", "--project", str(root))
    assert run.code == 2
    errors = run.stderr
    assert "report.yaml:1:8: titel: unknown key (did you mean 'title'?)" in errors
    assert "report.yaml:1:1: title: is required" in errors
    assert "milestones[0].date: should be a date (YYYY-MM-DD), got 'someday'" in errors
    assert "milestones[0].status: 'published' is not one of: draft, final, cleared" in errors
    assert "agencies.NO: agency ids must be lower-case" in errors
    # south was dropped from report.yaml
    assert "chapters/outline.yaml:8:" in errors and "unknown agency 'south'" in errors
    assert "unknown agency 'west'" in errors


def test_no_outline_is_a_broken_project(tmp_path):
    (tmp_path / "report.yaml").write_text("title: T\ncoalition: C\nagencies: {}\n")
    run = jointreport("check", "--project", str(tmp_path))
    assert run.code == 2
    assert "missing chapters/outline.yaml" in run.stderr


def test_help_reads_well():
    run = jointreport("--help")
    assert run.code == 0
    assert "check" in run.stdout and "build" in run.stdout and "contributions/<agency>/" in run.stdout
    build_help = jointreport("build", "--help").stdout
    assert "--force" in build_help and "--format" in build_help


def test_an_internal_bug_exits_3_without_a_traceback(monkeypatch, capsys):
    import pytest

    from pipeline import cli

    def broken(_):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr("pipeline.build.load_project", broken)
    monkeypatch.setattr("sys.argv", ["jointreport", "check"])
    monkeypatch.delenv("JOINTREPORT_DEBUG", raising=False)
    with pytest.raises(SystemExit) as stop:
        cli.main()
    assert stop.value.code == 3
    err = capsys.readouterr().err
    assert "internal error (a bug in jointreport" in err and "simulated bug" in err and "Traceback" not in err
