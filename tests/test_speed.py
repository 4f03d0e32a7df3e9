"""What makes rebuilds fast must not change what they make, and must keep working: a warm rebuild writes the
same text as a cold one, a kept Typst child serves every build of a session, and the shortcuts taken on
start (the shipped style packs not compiled on load) hide nothing. (Speed itself is `make bench`'s.)"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import docx

from bench.generate import generate
from bench.saving import Edits
from pipeline.build import Options, build
from pipeline.render import typst
from pipeline.style.rules import builtin_packs
from tests.conftest import needs_client


def _texts(root: Path) -> dict[str, str]:
    """The built PDF's text (pdftotext) and the DOCX's paragraphs and footnotes."""
    out = root / "build"
    pdf = next(out.glob("*.pdf"))
    document = docx.Document(next(out.glob("*.docx")))
    footnotes = next((p for p in document.part.package.iter_parts() if p.partname.endswith("footnotes.xml")), None)
    return {"pdf": subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                                  check=True).stdout,
            "docx": "\n".join(p.text for p in document.paragraphs),
            "notes": re.sub(r"<[^>]+>", " ", footnotes.blob.decode()) if footnotes else ""}


@needs_client("pdftotext")
def test_a_warm_rebuild_writes_what_a_cold_build_writes(tmp_path):
    root = generate(tmp_path / "report", 6)
    edits = Edits(root, 2)
    build(root, Options(force=True))
    edits.save("docx")
    edits.save("md")
    build(root, Options(force=True))  # from the caches: only the two drafts converted, checked, set again
    warm = _texts(root)
    shutil.rmtree(root / "build")
    build(root, Options(force=True))
    cold = _texts(root)
    assert "saving number 0" in warm["docx"] and "saving number 0" in warm["pdf"].replace("\n", " ")
    assert warm == cold


def test_a_kept_typst_child_serves_every_build_of_a_session(tmp_path):
    children = []
    with typst.warm_session():
        for number in range(3):
            body = f"= Heading\n\nText number {number}.\n".encode()
            pdf = typst.compile_staged(tmp_path, "main.typ", {"main.typ": body}, {}, {}, "the PDF")
            assert pdf.startswith(b"%PDF")
            children.append(typst._warm.proc.pid)
    assert len(set(children)) == 1


def test_every_shipped_style_rule_is_a_regular_expression():
    """Shipped packs are not compiled on load (every start would pay for it): held here instead."""
    fields = ("unless_preceded_by", "unless_followed_by", "unless_sentence_has", "when", "second")
    for packs in builtin_packs().values():
        for pack in packs:
            for rule in pack.rules:
                for pattern, _ in rule.patterns:
                    re.compile(pattern)
                for name in fields:
                    if getattr(rule, name):
                        re.compile(getattr(rule, name).replace("{name}", "NAME"))


def test_the_installation_is_its_source_not_the_bytecode_python_writes(tmp_path, monkeypatch):
    """A module imported for the first time writes its bytecode into the package: no cached work is stale
    for that; a changed source makes it so."""
    from pipeline import buildcache

    (tmp_path / "module.py").write_text("A = 1\n", encoding="utf-8")
    monkeypatch.setattr(buildcache, "PACKAGE", tmp_path)
    before = buildcache._package_state()
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "module.cpython-311.pyc").write_bytes(b"bytecode")
    assert buildcache._package_state() == before
    (tmp_path / "module.py").write_text("A = 22\n", encoding="utf-8")
    assert buildcache._package_state() != before
