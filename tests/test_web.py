"""`jointreport serve` driven as its users drive it: HTTP against a real uvicorn on 127.0.0.1, and a real
Chromium through Selenium. Every refusal leaves contributions/ as it was, and none is a 500."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml

from pipeline.project import load_project
from pipeline.web.app import Settings
from pipeline.web.tokens import TokenStore

from .conftest import copy_example, jointreport, needs_client
from .docxfactory import make_docx
from .webserver import serving

EXAMPLE_DAY = dt.date(2011, 4, 20)
# Judged across the whole report (which spelling the document mostly uses): a card sees its chapter only.
WHOLE_DOCUMENT = {"style/consistency"}
LIMIT = 2_000_000  # a small upload limit keeps the 413 test quick


@dataclass
class Portal:
    url: str
    root: Path
    helpage: str  # lead of social-pensions
    unicef: str
    editor: str
    revoked: str

    def post_draft(self, token: str | None, section: str, name: str, data: bytes, **extra) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.post(f"{self.url}/api/drafts", headers=headers, data={"section": section, **extra},
                          files={"file": (name, data)}, timeout=60)


def audit_log(root: Path) -> list[dict]:
    """The portal's audit log, newest first."""
    from pipeline.project import load_project
    from pipeline.web.store import audit_entries

    return audit_entries(load_project(root), 10_000)


