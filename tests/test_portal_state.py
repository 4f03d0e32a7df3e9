"""The portal's state survives what a server meets: kill -9 in the middle of uploads, a restart, a full
disk, damaged records, the JSON files of earlier versions. `jointreport serve` runs in a child process."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from pipeline.project import load_project
from pipeline.web import store
from pipeline.web.records import records
from pipeline.web.recovery import recover
from pipeline.web.tokens import TokenStore

from .conftest import copy_example
from .docxfactory import make_docx
from .webserver import serve_command

EXAMPLE_DAY = "2011-04-20"


def noise_png(size: int) -> bytes:
    """A picture that does not compress: its draft's conversion takes a while and its file is `size` large."""
    from PIL import Image

    side = int((size / 3) ** 0.5)
    picture = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    path = Path(f"/tmp/jointreport-noise-{os.getpid()}-{size}.png")
    picture.save(path)
    data = path.read_bytes()
    path.unlink()
    return data


def post(url: str, secret: str, section: str, name: str, data: bytes, **extra) -> httpx.Response:
    return httpx.post(f"{url}/api/drafts", headers={"Authorization": f"Bearer {secret}"},
                      data={"section": section, **extra}, files={"file": (name, data)}, timeout=300)


def leftovers(root: Path) -> list[str]:
    """Unfinished files anywhere in the project, and staged uploads."""
    found = [p.relative_to(root).as_posix() for p in root.rglob("*.part")]
    staging = root / ".jointreport/staging"
    return found + ([p.name for p in staging.iterdir()] if staging.is_dir() else [])


def assert_history_matches_the_audit_log(root: Path) -> None:
    """Every kept file is a version with its audit line (same file, same hash); every version's file is
    kept; every upload in the audit log is a version; the file in place is each draft's last version."""
    project = load_project(root)
    versions = store.history(project, limit=100_000)
    kept = {(p.parent.parent.name, p.parent.name, p.name): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in (root / ".jointreport/history").glob("*/*/*")}
    assert {(v["agency"], v["section"], v["name"]) for v in versions} == set(kept)
    for v in versions:
        assert kept[(v["agency"], v["section"], v["name"])] == v["sha256"], v
        assert v["action"] in ("upload", "found", "mark-final", "mark-draft", "final-cleared"), v
    uploads = [e for e in store.audit_entries(project, 100_000) if e["action"] == "upload"]
    assert {(e["what"], e["sha256"]) for e in uploads} <= {(v["what"], v["sha256"]) for v in versions}
    latest: dict[str, str] = {}
    for v in reversed(versions):  # oldest first: the last one wins
        latest[v["what"]] = v["sha256"]
    for what, digest in latest.items():
        current = root / what
        if current.is_file() and current.suffix != ".yaml":
            assert hashlib.sha256(current.read_bytes()).hexdigest() == digest, what


def test_kill_9_during_uploads_then_a_restart_leaves_no_part_file_and_a_consistent_history(tmp_path):
    root = copy_example(tmp_path / "example")
    secret = TokenStore(root).issue("agency", "unicef")[1]
    picture = noise_png(3_000_000)
    drafts = [make_docx(tmp_path / f"d{i}.docx", [f"Version {i} of the data section, paragraph {n}."
                                                  for n in range(80)], image=picture).read_bytes() for i in range(8)]
    log = tmp_path / "serve.log"
    with serve_command(root, "--workers", "2", log=log) as server, ThreadPoolExecutor(8) as pool:
        sent = [pool.submit(post, server.url, secret, "data-monitoring", "d.docx", d) for d in drafts]
        while not any(f.done() for f in sent):  # the first stored: the others are converting or waiting
            time.sleep(0.05)
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait()
        answers = [f.exception() or f.result().status_code for f in sent]
    assert 201 in answers and any(not isinstance(a, int) for a in answers)  # killed with uploads in flight
    with serve_command(root, "--as-of", EXAMPLE_DAY, log=log) as server:
        assert httpx.get(f"{server.url}/api/health").status_code == 200
        assert leftovers(root) == []
        assert_history_matches_the_audit_log(root)
        assert post(server.url, secret, "data-monitoring", "d.docx", drafts[-1]).status_code == 201
    assert_history_matches_the_audit_log(root)
    assert not [line for line in log.read_text().splitlines() if secret[:16] in line]


