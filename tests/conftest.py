"""Shared fixtures: fixture projects from tests/roots/ (Sphinx-style), the CLI run as a user runs it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ROOTS = Path(__file__).resolve().parent / "roots"
EXAMPLE_PARTS = ("report.yaml", "terminology.yaml", "workplan.yaml", "chapters", "contributions", "statements",
                 "templates")


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


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
    """Copy tests/roots/<name> (with the repository's templates) into a scratch folder."""

    def make(name: str) -> Path:
        dest = tmp_path / name
        shutil.copytree(ROOTS / name, dest)
        if not (dest / "templates").exists():
            shutil.copytree(REPO / "templates", dest / "templates")
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
    before = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "contributions").rglob("*")) if p.is_file()}
    run = jointreport("build", "--force", "--project", str(root))
    assert run.code == 0, run.stderr
    return ExampleBuild(root, run, root / "build" / "spf-flagship-report.docx",
                        root / "build" / "spf-flagship-report.pdf", before)
