"""The assemble phase: merge the converted drafts into one pandoc AST along the outline.

Each draft was converted alone (pandoc given several DOCX at once overwrites
same-named media); here their ASTs are joined so that nothing collides:
identifiers get a per-contribution prefix, headings are shifted under their
section heading, images are renamed by content hash. Footnotes are inline
`Note` elements in the AST, so they cannot collide.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from pandocfilters import BulletList, Emph, Header, Para, Plain, Space, Str, Strong

from . import i18n
from .agreed import expand
from .articles import contracted, with_article
from .bibliography import cited_keys, render_citations
from .blocks import anchor, repeats_title, simple_table, styled
from .buildcache import Store
from .document import Change, Document, Heading
from .figurerefs import KINDS, TYPED_KEY, refer_by_number
from .files import media_name
from .i18n import join_names, short_month_year, words
from .imprint import imprint_blocks
from .inputs import ChapterIntro, Draft, drafts_in_order
from .model import ACKNOWLEDGEMENTS, Activity, Chapter, Matter, Part, Project, Section
from .normalise import ATTR_INDEX, DRAFT_CLASS, neutralise, picture_problem
from .numbering import NUMBER_KEY, adopt_references, number
from .pandoc import markdown_blocks
from .registers.annex import register_annexes
from .returns.answers import keeper, kept_as_written
from .style.fixes import house_style
from .tablefit import fit_tables
from .terms import acronyms_in, expansions, harmonise
from .textruns import Locator, inlines
from .tree import stringify, visit

ADOPTED = frozenset(ATTR_INDEX) | {"RawBlock", "RawInline"}  # what adopting a file changes

SECTION_LEVEL = 3  # parts 1, chapters 2, sections 3: the agencies' own headings start at 4
UNTRANSLATED = "untranslated"  # the class of the note before a draft shown in the source language
MAX_LEVEL = 6


@dataclass(frozen=True)
class Origin:
    """The file a block list came from, for harmonisation records."""

    relpath: str
    source: str | None  # a Markdown file's text, so records can give its line
    lang: str  # the language the file is written in, which decides the terms that apply


class Assembler:
    def __init__(self, project: Project, drafts: list[Draft], intros: dict, is_draft: bool, harmonize: bool = True,
                 bibliography=None, registers: list | None = None):
        self.project = project
        self.registers = registers or []  # registers.Sheet: the agencies' rows, printed as annexes
        self.bibliography = bibliography  # the merged references (bibliography.Bibliography), or None
        self.drafts = drafts
        self.intros = intros
        self.is_draft = is_draft
        self.harmonize = harmonize
        self.terminology = project.terminology
        self.headings: list[Heading] = []
        self.media: dict[str, Path] = {}
        self.changes: list[Change] = []
        self.mentioned: set[str] = set()  # acronyms and agencies' short names the adopted files use
        self.agreed_texts = self.terminology.agreed_texts(project.language)
        self.kept = kept_as_written(project, drafts)  # fixes an agency rejected, until an editor decides
        self.agreed_blocks = {ident: markdown_blocks(text, verbatim=True) for ident, text in self.agreed_texts.items()}
        folder = project.build_dir / ".cache" / "prepared" / (project.language + ("" if harmonize else "-as-written"))
        self.prepared = Store(folder, json.dumps(
            [project.language, harmonize, [a.short for a in project.agencies.values()], self.terminology.as_text(),
             [bibliography.entries, sorted(map(list, bibliography.keys.items()))] if bibliography else None]))
        self.house = house_style(project, drafts, intros, self.prepared) if harmonize else None  # style.fixes

    def say(self, key: str, **values) -> str:
        """A generated phrase in the edition's language."""
        return i18n.text(self.project.language, key, **values)

    def heading(self, level: int, text: str, ident: str, classes: list[str] | None = None, num: str = "") -> dict:
        self.headings.append(Heading(level, text, ident))
        return Header(level, [ident, classes or [], [[NUMBER_KEY, num]] if num else []], inlines(text))

    def document(self) -> Document:
        front = [block for matter in self.project.front for block in self.matter(matter)]
        blocks = []
        for part in self.project.parts:
            blocks += self.part(part)
        changes = self.changes if self.harmonize else None  # their text cells harmonised like the drafts
        registers = register_annexes(self.project, self.registers, self.heading, changes)
        blocks += self.workplan_annex() + registers + self.annex()
        blocks += [block for matter in self.project.back for block in self.matter(matter)]
        blocks = self.references(front + blocks)
        blocks, captions = number(self.copyright() + self.abbreviations(blocks) + blocks, self.project.language)
        self.changes += refer_by_number(blocks, self.project.language,
                                        lambda kind, num: f"{self.say(kind)} {num}")
        self.prepared.prune()
        return Document(
            project=self.project, blocks=blocks, headings=self.headings,
            media=self.media, is_draft=self.is_draft, changes=self.changes, captions=captions,
        )

    def mentions(self, blocks: list) -> list[str]:
        """The glossary's acronyms and the agencies' upper-case short names that `blocks` use."""
        text = stringify(blocks)
        agencies = {a.short for a in self.project.agencies.values()
                    if a.short.isupper() and len(a.short) > 1 and re.search(rf"\b{re.escape(a.short)}\b", text)}
        return sorted(acronyms_in(self.terminology, text) | agencies)

    def abbreviations(self, blocks: list) -> list:
        """The front matter's list of the acronyms the report actually uses, agencies' included: those of
        each adopted file (found when it was adopted) and those of the text the assembly wrote itself."""
        outside = [b for b in blocks if not (b["t"] == "Div" and DRAFT_CLASS in b["c"][0][1])]
        mentioned = self.mentioned | set(self.mentions(outside))
        used = expansions(self.terminology, mentioned & set(self.terminology.acronyms), self.project.language,
                          self.project.source_language)
        used.update({a.short: a.name for a in self.project.agencies.values() if a.short in mentioned})
        if not used:
            return []
        title = self.say("abbreviations")
        self.headings.insert(0, Heading(2, title, "abbreviations"))
        rows = [(acronym, used[acronym]) for acronym in sorted(used)]
        return [Header(2, ["abbreviations", ["front"], []], inlines(title)),
                simple_table((self.say("abbreviation"), self.say("meaning")), rows, widths=(0.22, 0.78))]

    def copyright(self) -> list:
        """The imprint in the edition's language (see imprint.py); each renderer places it."""
        return imprint_blocks(self.project)

    def matter(self, matter: Matter) -> list:
        """A foreword, key messages, acknowledgements…: an unnumbered chapter whose text is the editors'
        file, an agreed block verbatim, or — acknowledgements without either — the drafts' authors."""
        ident = anchor("matter", matter.id)
        blocks = [self.heading(2, matter.title, ident, ["chapter", "matter"])]
        text = self.intros.get((matter.id, self.project.language)) or self.intros.get(
            (matter.id, self.project.source_language))
        if matter.agreed in self.agreed_blocks:
            blocks.append(styled("agreed", copy.deepcopy(self.agreed_blocks[matter.agreed])))
        elif text:
            origin = Origin(text.relpath, text.source, text.lang)
            adopted = self.adopt(text, text.media_dir, ident, 0, origin, self.cites(text.relpath, None))
            blocks.append(from_file(text.relpath, adopted, text.lang))
        elif matter.id == ACKNOWLEDGEMENTS:
            blocks += self.acknowledgements()
        return self.chapter_references(blocks, ident)

    def acknowledgements(self) -> list:
        """The authors the drafts name (their `author` metadata), by agency in report.yaml's order."""
        items = []
        for agency_id, agency in self.project.agencies.items():
            authors = sorted({d.contribution.meta.author for d in self.drafts
                              if d.contribution.agency == agency_id and d.contribution.meta.author})
            if authors:
                items.append([Plain([Strong(inlines(agency.name)), Str(":"), Space()] + inlines(", ".join(authors)))])
        return [Para(inlines(self.say("acknowledgements_intro"))), BulletList(items)] if items else []

    def part(self, part: Part) -> list:
        blocks = [self.heading(1, self.say("part", numeral=part.numeral, title=part.title), anchor("part", part.id),
                               ["part"])]
        for chapter in part.chapters:
            blocks += self.chapter(chapter)
        return blocks

    def chapter(self, chapter: Chapter) -> list:
        title = f"{chapter.number}. {chapter.title}" if chapter.number else chapter.title
        blocks = [self.heading(2, title, anchor("ch", chapter.id), ["chapter"], str(chapter.number or ""))]
        intro = self.intros.get((chapter.id, self.project.language)) or self.intros.get(
            (chapter.id, self.project.source_language))
        if intro:
            origin = Origin(intro.relpath, intro.source, intro.lang)
            adopted = self.adopt(intro, intro.media_dir, anchor("intro", chapter.id), 0, origin,
                                 self.cites(intro.relpath, None))
            blocks.append(from_file(intro.relpath, [styled("chapter-intro", adopted)], intro.lang))
        for section in chapter.sections:
            blocks += self.section(section)
        return self.chapter_references(blocks, anchor("ch", chapter.id))

    def section(self, section: Section) -> list:
        blocks = [self.heading(SECTION_LEVEL, section.heading, anchor("sec", section.id), ["section"],
                               str(section.number or ""))]
        texts = drafts_in_order(section, self.drafts)
        agencies = self.project.agencies
        if not texts:
            lead = agencies[section.lead]
            return blocks + [styled("missing", [Para(inlines(contracted(
                self.say("awaited", short=with_article(lead.article, lead.short)), self.project.language)))])]
        lang = self.project.language
        names = [with_article(agencies[d.contribution.agency].article, agencies[d.contribution.agency].short)
                 for d in texts]
        who = names[0] if len(names) == 1 else self.say("with", lead=names[0], others=join_names(names[1:], lang))
        credit = contracted(self.say("contributed_by", names=who), lang)
        if self.project.attribution != "none":  # the contributors annex says who wrote what in any case
            style = "attribution-margin" if self.project.attribution == "margin" else "attribution"
            blocks.append(styled(style, [Para(inlines(credit))]))
        for draft in texts:
            if len(texts) > 1:
                blocks.append(styled("contribution-from", [Para(inlines(
                    self.say("contribution_from", name=agencies[draft.contribution.agency].name)))]))
            prefix = anchor(section.id, draft.contribution.agency)
            contribution = draft.contribution
            origin = Origin(contribution.relpath, draft.source, contribution.lang)
            drop_title = repeats_title(draft.opening, (section.title, section.heading))
            adopted = self.adopt(draft, draft.media_dir, prefix, SECTION_LEVEL + 1, origin,
                                 self.cites(contribution.relpath, contribution.agency), drop_title)
            if contribution.lang != lang:  # shown in fallback: readers are told, in the edition's language
                blocks.append(styled(UNTRANSLATED, [Para([Emph(inlines(self.say("untranslated")))])]))
            blocks.append(from_file(contribution.relpath, adopted, contribution.lang))
        return blocks

    def cites(self, relpath: str, agency: str | None):
        """How a file's citation keys become the bibliography's (None: the project has no references)."""
        return self.bibliography.resolver(relpath, agency) if self.bibliography is not None else None

    def references(self, blocks: list) -> list:
        """The report's citations rendered by citeproc and its References list at the end, once for both
        outputs; a report that cites nothing has no such list (nor one whose chapters each have theirs)."""
        if self.project.references == "chapter" or not self.cites_works(blocks):
            return blocks
        heading = self.heading(1, self.say("references"), anchor("references"), ["part", "annex", "references"])
        return self.cite(blocks, heading)

    def chapter_references(self, blocks: list, ident: str) -> list:
        """With `references: chapter`, a chapter's (or a piece of front or back matter's) citations rendered
        by citeproc on their own, and the works it cites listed at its end under their own heading."""
        if self.project.references != "chapter" or not self.cites_works(blocks):
            return blocks
        heading = self.heading(3, self.say("references"), anchor(ident, "references"), ["references"])
        rendered = self.cite(blocks, heading)
        refs = rendered[-1]  # the list citeproc filled: ids of its own, as a work two chapters cite is listed twice
        if refs["t"] == "Div" and refs["c"][0][0] == "refs":
            refs["c"][0][0] = anchor(ident, "refs")
            for entry in refs["c"][1]:
                if entry["t"] == "Div" and entry["c"][0][0]:
                    entry["c"][0][0] = anchor(ident, entry["c"][0][0])
        return rendered

    def cites_works(self, blocks: list) -> bool:
        """Whether `blocks` cite anything while the project has references to render it with."""
        return self.bibliography is not None and bool(self.bibliography.entries) and bool(cited_keys(blocks))

    def cite(self, blocks: list, heading: dict) -> list:
        """`blocks` with their citations rendered, then `heading` and the list of the works they cite."""
        refs = {"t": "Div", "c": [["refs", ["references"], []], []]}
        style = self.project.root / self.project.citation_style if self.project.citation_style else None
        return render_citations(blocks + [heading], self.bibliography.entries, self.project.language, style, refs,
                                self.prepared)

    def adopt(self, text: Draft | ChapterIntro, media_root: Path, prefix: str, top_level: int, origin: Origin,
              cites=None, drop_title: bool = False) -> list:
        """Make one converted file's blocks safe to merge (prefixed ids, shifted headings, own media; without
        its first heading with `drop_title`), then speak the coalition's language: agreed terms, agreed
        text. The result is kept by a digest of the file's conversion and of everything else it depends on,
        so an unchanged draft is adopted once (and its blocks not even read)."""
        key = self.prepared.key(media_root.name, drop_title, prefix, top_level, origin.relpath, origin.lang,
                                sorted(self.kept.get(origin.relpath, ())),
                                self.house.key(origin.lang) if self.house else None)
        done = self.prepared.get_json(key)
        if done is None:
            media: dict[str, str] = {}
            changes: list[Change] = []
            blocks = text.blocks[1:] if drop_title else text.blocks
            blocks = self._adopt(blocks, media_root, prefix, top_level, origin, cites, media, changes)
            done = {"blocks": blocks, "media": media, "changes": [asdict(c) for c in changes],
                    "mentions": self.mentions(blocks)}
            self.prepared.put_json(key, done)
        self.media.update({name: (media_root / source).resolve() for name, source in done["media"].items()})
        self.changes += [Change(**c) for c in done["changes"]]
        self.mentioned.update(done["mentions"])
        return done["blocks"]

    def _adopt(self, blocks: list, media_root: Path, prefix: str, top_level: int, origin: Origin, cites,
               media: dict[str, str], changes: list[Change]) -> list:
        blocks, _ = neutralise(blocks, lambda source: picture_problem(media_root, source), cites)  # a copy
        fit_tables(blocks)
        adopt_references(blocks, prefix)
        levels = _header_levels(blocks)
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
                return image(value, media_root, media)
            elif key in ("Figure", "Table"):
                typed = _drop_caption_label(value[1], origin.lang)
                value[0][2] += [[TYPED_KEY, typed]] if typed else []  # the draft's own references use it
            return None

        visit(blocks, fix, only=ADOPTED)
        locate = Locator(origin.source)
        kept = self.kept.get(origin.relpath)
        keep = keeper(kept) if kept else None  # the fixes the agency rejected, glossary's and house style's
        if self.harmonize:
            changes += harmonise(self.terminology, blocks, locate, origin.relpath, origin.lang, keep)
        if self.house:
            changes += self.house.apply(blocks, locate, origin.relpath, origin.lang, keep)
        changes += expand(self.agreed_texts, blocks, self.agreed_blocks, origin.relpath, locate)
        return blocks

    def workplan_annex(self) -> list:
        """The joint workplan: a table of activities, and a place for the month-by-month chart, which each
        renderer draws (it is a picture made from the project's data, not a draft's)."""
        activities = self.project.workplan
        if not activities:
            return []
        shorts = {key: agency.short for key, agency in self.project.agencies.items()}
        rows = [(a.title, a.deliverable, ", ".join(shorts.get(x, x) for x in a.agencies),
                 period(a, self.project.language))
                for a in activities]
        return [
            self.heading(1, self.say("annex_workplan"), anchor("annex", "workplan"), ["part", "annex"]),
            Para(inlines(self.say("workplan_intro"))),
            simple_table(words(self.project.language, "workplan_columns"), rows, widths=(0.38, 0.27, 0.17, 0.18)),
            styled("workplan-chart", [Plain(inlines(self.say("workplan_caption")))]),
        ]

    def annex(self) -> list:
        blocks = [self.heading(1, self.say("annex_contributors"), anchor("annex"), ["part", "annex"])]
        blocks.append(Para(inlines(self.say("annex_contributors_intro"))))
        sections = self.project.sections
        for agency_id, agency in self.project.agencies.items():
            mine = [d.contribution.section_id for d in self.drafts if d.contribution.agency == agency_id]
            if not mine:
                continue
            items = []
            for section in (sections[s] for s in sections if s in mine):
                role = self.say("lead") if section.lead == agency_id else self.say("contributor")
                items.append([Plain(inlines(f"{section.heading} ({role})"))])
            blocks.append(styled("annex-entry", [Para([Strong(inlines(f"{agency.name} ({agency.short})"))]),
                                                  BulletList(items)]))
        return blocks


