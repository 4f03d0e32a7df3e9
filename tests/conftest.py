"""Shared fixtures: fixture projects from tests/roots/ (Sphinx-style), the CLI run as a user runs it."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
ROOTS = Path(__file__).resolve().parent / "roots"
EXAMPLE_PARTS = ("report.yaml", "terminology.yaml", "workplan.yaml", "references.bib", "assets", "chapters",
                 "contributions", "statements")


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


def needs_client(*names: str):
    """Skip a test whose real client (LibreOffice, Chromium) is missing on a developer's machine; in CI
    (CI=true, where .ci/run installs them) it runs and fails instead, so a green CI means it ran."""
    missing = not any(shutil.which(name) for name in names)
    return pytest.mark.skipif(missing and not os.environ.get("CI"),
                              reason=f"{names[0]} is not installed (.ci/run installs it)")


def jointreport(*args: str, cwd: Path | None = None) -> Run:
    proc = subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=600, check=False)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def copy_example(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in EXAMPLE_PARTS:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, dest / name)
        else:
            shutil.copyfile(source, dest / name)
    return dest


@pytest.fixture
def fixture_project(tmp_path):
    """Copy tests/roots/<name> into a scratch folder; it has no templates/ (the built-in look applies)."""

    def make(name: str) -> Path:
        dest = tmp_path / name
        shutil.copytree(ROOTS / name, dest)
        return dest

    return make


@dataclass
class ExampleBuild:
    root: Path
    run: Run
    docx: Path
    pdf: Path
    drafts_before: dict[str, bytes]


@pytest.fixture(scope="session")
def example_build(tmp_path_factory) -> ExampleBuild:
    """The example project built once, as `make report` builds it, in a scratch copy."""
    root = copy_example(tmp_path_factory.mktemp("example"))
    before = {p.relative_to(root).as_posix(): p.read_bytes()
              for p in sorted((root / "contributions").rglob("*")) if p.is_file()}
    run = jointreport("build", "--force", "--project", str(root))
    assert run.code == 0, run.stderr
    return ExampleBuild(root, run, root / "build" / "spf-flagship-report.docx",
                        root / "build" / "spf-flagship-report.pdf", before)


def change_log(edition: Path) -> list[dict]:
    """An edition's record of the words the build changed (its terminology.csv): file, location, before,
    after, rule (the house style's; empty for the glossary's)."""
    with open(edition.with_name(edition.stem + ".terminology.csv"), encoding="utf-8") as table:
        return list(csv.DictReader(table))


def as_printed(text: str, changes: list[dict]) -> str:
    """A draft's words as the report prints them: with each of `changes` (rows of its change log) made where
    its words stand whole. Every word reaches the report as written or as a change the log records."""
    for change in changes:
        text = re.sub(rf"(?<!\w){re.escape(change['before'])}(?!\w)", lambda _, c=change: c["after"], text)
    return text


def edit_yaml(path: Path, change) -> None:
    """Edit a fixture's YAML as data: `change(data)` mutates it, and a key it expects but does not find
    fails the test (KeyError) instead of silently leaving the file as it was."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def replace_once(path: Path, old: str, new: str) -> None:
    """Replace text that must occur exactly once in a fixture file; fails loudly when the anchor is gone."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path.name}: expected {old!r} exactly once, found {text.count(old)}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def chromium_driver(profile: Path, *arguments: str, browser_log: bool = False):
    """Headless Chromium driven by Selenium, as every browser test drives it: its own profile folder,
    `arguments` added (a window size, hidden scrollbars); `browser_log` keeps the page's console."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser") or ""
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--user-data-dir={profile}", *arguments):
        options.add_argument(argument)
    if browser_log:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "chromedriver"), options=options)
    driver.set_page_load_timeout(60)
    return driver


def soffice(tmp_path: Path, fmt: str, source: Path, outdir: Path) -> Path:
    """`source` converted to `fmt` by LibreOffice, as an editor opening it would see it (its own profile)."""
    proc = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                           "--convert-to", fmt, "--outdir", str(outdir), str(source)],
                          capture_output=True, text=True, timeout=300)
    converted = outdir / f"{source.stem}.{fmt}"
    assert proc.returncode == 0 and converted.is_file(), proc.stderr
    return converted


ISSUED: set[str] = set()  # every link secret the tests issue, looked for in every server log after each test


def _remember_secrets() -> None:
    from pipeline.web.tokens import TokenStore

    issue = TokenStore.issue

    def issue_and_remember(self, *args, **kwargs):
        token, secret = issue(self, *args, **kwargs)
        ISSUED.add(secret)
        return token, secret

    TokenStore.issue = issue_and_remember


_remember_secrets()


def secrets_in(text: str) -> list[str]:
    """Secrets the tests issued (or their capitals, or their first 16 characters) found in a log."""
    return [s[:6] + "…" for s in ISSUED if s[:16] in text or s.upper()[:16] in text]


def leaks(text: str) -> list[str]:
    """Secrets and test folders found in the in-process server's log."""
    return secrets_in(text) + (["a path of the test's folders"] if "/pytest-of-" in text else [])


@pytest.fixture(autouse=True)
def no_secret_in_any_server_log(request):
    """After every test, the log of every portal it ran holds no secret: the in-process server's (nor any
    test folder), and each `jointreport serve` log the test kept in its folder."""
    folder = request.getfixturevalue("tmp_path") if "tmp_path" in request.fixturenames else None
    yield
    from .webserver import LOG

    if LOG.exists():
        assert not leaks(LOG.read_text(errors="replace"))
    for log in folder.rglob("*.log") if folder else ():
        assert not secrets_in(log.read_text(errors="replace")), log.name
