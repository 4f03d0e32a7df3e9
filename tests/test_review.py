"""Review rounds: findings for coordinators' spreadsheets, and reminder digests actually sent."""

from __future__ import annotations

import csv
import email
import email.policy
import os
import re
import socket
import subprocess
import zipfile
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from openpyxl import load_workbook

from .conftest import jointreport, needs_client, replace_once
from .docxfactory import make_docx

DAY = "2024-05-01"


class Inbox:
    """An SMTP server on 127.0.0.1 that keeps what it is sent, and refuses one address."""

    def __init__(self, refuse: str = ""):
        self.messages = []
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp():
    servers = []

    def start(refuse: str = "") -> tuple[Inbox, int]:
        inbox = Inbox(refuse)
        with socket.socket() as probe:  # a free port on the loopback
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        servers.append(controller)
        return inbox, port

    yield start
    for controller in servers:
        controller.stop()


@pytest.fixture
def timeline(fixture_project):
    root = fixture_project("timeline")
    make_docx(root / "contributions" / "north" / "s4.docx", ["North's optional extra.", "Second paragraph."],
              insertions=[(1, "K. Tanaka", "and more")])
    return root


def send(root, port, *more):
    return jointreport("remind", "--send", "--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--as-of", DAY,
                       *more, "--project", str(root))


def test_digests_are_sent_once_a_day_with_what_to_fix(timeline, smtp):
    inbox, port = smtp()
    run = send(timeline, port)
    assert run.code == 0, run.stderr
    assert sorted(m["To"] for m in inbox.messages) == [
        "Eve East <eve@east.example>", "Nora North <nora@north.example>", "Sam South <sam@south.example>"]
    north = next(m for m in inbox.messages if "nora" in m["To"]).get_content()
    assert "To fix in the drafts you sent:" in north and "contributions/north/s4.docx" in north
    assert "1 unaccepted tracked change by K. Tanaka (1)" in north
    assert "no reminder for west" in run.stderr
    again = send(timeline, port)
    assert again.code == 0 and len(inbox.messages) == 3
    assert "the same digest went out today" in again.stdout
    forced = send(timeline, port, "--again")
    assert forced.code == 0 and len(inbox.messages) == 6


def test_one_refused_recipient_does_not_stop_the_others(timeline, smtp):
    inbox, port = smtp(refuse="sam@south.example")
    run = send(timeline, port)
    assert run.code == 1
    assert [line for line in run.stderr.splitlines() if line.startswith("error:")] == [
        "error: not delivered to south: sam@south.example: 550 5.1.1 mailbox unavailable"]
    assert sorted(m["To"] for m in inbox.messages) == ["Eve East <eve@east.example>", "Nora North <nora@north.example>"]


def test_a_required_tls_is_never_skipped(timeline, smtp):
    inbox, port = smtp()
    with open(timeline / "report.yaml", "a", encoding="utf-8") as report:
        report.write("smtp: {tls: required}\n")
    run = send(timeline, port)
    assert run.code == 1 and "offers no STARTTLS" in run.stderr and "nothing was sent" in run.stderr
    assert inbox.messages == []


def test_without_send_the_digests_are_files(timeline, tmp_path):
    run = jointreport("remind", "--as-of", DAY, "--out", str(tmp_path / "out"), "--project", str(timeline))
    assert run.code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        f"{DAY}-east.eml", f"{DAY}-north.eml", f"{DAY}-south.eml"]


