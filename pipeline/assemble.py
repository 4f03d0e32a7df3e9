"""Assemble: merge the converted drafts into one pandoc AST along the outline.

Each draft was converted alone (pandoc given several DOCX at once overwrites
same-named media); here their ASTs are joined so that nothing collides:
identifiers get a per-contribution prefix, headings are shifted under their
section heading, images are renamed by content hash. Footnotes are inline
`Note` elements in the AST, so they cannot collide.
"""

from __future__ import annotations

import copy
import hashlib
import re
from pathlib import Path

from pandocfilters import BulletList, Div, Emph, Header, Para, Plain, Space, Str, Strong, walk

from .intake import DraftCache
from .model import Chapter, Document, Draft, Heading, Part, Project, Section
from .timeline import is_draft_report

SECTION_LEVEL = 3  # parts 1, chapters 2, sections 3: the agencies' own headings start at 4
MAX_LEVEL = 6
IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".emf", ".wmf", ".tif", ".tiff", ".bmp"}
# Where each element keeps its Attr ([id, classes, key-values]) in pandoc's JSON.
ATTR_INDEX = {"Header": 1, "Div": 0, "Span": 0, "CodeBlock": 0, "Code": 0, "Image": 0, "Link": 0, "Table": 0, "Figure": 0}
DRAFT_MARK = "DRAFT – not for circulation"


def inlines(text: str) -> list:
    words = text.split()
    result = []
    for i, word in enumerate(words):
        if i:
            result.append(Space())
        result.append(Str(word))
    return result


def anchor(*parts: str) -> str:
    """An identifier Word accepts as a bookmark name: letters, digits, underscores, ≤ 40 characters."""
    ident = re.sub(r"[^A-Za-z0-9_]", "_", "_".join(parts))
    if not ident[:1].isalpha():
        ident = "x" + ident
    if len(ident) > 40:
        ident = ident[:31] + "_" + hashlib.sha1(ident.encode()).hexdigest()[:8]
    return ident


def styled(style_class: str, blocks: list) -> dict:
    """A block group carrying a semantic class; each renderer maps the class to its own styling."""
    return Div(["", [style_class], []], blocks)


