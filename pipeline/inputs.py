"""What the read phase hands forward: each draft file found (`Contribution`), converted (`Draft`) with
what was measured inside it, the editors' texts and statements, and all of it together (`Sources`)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .model import STATEMENTS_DIR, Finding, Place, Section


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
    sha256: str | None = None  # of the bytes intake read; set when read

    @property
    def place(self) -> Place:
        return Place(self.relpath, self.section_id, self.agency)


@dataclass(frozen=True)
class Spot:
    """A place in a Word draft a person can find ('paragraph 12 ("first words…")'), with how many words
    are concerned and a detail (a picture's file name, a heading's level)."""

    location: str
    words: int = 0
    detail: str = ""


@dataclass
class WordAudit:
    """What intake measured inside a Word draft, for the checks to report: its words in the file and in
    the converted draft, where words went missing, and the features an agency should know about."""

    words_in: int = 0  # words in every text-bearing part of the file
    words_out: int = 0  # words that reached the converted draft
    lost_words: int = 0  # words missing beyond the 2 % allowance (0 when within it)
    lost: list[Spot] = field(default_factory=list)  # the paragraphs most of whose words went missing
    text_boxes: list[Spot] = field(default_factory=list)  # moved into the body after their paragraph
    linked_images: list[Spot] = field(default_factory=list)  # detail: where the picture is linked to
    unsupported_images: list[Spot] = field(default_factory=list)  # EMF/WMF left unconverted; detail: part
    off_style_headings: list[Spot] = field(default_factory=list)  # detail: the level they were given
    macros: bool = False
    strict: bool = False  # saved as Strict Open XML, read after renaming its vocabularies
    unidentified_citations: list[Spot] = field(default_factory=list)  # detail: the citation manager
    reference_lists: list[Spot] = field(default_factory=list)  # a citation manager's own list, left out
    smartart: list[Spot] = field(default_factory=list)  # SmartArt whose text became a list
    embedded_objects: list[Spot] = field(default_factory=list)  # detail: its kind; words: 1 if a picture shows it
    contents: list[Spot] = field(default_factory=list)  # the draft's own table of contents, left out; words: lines


@dataclass
class Comment:
    """A reviewer's comment in a draft, for the comment–response matrix."""

    id: str  # stable: made from the file, author, date and text
    author: str
    date: str  # YYYY-MM-DD, or "" when the file gives none
    text: str
    location: str  # 'paragraph N ("first words…")'
    anchored_to: str  # the words the comment is attached to
    reply_to: str = ""  # the id of the comment it answers


@dataclass
class Responses:
    """A filled-in comment–response matrix: comment id → (response, action)."""

    label: str  # the file, as a person named it
    answers: dict[str, tuple[str, str]]


@dataclass
class Draft:
    """A contribution converted to pandoc's AST (blocks), with its media on disk. What most checks need was
    measured on conversion and kept with it (words, characters, first heading…), so a draft read from the
    cache has its blocks read only when a check or the assembly asks for them."""

    contribution: Contribution
    read_blocks: Callable[[], list]  # its blocks, from the conversion cache (see `blocks`)
    media_dir: Path
    words: int
    source: str | None = None  # a Markdown draft's text, to point at its lines
    tracked_changes: dict[str, int] = field(default_factory=dict)
    comments: dict[str, int] = field(default_factory=dict)
    first_change: str | None = None  # where the first tracked change is, for a person to find it
    threads: list[Comment] = field(default_factory=list)  # reviewers' comments and replies, in order
    audit: WordAudit | None = None  # a Word draft's words and features, as intake measured them
    pictures: dict[str, tuple[str, str]] = field(default_factory=dict)  # source → (code, why) it cannot be shown
    issues: list = field(default_factory=list)  # normalise.Issue: what the assembly will have to neutralise
    references: list[dict] = field(default_factory=list)  # CSL JSON of the citations a Word draft embeds
    xref_targets: list[str] = field(default_factory=list)  # what its cross-references may name (numbering.targets)
    xref_keys: list[str] = field(default_factory=list)  # what its cross-references name, in reading order
    characters: str = ""  # every character its text uses, once each (what the PDF's fonts must have)
    opening: str | None = None  # the words of its first heading, when it opens with one

    @functools.cached_property
    def blocks(self) -> list:
        """pandoc's blocks, read once when first asked for; shared, so never changed (passes copy them)."""
        return self.read_blocks()


def drafts_in_order(section: Section, drafts: list[Draft]) -> list[Draft]:
    """The section's drafts in reading order: the lead's first, then the contributors' in outline order."""
    mine = [d for d in drafts if d.contribution.section_id == section.id and d.contribution.agency in section.agencies]
    return sorted(mine, key=lambda d: section.agencies.index(d.contribution.agency))


@dataclass(frozen=True)
class StatementFile:
    """One language edition of a joint statement as intake read it: statements/<id>[.<lang>].md."""

    id: str
    lang: str
    path: Path
    text: str

    @property
    def relpath(self) -> str:
        return f"{STATEMENTS_DIR}/{self.path.name}"

    @property
    def place(self) -> Place:
        return Place(self.relpath)


@dataclass
class ChapterIntro:
    """An editors' text in one language, chapters/<id>[.<lang>].md, converted: a chapter's introduction,
    or a piece of the front or back matter (`chapter_id` is then the piece's id)."""

    chapter_id: str
    lang: str
    relpath: str
    blocks: list
    media_dir: Path
    source: str
    pictures: dict[str, tuple[str, str]] = field(default_factory=dict)  # source → (code, why) it cannot be shown

    @property
    def place(self) -> Place:
        return Place(self.relpath)


@dataclass
class InputFile:
    """A file under contributions/ as intake found it, for the build's manifest."""

    relpath: str
    ignored: str = ""  # why it is no draft at all (a lock file, a system file, a sidecar…), or ""
    sha256: str | None = None


@dataclass
class Sources:
    """Everything the read phase found, for the checks, the assembly and the status board."""

    contributions: list[Contribution]  # every draft file with a usable name, metadata read
    drafts: list[Draft] = field(default_factory=list)  # those that converted
    intros: dict[tuple[str, str], ChapterIntro] = field(default_factory=dict)  # (chapter id, language) →
    statements: dict[str, dict[str, StatementFile]] = field(default_factory=dict)  # id → language →
    submitted: dict[Path, dt.date] = field(default_factory=dict)  # when each draft arrived (editors' text: changed)
    findings: list[Finding] = field(default_factory=list)  # what could not be read, and why
    responses: Responses | None = None  # a filled-in comment–response matrix, when one is given
    files: list[InputFile] = field(default_factory=list)  # every file under contributions/, for the manifest
    bibliography: object | None = None  # bibliography.Bibliography: every reference merged into one list
    registers: list = field(default_factory=list)  # registers.Sheet: each agency's rows of each register
    translations: dict = field(default_factory=dict)  # (agency, section, lang) → translation.records.Record
    templates: dict[str, bytes] = field(default_factory=dict)  # the project's own look files (templates/<name>)

