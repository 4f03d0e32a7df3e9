"""The HTML status dashboard, loaded in a real headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from .conftest import REPO, jointreport, needs_client

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = needs_client("chromium", "chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    path = tmp_path_factory.mktemp("dashboard") / "status.html"
    run = jointreport("status", "--as-of", "2011-04-20", "--html", str(path), "--project", str(REPO))
    assert run.code == 0, run.stderr
    return path


def chromium(*args, profile) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def test_dashboard_is_self_contained(dashboard):
    html = dashboard.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["'](https?:)?//""", html)
    assert "<script" not in html and "@import" not in html


@needs_chromium
def test_dashboard_renders_in_a_real_browser(dashboard, tmp_path):
    run = chromium("--dump-dom", dashboard.as_uri(), profile=tmp_path / "profile")
    dom = run.stdout
    assert run.returncode == 0 and "</html>" in dom, run.stderr[-2000:]
    assert "Final report" in dom and "100 days left" in dom and "Blocked by 11 section(s)" in dom
    assert len(re.findall(r'<tr data-section="', dom)) == 18
    assert re.search(r'data-section="spf-concept" data-status="final"', dom)
    assert re.search(r'data-section="health-financing" data-status="draft"', dom)
    assert 'id="today"' in dom and 'data-agency="unwomen"' in dom
    assert "spf-focal@who.example.int" in dom


@needs_chromium
def test_dashboard_screenshot(dashboard, tmp_path):
    shot = tmp_path / "status.png"
    run = chromium(f"--screenshot={shot}", "--window-size=1280,1800", "--hide-scrollbars", dashboard.as_uri(),
                   profile=tmp_path / "profile")
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_a_project_template_cannot_reach_beyond_its_data(fixture_project):
    """The dashboard template is the project's: it gets plain data, and the sandbox refuses the rest."""
    root = fixture_project("minimal")
    (root / "templates").mkdir()
    (root / "templates" / "status.html.j2").write_text("{{ title.__class__.__mro__ }}", encoding="utf-8")
    run = jointreport("status", "--html", str(root / "build" / "status.html"), "--project", str(root))
    assert run.code == 1 and "templates/status.html.j2" in run.stderr and "unsafe" in run.stderr
    assert "Traceback" not in run.stderr