class Assembler:
    def __init__(self, project: Project, drafts: list[Draft]):
        self.project = project
        self.drafts = drafts
        self.cache = DraftCache.of(project)
        self.headings: list[Heading] = []
        self.media: dict[str, Path] = {}

    def heading(self, level: int, text: str, ident: str, classes: list[str] | None = None) -> dict:
        self.headings.append(Heading(level, text, ident))
        return Header(level, [ident, classes or [], []], inlines(text))

    def document(self) -> Document:
        blocks = []
        for part in self.project.parts:
            blocks += self.part(part)
        blocks += self.annex()
        return Document(
            project=self.project, blocks=blocks, headings=self.headings, media=self.media,
            is_draft=is_draft_report(self.project, self.drafts),
        )

    def part(self, part: Part) -> list:
        blocks = [self.heading(1, f"Part {part.numeral}: {part.title}", anchor("part", part.id), ["part"])]
        for chapter in part.chapters:
            blocks += self.chapter(chapter)
        return blocks

    def chapter(self, chapter: Chapter) -> list:
        title = f"{chapter.number}. {chapter.title}" if chapter.number else chapter.title
        blocks = [self.heading(2, title, anchor("ch", chapter.id), ["chapter"])]
        intro = self.project.root / "chapters" / f"{chapter.id}.md"
        if intro.is_file() and not intro.is_symlink():
            intro_blocks, entry = self.cache.convert(intro, "md")
            blocks.append(styled("chapter-intro", self.adopt(intro_blocks, entry, anchor("intro", chapter.id), 0)))
        for section in chapter.sections:
            blocks += self.section(section)
        return blocks

    def section(self, section: Section) -> list:
        title = f"{section.number} {section.title}" if section.number else section.title
        blocks = [self.heading(SECTION_LEVEL, title, anchor("sec", section.id), ["section"])]
        texts = sorted((d for d in self.drafts if d.contribution.section_id == section.id),
                       key=lambda d: section.agencies.index(d.contribution.agency))
        agencies = self.project.agencies
        if not texts:
            return blocks + [styled("missing", [Para(inlines(
                f"This section is awaited from {agencies[section.lead].short}."))])]
        names = [agencies[d.contribution.agency].short for d in texts]
        credit = f"Contributed by {names[0]}" + (f" with {_join_names(names[1:])}" if len(names) > 1 else "")
        blocks.append(styled("attribution", [Para(inlines(credit))]))
        for draft in texts:
            if len(texts) > 1:
                blocks.append(styled("contribution-from", [Para(inlines(
                    f"Contribution from {agencies[draft.contribution.agency].name}"))]))
            prefix = anchor(section.id, draft.contribution.agency)
            blocks += self.adopt(draft.blocks, draft.media_dir, prefix, SECTION_LEVEL + 1)
        return blocks

    def adopt(self, blocks: list, media_root: Path, prefix: str, top_level: int) -> list:
        """Make one converted file's blocks safe to merge: prefixed ids, shifted headings, own media."""
        blocks = copy.deepcopy(blocks)
        levels = [b["c"][0] for b in _headers(blocks)]
        shift = (top_level - min(levels)) if levels and top_level else 0

        def fix(key, value, fmt, meta):
            if key in ("RawBlock", "RawInline"):
                return []  # drafts must not smuggle raw Word XML or Typst code into the outputs
            if key in ATTR_INDEX:
                attr = value[ATTR_INDEX[key]]
                if attr[0]:
                    attr[0] = anchor(prefix, attr[0])
            if key == "Header":
                value[0] = min(MAX_LEVEL, max(top_level, value[0] + shift))
            elif key == "Link" and value[2][0].startswith("#"):
                value[2][0] = "#" + anchor(prefix, value[2][0][1:])
            elif key == "Image":
                return self.image(value, media_root)
            elif key in ("Figure", "Table"):
                _drop_caption_label(value[1])
            return None

        return walk(blocks, fix, "", {})

    def image(self, value: list, media_root: Path):
        """Copy an embedded image under a content-hash name; anything else becomes its description."""
        attr, alt, (src, title) = value
        path = (media_root / src).resolve()
        inside = media_root.resolve() in path.parents
        if not (inside and path.is_file() and path.suffix.lower() in IMAGE_TYPES):
            return Emph([Str("[image"), Space(), Str("not"), Space(), Str("embedded]")] + ([Space()] + alt if alt else []))
        name = hashlib.sha256(path.read_bytes()).hexdigest()[:20] + path.suffix.lower()
        self.media[name] = path
        return {"t": "Image", "c": [attr, alt, [f"media/{name}", title]]}

    def annex(self) -> list:
        blocks = [self.heading(1, "Annex: Contributors", anchor("annex"), ["part", "annex"])]
        blocks.append(Para(inlines(
            "The agencies below drafted the sections of this report. The lead agency of each section "
            "is named first in the section's attribution line.")))
        sections = self.project.sections
        for agency_id, agency in self.project.agencies.items():
            mine = [d.contribution.section_id for d in self.drafts if d.contribution.agency == agency_id]
            if not mine:
                continue
            items = []
            for section in (sections[s] for s in sections if s in mine):
                role = "lead" if section.lead == agency_id else "contributor"
                items.append([Plain(inlines(f"{section.number} {section.title} ({role})".strip()))])
            blocks.append(styled("annex-entry", [Para([Strong(inlines(f"{agency.name} ({agency.short})"))]),
                                                  BulletList(items)]))
        return blocks


CAPTION_LABEL = re.compile(r"^(figure|fig\.|table|chart|graph|box)(\s*[\dIVX]+[.:]?)?[:.]?$", re.I)


def _drop_caption_label(caption: list) -> None:
    """'Figure: Costs…' → 'Costs…': both outputs number captions themselves ("Figure 3: Costs…")."""
    blocks = caption[1]
    if not blocks or blocks[0]["t"] not in ("Plain", "Para"):
        return
    words = blocks[0]["c"]
    for end in (1, 3):  # "Figure:" or "Figure 3:"
        label = "".join(w.get("c", " ") if w["t"] == "Str" else " " for w in words[:end])
        if len(words) > end and CAPTION_LABEL.match(label) and label.rstrip()[-1:] in ":.":
            del words[:end + (1 if words[end]["t"] == "Space" else 0)]
            return


def _headers(blocks: list) -> list:
    found = []

    def collect(key, value, fmt, meta):
        if key == "Header":
            found.append({"t": key, "c": value})
        if key == "Note":
            return []  # headings inside footnotes do not set the draft's top level
        return None

    walk(copy.deepcopy(blocks), collect, "", {})
    return found


def _join_names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def assemble(project: Project, drafts: list[Draft]) -> Document:
    return Assembler(project, drafts).document()
