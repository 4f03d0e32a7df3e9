"""The build recipe, read top to bottom: check → assemble → render each format."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Callable

from .assemble import assemble
from .check import CheckResult
from .model import Document, Project
from .render import write_atomically
from .render.docx import render_docx
from .render.pdf import render_pdf

RENDERERS = {"docx": render_docx, "pdf": render_pdf}
FORMATS = tuple(RENDERERS)


def output_path(project: Project, fmt: str) -> Path:
    return project.build_dir / f"{project.slug}.{fmt}"


def build_report(project: Project, checked: CheckResult, formats: list[str], harmonize: bool = True,
                 progress: Callable[[str], None] = lambda _: None) -> list[Path]:
    """Assemble the checked drafts and write one file per format, plus the list of
    terminology changes; each write is atomic."""
    progress("assembling the report along the outline")
    document = assemble(project, checked.drafts, harmonize)
    outputs = []
    for fmt in formats:
        path = output_path(project, fmt)
        progress(f"writing {path.relative_to(project.root)}")
        outputs.append(RENDERERS[fmt](document, path))
    outputs.append(write_changes(document, project.build_dir / f"{project.slug}.terminology.csv"))
    return outputs


def write_changes(document: Document, path: Path) -> Path:
    """Every harmonisation made to the report, so editors can review what the build changed."""
    table = io.StringIO()
    writer = csv.writer(table, lineterminator="\n")
    writer.writerow(["file", "location", "before", "after"])
    writer.writerows((c.path, c.location, c.before, c.after) for c in document.changes)
    write_atomically(path, table.getvalue().encode("utf-8"))
    return path
