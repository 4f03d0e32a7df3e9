"""The plain data that flows through the stages: intake → check → assemble → render."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import JointreportError

if TYPE_CHECKING:
    from .terminology import Terminology

STATUSES = ("draft", "final", "cleared")
SEVERITIES = ("error", "warning", "info")
DRAFT_FORMATS = ("docx", "odt", "md")


def status_rank(status: str) -> int:
    return STATUSES.index(status)


def pick(texts: dict[str, str], lang: str, fallback: str) -> str:
    """The text in `lang`, else the one given without a language, else the source language's."""
    for key in (lang, "", fallback):
        if texts.get(key):
            return texts[key]
    return next(iter(texts.values()), "")


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    short: str
    contact_name: str = ""
    contact_email: str = ""


@dataclass(frozen=True)
class Milestone:
    id: str
    title: str
    date: dt.date
    status: str


@dataclass
class Section:
    id: str
    title: str
    lead: str
    contributors: list[str]
    number: str
    chapter_id: str
    words: tuple[int, int] | None = None
    titles: dict = field(default_factory=dict)  # language → title, from the outline
    required: bool = True
    contributors_required: bool = False
    due: dict = field(default_factory=dict)  # milestone id → the section's own date for it

    @property
    def expected(self) -> list[str]:
        """The agencies whose drafts the section waits for: the lead, and the contributors if required."""
        return self.agencies if self.contributors_required else [self.lead]

    @property
    def label(self) -> str:
        return f"{self.number} {self.title!r}" if self.number else repr(self.title)

    @property
    def agencies(self) -> list[str]:
        """Lead first, then contributors in outline order: the order texts are merged in."""
        return [self.lead] + [a for a in self.contributors if a != self.lead]


@dataclass
class Chapter:
    id: str
    title: str
    number: str
    sections: list[Section]
    titles: dict = field(default_factory=dict)


@dataclass
class Part:
    id: str
    title: str
    numeral: str
    chapters: list[Chapter]
    titles: dict = field(default_factory=dict)


@dataclass
class Project:
    root: Path
    title: str
    subtitle: str
    coalition: str
    edition: str
    language: str
    agencies: dict[str, Agency]
    milestones: list[Milestone]
    parts: list[Part]
    slug: str = "report"
    terminology: "Terminology | None" = None  # load_project always sets one, empty when the project has none
    due_soon_days: int = 14
    reminders: dict = field(default_factory=dict)  # from, base_url
    workplan: list = field(default_factory=list)  # workplan.Activity, the optional joint workplan annex
    date: dt.date | None = None  # publication date, shown on the cover
    languages: list[str] = field(default_factory=list)  # editions, the source language first
    texts: dict = field(default_factory=dict)  # title, subtitle, coalition, edition: language → text

    @property
    def source_language(self) -> str:
        return self.languages[0] if self.languages else self.language

    def in_language(self, lang: str) -> "Project":
        """The project as seen from one language edition: titles and generated words in `lang`."""
        if lang == self.language:
            return self
        source = self.source_language

        def local(item):
            return replace(item, title=pick(item.titles, lang, source)) if item.titles else item

        parts = [replace(local(p), chapters=[replace(local(c), sections=[local(s) for s in c.sections])
                                             for c in p.chapters]) for p in self.parts]
        texts = {key: pick(value, lang, source) for key, value in self.texts.items()}
        return replace(self, parts=parts, language=lang, **texts)

    @property
    def chapters(self) -> list[Chapter]:
        return [c for p in self.parts for c in p.chapters]

    @property
    def sections(self) -> dict[str, Section]:
        return {s.id: s for c in self.chapters for s in c.sections}

    @property
    def contributions_dir(self) -> Path:
        return self.root / "contributions"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    def template(self, name: str) -> Path:
        """A file of the project's look (templates/…), which every build needs."""
        path = self.templates_dir / name
        if not path.is_file():
            raise JointreportError(f"templates/{name} is missing: copy it from jointreport's example project "
                                   "(the repository root) into this project's templates/ folder")
        return path


@dataclass(frozen=True)
class Metadata:
    status: str = "draft"
    submitted: dt.date | None = None
    version: str | None = None
    author: str | None = None


@dataclass
class Contribution:
    """One agency's draft file for one section, as found on disk."""

    path: Path
    agency: str
    section_id: str
    format: str
    relpath: str
    meta: Metadata = field(default_factory=Metadata)
    lang: str = ""  # the language the draft is written in; set at discovery

    def finding(self, code: str, severity: str, message: str, location: str | None = None) -> "Finding":
        return Finding(code, severity, self.relpath, message, section=self.section_id, agency=self.agency, location=location)


def file_finding(path: str):
    """A finding factory for a file that is not an agency's draft (an editors' chapter introduction)."""

    def make(code: str, severity: str, message: str, location: str | None = None) -> "Finding":
        return Finding(code, severity, path, message, location=location)

    return make


@dataclass
class Draft:
    """A contribution converted to pandoc's AST (blocks), with its media on disk."""

    contribution: Contribution
    blocks: list
    media_dir: Path
    words: int
    tracked_changes: dict[str, int] = field(default_factory=dict)
    comments: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    path: str
    message: str
    section: str | None = None
    agency: str | None = None
    location: str | None = None

    def sort_key(self) -> tuple:
        place = tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", self.location or ""))
        return (self.agency or "", self.path, SEVERITIES.index(self.severity), self.code, place, self.message)

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "path": self.path,
            "section": self.section,
            "agency": self.agency,
            "location": self.location,
            "message": self.message,
        }


@dataclass(frozen=True)
class Change:
    """One harmonisation the build made to the assembled report (never to the draft itself)."""

    path: str
    location: str
    before: str
    after: str


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    identifier: str


@dataclass
class Document:
    """The assembled report: one pandoc AST plus what the renderers need around it."""

    project: Project
    blocks: list
    headings: list[Heading]
    media: dict[str, Path]
    is_draft: bool
    changes: list[Change] = field(default_factory=list)
