"""A report's language editions: which to build, which draft each section takes in each, and where each
edition's files go."""

from __future__ import annotations

from pathlib import Path

from .errors import OptionError
from .inputs import Draft
from .model import Project


def editions(project: Project, lang: str | None) -> list[str]:
    """The language editions to build: the source language by default, every one for 'all'."""
    if lang in (None, project.source_language):
        return [project.source_language]
    if lang == "all":
        return project.languages
    if lang not in project.languages:
        raise OptionError("--lang", f"choose one of {', '.join(project.languages)} or all (report.yaml's languages)")
    return [lang]


def edition_drafts(project: Project, drafts: list[Draft], lang: str) -> list[Draft]:
    """Each draft in `lang` where it has been translated, else in the source language."""
    chosen: dict[tuple[str, str], Draft] = {}
    for draft in drafts:
        key = (draft.contribution.agency, draft.contribution.section_id)
        language = draft.contribution.lang
        if language == lang or (key not in chosen and language == project.source_language):
            chosen[key] = draft
    return list(chosen.values())


def output_path(project: Project, suffix: str) -> Path:
    """build/<slug>.docx for the source language, build/<slug>.fr.docx for the French edition; the web
    edition's landing page, build/html/<lang>/index.html, for "html"."""
    if suffix == "html":
        return project.build_dir / "html" / project.language / "index.html"
    lang = "" if project.language == project.source_language else f".{project.language}"
    return project.build_dir / f"{project.slug}{lang}.{suffix}"
