"""The check phase: pure functions from what was read to findings, sorted the same way every time.

Nothing here reads a file, runs a converter or prints: everything comes in
`Sources`, everything goes out as `Finding`s (Vale-style codes, declared
once in `codes.py`), with the project's own severities applied.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..codes import with_severities
from ..inputs import Contribution, Draft, Sources
from ..model import Finding, Project
from ..terms import known_acronym_words
from ..textruns import Locator
from .a11y import accessibility_findings
from .agencies import agency_name_findings
from .content import content_findings, drafts_content_findings
from .glyphs import blocks_glyph_findings, glyph_findings, text_glyph_findings
from .languages import language_findings
from .outline import check_duplicate_titles, check_matter, check_placement, check_word_budgets
from .registers import register_findings
from .review import review_findings
from .schedule import timeline_findings
from .statements import check_statements
from .style import loose_style_findings, style_findings
from .word import word_findings
from .wording import AcronymState, check_text, check_wording
from .xrefs import xref_findings

if TYPE_CHECKING:
    from ..buildcache import Store

# what a release cannot carry, whatever its usual severity
FINAL_STAGE_ERRORS = ("lang/missing-translation", "review/unanswered-comment")


@dataclass
class Checked:
    findings: list[Finding]
    drafts: list[Draft]  # converted drafts that have their place in the outline: what may be assembled
    originals: list[Contribution]  # source-language drafts in their place, readable or not: the timeline's view


def check(project: Project, sources: Sources, as_of: dt.date, final_stage: bool = False,
          memo: Store | None = None) -> Checked:
    """Every finding about every input. At a final stage (`build --stage final`), a missing translation
    is an error, not a warning. `memo` keeps per-draft wording and content findings between runs (see
    check_wording)."""
    where = in_place(project, sources)
    placement, placed, usable, originals = where.findings, where.placed, where.drafts, where.originals
    source = project.source_language
    findings = (
        sources.findings + placement
        + [f for draft in sources.drafts for f in word_findings(draft)]
        + [f for draft in usable for f in glyph_findings(draft)]
        + [f for intro in sources.intros.values() for f in blocks_glyph_findings(intro.blocks, intro.place)]
        + [f for editions in sources.statements.values() for s in editions.values()
           for f in text_glyph_findings(s.text, s.place)]
        + drafts_content_findings(usable, sources.bibliography, memo)
        + [f for intro in sources.intros.values() for f in content_findings(intro, sources.bibliography)]
        + (sources.bibliography.findings if sources.bibliography else [])
        + xref_findings(project, usable, list(sources.intros.values()))
        + check_duplicate_titles(project, usable)
        + check_matter(project, sources.intros)
        + check_statements(project, sources.statements)
        + check_word_budgets(project, [d for d in usable if d.contribution.lang == source])
        + check_wording(project, usable, sources.intros, memo)
        + style_findings(project, usable, sources.intros, memo)
        + timeline_findings(project, originals, sources.submitted, as_of)
        + language_findings(project, usable, placed, sources.intros, sources.submitted, sources.translations)
        + (review_findings(usable, sources.responses) if sources.responses else [])
        + register_findings(project, sources.registers, as_of)
        + accessibility_findings(project, sources.templates)
        + agency_name_findings(project)
    )
    findings = with_severities(findings, project.severities)
    if final_stage:
        findings = [replace(f, severity="error") if f.code in FINAL_STAGE_ERRORS else f for f in findings]
    return Checked(sorted(findings, key=Finding.sort_key), usable, originals)


@dataclass
class InPlace:
    """Where the drafts sit in the outline, which the check and the assembly both start from."""

    findings: list[Finding]
    placed: list[Contribution]  # the drafts in their place, readable or not
    drafts: list[Draft]  # converted drafts in their place: what may be assembled
    originals: list[Contribution]  # the placed drafts in the source language: the timeline's view


def in_place(project: Project, sources: Sources) -> InPlace:
    placement, placed = check_placement(project, sources.contributions)
    paths = {c.path for c in placed}
    return InPlace(placement, placed, [d for d in sources.drafts if d.contribution.path in paths],
                   [c for c in placed if c.lang == project.source_language])


def check_loose(project: Project, draft: Draft) -> list[Finding]:
    """A draft that is not in the project yet: its Word hygiene and wording, in the project's language."""
    return with_severities(word_findings(draft) + glyph_findings(draft) + content_findings(draft) + check_text(
        project.terminology, draft.blocks, Locator(draft.source), project.language,
        AcronymState(known_acronym_words(project)), draft.contribution.place)
        + loose_style_findings(project, draft), project.severities)