def test_findings_as_csv_and_a_workbook_per_agency(timeline, tmp_path):
    findings = jointreport("check", "--format", "json", "--as-of", DAY, "--project", str(timeline)).json()["findings"]
    rows = jointreport("check", "--format", "csv", "--as-of", DAY, "--project", str(timeline)).stdout.splitlines()
    assert len(rows) == len(findings) + 1
    out = tmp_path / "findings.xlsx"
    run = jointreport("check", "--format", "xlsx", "--out", str(out), "--as-of", DAY, "--project", str(timeline))
    assert run.code == 1 and out.is_file()
    book = load_workbook(out)
    agencies = sorted({f["agency"] for f in findings})
    shorts = {"east": "EA", "north": "NA", "south": "SA", "west": "WA"}
    assert book.sheetnames == ["Summary"] + [shorts[a] for a in agencies]
    summary = {row[0]: row[2:] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    north = [f for f in findings if f["agency"] == "north"]
    assert summary["NA"] == tuple(sum(f["severity"] == level for f in north) for level in ("error", "warning", "info"))
    sheet = book["NA"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    assert [c.value for c in sheet[1]] == ["code", "severity", "path", "message", "section", "agency", "location",
                                           "rule"]  # rule: the house style's (appended, the others where they were)
    assert sheet.max_row == len(north) + 1


@pytest.fixture
def reviewed(fixture_project):
    """A Word draft with two reviewer comments and a lead author's threaded reply to the first."""
    root = fixture_project("minimal")
    (root / "contributions" / "south" / "beta.md").unlink()
    make_docx(root / "contributions" / "south" / "beta.docx",
              ["Costs were estimated for three scenarios.", "Coverage rose to 40 per cent."],
              comments=[(0, "Astrid W.", "Which three scenarios?"), (1, "Pension Watch", "Source for 40 per cent?")],
              replies=[(0, "Sam South", "Low, medium and high; see the annex.")])
    (root / "contributions" / "south" / "beta.yaml").write_text("status: final\n")
    return root


def test_the_matrix_lists_every_comment_and_reply(reviewed, tmp_path):
    out = tmp_path / "matrix.xlsx"
    run = jointreport("comments", "--out", str(out), "--project", str(reviewed))
    assert run.code == 0, run.stderr
    assert "3 comments from 1 draft" in run.stdout
    sheet = load_workbook(out)["Comments"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert [(r["author"], r["comment"]) for r in rows] == [
        ("Astrid W.", "Which three scenarios?"), ("Pension Watch", "Source for 40 per cent?"),
        ("Sam South", "Low, medium and high; see the annex.")]
    assert rows[2]["replies to"] == rows[0]["id"] and rows[0]["replies to"] is None
    assert rows[0]["commented words"] == "Costs were estimated for three scenarios."
    assert rows[1]["paragraph"].startswith('paragraph 2 ("Coverage rose to 40')
    assert (rows[0]["section"], rows[0]["agency"], rows[0]["file"]) == (
        "beta", "south", "contributions/south/beta.docx")
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    assert header == ["id", "section", "agency", "file", "paragraph", "commented words", "author", "date", "comment",
                      "replies to", "response", "action",  # then what became of each fix `return` offered, appended:
                      "fix", "tracked change", "agency's answer", "agency's reply", "decision"]


def test_filled_responses_leave_exactly_the_unanswered_comment(reviewed, tmp_path):
    out = tmp_path / "matrix.xlsx"
    jointreport("comments", "--out", str(out), "--project", str(reviewed))
    book = load_workbook(out)
    sheet = book["Comments"]
    header = [c.value for c in sheet[1]]
    response, action = header.index("response") + 1, header.index("action") + 1
    sheet.cell(row=2, column=response, value="Named in the text now.")
    sheet.cell(row=4, column=action, value="noted")
    sheet.append(["C-0000000000"] + [""] * (len(header) - 2) + ["accepted"])  # its comment is gone
    book.save(out)

    def review(*more):
        run = jointreport("check", "--format", "json", "--responses", str(out), *more, "--project", str(reviewed))
        found = run.json()["findings"]
        return sorted((f["code"], f["severity"]) for f in found if f["code"].startswith("review/")), run

    found, run = review("--stage", "final")
    assert found == [("review/orphan-response", "info"), ("review/unanswered-comment", "error")]
    unanswered = next(f for f in run.json()["findings"] if f["code"] == "review/unanswered-comment")
    assert "Pension Watch" in unanswered["message"] and unanswered["path"] == "contributions/south/beta.docx"
    found, _ = review()
    assert found == [("review/orphan-response", "info"), ("review/unanswered-comment", "warning")]


def git(root, *args):
    subprocess.run(["git", "-C", str(root), "-c", "user.name=Editor", "-c", "user.email=editor@example.org", *args],
                   check=True, capture_output=True)


def accept_all(docx_path, scratch) -> list[str]:
    """What LibreOffice leaves after Edit › Track Changes › Accept All, as paragraph texts (through its UNO
    bridge, which only the system Python has: Debian's python3-uno)."""
    text = scratch / "accepted.txt"
    subprocess.run(["/usr/bin/python3", str(Path(__file__).with_name("lo_accept_all.py")), str(docx_path), str(text),
                    str(scratch / "lo-uno")], capture_output=True, timeout=300, check=True)
    return text.read_text(encoding="utf-8-sig").splitlines()


@pytest.fixture
def versioned(fixture_project):
    """The minimal project in git: tagged at its first draft, then South rewrote a sentence and added one."""
    root = fixture_project("minimal")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first drafts")
    run = jointreport("snapshot", "final", "--project", str(root))
    assert run.code == 0, run.stderr
    replace_once(root / "contributions" / "south" / "beta.md", "Beta", "Revised beta")
    with open(root / "contributions" / "south" / "beta.md", "a", encoding="utf-8") as draft:
        draft.write("\nA new closing paragraph.\n")
    git(root, "commit", "-q", "-am", "second round")
    return root


@needs_client("soffice")
@pytest.mark.skipif(subprocess.run(["/usr/bin/python3", "-c", "import uno"], capture_output=True).returncode != 0
                    and not os.environ.get("CI"), reason="python3-uno is not installed (.ci/run installs it)")
def test_a_redline_between_two_revisions_holds_real_tracked_changes(versioned, tmp_path):
    out = tmp_path / "redline.docx"
    run = jointreport("diff", "--from", "final", "--to", "HEAD", "--out", str(out), "--project", str(versioned))
    assert run.code == 0, run.stderr
    assert re.search(r"^  1.2 Beta section +\+6 −1 words$", run.stdout, re.M)  # "Revised" and the new paragraph
    with zipfile.ZipFile(out) as archive:
        body = archive.read("word/document.xml").decode()
    assert re.search(r'<w:del w:id="\d+" w:author="jointreport \(final → HEAD\)" w:date="[0-9T:Z-]+"><w:r><w:delText '
                     r'xml:space="preserve">Beta</w:delText>', body)
    assert re.search(r'<w:ins [^>]*><w:r><w:t xml:space="preserve">Revised beta</w:t>', body)
    accepted = accept_all(out, tmp_path)
    assert "Revised beta text, cleared for publication." in accepted and "A new closing paragraph." in accepted
    assert "Beta text, cleared for publication." not in accepted
    # LibreOffice reads them as tracked changes, not as plain text
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "odt",
                    "--outdir", str(tmp_path), str(out)], capture_output=True, timeout=300, check=True)
    with zipfile.ZipFile(tmp_path / "redline.odt") as archive:
        content = archive.read("content.xml").decode()
    assert content.count("<text:insertion>") == 2 and content.count("<text:deletion>") == 1


def test_snapshot_needs_a_milestone_and_a_clean_state(versioned):
    run = jointreport("snapshot", "launch", "--project", str(versioned))
    assert run.code == 2 and "choose a milestone of report.yaml: final" in run.stderr
    (versioned / "contributions" / "north" / "alpha.md").write_text("Changed, not committed.\n")
    run = jointreport("snapshot", "final", "--project", str(versioned))
    assert run.code == 1 and "uncommitted changes" in run.stderr


@needs_client("soffice")
def test_libreoffice_annotations_are_in_the_matrix(fixture_project, tmp_path):
    root = fixture_project("minimal")
    word = make_docx(tmp_path / "beta.docx", ["Costs were estimated for three scenarios."],
                     comments=[(0, "Astrid W.", "Which three scenarios?")])
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "odt",
                    "--outdir", str(tmp_path), str(word)], capture_output=True, timeout=300, check=True)
    (root / "contributions" / "south" / "beta.md").unlink()
    (root / "contributions" / "south" / "beta.odt").write_bytes((tmp_path / "beta.odt").read_bytes())
    out = tmp_path / "matrix.csv"
    run = jointreport("comments", "--out", str(out), "--project", str(root))
    assert run.code == 0, run.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["author"], r["comment"], r["commented words"], r["file"]) for r in rows] == [
        ("Astrid W.", "Which three scenarios?", "Costs were estimated for three scenarios.",
         "contributions/south/beta.odt")]


@pytest.mark.parametrize("name, data, why", [
    ("matrix.xlsx", b"not a workbook", "not a spreadsheet jointreport can read (BadZipFile); save it as .xlsx or .csv"),
    ("matrix.csv", b"comment,response\nC-1,done\n",
     "has no 'id' column; fill in the matrix `jointreport comments` wrote"),
])
def test_a_responses_file_that_cannot_be_read_is_one_error(reviewed, tmp_path, name, data, why):
    """A matrix that is no workbook, or has lost its id column: one error naming the file and what to do, and
    no comment is reported as unanswered on the strength of it."""
    matrix = tmp_path / name
    matrix.write_bytes(data)
    run = jointreport("check", "--format", "json", "--responses", str(matrix), "--project", str(reviewed))
    assert run.code == 1, run.stderr
    review = [(f["code"], f["severity"], f["path"], f["message"]) for f in run.json()["findings"]
              if f["code"].startswith("review/")]
    assert review == [("review/unreadable-responses", "error", matrix.as_posix(), why)]