def test_a_server_stopped_between_the_steps_of_an_upload_is_set_right_at_start(tmp_path):
    """The states kill -9 can leave, made by hand: unfinished files, a staged upload, a kept copy that never
    became current, an upload recorded but not yet in place (rolled forward)."""
    root = copy_example(tmp_path / "example")
    project = load_project(root)
    recover(project)  # a first start: the records exist, the history (none yet) is indexed
    folder = root / "contributions/unicef"
    (folder / ".data-monitoring.docx.x1.part").write_bytes(b"half a draft")
    (root / ".jointreport/staging").mkdir(parents=True)
    (root / ".jointreport/staging/abc.upload").write_bytes(b"a staged upload")
    history = root / ".jointreport/history/unicef/data-monitoring"
    history.mkdir(parents=True)
    (history / ".20110101T000000.000000Z-0000000000000000.docx.x2.part").write_bytes(b"half a copy")
    never = history / f"20110101T000000.000000Z-{'1' * 16}.docx"
    never.write_bytes(b"kept, then the server stopped before the file was put in place")
    recorded = b"recorded, not yet in place"
    name = f"20110101T000001.000000Z-{hashlib.sha256(recorded).hexdigest()[:16]}.md"
    (root / ".jointreport/history/unicef/child-sensitive").mkdir(parents=True)
    (root / ".jointreport/history/unicef/child-sensitive" / name).write_bytes(recorded)
    with records(root).write() as db:
        store.add_version(db, project, folder / "child-sensitive.md", "unicef", "child-sensitive", name, recorded,
                          "unicef (t-test)", "upload", pending=True)
    with serve_command(root, "--as-of", EXAMPLE_DAY, log=tmp_path / "serve.log") as server:
        assert httpx.get(f"{server.url}/api/health").status_code == 200
    assert leftovers(root) == []
    assert not never.exists()
    assert (folder / "child-sensitive.md").read_bytes() == recorded  # rolled forward
    assert_history_matches_the_audit_log(root)


def test_tokens_and_audit_log_of_earlier_versions_are_migrated_once(tmp_path):
    root = copy_example(tmp_path / "example")
    state = root / ".jointreport"
    state.mkdir()
    secret = "s" * 43
    (state / "tokens.json").write_text(json.dumps({"tokens": [{
        "id": "t-0ld0ld00", "role": "agency", "agency": "ilo", "hash": hashlib.sha256(secret.encode()).hexdigest(),
        "created": "2011-01-01T00:00:00+00:00", "revoked": None, "note": ""}]}))
    (state / "audit.log").write_text(json.dumps({"when": "2011-01-02T00:00:00+00:00", "who": "ilo (t-0ld0ld00)",
                                                 "action": "upload", "what": "contributions/ilo/x.docx",
                                                 "sha256": "ab" * 32, "version": "v1.docx"}) + "\n{torn")
    token = TokenStore(root).find(secret)
    assert token and token.id == "t-0ld0ld00"
    entries = store.audit_entries(load_project(root))
    assert [(e["who"], e["version"]) for e in entries] == [("ilo (t-0ld0ld00)", "v1.docx")]
    assert (state / "tokens.json.migrated").is_file() and not (state / "tokens.json").exists()


def test_damaged_records_are_a_plain_503_and_a_line_for_the_editor(tmp_path):
    root = copy_example(tmp_path / "example")
    secret = TokenStore(root).issue("agency", "helpage")[1]
    database = root / ".jointreport/portal.sqlite3"
    records(root).forget()
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    database.write_bytes(b"this is not a database" * 100)
    log = tmp_path / "serve.log"
    with serve_command(root, log=log) as server:
        page = httpx.get(f"{server.url}/a/{secret}")
        api = httpx.post(f"{server.url}/api/drafts", headers={"Authorization": f"Bearer {secret}"},
                         data={"section": "social-pensions"})
    assert page.status_code == 503 and "cannot read its own records" in page.text
    assert api.status_code == 503 and api.json()["error"] == "records-damaged"
    for answer in (page.text, api.text):
        assert str(root) not in answer and ".jointreport" not in answer and secret not in answer
    text = log.read_text()
    assert "ALERT the portal's records (.jointreport/portal.sqlite3) cannot be read" in text
    assert str(root) not in text and secret[:16] not in text


def mounted_tmpfs(folder: Path, megabytes: int) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(folder)],
                          capture_output=True, check=False)
    return done.returncode == 0


