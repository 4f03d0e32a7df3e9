"""Check: every finding about every draft, in one deterministic list (Vale-style codes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .agreed import agreed_findings
from .intake import (DraftCache, chapter_intro_path, convert, convert_all, discover, read_metadata,
                     unusable)
from .model import SEVERITIES, Contribution, Draft, Finding, Project, file_finding
from .outline import check_placement, check_word_budgets, drafts_in_order
from .terminology import AcronymState, Terminology, acronym_findings, known_acronym_words, rejected_terms
from .languages import language_findings
from .textruns import Locator, text_runs
from .timeline import timeline_findings


@dataclass
class CheckResult:
    findings: list[Finding]
    drafts: list[Draft]  # the drafts that have a place in the outline, ready to assemble
    contributions: list[Contribution] = field(default_factory=list)  # those placed, readable or not

    def summary(self) -> dict[str, int]:
        return {severity: sum(f.severity == severity for f in self.findings) for severity in SEVERITIES}

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)


def check_project(project: Project, progress: Callable[[str], None] | None = None,
                  as_of: dt.date | None = None, final_stage: bool = False) -> CheckResult:
    """Every finding about every draft. At a final stage (`build --stage final`), a missing
    translation is an error, not a warning."""
    contributions, findings = discover(project)
    placement_findings, placed = check_placement(project, contributions)
    drafts, conversion_findings = convert_all(project, contributions, progress)
    placed_paths = {c.path for c in placed}
    usable = [d for d in drafts if d.contribution.path in placed_paths]
    source = project.source_language
    originals = [c for c in placed if c.lang == source]
    everything = (
        findings + placement_findings + conversion_findings
        + check_word_budgets(project, [d for d in usable if d.contribution.lang == source])
        + check_wording(project, usable)
        + timeline_findings(project, originals, as_of or dt.date.today())
        + language_findings(project, usable, placed, strict=final_stage)
    )
    return CheckResult(sorted(everything, key=Finding.sort_key), usable, placed)


def placed_contributions(project: Project) -> list[Contribution]:
    """The drafts that have their place in the outline, with their metadata, without converting any:
    all the timeline needs, so `status` stays instant."""
    contributions, _ = discover(project)
    _, placed = check_placement(project, contributions)
    originals = [c for c in placed if c.lang == project.source_language]
    for contribution in originals:
        contribution.meta, _ = read_metadata(contribution)
    return originals


def check_text(terminology: Terminology, blocks: list, locate: Locator, language: str, state: AcronymState,
               make) -> list[Finding]:
    """Terminology, acronym and agreed-language findings for one converted file."""
    runs = text_runs(blocks)
    return (rejected_terms(terminology, runs, locate, language, make)
            + acronym_findings(terminology, runs, state, locate, language, make)
            + agreed_findings(terminology, blocks, runs, locate, language, make))


def check_wording(project: Project, drafts: list[Draft]) -> list[Finding]:
    """Each language's drafts chapter by chapter, in reading order: acronyms are introduced afresh in
    each chapter, and terms and agreed text apply in the language a draft is written in."""
    terminology = project.terminology or Terminology()
    known = known_acronym_words(terminology, [a.short for a in project.agencies.values()])
    cache = DraftCache.of(project)
    findings = []
    for lang in project.languages:
        for chapter in project.chapters:
            state = AcronymState(known)
            intro = chapter_intro_path(project, chapter, lang)
            if intro:
                label = intro.relative_to(project.root).as_posix()
                findings += check_text(terminology, cache.convert(intro, "md")[0], Locator(intro, "md"), lang, state,
                                       file_finding(label))
            for section in chapter.sections:
                for draft in drafts_in_order(section, [d for d in drafts if d.contribution.lang == lang]):
                    contribution = draft.contribution
                    findings += check_text(terminology, draft.blocks, Locator(contribution.path, contribution.format),
                                           lang, state, contribution.finding)
    return findings


def check_file(project: Project, path: Path) -> CheckResult:
    """Check one loose draft against the project's terminology, before an agency sends it."""
    label = path.as_posix()
    contribution = Contribution(path.resolve(), "", path.name.split(".")[0], path.suffix.lower().lstrip("."), label)
    problem = unusable(path, contribution.format)
    if problem:
        return CheckResult([contribution.finding("input/unreadable", "error", problem)], [])
    draft, findings = convert(contribution, DraftCache.of(project))
    if draft:
        terminology = project.terminology or Terminology()
        state = AcronymState(known_acronym_words(terminology, [a.short for a in project.agencies.values()]))
        findings += check_text(terminology, draft.blocks, Locator(path, contribution.format),
                               project.language, state, contribution.finding)
    return CheckResult(sorted(findings, key=Finding.sort_key), [draft] if draft else [])
