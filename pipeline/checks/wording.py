"""Wording: agreed terms, acronyms and agreed language, checked in each file's own language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..agreed import drift, may_drift, paragraphs, references, where, word_counts
from ..codes import finding
from ..inputs import ChapterIntro, Draft, drafts_in_order
from ..model import Finding, Place, Project, Terminology
from ..terms import (
    ACRONYM,
    ROMAN_NUMERAL,
    introduced,
    known_acronym_words,
    replacements,
)
from ..textruns import Locator, Run, text_runs
from ..wordlists import ordinary_word

if TYPE_CHECKING:
    from ..buildcache import Store


@dataclass
class AcronymState:
    """What one chapter has defined so far; acronyms are defined afresh in each chapter."""

    known_words: set[str]
    defined: set[str] = field(default_factory=set)


def check_text(terminology: Terminology, blocks: list, locate: Locator, language: str, state: AcronymState,
               place: Place) -> list[Finding]:
    """Terminology, acronym and agreed-language findings for one converted file."""
    runs = text_runs(blocks)
    return (rejected_terms(terminology, runs, locate, language, place)
            + acronym_findings(terminology, runs, state, locate, language, place)
            + agreed_findings(terminology, blocks, runs, locate, language, place))


def check_wording(project: Project, drafts: list[Draft], intros: dict, memo: Store | None = None) -> list[Finding]:
    """Each language's drafts chapter by chapter, in reading order: acronyms are introduced afresh in
    each chapter, and terms and agreed text apply in the language a draft is written in. With a `memo`
    (made for this project's glossary), a file read before, with the same acronyms defined before it, is
    not searched again."""
    terminology = project.terminology
    known = known_acronym_words(project)
    findings = []

    def check_file(item: Draft | ChapterIntro, place: Place, lang: str, state: AcronymState) -> list[Finding]:
        key = memo.key(item.media_dir.name, place, lang, sorted(state.defined)) if memo else ""
        done = memo.get_json(key) if memo else None
        if done is not None:
            state.defined = set(done["defined"])
            return [Finding(**found) for found in done["findings"]]
        found = check_text(terminology, item.blocks, Locator(item.source), lang, state, place)
        if memo:
            memo.put_json(key, {"defined": sorted(state.defined), "findings": [f.to_json() for f in found]})
        return found

    for lang in project.languages:
        for chapter in project.chapters:
            state = AcronymState(known)
            intro = intros.get((chapter.id, lang))
            if intro:
                findings += check_file(intro, intro.place, lang, state)
            for section in chapter.sections:
                for draft in drafts_in_order(section, [d for d in drafts if d.contribution.lang == lang]):
                    findings += check_file(draft, draft.contribution.place, lang, state)
    return findings


def rejected_terms(terminology: Terminology, runs: list[Run], locate: Locator, language: str,
                   place: Place) -> list[Finding]:
    findings = []
    for run in runs:
        for r in replacements(terminology, run, language):
            note = f" ({r.term.note})" if r.term.note else ""
            findings.append(finding("terms/rejected", place, f"'{r.before}': write '{r.after}'{note}",
                                    locate(run, r.before)))
    return findings


def acronym_findings(terminology: Terminology, runs: list[Run], state: AcronymState, locate: Locator, lang: str,
                     place: Place) -> list[Finding]:
    findings, unknown_reported = [], set()
    for run in runs:
        spans = run.prose_spans()
        for match in ACRONYM.finditer(run.text):
            if not any(a <= match.start() and match.end() <= b for a, b in spans):
                continue
            token = match.group(1)
            if token in terminology.acronyms:
                expansion = terminology.expansion(token, lang)
                if token in state.defined or expansion is None:  # no agreed expansion in this language
                    continue
                state.defined.add(token)
                if not introduced(run.text, match, expansion):
                    findings.append(finding(
                        "terms/acronym-first-use", place,
                        f"first use of {token} in this chapter: write '{expansion} ({token})'", locate(run, token)))
            elif (token not in state.known_words and not ROMAN_NUMERAL.match(token) and token not in unknown_reported
                  and not ordinary_word(token, lang)):  # NOT, READ, MUST in capitals are words
                unknown_reported.add(token)
                findings.append(finding("terms/acronym-unknown", place,
                                        f"{token} is not in the glossary's acronyms: add it to terminology.yaml, "
                                        "or spell it out", locate(run, token)))
    return findings


def agreed_findings(terminology: Terminology, blocks: list, runs: list[Run], locate: Locator, language: str,
                    place: Place) -> list[Finding]:
    """References to agreed blocks that do not exist, and paragraphs that paraphrase agreed text."""
    findings = []
    for index, ident in references(blocks):
        if ident not in terminology.agreed:
            known = ", ".join(sorted(terminology.agreed)) or "none defined"
            findings.append(finding("agreed/unknown-block", place,
                                    f"no agreed block {ident!r} in the terminology (known: {known})",
                                    where(locate, runs, blocks[index])))
    candidates = [(b, agreed, word_counts(agreed)) for b in terminology.agreed.values()
                  if (agreed := b.text_in(language))]
    for paragraph in paragraphs(runs):
        text = " ".join(run.text for run in paragraph)
        words = word_counts(text) if candidates else None
        for block, agreed, agreed_words in candidates:
            found = may_drift(agreed_words, words) and drift(agreed, text)
            if found:
                passage, diff = found
                findings.append(finding("agreed/drift", place,
                                        f"close to agreed text '{block.id}' but not the same: {diff}; "
                                        f"write {{{{agreed:{block.id}}}}} instead",
                                        locate(paragraph[0], " ".join(passage.split()[:6]))))
    return findings
