"""The build recipe, read top to bottom: check → assemble → render each format."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Callable

from .assemble import assemble
from .check import CheckResult
from .model import Document, Draft, Project
from .render import write_atomically
from .render.docx import render_docx
from .render.pdf import render_pdf

RENDERERS = {"docx": render_docx, "pdf": render_pdf}
FORMATS = tuple(RENDERERS)


def output_path(project: Project, suffix: str) -> Path:
    """build/<slug>.docx for the source language, build/<slug>.fr.docx for the French edition."""
    lang = "" if project.language == project.source_language else f".{project.language}"
    return project.build_dir / f"{project.slug}{lang}.{suffix}"


def edition_drafts(project: Project, drafts: list[Draft], lang: str) -> list[Draft]:
    """Each draft in `lang` where it has been translated, else in the source language."""
    chosen: dict[tuple[str, str], Draft] = {}
    for draft in drafts:
        key = (draft.contribution.agency, draft.contribution.section_id)
        if draft.contribution.lang == lang or (key not in chosen and draft.contribution.lang == project.source_language):
            chosen[key] = draft
    return list(chosen.values())


def build_report(project: Project, checked: CheckResult, formats: list[str], languages: list[str],
                 harmonize: bool = True, progress: Callable[[str], None] = lambda _: None) -> list[Path]:
    """For each language edition: assemble the checked drafts, write one file per format and the
    list of terminology changes; each write is atomic."""
    outputs = []
    for lang in languages:
        edition = project.in_language(lang)
        progress(f"assembling the {lang} edition along the outline")
        document = assemble(edition, edition_drafts(project, checked.drafts, lang), harmonize)
        for fmt in formats:
            path = output_path(edition, fmt)
            progress(f"writing {path.relative_to(project.root)}")
            outputs.append(RENDERERS[fmt](document, path))
        outputs.append(write_changes(document, output_path(edition, "terminology.csv")))
    return outputs


def write_changes(document: Document, path: Path) -> Path:
    """Every harmonisation made to the report, so editors can review what the build changed."""
    table = io.StringIO()
    writer = csv.writer(table, lineterminator="\n")
    writer.writerow(["file", "location", "before", "after"])
    writer.writerows((c.path, c.location, c.before, c.after) for c in document.changes)
    write_atomically(path, table.getvalue().encode("utf-8"))
    return path
