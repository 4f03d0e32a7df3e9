"""Each edition's accessibility statement, for the build's manifest (issue 23): the standards its PDF
declares — read from the PDF's own metadata, so a PDF Typst had to make without them says so — its
language, and which of the checks behind WCAG 2.1 AA passed, with the files that failed one."""

from __future__ import annotations

import re
from pathlib import Path

from ..model import Finding, Project

XMP = re.compile(rb"<(pdfaid:part|pdfaid:conformance|pdfuaid:part)>([0-9A-Za-z]{1,3})</")
PICTURES, CONTRAST = "a11y/missing-alt-text", "a11y/low-contrast"


def declared_standards(pdf: bytes) -> list[str]:
    """The standards a PDF's XMP metadata declares ("PDF/A-2a", "PDF/UA-1"), as Typst writes them (its
    metadata stream is not compressed)."""
    found = {key.decode(): value.decode() for key, value in XMP.findall(pdf)}
    standards = []
    if "pdfaid:part" in found:
        standards.append(f"PDF/A-{found['pdfaid:part']}{found.get('pdfaid:conformance', '').lower()}")
    if "pdfuaid:part" in found:
        standards.append(f"PDF/UA-{found['pdfuaid:part']}")
    return standards


def accessibility_statement(project: Project, outputs: list[Path], findings: list[Finding]) -> list[dict]:
    """One statement per edition among `outputs` (the build's files): its language, its DOCX and PDF, what
    the PDF declares against what report.yaml asks, and each check passed or failed (with the files that
    failed it: drafts with undescribed pictures, templates with faint text colours)."""
    editions: dict[str, dict[str, Path]] = {}
    for path in outputs:
        lang = _edition(project, path)
        if lang is not None:
            editions.setdefault(lang, {})[path.suffix[1:]] = path
    undescribed = sorted({f.path for f in findings if f.code == PICTURES})
    faint = sorted({f.path for f in findings if f.code == CONTRAST})
    asked = [_typst_name(name) for name in project.standards]
    statements = []
    for lang in [code for code in project.languages or [project.language] if code in editions]:
        files = editions[lang]
        declared = declared_standards(files["pdf"].read_bytes()) if "pdf" in files and files["pdf"].is_file() else []
        checks = [
            _check("pdf-standards", "the PDF declares the standards report.yaml asks for",
                   [s for s in asked if s not in declared] if "pdf" in files else []),
            _check("alt-text", "every picture described (WCAG 1.1.1)", undescribed),
            _check("contrast", "text colours contrast with their background (WCAG 1.4.3)", faint),
            _check("title-and-language", "title, language and date from report.yaml, text in another language "
                   "marked as such (WCAG 2.4.2, 3.1.1, 3.1.2)", []),
            _check("structure", "headings nested from level 1, pictures described or artifacts, tagged throughout "
                   "(PDF/UA-1)", [] if "PDF/UA-1" in declared or "pdf" not in files else [files["pdf"].name]),
        ]
        statements.append({"language": lang, "files": sorted(path.name for path in files.values()),
                           "aims_at": "WCAG 2.1 AA", "standards": declared, "checks": checks})
    return statements


def _edition(project: Project, path: Path) -> str | None:
    """The language of a report output (build/<slug>[.<lang>].<pdf|docx>), None for any other file."""
    if path.suffix not in (".pdf", ".docx") or not path.name.startswith(project.slug + "."):
        return None
    middle = path.name[len(project.slug):-len(path.suffix)]
    return middle[1:] if middle else project.source_language


def _typst_name(name: str) -> str:
    """Typst's name of a standard ("a-2a", "ua-1") as the PDF declares it ("PDF/A-2a", "PDF/UA-1")."""
    return f"PDF/{name[0].upper()}-{name[2:]}" if name.startswith("a-") else f"PDF/UA-{name[3:]}"


def _check(name: str, about: str, failed: list[str]) -> dict:
    return {"check": name, "about": about, "passed": not failed, "failed": failed}
