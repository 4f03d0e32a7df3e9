"""Agreed terms and acronyms found in running text: what the checks report and the assembly harmonises.

Coalitions agree a terminology so the report speaks with one voice. Drafts
are checked against it (findings), and the assembled report — never the
agencies' files — is harmonised: rejected variants become the preferred
term, written as the variant was (its case, plural or possessive, the article
before it: see casing.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .casing import article_before, inflected, written_like
from .document import Change
from .model import INFLECTION, SEPARATOR, Project, Term, Terminology
from .textruns import Locator, Run, text_runs

ACRONYM = re.compile(r"(?<![\w\-‐‑])([A-Z][A-Z0-9&]*[A-Z])(?P<plural>s)?(?![\w\-‐‑])")
ROMAN_NUMERAL = re.compile(r"^[IVXLCDM]+$")


@dataclass(frozen=True)
class Replacement:
    start: int
    end: int
    before: str
    after: str
    term: Term


WORD_SPLIT = re.compile(r"[^\w]+")


def _variant_words(terminology: Terminology, language: str) -> list[frozenset[str]]:
    """The words of every rejected variant in `language`, lower-cased: a cheap first test of a run."""
    if language not in terminology.prefilters:
        terminology.prefilters[language] = [
            frozenset(w for w in WORD_SPLIT.split(variant.lower()) if w)
            for term in terminology.terms if term.lang == language for variant in term.reject]
    return terminology.prefilters[language]


def _might_hold_a_variant(variants: list[frozenset[str]], text: str) -> bool:
    """False only when no variant can match: some word of each is missing (plurals and 's allowed for)."""
    words = set()
    for word in WORD_SPLIT.split(text.lower()):
        words.add(word)
        if word.endswith("s"):
            words.update((word[:-1], word[:-2]))
    return any(variant <= words for variant in variants)


def replacements(terminology: Terminology, run: Run, language: str) -> list[Replacement]:
    """Rejected variants in a run's prose, with what each should become; no overlaps."""
    if not _might_hold_a_variant(_variant_words(terminology, language), run.text):
        return []
    found: list[Replacement] = []
    spans = run.prose_spans()
    for term in terminology.terms:
        if term.lang != language or not term.reject:
            continue
        matches = list(term.pattern.finditer(run.text))
        protected = [m.span() for m in term.preferred_pattern.finditer(run.text)] if matches else []
        for match in matches:
            if not any(a <= match.start() and match.end() <= b for a, b in spans):
                continue
            if any(a < match.end() and match.start() < b for a, b in protected):
                continue
            suffix = match.group("suffix") or ""
            stem = match.group(0)[: len(match.group(0)) - len(suffix)]
            if stem == term.preferred or (not term.case_sensitive and stem.lower() == term.preferred.lower()):
                continue  # the preferred form itself, once separators and (where allowed) case are relaxed
            found.append(_replacement(term, run, match, suffix, language))
    found.sort(key=lambda r: (r.start, -r.end))
    kept, reach = [], -1
    for replacement in found:
        if replacement.start >= reach:
            kept.append(replacement)
            reach = replacement.end
    return kept


def _replacement(term: Term, run: Run, match: re.Match, suffix: str, language: str) -> Replacement:
    """The preferred term in the case pattern, inflection and heading of the words it replaces, with the
    article before it made to agree ("an ACCESSORY DWELLING UNIT" → "a SECONDARY DWELLING UNIT")."""
    after = written_like(inflected(term.preferred, suffix, language), match.group(0), term.reject, language,
                         run.heading_case)
    start = match.start()
    article = article_before(run.text[:start], after, language, term.gender)
    if article:
        start, written = article
        after = written + after
    return Replacement(start, match.end(), run.text[start:match.end()], after, term)


def _starts_sentence(text: str, position: int) -> bool:
    before = text[:position].rstrip()
    return not before or before[-1] in ".!?:;“\"(—–"


def harmonise(terminology: Terminology, blocks: list, locate: Locator, path: str, language: str,
              keep: Callable[[Run, Replacement], bool] | None = None) -> list[Change]:
    """Replace rejected variants in `blocks` in place, but those `keep` says to leave as written (a fix
    the agency rejected: see returns/answers.py); return every change made, in reading order."""
    changes = []
    for run in reversed(text_runs(blocks)):  # right to left: earlier runs keep their indexes
        found = [r for r in replacements(terminology, run, language) if not (keep and keep(run, r))]
        if not found:
            continue
        text = run.text
        for r in reversed(found):
            text = text[: r.start] + r.after + text[r.end:]
        changes += [Change(path, locate(run, r.before), r.before, r.after) for r in reversed(found)]
        run.replace(text)
    return changes[::-1]


def introduced(text: str, match: re.Match, expansion: str) -> bool:
    """True when the acronym sits in parentheses right after its expansion."""
    opening = text[: match.start()]
    if not opening.endswith("(") or not text[match.end():].startswith(")"):
        return False
    words = re.split(SEPARATOR, expansion.strip())
    pattern = SEPARATOR.join(re.escape(w) for w in words) + INFLECTION + r"\s*\($"
    return re.search(pattern, opening, re.I) is not None


def acronyms_in(terminology: Terminology, text: str) -> set[str]:
    """The glossary's acronyms that appear in `text`."""
    return {m.group(1) for m in ACRONYM.finditer(text) if m.group(1) in terminology.acronyms}


def expansions(terminology: Terminology, used: set[str], lang: str, fallback: str) -> dict[str, str]:
    """The acronyms `used` with their expansion in `lang` (else `fallback`); those with neither are left out."""
    result = {}
    for acronym in sorted(used):
        expansion = terminology.expansion(acronym, lang) or terminology.expansion(acronym, fallback)
        if expansion:
            result[acronym] = expansion
    return result


def known_acronym_words(project: Project) -> set[str]:
    """Capitals the project itself sanctions: agencies' short names and parts of preferred terms ("UN Women")."""
    names = [a.short for a in project.agencies.values()] + [term.preferred for term in project.terminology.terms]
    return {m.group(1) for name in names for m in ACRONYM.finditer(name)}
