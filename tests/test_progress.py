"""A cold build tells a person where it is, on stderr: each phase with how long it took, each draft it reads
numbered, when Typst takes over the PDF; `-q` says none of it; stdout stays the list of files written."""

from __future__ import annotations

import re

from bench.generate import generate
from bench.measure import phases_of
from tests.conftest import jointreport


def test_a_cold_build_shows_its_phases_and_drafts_on_stderr_and_q_silences_them(tmp_path):
    root = generate(tmp_path / "report", 4)
    run = jointreport("build", "--force", "--project", str(root))
    assert run.code == 0, run.stderr
    lines = [re.sub(r"^\[\s*[\d.]+s\] ", "", line) for line in run.stderr.splitlines()]
    drafts = sorted(p.relative_to(root).as_posix() for p in (root / "contributions").rglob("s*.*")
                    if p.suffix in (".docx", ".md"))
    assert "read: the drafts in contributions/" in lines
    assert sorted(line.split(". ", 1)[1] for line in lines if re.match(r"  +\d+\. ", line)) == drafts
    assert [int(line.split(".")[0]) for line in lines if re.match(r"  +\d+\. ", line)] == [1, 2, 3, 4]
    for phase in ("load", "read", "check", "gate", "assemble", "render"):
        assert any(re.fullmatch(rf"{phase}: done in \d+\.\d s.*", line) for line in lines), phase
    assert "render: the PDF's text is ready: pandoc and Typst set its pages" in lines
    assert str(tmp_path) not in run.stderr  # no path of the machine's
    assert all(line.startswith("wrote ") for line in run.stdout.splitlines())
    # forced, the render does not wait for the check (nothing it finds could stop the build)
    order = [line.split(":")[0] + (": done" if ": done in" in line else "") for line in lines]
    assert order.index("render") < order.index("check: done"), lines
    phases = phases_of(run.stderr)  # make bench's table of where the time goes reads the same lines
    assert {"load", "read", "check", "gate", "assemble", "render PDF", "render DOCX", "proof"} <= set(phases)
    assert all(seconds >= 0 for seconds in phases.values())
    quiet = jointreport("build", "--force", "-q", "--project", str(root))
    gated = [re.sub(r"^\[\s*[\d.]+s\] ", "", line) for line in
             jointreport("build", "--project", str(root)).stderr.splitlines()]
    assert [line for line in gated if line.startswith(("check: done", "gate:"))][:2] == [
        next(line for line in gated if line.startswith("check: done")), "gate: errors stop the build unless --force"]
    summary = [line for line in run.stderr.splitlines() if "drafts ready" in line]
    assert quiet.stderr.strip().splitlines() == summary[-1:]
