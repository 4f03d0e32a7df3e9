"""The plain data that flows through the phases: load → read → check → gate → assemble → render.

The project's own files (report, outline, terminology, workplan) become the
dataclasses below when loaded; the phases after that only pass them on.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import housestyle
from .errors import JointreportError

STATUSES = ("draft", "final", "cleared")
SEVERITIES = ("error", "warning", "info")
DRAFT_FORMATS = ("docx", "odt", "md")
STATEMENTS_DIR = "statements"
DEFAULT_PDF_STANDARDS = ("a-2a", "ua-1")  # archivable (PDF/A-2a) and accessible (PDF/UA-1), as Typst names them


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
    names: dict = field(default_factory=dict, compare=False)  # language → name, from report.yaml
    shorts: dict = field(default_factory=dict, compare=False)  # language → short name
    logo: str = ""  # a picture file of the project, relative to its root, shown on the cover
    article: str = ""  # what goes before the short name in a sentence: l', le, el ("l'OIT", "el PNUD")
    articles: dict = field(default_factory=dict, compare=False)  # language → article, from report.yaml

    def in_language(self, lang: str, fallback: str) -> Agency:
        return replace(self, name=pick(self.names, lang, fallback) or self.name,
                       short=pick(self.shorts, lang, fallback) or self.short, article=self.articles.get(lang, ""))


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
        """How a message names the section: 1.2 'Title'."""
        return f"{self.number} {self.title!r}" if self.number else repr(self.title)

    @property
    def heading(self) -> str:
        """How a report or an e-mail names the section: 1.2 Title."""
        return f"{self.number} {self.title}" if self.number else self.title

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


ACKNOWLEDGEMENTS = "acknowledgements"  # a matter id made from the drafts' authors when it has no text


@dataclass
class Matter:
    """An unnumbered piece before Part I (front: foreword, key messages…) or after the annexes (back)."""

    id: str
    title: str
    titles: dict = field(default_factory=dict)
    agreed: str | None = None  # an agreed block printed instead of chapters/<id>.md


SEPARATOR = r"[\s\-‐‑]+"  # "social-floor", "social floor" and "social\nfloor" are one variant
INFLECTION = r"(?P<suffix>'s|’s|s'|s’|es|s)?"


@dataclass(frozen=True)
class Term:
    """An agreed term and the variants drafts should no longer use."""

    preferred: str
    reject: tuple[str, ...]
    note: str = ""
    case_sensitive: bool = False
    lang: str = "en"
    gender: str = ""  # "m" or "f": the preferred term's, for the article before it (French, Spanish)
    translations: tuple[tuple[str, str], ...] = ()  # (language, the term's agreed translation)

    def translation(self, lang: str) -> str | None:
        return dict(self.translations).get(lang)

    @functools.cached_property
    def pattern(self) -> re.Pattern:
        """Any rejected variant, however it is hyphenated, inflected or broken over lines."""
        return self._compile(sorted(self.reject, key=len, reverse=True))

    @functools.cached_property
    def preferred_pattern(self) -> re.Pattern:
        """Where the preferred form already stands: a variant inside it ("Tanzania" in
        "United Republic of Tanzania") is not a variant."""
        return self._compile([self.preferred], flexible=False)

    def _compile(self, phrases: list[str], flexible: bool = True) -> re.Pattern:
        def phrase_pattern(phrase: str) -> str:
            words = re.split(SEPARATOR, phrase.strip())
            return SEPARATOR.join(map(re.escape, words)) if flexible else r"\s+".join(map(re.escape, phrase.split()))

        body = "|".join(phrase_pattern(p) for p in phrases)
        return re.compile(rf"(?<![\w\-‐‑])(?:{body}){INFLECTION}(?![\w\-‐‑])", 0 if self.case_sensitive else re.I)


@dataclass(frozen=True)
class AgreedBlock:
    id: str
    texts: dict  # language → the exact agreed text
    lang: str  # the language it was agreed in

    @property
    def text(self) -> str:
        return self.texts[self.lang]

    def text_in(self, lang: str) -> str | None:
        return self.texts.get(lang)


@dataclass
class Terminology:
    terms: list[Term] = field(default_factory=list)
    acronyms: dict[str, dict[str, str]] = field(default_factory=dict)  # acronym → language → expansion
    agreed: dict[str, AgreedBlock] = field(default_factory=dict)
    prefilters: dict = field(default_factory=dict, repr=False, compare=False)  # language → compiled, by terms.py

    def as_text(self) -> str:
        """Terms, acronyms and agreed text, written out: what the keys of work that depends on them hold."""
        return repr((self.terms, self.acronyms, self.agreed))

    def agreed_texts(self, lang: str) -> dict[str, str]:
        """Every agreed block in `lang`, or in the language it was agreed in where it has no translation."""
        return {ident: block.text_in(lang) or block.text for ident, block in self.agreed.items()}

    def expansion(self, acronym: str, lang: str) -> str | None:
        return self.acronyms.get(acronym, {}).get(lang)


@dataclass(frozen=True)
class Activity:
    """One line of the joint workplan annex."""

    title: str
    deliverable: str
    agencies: tuple[str, ...]
    start: dt.date  # first day of the first month
    end: dt.date  # first day of the last month
    milestone: str | None


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
    terminology: Terminology = field(default_factory=Terminology)
    due_soon_days: int = 14
    reminders: dict = field(default_factory=dict)  # from, base_url
    smtp: dict = field(default_factory=dict)  # host, port, user, tls: where `remind --send` sends
    workplan: list[Activity] = field(default_factory=list)  # the optional joint workplan annex
    date: dt.date | None = None  # publication date, shown on the cover
    languages: list[str] = field(default_factory=list)  # editions, the source language first
    texts: dict = field(default_factory=dict)  # title, subtitle, coalition, edition: language → text
    severities: dict[str, str] = field(default_factory=dict)  # report.yaml's findings: code → severity or off
    front: list[Matter] = field(default_factory=list)  # the outline's front matter, in order
    back: list[Matter] = field(default_factory=list)  # and its back matter
    copyright: dict = field(default_factory=dict)  # report.yaml's imprint (and copyright): key → language → text
    citation_style: str = ""  # a .csl file of the project, relative to its root; "" for pandoc's default
    logo: str = ""  # the coalition's logo, a picture file of the project relative to its root
    references: str = "end"  # where References lists go: "end" of the report, or each "chapter"'s end
    attribution: str = "line"  # "line" under the section heading, "margin" note, or "none"
    annex_dividers: bool = False  # annexes open after a full-page divider in the PDF, as parts do
    pdf_standards: tuple[str, ...] | None = None  # report.yaml's `pdf_standards`; None: not given (see `standards`)
    registers: dict = field(default_factory=dict)  # registers.Register by id: report.yaml's shared registers
    style: object = None  # style.Style: the house-style rules drafts are checked against (report.yaml's `style:`)

    @property
    def standards(self) -> tuple[str, ...]:
        """What every PDF is to declare, and Typst holds it to: report.yaml's `pdf_standards`, else PDF/A-2a
        and PDF/UA-1."""
        return DEFAULT_PDF_STANDARDS if self.pdf_standards is None else self.pdf_standards

    @property
    def source_language(self) -> str:
        return self.languages[0] if self.languages else self.language

    def in_language(self, lang: str) -> Project:
        """The project as seen from one language edition: titles and generated words in `lang`."""
        if lang == self.language:
            return self
        source = self.source_language

        def local(item):
            return replace(item, title=pick(item.titles, lang, source)) if item.titles else item

        parts = [replace(local(p), chapters=[replace(local(c), sections=[local(s) for s in c.sections])
                                             for c in p.chapters]) for p in self.parts]
        texts = {key: pick(value, lang, source) for key, value in self.texts.items()}
        agencies = {key: agency.in_language(lang, source) for key, agency in self.agencies.items()}
        return replace(self, parts=parts, language=lang, agencies=agencies, front=[local(m) for m in self.front],
                       back=[local(m) for m in self.back], **texts)

    @property
    def logo_files(self) -> list[Path]:
        """The cover's pictures: the coalition's logo first, then the agencies' in report.yaml's order."""
        names = [self.logo] + [agency.logo for agency in self.agencies.values()]
        return [self.root / name for name in names if name]

    @property
    def matter(self) -> list[Matter]:
        return self.front + self.back

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
        """A file of the report's look: the project's templates/<name> where it has one, else the built-in."""
        path = self.templates_dir / name
        if path.is_file():
            return path
        if path.exists() or path.is_symlink():
            raise JointreportError(f"templates/{name} is not a regular file: replace it by the file itself, "
                                   "or remove it to use jointreport's built-in one")
        return housestyle.builtin(name)

    def overrides(self, name: str) -> bool:
        """Whether the project's templates/ has its own `name` instead of the built-in one."""
        return self.template(name) != housestyle.builtin(name)

    def template_label(self, name: str) -> str:
        """How messages name the template file a person would fix."""
        return f"templates/{name}" if self.overrides(name) else f"jointreport's built-in {name}"


@dataclass(frozen=True)
class Place:
    """Where a finding belongs: the file a person opens, and the section and agency it concerns."""

    path: str
    section: str | None = None
    agency: str | None = None


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    path: str
    message: str
    section: str | None = None
    agency: str | None = None
    location: str | None = None
    rule: str | None = None  # a house-style finding's rule ("UN.PerCent")

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
            "rule": self.rule,
        }


