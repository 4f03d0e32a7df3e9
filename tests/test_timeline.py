"""The drafting timeline across a fixture project's whole life, with fixed --as-of dates."""

from __future__ import annotations

import email
import email.policy
import os
import subprocess

import pytest

from .conftest import jointreport


@pytest.fixture
def timeline(fixture_project):
    return fixture_project("timeline")


def status(root, day):
    run = jointreport("status", "--format", "json", "--as-of", day, "--project", str(root))
    assert run.code == 0, run.stderr
    return run.json()


def overdue(board):
    return [s["id"] for s in board["sections"] if s["overdue"]]


def owes(board):
    return {a["id"]: (a["owes"], a["overdue"]) for a in board["agencies"]}


def test_before_the_first_draft(timeline):
    board = status(timeline, "2024-03-01")
    assert board["as_of"] == "2024-03-01"
    assert board["next_milestone"] == {"id": "first-draft", "date": "2024-03-31", "days_left": 30,
                                       "blocking": ["s2", "s3", "s5"]}
    assert overdue(board) == []
    s5 = next(s for s in board["sections"] if s["id"] == "s5")
    assert (s5["due"], s5["milestone"], s5["status"]) == ("2024-03-10", "first-draft", "missing")
    assert owes(board) == {"north": (["s1"], []), "south": (["s5"], []), "east": (["s2", "s3"], []),
                           "west": (["s6"], [])}


def test_a_section_with_its_own_early_deadline_falls_due_first(timeline):
    board = status(timeline, "2024-03-20")
    assert overdue(board) == ["s5"]
    assert next(s for s in board["sections"] if s["id"] == "s5")["days_late"] == 10


def test_between_first_draft_and_final(timeline):
    board = status(timeline, "2024-05-01")
    assert board["next_milestone"] == {"id": "final", "date": "2024-07-31", "days_left": 91,
                                       "blocking": ["s2", "s3", "s5", "s6"]}
    assert overdue(board) == ["s2", "s3", "s5"]
    days = {s["id"]: s["days_late"] for s in board["sections"]}
    assert (days["s2"], days["s3"], days["s5"]) == (31, 16, 52)
    # South delivered its part of the joint section; East, a required contributor, did not.
    assert owes(board) == {"north": (["s1"], []), "south": (["s5"], ["s5"]), "east": (["s2", "s3"], ["s2", "s3"]),
                           "west": (["s6"], [])}


def test_after_launch(timeline):
    board = status(timeline, "2024-10-01")
    assert board["next_milestone"] is None
    assert overdue(board) == ["s1", "s2", "s3", "s5", "s6"]  # s4 is optional
    s1 = next(s for s in board["sections"] if s["id"] == "s1")
    assert (s1["milestone"], s1["days_late"]) == ("launch", 16)


def timeline_findings(root, day):
    run = jointreport("check", "--format", "json", "--as-of", day, "--project", str(root))
    return sorted((f["code"], f["section"]) for f in run.json()["findings"] if f["code"].startswith("timeline/"))


def test_check_reports_overdue_and_due_soon(timeline):
    assert timeline_findings(timeline, "2024-03-01") == [("timeline/due-soon", "s5")]
    assert timeline_findings(timeline, "2024-03-25") == [("timeline/due-soon", "s2"), ("timeline/overdue", "s5")]
    assert timeline_findings(timeline, "2024-04-05") == [
        ("timeline/due-soon", "s3"), ("timeline/overdue", "s2"), ("timeline/overdue", "s5")]
    assert timeline_findings(timeline, "2024-05-01") == [
        ("timeline/overdue", "s2"), ("timeline/overdue", "s3"), ("timeline/overdue", "s5")]


def test_due_soon_window_is_configurable(timeline):
    report = timeline / "report.yaml"
    report.write_text(report.read_text() + "due_soon_days: 50\n")
    assert timeline_findings(timeline, "2024-03-01") == [
        ("timeline/due-soon", "s2"), ("timeline/due-soon", "s3"), ("timeline/due-soon", "s5")]


def test_release_gate_lists_the_blockers(timeline):
    run = jointreport("build", "--stage", "final", "--force", "--format", "docx", "--as-of", "2024-03-01",
                      "--project", str(timeline))
    assert run.code == 1
    assert "not releasing at stage 'final': 4 required sections not yet final" in run.stderr
    assert "Joint section — missing, lead SA" in run.stderr
    for path in (timeline / "contributions").rglob("*.md"):
        text = path.read_text()
        path.write_text(text.replace("status: draft", "status: final"))
    for agency, section in (("east", "s2"), ("east", "s3"), ("south", "s5")):
        (timeline / "contributions" / agency).mkdir(exist_ok=True)
        (timeline / "contributions" / agency / f"{section}.md").write_text("---\nstatus: final\n---\n\nText.\n")
    run = jointreport("build", "--stage", "final", "--format", "docx", "--as-of", "2024-06-01",
                      "--project", str(timeline))
    assert run.code == 0, run.stderr


def test_reminders_are_plain_emails_to_the_agency_contacts(timeline, tmp_path):
    out = tmp_path / "reminders"
    run = jointreport("remind", "--as-of", "2024-05-01", "--out", str(out), "--project", str(timeline))
    assert run.code == 0, run.stderr
    assert "no reminder for west: report.yaml gives no contact e-mail" in run.stderr
    files = sorted(p.name for p in out.iterdir())
    assert files == ["2024-05-01-east.eml", "2024-05-01-north.eml", "2024-05-01-south.eml"]
    with open(out / "2024-05-01-east.eml", "rb") as handle:
        message = email.message_from_binary_file(handle, policy=email.policy.default)
    assert message["To"] == "Eve East <eve@east.example>"
    assert message["Subject"] == "Timeline fixture: 2 sections due, 2 overdue"
    assert not message.is_multipart() and message.get_content_type() == "text/plain"
    body = message.get_content()
    assert "Dear Eve East," in body
    assert "Joint section: draft version due 31 March 2024 (31 days late)" in body
    assert "Moved deadline: draft version due 15 April 2024 (16 days late)" in body
    assert "contributions/east/" in body
    assert "Next milestone for the whole report: Final report, 31 July 2024." in body


def test_board_for_people(timeline):
    out = jointreport("status", "--as-of", "2024-05-01", "--project", str(timeline)).stdout
    assert "Timeline fixture — status on 2024-05-01" in out
    assert "1.2 Joint section" in out and "due 2024-03-31 (draft), 31 days late" in out
    assert "EA" in out and "owes s2, s3 (next due 2024-03-31), overdue: s2, s3" in out
    assert out.strip().splitlines()[-1] == (
        "Next milestone: Final report (final) on 2024-07-31 — 91 days left; blocked by 4 section(s): s2, s3, s5, s6")


def test_submission_dates_come_from_metadata_then_git(timeline):
    def git(*args, date=None):
        env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date} if date else {}
        subprocess.run(["git", "-C", str(timeline), "-c", "user.name=Editor", "-c", "user.email=e@example.org", *args],
                       check=True, capture_output=True, env={**os.environ, **env})

    (timeline / "contributions" / "east").mkdir()
    (timeline / "contributions" / "east" / "s3.md").write_text("No front matter, so no submitted date.\n")
    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "drafts", date="2024-04-02T10:00:00")
    sections = {s["id"]: s for s in status(timeline, "2024-05-01")["sections"]}
    assert sections["s1"]["submitted"] == "2024-02-20"  # from the front matter
    assert sections["s3"]["submitted"] == "2024-04-02"  # from the commit