def snapshot(root: Path) -> dict[str, str]:
    """Every file under contributions/ and its content hash."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((root / "contributions").rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    root = copy_example(tmp_path_factory.mktemp("portal") / "example")
    store = TokenStore(root)
    secrets = {name: store.issue("agency", name)[1] for name in ("helpage", "unicef")}
    editor = store.issue("editor")[1]
    old, revoked = store.issue("agency", "helpage")
    store.revoke(old.id)
    with serving(Settings(root, max_upload=LIMIT, as_of=EXAMPLE_DAY, rate=10_000)) as server:
        yield Portal(server.url, root, secrets["helpage"], secrets["unicef"], editor, revoked)


@pytest.fixture
def draft(tmp_path):
    def make(text: str = "Social pensions reach older people in many countries.", n: int = 60) -> bytes:
        return make_docx(tmp_path / f"{hashlib.md5(text.encode()).hexdigest()}.docx",
                         [f"{text} Paragraph {i}." for i in range(n)]).read_bytes()
    return make


def test_health_answers_with_security_headers(portal):
    response = httpx.get(f"{portal.url}/api/health")
    assert response.status_code == 200 and response.json()["status"] == "ok"
    headers = response.headers
    assert "default-src 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"


def test_an_upload_is_stored_atomically_kept_in_history_and_audited(portal, draft):
    data = draft("Social pensions reach older people, as disabled people know.")
    response = portal.post_draft(portal.helpage, "social-pensions", "my draft.docx", data)
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) >= {"findings", "summary", "stored"}
    assert body["summary"]["warning"] >= 1
    assert any(f["code"] == "terms/rejected" and f["location"] for f in body["findings"])
    assert all(f["path"] == "contributions/helpage/social-pensions.docx" for f in body["findings"])
    current = portal.root / "contributions/helpage/social-pensions.docx"
    assert current.read_bytes() == data
    digest = hashlib.sha256(data).hexdigest()
    history = portal.root / ".jointreport/history/helpage/social-pensions"
    assert any(p.read_bytes() == data for p in history.iterdir())
    entries = audit_log(portal.root)
    assert any(e["sha256"] == digest and e["who"].startswith("helpage") and e["action"] == "upload" for e in entries)
    assert not list(current.parent.glob(".*.part"))


def test_the_report_card_judges_the_draft_in_the_project(portal, tmp_path):
    """Outline (word budget), Word hygiene (tracked changes, with where), terminology, in one card."""
    data = make_docx(tmp_path / "long.docx", ["Older people deserve social pensions. " * 30] * 60,
                     insertions=[(2, "Reviewer", "added text")]).read_bytes()
    response = portal.post_draft(portal.helpage, "social-pensions", "long.docx", data)
    assert response.status_code == 201
    codes = {f["code"] for f in response.json()["findings"]}
    assert {"outline/over-budget", "docx/tracked-changes"} <= codes
    assert response.json()["summary"]["error"] >= 1


def test_the_report_card_says_what_check_says_about_each_draft_of_the_example(tmp_path):
    """The card is `check` for one draft, in its chapter: for every draft of the example, sent again
    through the card, the same findings (and its section's deadlines)."""
    from pipeline.commands.check import check
    from pipeline.web.uploads import report_card

    root = copy_example(tmp_path / "example")
    full = check(root, EXAMPLE_DAY, with_drafts=True)
    sections = full.project.sections
    compared = 0
    for contribution in full.sources.contributions:
        section = sections.get(contribution.section_id)
        if (contribution.lang != full.project.source_language or not section
                or contribution.agency not in section.agencies):
            continue
        card = report_card(root, contribution.agency, contribution.section_id, contribution.format,
                           contribution.path.read_bytes(), EXAMPLE_DAY)
        expected = {(f.code, f.severity, f.location, f.message) for f in full.findings
                    if (f.path == contribution.relpath and f.code not in WHOLE_DOCUMENT)
                    or (f.section == contribution.section_id and f.code.startswith("timeline/"))}
        assert {(f.code, f.severity, f.location, f.message) for f in card.findings
                if f.code not in WHOLE_DOCUMENT} == expected, contribution.relpath
        compared += 1
    assert compared >= 20


def test_a_new_5000_word_draft_gets_its_card(portal, tmp_path):
    """A long new draft over HTTP: stored as sent, every word counted, and its card says it is over the
    section's budget. How fast: `make bench` prints the p95 of twenty such uploads (no timing here)."""
    sentence = "Social pensions reach older people in rural areas and widen the floor in country {}. "
    paragraphs = [sentence.format(n) * 4 for n in range(90)]
    data = make_docx(tmp_path / "long.docx", paragraphs, headings={0: (1, "Pensions")}).read_bytes()
    response = portal.post_draft(portal.helpage, "social-pensions", "long.docx", data)
    assert response.status_code == 201, response.text
    card = response.json()
    words = 1 + sum(len(p.split()) for p in paragraphs)  # the heading's one, and the body's
    assert card["words"] == words == 5401
    assert card["stored"]["path"] == "contributions/helpage/social-pensions.docx"
    assert card["stored"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert (portal.root / card["stored"]["path"]).read_bytes() == data
    over = [f["message"] for f in card["findings"] if f["code"] == "outline/over-budget"]
    assert len(over) == 1 and f"{words} words" in over[0] and "400–1500" in over[0], card["findings"]


@pytest.mark.parametrize("token, section, name, status, error", [
    (None, "social-pensions", "d.docx", 401, "unauthorized"),
    ("not-a-token", "social-pensions", "d.docx", 401, "unauthorized"),
    ("revoked", "social-pensions", "d.docx", 401, "unauthorized"),
    ("helpage", "child-sensitive", "d.docx", 403, "not-assigned"),  # UNICEF's section
    ("helpage", "../../report", "d.docx", 404, "unknown-section"),
    ("helpage", "social-pensions/../x", "d.docx", 404, "unknown-section"),
    ("helpage", "no-such-section", "d.docx", 404, "unknown-section"),
    ("helpage", "", "d.docx", 404, "unknown-section"),
    ("helpage", "social-pensions", "d.exe", 422, "not-a-draft"),
    ("helpage", "social-pensions", "d.doc", 422, "not-a-draft"),
    ("helpage", "social-pensions", "noextension", 422, "not-a-draft"),
])
def test_refusals_leave_contributions_untouched(portal, draft, token, section, name, status, error):
    before = snapshot(portal.root)
    secret = {"helpage": portal.helpage, "revoked": portal.revoked}.get(token, token)
    response = portal.post_draft(secret, section, name, draft())
    assert response.status_code == status, response.text
    assert response.json()["error"] == error
    if status == 422:
        assert [f["code"] for f in response.json()["findings"]] == ["input/unreadable"]
    assert snapshot(portal.root) == before
    if status != 401:  # a refused upload from a valid token is audited
        last = audit_log(portal.root)[0]
        assert last["action"] == f"refused-{status}" and last["reason"] == error and last["file"] == name


@pytest.mark.parametrize("data, name", [
    (b"this is not a Word file", "d.docx"),
    (b"", "d.md"),
    (b"\xff\xfe not utf-8 \x81", "d.md"),
    (b"PK\x03\x04 broken zip", "d.odt"),
])
def test_a_file_that_is_not_a_draft_is_422_with_input_unreadable(portal, data, name):
    before = snapshot(portal.root)
    response = portal.post_draft(portal.helpage, "social-pensions", name, data)
    assert response.status_code == 422, response.text
    assert any(f["code"] == "input/unreadable" for f in response.json()["findings"])
    assert response.json()["summary"]["error"] >= 1
    assert snapshot(portal.root) == before


def test_over_the_size_limit_is_413_by_length_and_while_streaming(portal):
    before = snapshot(portal.root)
    big = b"x" * (LIMIT + 2_000_000)
    response = portal.post_draft(portal.helpage, "social-pensions", "big.md", big)
    assert response.status_code == 413

    def chunks():  # no Content-Length: the limit is counted as the body streams in
        boundary = b"--b0undary\r\n"
        yield boundary + b'Content-Disposition: form-data; name="section"\r\n\r\nsocial-pensions\r\n'
        yield boundary + b'Content-Disposition: form-data; name="file"; filename="big.md"\r\n\r\n'
        for _ in range(40):
            yield b"y" * 100_000
        yield b"\r\n--b0undary--\r\n"

    response = httpx.post(f"{portal.url}/api/drafts", content=chunks(), timeout=60,
                          headers={"Authorization": f"Bearer {portal.helpage}",
                                   "Content-Type": "multipart/form-data; boundary=b0undary"})
    assert response.status_code == 413
    page = httpx.post(f"{portal.url}/a/{portal.helpage}/upload", data={"section": "social-pensions"},
                      files={"file": ("big.md", big)}, timeout=60)
    assert page.status_code == 413 and "Too large" in page.text
    assert f"limit of {LIMIT / 1_000_000:g} MB" in page.text  # the file's limit, as the form says, not the request's
    small_but_over = b"z" * (LIMIT + 10)  # under the request limit, over the file limit
    response = portal.post_draft(portal.helpage, "social-pensions", "big.md", small_but_over)
    assert response.status_code == 413
    assert snapshot(portal.root) == before


def test_malformed_requests_are_refused_not_crashes(portal):
    auth = {"Authorization": f"Bearer {portal.helpage}"}
    assert httpx.post(f"{portal.url}/api/drafts", headers=auth, content=b"plain").status_code in (400, 422)
    response = httpx.post(f"{portal.url}/api/drafts", headers=auth, data={"section": "social-pensions"})
    assert response.status_code == 422 and response.json()["error"] == "no-file"
    response = httpx.post(f"{portal.url}/api/drafts", content=b"--x\r\nbroken", headers={
        **auth, "Content-Type": "multipart/form-data; boundary=x"})
    assert response.status_code in (400, 422)
    assert httpx.get(f"{portal.url}/api/nothing").status_code == 404
    assert httpx.get(f"{portal.url}/a/not-a-token").status_code == 401
    assert httpx.get(f"{portal.url}/e/{portal.helpage}").status_code == 403
    assert httpx.get(f"{portal.url}/static/../report.yaml").status_code == 404
    assert httpx.get(f"{portal.url}/e/{portal.editor}/download/yaml").status_code == 404


def test_an_agency_cannot_upload_for_another_or_reach_a_broken_project_with_a_500(portal, draft, tmp_path):
    before = snapshot(portal.root)
    response = portal.post_draft(portal.helpage, "child-sensitive", "d.docx", draft(), agency="unicef")
    assert response.status_code == 403
    assert snapshot(portal.root) == before
    report = portal.root / "report.yaml"
    kept = report.read_bytes()
    report.write_text("title: [unclosed\n")
    try:
        response = portal.post_draft(portal.helpage, "social-pensions", "d.docx", draft())
        assert response.status_code == 503 and response.json()["error"] == "project-broken"
        assert httpx.get(f"{portal.url}/a/{portal.helpage}").status_code == 503
        assert httpx.get(f"{portal.url}/api/status", headers={"Authorization": f"Bearer {portal.editor}"}
                         ).status_code == 503
    finally:
        report.write_bytes(kept)
    assert snapshot(portal.root) == before


def test_status_is_for_editors_and_is_the_status_document(portal):
    assert httpx.get(f"{portal.url}/api/status").status_code == 401
    assert httpx.get(f"{portal.url}/api/status", headers={"Authorization": f"Bearer {portal.helpage}"}
                     ).status_code == 403
    response = httpx.get(f"{portal.url}/api/status", headers={"Authorization": f"Bearer {portal.editor}"})
    assert response.status_code == 200
    cli = jointreport("status", "--format", "json", "--as-of", EXAMPLE_DAY.isoformat(), "--project", str(portal.root))
    assert response.json().keys() == cli.json().keys()
    assert [s["id"] for s in response.json()["sections"]] == [s["id"] for s in cli.json()["sections"]]


def test_twenty_concurrent_uploads_leave_one_intact_file_and_every_version(portal, tmp_path):
    payloads = [make_docx(tmp_path / f"v{i}.docx", [f"Version {i} of the social pensions section."] * 40
                          ).read_bytes() for i in range(20)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(
            lambda data: portal.post_draft(portal.unicef, "data-monitoring", "data.docx", data), payloads))
    assert [r.status_code for r in responses] == [201] * 20
    current = (portal.root / "contributions/unicef/data-monitoring.docx").read_bytes()
    assert current in payloads
    history = portal.root / ".jointreport/history/unicef/data-monitoring"
    kept = {hashlib.sha256(p.read_bytes()).hexdigest() for p in history.iterdir()}
    assert {hashlib.sha256(d).hexdigest() for d in payloads} <= kept
    assert not list((portal.root / "contributions/unicef").glob(".*"))


def test_mark_final_sets_the_status_the_board_reads(portal, draft):
    assert portal.post_draft(portal.helpage, "social-pensions", "d.docx", draft("Final text.")).status_code == 201
    auth = {"Authorization": f"Bearer {portal.helpage}"}
    response = httpx.post(f"{portal.url}/api/drafts/final", headers=auth, data={"section": "social-pensions"})
    assert response.status_code == 200, response.text
    sidecar = portal.root / "contributions/helpage/social-pensions.yaml"
    assert yaml.safe_load(sidecar.read_text())["status"] == "final"
    board = httpx.get(f"{portal.url}/api/status", headers={"Authorization": f"Bearer {portal.editor}"}).json()
    assert {s["id"]: s["status"] for s in board["sections"]}["social-pensions"] == "final"
    assert httpx.post(f"{portal.url}/api/drafts/final", headers=auth, data={"section": "child-sensitive"}
                      ).status_code == 403


def test_a_draft_sent_in_another_format_replaces_the_old_one_and_markdown_is_marked_in_its_front_matter(portal):
    folder = portal.root / "contributions/unicef"
    old_docx = (folder / "child-sensitive.docx").read_bytes()
    old_sidecar = (folder / "child-sensitive.yaml").read_bytes()
    text = "---\nauthor: UNICEF team\nstatus: draft\n---\n\n# Children\n\nCash transfers reach children.\n"
    response = portal.post_draft(portal.unicef, "child-sensitive", "child.md", text.encode())
    assert response.status_code == 201, response.text
    assert sorted(p.name for p in folder.glob("child-sensitive.*")) == ["child-sensitive.md"]
    kept = [p.read_bytes() for p in (portal.root / ".jointreport/history/unicef/child-sensitive").iterdir()]
    assert old_docx in kept and old_sidecar in kept
    auth = {"Authorization": f"Bearer {portal.unicef}"}
    assert httpx.post(f"{portal.url}/api/drafts/final", headers=auth, data={"section": "child-sensitive"}
                      ).status_code == 200
    marked = (folder / "child-sensitive.md").read_text()
    front, body = marked.split("---\n")[1], marked.split("---\n", 2)[2]
    assert yaml.safe_load(front) == {"author": "UNICEF team", "status": "final"}
    assert body == "\n# Children\n\nCash transfers reach children.\n"
    history = portal.root / ".jointreport/history/unicef/child-sensitive"
    assert text.encode() in [p.read_bytes() for p in history.iterdir()]


def test_forms_need_the_csrf_token(portal, draft):
    before = snapshot(portal.root)
    response = httpx.post(f"{portal.url}/a/{portal.helpage}/upload", data={"section": "social-pensions"},
                          files={"file": ("d.docx", draft("csrf"))})
    assert response.status_code == 403
    with httpx.Client(base_url=portal.url) as browser:
        page = browser.get(f"/a/{portal.helpage}")
        assert page.status_code == 200 and "Social pensions for older people" in page.text
        assert "Child-sensitive" not in page.text  # only the agency's own sections
        cookie = browser.cookies["jr_csrf"]
        assert f'value="{cookie}"' in page.text
        forged = browser.post(f"/a/{portal.helpage}/upload", data={"section": "social-pensions", "csrf": cookie},
                              files={"file": ("d.docx", draft("csrf"))}, headers={"Origin": "https://evil.example"})
        assert forged.status_code == 403
        assert snapshot(portal.root) == before
        sent = browser.post(f"/a/{portal.helpage}/upload", data={"section": "social-pensions", "csrf": cookie},
                            files={"file": ("d.docx", draft("csrf"))}, timeout=60)
        assert sent.status_code == 201 and "Report card" in sent.text
        assert browser.post(f"/a/{portal.helpage}/final", data={"section": "social-pensions"}).status_code == 403
        unconfirmed = browser.post(f"/a/{portal.helpage}/final", data={"section": "social-pensions", "csrf": cookie})
        assert unconfirmed.status_code == 422 and "Tick the box" in unconfirmed.text
        final = browser.post(f"/a/{portal.helpage}/final", data={"section": "social-pensions", "csrf": cookie,
                                                                 "confirm": "yes"})
        assert final.status_code == 303 and final.headers["location"].startswith(f"/a/{portal.helpage}")
        assert "Marked final" in browser.get(f"/a/{portal.helpage}").text


def test_what_a_draft_says_is_text_on_the_page_never_markup(portal, tmp_path):
    data = make_docx(tmp_path / "x.docx", ["<script>alert(1)</script> Disabled people deserve pensions."]).read_bytes()
    with httpx.Client(base_url=portal.url) as browser:
        browser.get(f"/a/{portal.helpage}")
        page = browser.post(f"/a/{portal.helpage}/upload", files={"file": ("x.docx", data)},
                            data={"section": "social-pensions", "csrf": browser.cookies["jr_csrf"]}, timeout=60)
    assert page.status_code == 201 and "ersons with disabilities" in page.text
    assert "<script>alert" not in page.text and "&lt;script&gt;" in page.text


def test_the_editor_page_filters_findings_and_shows_the_upload_history(portal, draft):
    assert portal.post_draft(portal.helpage, "social-pensions", "d.docx", draft("For the history.")).status_code == 201
    errors = httpx.get(f"{portal.url}/e/{portal.editor}?severity=error", timeout=60).text
    assert "badge sev-error" in errors and "badge sev-warning" not in errors
    helpage = httpx.get(f"{portal.url}/e/{portal.editor}?agency=helpage", timeout=60).text
    assert "contributions/helpage/" in helpage and "contributions/ilo/" not in helpage
    page = httpx.get(f"{portal.url}/e/{portal.editor}", timeout=60).text
    assert "Social pensions for older people" in page  # the dashboard
    assert "helpage (t-" in page  # the history names who sent what


def test_the_editor_page_lists_findings_history_and_builds_in_the_background(fixture_project):
    root = fixture_project("minimal")
    store = TokenStore(root)
    editor = store.issue("editor")[1]
    with serving(Settings(root)) as server:
        auth = {"Authorization": f"Bearer {editor}"}
        with httpx.Client(base_url=server.url) as browser:
            page = browser.get(f"/e/{editor}")
            assert page.status_code == 200 and "Findings" in page.text and "Upload history" in page.text
            assert browser.post(f"/e/{editor}/build").status_code == 403  # no CSRF token
            started = browser.post(f"/e/{editor}/build", data={"csrf": browser.cookies["jr_csrf"]})
            assert started.status_code == 303
        assert httpx.post(f"{server.url}/api/build", headers=auth).status_code in (202, 409)
        deadline = time.monotonic() + 240
        while (job := httpx.get(f"{server.url}/api/build", headers=auth).json())["state"] == "running":
            assert time.monotonic() < deadline
            time.sleep(0.5)
        assert job["state"] == "done", job
        assert any(line.startswith("render") for line in job["progress"])
        download = httpx.get(f"{server.url}/e/{editor}/download/pdf")
        assert download.status_code == 200 and download.content.startswith(b"%PDF")


def test_too_many_requests_are_refused(fixture_project, draft):
    root = fixture_project("minimal")
    with serving(Settings(root, rate=3)) as server:
        codes = [httpx.post(f"{server.url}/api/drafts", data={"section": "x"}).status_code for _ in range(5)]
    assert codes[:3] == [401] * 3 and codes[3:] == [429, 429]


def test_log_lines_name_a_token_by_its_id_never_its_secret(tmp_path):
    """Any way the secret is typed (a doubled slash, a capital A, a letter changed, the secret upper-cased),
    in a message or a traceback."""
    import logging

    from pipeline.web.logs import RedactSecrets

    root = copy_example(tmp_path / "example")
    token, secret = TokenStore(root).issue("agency", "helpage")
    changed = secret[:10] + ("A" if secret[10] != "A" else "B") + secret[11:]
    for path in (f"/a/{secret}/upload?x=1", f"//a/{secret}", f"/A/{secret}/", f"/a/{changed}", f"/a/{secret.upper()}"):
        record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                                   ("127.0.0.1:5", "GET", path, "1.1", 200), None)
        RedactSecrets(root).filter(record)
        line = logging.Formatter().format(record)
        assert secret[:12] not in line and changed[:12] not in line and secret.upper()[:12] not in line, line
    record = logging.LogRecord("jointreport.web", logging.ERROR, __file__, 1, "internal error on %s", (f"/a/{secret}",),
                               None)
    RedactSecrets(root).filter(record)
    assert record.getMessage() == f"internal error on /a/{token.id}"
    try:
        raise KeyError(f"{root}/x/{secret}")
    except KeyError:
        import sys

        record = logging.LogRecord("uvicorn.error", logging.ERROR, __file__, 1, "boom", (), sys.exc_info())
    RedactSecrets(root).filter(record)
    line = logging.Formatter().format(record)
    assert secret not in line and str(root) not in line and token.id in line


def test_a_bug_in_a_page_is_a_500_whose_log_line_shows_no_link_secret(fixture_project, monkeypatch):
    from pipeline.web import editors

    root = fixture_project("minimal")
    token, secret = TokenStore(root).issue("editor")

    def broken(*args):
        raise RuntimeError(f"a bug near {root}/x and {secret}")

    monkeypatch.setattr(editors, "editor_context", broken)
    with serving(Settings(root)) as server:
        response = httpx.get(f"{server.url}/e/{secret}")
        api = httpx.get(f"{server.url}/api/status", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 500 and "Something went wrong" in response.text
    assert secret not in response.text and str(root) not in response.text
    assert api.status_code in (200, 503)
    log = server.log.read_text()
    assert f"internal error on GET /e/{token.id}" in log and "RuntimeError" in log


def test_tokens_are_printed_once_and_stored_only_as_hashes(tmp_path):
    root = copy_example(tmp_path / "example")
    issued = jointreport("tokens", "issue", "ilo", "--project", str(root))
    assert issued.code == 0, issued.stderr
    secret = issued.stdout.strip()
    assert len(secret) >= 43  # 256 bits in URL-safe base64
    stored = (root / ".jointreport/portal.sqlite3").read_bytes()
    assert secret.encode() not in stored and hashlib.sha256(secret.encode()).hexdigest().encode() in stored
    assert f"/a/{secret}" in issued.stderr
    assert jointreport("tokens", "issue", "nobody", "--project", str(root)).code == 2
    listed = jointreport("tokens", "list", "--project", str(root))
    token_id = listed.stdout.split()[0]
    assert "ilo" in listed.stdout and secret not in listed.stdout
    assert jointreport("tokens", "revoke", token_id, "--project", str(root)).code == 0
    assert TokenStore(root).find(secret) is None
    assert "revoked" in jointreport("tokens", "list", "--project", str(root)).stdout
    other = jointreport("tokens", "issue", "--editor", "--project", str(root)).stdout.strip()
    assert jointreport("tokens", "revoke", other, "--project", str(root)).code == 0  # by the secret itself
    assert TokenStore(root).find(other) is None
    assert jointreport("tokens", "revoke", "t-nothing", "--project", str(root)).code == 1


CHROMEDRIVER = shutil.which("chromedriver")


@needs_client("chromedriver")
@pytest.mark.parametrize("javascript", [True, False], ids=["through-the-api", "plain-form"])
def test_a_focal_point_uploads_a_docx_in_chromium_and_sees_the_report_card(portal, tmp_path, javascript):
    """With JavaScript the page sends the draft to POST /api/drafts and shows the card in place; without
    it the form posts itself and the server renders the card. Both through the page's file input."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser") or ""
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1100,1400", f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(argument)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    upload = make_docx(tmp_path / "social-pensions.docx",
                       [f"Social pensions protect older people; disabled people gain too ({javascript})."] * 20)
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER or "chromedriver"), options=options)
    try:
        browser.set_page_load_timeout(60)
        browser.get(f"{portal.url}/a/{portal.helpage}")
        assert "HelpAge" in browser.find_element(By.TAG_NAME, "header").text
        start_url = browser.current_url
        field = browser.find_element(By.ID, "file-social-pensions")
        field.send_keys(str(upload))
        field.find_element(By.XPATH, "ancestor::form").find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        card = WebDriverWait(browser, 30).until(expected_conditions.presence_of_element_located((By.ID, "report-card")))
        assert "Report card: 5.2 Social pensions for older people" in card.text
        assert "persons with disabilities" in card.text and "Received" in card.text
        assert (browser.current_url == start_url) is javascript  # the API answered in place, or the form posted
        assert (portal.root / "contributions/helpage/social-pensions.docx").read_bytes() == upload.read_bytes()
        WebDriverWait(browser, 10).until(lambda b: b.find_element(By.CSS_SELECTOR, "#s-social-pensions button"
                                                                                   "[type=submit]").is_enabled())
        if javascript and os.environ.get("JOINTREPORT_SCREENSHOT"):
            browser.save_screenshot(os.environ["JOINTREPORT_SCREENSHOT"])
    finally:
        browser.quit()


def test_the_portal_builds_in_one_typst_kept_while_it_serves(tmp_path):
    """Its builds share one Typst process, which sets again only the pages an edit changed."""
    from pipeline.render import typst

    root = copy_example(tmp_path / "example")
    with serving(Settings(root, max_upload=LIMIT, as_of=EXAMPLE_DAY), lifespan="on"):
        assert typst._warm is not None
    assert typst._warm is None


def test_a_later_upload_clears_the_final_mark(portal, draft):
    auth = {"Authorization": f"Bearer {portal.helpage}"}
    assert portal.post_draft(portal.helpage, "social-pensions", "d.docx", draft("Agreed text.")).status_code == 201
    assert httpx.post(f"{portal.url}/api/drafts/final", headers=auth, data={"section": "social-pensions"}
                      ).json()["status"] == "final"
    sidecar = portal.root / "contributions/helpage/social-pensions.yaml"
    assert yaml.safe_load(sidecar.read_text())["status"] == "final"
    assert portal.post_draft(portal.helpage, "social-pensions", "d.docx", draft("Changed after.")).status_code == 201
    assert yaml.safe_load(sidecar.read_text())["status"] == "draft"
    board = httpx.get(f"{portal.url}/api/status", headers={"Authorization": f"Bearer {portal.editor}"}).json()
    assert {s["id"]: s["status"] for s in board["sections"]}["social-pensions"] == "draft"
    assert [e["action"] for e in audit_log(portal.root)[:2]] == ["final-cleared", "upload"]
    withdrawn = httpx.post(f"{portal.url}/api/drafts/final", headers=auth,
                           data={"section": "social-pensions", "final": "no"})
    assert withdrawn.json()["status"] == "draft"


def test_the_card_speaks_to_the_focal_point_without_codes_or_paths(portal, tmp_path):
    """No finding code, no stored path, no project file they cannot edit; a place is the paragraph's first
    words; an unknown acronym is advice they can follow in Word."""
    data = make_docx(tmp_path / "plain.docx", ["Older people gain from social pensions in every country."] * 5
                     + ["The QZXW programme pays pensions to disabled people in rural areas."] * 3,
                     insertions=[(2, "Reviewer", "added text")]).read_bytes()
    with httpx.Client(base_url=portal.url) as browser:
        browser.get(f"/a/{portal.helpage}")
        page = browser.post(f"/a/{portal.helpage}/upload", files={"file": ("plain.docx", data)},
                            data={"section": "social-pensions", "csrf": browser.cookies["jr_csrf"]}, timeout=60)
    assert page.status_code == 201
    start = page.text.index('id="report-card"')
    card = page.text[start:page.text.index("</section>", start)]
    assert "QZXW: spell it out at its first use" in card
    assert "the paragraph that begins" in card and "paragraph 3" not in card
    for internal in ("terms/", "docx/", "outline/", "contributions/", "terminology.yaml", "<code>"):
        assert internal not in card, internal
    api = portal.post_draft(portal.helpage, "social-pensions", "plain.docx", data).json()
    assert {f["code"] for f in api["findings"]} >= {"terms/acronym-unknown", "docx/tracked-changes"}
    assert all(not f["code"] for f in api["card"])


def test_a_draft_that_waits_for_its_turn_is_told_its_place_and_its_page_updates(portal, draft, monkeypatch):
    """Without JavaScript: the form's answer is a page that refreshes itself until the card is made."""
    from pipeline.web import agency

    monkeypatch.setattr(agency, "PAGE_WAIT", 0)
    with httpx.Client(base_url=portal.url) as browser:
        browser.get(f"/a/{portal.helpage}")
        page = browser.post(f"/a/{portal.helpage}/upload", files={"file": ("d.docx", draft("Waited."))},
                            data={"section": "social-pensions", "csrf": browser.cookies["jr_csrf"]}, timeout=60)
        assert page.status_code == 202 and 'http-equiv="refresh"' in page.text
        assert "Checking your draft" in page.text
        link = page.text.split("url=", 1)[1].split('"', 1)[0]
        assert link.startswith(f"/a/{portal.helpage}/cards/")
        for _ in range(120):
            answer = browser.get(link)
            if "Report card" in answer.text:
                break
            time.sleep(0.5)
        assert answer.status_code == 201 and "Report card" in answer.text
        assert browser.get(link.replace("/a/" + portal.helpage, "/a/" + portal.unicef)).status_code == 404


def test_an_agency_over_its_hourly_quota_is_told_when_to_try_again(fixture_project):
    from pipeline.web.throttle import Quota

    root = fixture_project("minimal")
    secret = TokenStore(root).issue("agency", next(iter(load_project(root).agencies)))[1]
    with serving(Settings(root, quota=Quota(uploads_per_hour=2))) as server:
        answers = [httpx.post(f"{server.url}/api/drafts", headers={"Authorization": f"Bearer {secret}"},
                              data={"section": "nowhere"}, files={"file": ("d.md", b"# x\n\ntext\n")})
                   for _ in range(3)]
    assert [a.status_code for a in answers] == [404, 404, 429]
    assert answers[2].json()["error"] == "too-many-uploads" and int(answers[2].headers["retry-after"]) > 60
    assert "try again in" in answers[2].json()["message"]


def test_retry_after_is_when_the_hours_oldest_upload_leaves_it_even_at_the_hours_turn(fixture_project, monkeypatch):
    """Eight seconds before the clock's hour turns, an agency over its uploads is told to wait until its oldest
    upload is an hour old, not the eight seconds a sliding window's guess gave (it was refused again then)."""
    from pipeline.web.throttle import Quota, Quotas

    root = fixture_project("minimal")
    project, agency = load_project(root), next(iter(load_project(root).agencies))
    now = [1_800_000_000 - 8.0]  # 3,600 divides 1,800,000,000: the windows' hour turns there
    monkeypatch.setattr(time, "time", lambda: now[0])
    quotas = Quotas(Quota(uploads_per_hour=2))
    assert quotas.over(project, agency, 100) is None and quotas.over(project, agency, 100) is None
    over = quotas.over(project, agency, 100)
    assert over.error == "too-many-uploads" and over.retry_after >= 3590, over
    now[0] += 9  # past the hour's turn: still over, as it was told
    assert quotas.over(project, agency, 100, peek=True).error == "too-many-uploads"


def test_an_agency_over_its_quota_is_refused_before_its_upload_is_read(fixture_project):
    """Over the hour's uploads, a link that starts sending 20 MB is answered 429 at once: the server does
    not take the whole upload (each try would cost it that much) to refuse it."""
    import socket
    from urllib.parse import urlsplit

    from pipeline.web.throttle import Quota

    root = fixture_project("minimal")
    secret = TokenStore(root).issue("agency", next(iter(load_project(root).agencies)))[1]
    with serving(Settings(root, quota=Quota(uploads_per_hour=1))) as server:
        first = httpx.post(f"{server.url}/api/drafts", headers={"Authorization": f"Bearer {secret}"},
                           data={"section": "nowhere"}, files={"file": ("d.md", b"# x\n\ntext\n")})
        assert first.status_code == 404  # counted: the hour's one upload
        address = urlsplit(server.url)
        head = (f"POST /api/drafts HTTP/1.1\r\nHost: {address.netloc}\r\nAuthorization: Bearer {secret}\r\n"
                "Content-Type: multipart/form-data; boundary=X\r\nContent-Length: 20000000\r\n\r\n"
                '--X\r\nContent-Disposition: form-data; name="file"; filename="big.md"\r\n\r\n')
        with socket.create_connection((address.hostname, address.port), timeout=5) as client:
            client.sendall(head.encode() + b"words " * 200)  # a kilobyte of the 20 MB announced
            answer = client.recv(4096)
    assert answer.startswith(b"HTTP/1.1 429") and b"too-many-uploads" in answer, answer[:300]