def image(value: list, media_root: Path, media: dict[str, str]):
    """An embedded image under a content-hash name (`media`: name → its file under `media_root`);
    `neutralise` has already turned every picture that cannot be shown into its description."""
    attr, alt, (src, title) = value
    path = (media_root / src).resolve()
    name = media_name(path.read_bytes(), path.suffix)
    media[name] = src
    return {"t": "Image", "c": [attr, alt, [f"media/{name}", title]]}


def from_file(relpath: str, blocks: list, lang: str) -> dict:
    """Blocks that came from one file, marked so a renderer that fails on them can set that file aside, and
    can tell text in another language than the edition's (a draft not translated yet)."""
    return {"t": "Div", "c": [["", [DRAFT_CLASS], [["path", relpath], ["lang", lang]]], blocks]}


OTHER_LABELS = ("fig.", "box", "encadré", "recuadro")  # typed before a caption's number, beside KINDS' nouns


@functools.cache
def typed_label(lang: str) -> re.Pattern:
    """A label typed at the start of a caption in a draft in `lang` ("Figure 3:", "Tableau 2 –", "Figura 1.",
    "Fig. 2.1 :"), in its language's words or English ones (a translator may keep those)."""
    nouns = {*KINDS["en"], *KINDS.get(lang.split("-")[0].lower(), ()), *OTHER_LABELS}
    either = "|".join(re.escape(noun) for noun in sorted(nouns, key=len, reverse=True))
    return re.compile(rf"^(?:{either})(?:\s*(?P<number>[\dIVX]+(?:[.-][\dIVX]+)*))?\s*[:.–—-]$", re.I)


