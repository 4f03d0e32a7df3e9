"""The build recipe, read top to bottom: check → assemble → render each format."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from .assemble import assemble
from .check import CheckResult
from .model import Project
from .render.docx import render_docx
from .render.pdf import render_pdf

RENDERERS = {"docx": render_docx, "pdf": render_pdf}
FORMATS = tuple(RENDERERS)


def output_path(project: Project, fmt: str) -> Path:
    return project.build_dir / f"{project.slug}.{fmt}"


def build_report(project: Project, checked: CheckResult, formats: list[str],
                 progress: Callable[[str], None] = lambda _: None) -> list[Path]:
    """Assemble the checked drafts and write one file per format; each write is atomic."""
    progress("assembling the report along the outline")
    document = assemble(project, checked.drafts)
    outputs = []
    for fmt in formats:
        path = output_path(project, fmt)
        progress(f"writing {path.relative_to(project.root)}")
        outputs.append(RENDERERS[fmt](document, path))
    return outputs