def test_a_full_disk_is_a_plain_refusal_and_loses_nothing(tmp_path):
    """On a small tmpfs, filled: the agency reads that the disk is full and its previous version is kept,
    on the API and on the page (a page, not JSON); the editors' log has the alert; nothing changes."""
    disk = tmp_path / "disk"
    if not mounted_tmpfs(disk, 48):
        if os.environ.get("CI"):
            pytest.fail("cannot mount a tmpfs (needs root)")
        pytest.skip("cannot mount a tmpfs (needs root)")
    try:
        root = copy_example(disk / "example")
        secret = TokenStore(root).issue("agency", "helpage")[1]
        first = make_docx(tmp_path / "first.docx", ["Social pensions reach older people."] * 30).read_bytes()
        second = make_docx(tmp_path / "second.docx", ["Older people gain from social pensions."] * 30,
                           image=noise_png(1_500_000)).read_bytes()
        log = tmp_path / "serve.log"
        with serve_command(root, "--as-of", EXAMPLE_DAY, log=log) as server:
            assert post(server.url, secret, "social-pensions", "d.docx", first).status_code == 201
            before = {p: p.read_bytes() for p in (root / "contributions").rglob("*") if p.is_file()}
            filler = disk / "filler"
            with open(filler, "wb") as out:
                try:
                    while True:
                        out.write(b"\0" * 65536)
                        out.flush()
                except OSError:
                    pass
            with open(filler, "r+b") as out:  # leave a little room: less than the new draft needs
                out.truncate(filler.stat().st_size - 300_000)
            api = post(server.url, secret, "social-pensions", "d.docx", second)
            with httpx.Client(base_url=server.url) as browser:
                browser.get(f"/a/{secret}")
                page = browser.post(f"/a/{secret}/upload", data={"section": "social-pensions",
                                                                  "csrf": browser.cookies["jr_csrf"]},
                                    files={"file": ("d.docx", second)}, timeout=120)
            assert api.status_code == 507, api.text
            assert api.json()["message"].startswith("the server's disk is full; your previous version is kept")
            assert page.status_code == 507 and page.headers["content-type"].startswith("text/html")
            assert "disk is full; your previous version is kept" in page.text
            after = {p: p.read_bytes() for p in (root / "contributions").rglob("*") if p.is_file()}
            assert after == before and leftovers(root) == []
            filler.unlink()
            assert post(server.url, secret, "social-pensions", "d.docx", second).status_code == 201
        assert "ALERT the server's disk is full" in log.read_text()
        assert_history_matches_the_audit_log(root)
    finally:
        records(disk / "example").forget()  # this process's connection to the records on the tmpfs
        subprocess.run(["umount", "--lazy", str(disk)], check=False)


def test_thirty_simultaneous_20_mb_drafts_stay_within_the_memory_budget_and_all_get_their_cards(tmp_path):
    """The server's resident memory, its children's included, sampled while 30 different 20 MB Word drafts
    arrive at once through one agency's link: under the budget; every one stored (none refused as too
    complex); the ones that waited were told their place."""
    import psutil

    root = copy_example(tmp_path / "example")
    secret = TokenStore(root).issue("agency", "helpage")[1]
    picture = noise_png(20_000_000)
    drafts = [make_docx(tmp_path / f"big{i}.docx", [f"Draft {i}: social pensions reach older people, {n}." * 6
                                                    for n in range(300)], image=picture).read_bytes()
              for i in range(30)]
    assert all(len(d) > 20_000_000 for d in drafts)
    budget_mb = 1500
    peak, stop = [0], threading.Event()
    with serve_command(root, "--as-of", EXAMPLE_DAY, "--workers", "2", "--memory", str(budget_mb),
                       "--uploads-per-hour", "100", "--mb-per-hour", "5000", log=tmp_path / "serve.log") as server:
        process = psutil.Process(server.process.pid)

        def sample():
            while not stop.is_set():
                try:
                    total = process.memory_info().rss + sum(c.memory_info().rss for c in process.children(True))
                except psutil.Error:
                    continue
                peak[0] = max(peak[0], total)
                time.sleep(0.05)

        sampler = threading.Thread(target=sample)
        sampler.start()
        try:
            with ThreadPoolExecutor(30) as pool:
                answers = list(pool.map(lambda d: post(server.url, secret, "social-pensions", "big.docx", d), drafts))
            queued = httpx.post(f"{server.url}/api/drafts", headers={"Authorization": f"Bearer {secret}",
                                                                      "Prefer": "respond-async, wait=0"},
                                data={"section": "social-pensions"}, files={"file": ("b.docx", drafts[0])},
                                timeout=300)
        finally:
            stop.set()
            sampler.join()
        assert [a.status_code for a in answers] == [201] * 30, [a.text[:200] for a in answers if a.status_code != 201]
        assert all("input/too-complex" not in a.text for a in answers)
        assert queued.status_code in (201, 202)
        if queued.status_code == 202:
            assert queued.json()["url"] == f"/api/drafts/jobs/{queued.json()['job']}"
            while (job := httpx.get(f"{server.url}{queued.json()['url']}",
                                    headers={"Authorization": f"Bearer {secret}"}).json())["state"] != "done":
                time.sleep(0.5)
            assert job["status"] == 201 and job["stored"]["path"] == "contributions/helpage/social-pensions.docx"
    assert peak[0] < budget_mb * 1_000_000, f"peak {peak[0] / 1e6:.0f} MB"