def _drop_caption_label(caption: list, lang: str) -> str:
    """'Figure: Costs…', 'Tableau 2 – Coûts…' → 'Costs…', 'Coûts…': every output numbers captions itself
    ("Figure 3: Costs…"), in the edition's words. Returns the number typed ("2"), if any."""
    blocks = caption[1]
    if not blocks or blocks[0]["t"] not in ("Plain", "Para"):
        return ""
    words = blocks[0]["c"]
    label = typed_label(lang)
    for end in range(1, min(len(words), 6)):  # "Figure:", "Figure 3:", "Figure 3 :"
        typed = "".join(w.get("c", " ") if w["t"] == "Str" else " " for w in words[:end])
        found = label.match(typed)
        if found:
            del words[:end + (1 if words[end]["t"] == "Space" else 0)]
            return found["number"] or ""
    return ""


INLINE_ONLY = frozenset(("Para", "Plain", "Header", "LineBlock", "CodeBlock", "RawBlock", "Str", "Note"))


def _header_levels(node, levels: list[int] | None = None) -> list[int]:
    """The level of every heading in `node`, but those inside footnotes: they do not set the draft's top
    level. Paragraphs hold words, not headings: they are not walked."""
    levels = [] if levels is None else levels
    if type(node) is list:
        for item in node:
            if type(item) is list or type(item) is dict:
                _header_levels(item, levels)
    elif type(node) is dict:
        kind = node.get("t")
        if kind == "Header":
            levels.append(node["c"][0])
        if kind not in INLINE_ONLY:
            for value in node.values():
                if type(value) is list:
                    _header_levels(value, levels)
    return levels


def period(activity: Activity, lang: str) -> str:
    start, end = short_month_year(activity.start, lang), short_month_year(activity.end, lang)
    return start if start == end else f"{start} – {end}"


def assemble(edition: Project, drafts: list[Draft], intros: dict, is_draft: bool, harmonize: bool = True,
             bibliography=None, registers: list | None = None) -> Document:
    """One language edition of the report: `drafts` and chapter `intros` merged along the outline, cited
    works in a References list at the end (`bibliography`: the merged references, or None), the shared
    registers' rows (`registers`: the agencies' sheets) as annexes."""
    return Assembler(edition, drafts, intros, is_draft, harmonize, bibliography, registers).document()
