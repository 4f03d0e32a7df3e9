"""What is translated, one package each: an agency's source draft (contributions/<agency>/<section>.<ext>),
or an editors' text (chapters/<id>.md: a chapter's introduction, a piece of the front or back matter);
and where its translation is written.

A draft's translation is written as the draft was sent (Markdown stays Markdown; a Word or ODT draft
becomes a Word file, its pictures inside); an editors' text's is chapters/<id>.<lang>.md, without front
matter (intake reads those texts whole).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..files import decode_text, guarded_read
from ..inputs import ChapterIntro, Draft, Metadata
from ..model import Project
from . import records
from .xliff import Package


@dataclass
class Original:
    """One source version to translate: its package, blocks and pictures, and what its translation keeps."""

    package: Package
    blocks: list
    media_dir: Path
    format: str = "md"  # the source's: md, docx or odt
    meta: Metadata | None = None  # a draft's front matter; None for an editors' text (written without)
    references: list[dict] = field(default_factory=list)  # the works a Word draft embeds (CSL JSON)

    @property
    def editors(self) -> bool:
        return self.package.agency == records.EDITORS

    @property
    def fmt(self) -> str:
        """The translation's format."""
        return "md" if self.format == "md" else "docx"

    @property
    def target(self) -> str:
        """The translation's path in the project."""
        package = self.package
        if self.editors:
            return f"chapters/{package.section}.{package.lang}.md"
        return f"contributions/{package.agency}/{package.section}.{package.lang}.{self.fmt}"

    def others(self) -> list[str]:
        """The translation's paths in the other formats: a translation sent before in another one, replaced."""
        if self.editors:
            return []
        return [f"contributions/{self.package.agency}/{self.package.section}.{self.package.lang}.{fmt}"
                for fmt in ("md", "docx", "odt") if fmt != self.fmt]


def of_draft(draft: Draft, source_lang: str, lang: str) -> Original:
    source = draft.contribution
    return Original(Package(source.agency, source.section_id, source.relpath, source.sha256, source_lang, lang),
                    draft.blocks, draft.media_dir, source.format, source.meta, draft.references)


def of_text(text: ChapterIntro, source_lang: str, lang: str) -> Original:
    return Original(Package(records.EDITORS, text.chapter_id, text.relpath, records.text_sha256(text.source),
                            source_lang, lang), text.blocks, text.media_dir)


def version_bytes(project: Project, original: Original) -> bytes:
    """The exported version's bytes, to keep in translations/sources/; ValueError if it changed meanwhile."""
    package = original.package
    data = guarded_read(project.root / package.source, records.MAX_SOURCE_BYTES)
    if original.editors:
        data = decode_text(data).encode("utf-8")
    if hashlib.sha256(data).hexdigest() != package.sha256:
        raise ValueError(f"{package.source} changed while it was exported; export again")
    return data
