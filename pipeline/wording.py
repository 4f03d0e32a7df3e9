"""Wording: agreed terms, acronyms and agreed language, checked in each file's own language."""

from __future__ import annotations

from .agreed import agreed_findings
from .intake import DraftCache, chapter_intro_path
from .model import Draft, Finding, Project, file_finding
from .outline import drafts_in_order
from .terminology import AcronymState, Terminology, acronym_findings, known_acronym_words, rejected_terms
from .textruns import Locator, text_runs


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
    terminology = project.terminology
    known = known_acronym_words(project)
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
