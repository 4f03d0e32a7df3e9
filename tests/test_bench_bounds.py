"""`make bench` compares the build with the engines' own bounds: they must do like work. B2's Typst is
held here to the build's: the same template text (so its line breaking, fonts and features), the same
inputs, fonts and PDF standards — read from what each actually hands Typst."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench import bounds
from bench.generate import generate
from pipeline.build import Options, build
from pipeline.render import typst


@pytest.fixture()
def compiled(monkeypatch):
    """Every Typst run's staged files and parameters, instead of the PDF (a stand-in is returned)."""
    runs = []

    def record(main: Path, root: Path, inputs, options, out, what, query=None):
        files = {path.name: path.read_text(encoding="utf-8") for path in root.glob("*.typ")}
        runs.append({"files": files, "main": main.name, "inputs": inputs, "options": options})
        return b"%PDF-1.7 stand-in"

    monkeypatch.setattr(typst, "_compile", record)
    return runs


def test_b2_typesets_with_the_builds_template_inputs_and_options(tmp_path, compiled):
    root = generate(tmp_path / "report", 3)
    build(root, Options(formats=("pdf",), force=True))
    (tmp_path / "body.typ").write_text("= A heading\n\nSome text.\n", encoding="utf-8")
    bounds.typeset_body(root, tmp_path / "body.typ", tmp_path / "b2.pdf")
    built, bound = compiled
    template = built["files"]["report.typ"]
    assert bound["files"]["report.typ"] == template
    assert re.search(r"set par\([^)]*linebreaks:", template), "the template says how it breaks lines"
    assert bound["files"]["main.typ"] == built["files"]["main.typ"]
    assert bound["main"] == built["main"]
    assert bound["inputs"] == built["inputs"]
    assert bound["options"] == built["options"] and built["options"].get("pdf_standards")
    assert bound["files"]["body.typ"].startswith('#import "report.typ": *')
