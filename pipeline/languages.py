"""Language editions: which translations are missing, and whether each still matches its source.

A translation is `<section>.<lang>.<ext>` beside the source draft. Every
edition must say the same thing, so a translation whose headings, tables,
figures, footnotes or agreed blocks do not add up to its source's, or that
was made before the source last changed, is reported.
"""

from __future__ import annotations

import re
from collections import Counter

from pandocfilters import walk

from .agreed import references
from .intake import chapter_intro_path
from .model import Contribution, Draft, Finding, Project, file_finding
from .timeline import submission_dates

STRUCTURE = {"Header": "headings", "Table": "tables", "Image": "figures", "Note": "footnotes"}


def structure(blocks: list) -> Counter:
    """How many headings, tables, figures, footnotes and agreed blocks a draft has."""
    counts: Counter = Counter()

    def count(key, value, fmt, meta):
        if key in STRUCTURE:
            counts[STRUCTURE[key]] += 1

    walk(blocks, count, "", {})
    counts["agreed blocks"] = len(references(blocks))
    return counts


def _version(text: str | None) -> tuple[int, ...] | None:
    numbers = re.findall(r"\d+", text or "")
    return tuple(int(n) for n in numbers) if numbers else None


def language_findings(project: Project, drafts: list[Draft], placed: list[Contribution],
                      strict: bool = False) -> list[Finding]:
    """lang/missing-translation (an error when `strict`, at a final stage), lang/structure-mismatch,
    lang/stale-translation."""
    source_lang = project.source_language
    by_key = {(c.agency, c.section_id, c.lang): c for c in placed}
    findings = []
    for contribution in (c for c in placed if c.lang == source_lang):
        for lang in project.languages[1:]:
            if (contribution.agency, contribution.section_id, lang) not in by_key:
                findings.append(contribution.finding(
                    *missing_translation(lang, f"{contribution.section_id}.{lang}.{contribution.format}", strict)))
    for chapter in project.chapters:
        intro = chapter_intro_path(project, chapter, source_lang)
        for lang in project.languages[1:] if intro else []:
            if not chapter_intro_path(project, chapter, lang):
                label = intro.relative_to(project.root).as_posix()
                findings.append(file_finding(label)(*missing_translation(lang, f"chapters/{chapter.id}.{lang}.md", strict)))
    findings += _parity(project, drafts, placed)
    return findings


def missing_translation(lang: str, expected: str, strict: bool = False) -> tuple[str, str, str]:
    """(code, severity, message) of a missing translation: the edition falls back to the source text."""
    return ("lang/missing-translation", "error" if strict else "warning",
            f"no {lang} translation: the {lang} edition uses the source text (add {expected})")


def structure_mismatch(source: list, translation: list, source_path: str, make) -> list[Finding]:
    theirs, ours = structure(source), structure(translation)
    differences = [f"{kind}: {theirs[kind]} in the source, {ours[kind]} here"
                   for kind in (*STRUCTURE.values(), "agreed blocks") if theirs[kind] != ours[kind]]
    if not differences:
        return []
    return [make("lang/structure-mismatch", "warning", f"does not match {source_path}: " + "; ".join(differences))]


def _parity(project: Project, drafts: list[Draft], placed: list[Contribution]) -> list[Finding]:
    source_lang = project.source_language
    sources = {(d.contribution.agency, d.contribution.section_id): d for d in drafts if d.contribution.lang == source_lang}
    dates = submission_dates(project, placed)
    findings = []
    for draft in (d for d in drafts if d.contribution.lang != source_lang):
        translation = draft.contribution
        source = sources.get((translation.agency, translation.section_id))
        if source is None:
            continue
        findings += structure_mismatch(source.blocks, draft.blocks, source.contribution.relpath, translation.finding)
        stale = _staleness(source.contribution, translation, dates)
        if stale:
            findings.append(translation.finding("lang/stale-translation", "warning",
                                                f"{stale}: bring the translation up to date with "
                                                f"{source.contribution.relpath}"))
    return findings


def _staleness(source: Contribution, translation: Contribution, dates: dict) -> str | None:
    """Why the translation is older than its source, by version where both give one, else by date."""
    ours, theirs = _version(translation.meta.version), _version(source.meta.version)
    if ours and theirs:
        if theirs > ours:
            return f"translates version {translation.meta.version}, the source is at {source.meta.version}"
        return None
    if dates[source.path] > dates[translation.path]:
        return f"made on {dates[translation.path]}, the source changed on {dates[source.path]}"
    return None
