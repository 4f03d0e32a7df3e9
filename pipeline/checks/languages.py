"""Language editions: which translations are missing, and whether each still matches its source.

A translation is `<section>.<lang>.<ext>` beside the source draft. Every
edition must say the same thing, so a translation whose headings, tables,
figures, footnotes or agreed blocks do not add up to its source's, or that
was made before the source last changed, is reported.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

from ..agreed import references
from ..codes import finding
from ..inputs import Contribution, Draft
from ..model import Finding, Place, Project
from ..translation.edited import LOST, current
from ..translation.records import EDITORS, text_sha256
from ..translation.units import changes, units_of
from ..tree import visit

STRUCTURE = {"Header": "headings", "Table": "tables", "Image": "figures", "Note": "footnotes"}


def structure(blocks: list) -> Counter:
    """How many headings, tables, figures, footnotes and agreed blocks a draft has."""
    counts: Counter = Counter()

    def count(key, value, fmt, meta):
        counts[STRUCTURE[key]] += 1

    visit(blocks, count, only=frozenset(STRUCTURE))
    counts["agreed blocks"] = len(references(blocks))
    return counts


def _version(text: str | None) -> tuple[int, ...] | None:
    numbers = re.findall(r"\d+", text or "")
    return tuple(int(n) for n in numbers) if numbers else None


def language_findings(project: Project, drafts: list[Draft], placed: list[Contribution], intros: dict,
                      submitted: dict[Path, dt.date], records: dict | None = None) -> list[Finding]:
    """lang/missing-translation, lang/structure-mismatch, lang/stale-translation (by unit for a
    translation `jointreport translate import` wrote: `records`, see translation/records.py)."""
    source_lang = project.source_language
    by_key = {(c.agency, c.section_id, c.lang): c for c in placed}
    findings = []
    for contribution in (c for c in placed if c.lang == source_lang):
        for lang in project.languages[1:]:
            if (contribution.agency, contribution.section_id, lang) not in by_key:
                findings.append(missing_translation(
                    contribution.place, lang, f"{contribution.section_id}.{lang}.{contribution.format}"))
    for ident in [c.id for c in project.chapters] + [m.id for m in project.matter]:
        intro = intros.get((ident, source_lang))
        for lang in project.languages[1:] if intro else []:
            if (ident, lang) not in intros:
                findings.append(missing_translation(intro.place, lang, f"chapters/{ident}.{lang}.md"))
    findings += _parity(project, drafts, submitted, records or {})
    findings += _texts_parity(project, intros, submitted, records or {})
    return findings


def missing_translation(place: Place, lang: str, expected: str) -> Finding:
    """The edition in `lang` falls back to the source text."""
    return finding("lang/missing-translation", place,
                   f"no {lang} translation: the {lang} edition uses the source text (add {expected})")


def structure_mismatch(source: list, translation: list, source_path: str, place: Place) -> list[Finding]:
    theirs, ours = structure(source), structure(translation)
    differences = [f"{kind}: {theirs[kind]} in the source, {ours[kind]} here"
                   for kind in (*STRUCTURE.values(), "agreed blocks") if theirs[kind] != ours[kind]]
    if not differences:
        return []
    return [finding("lang/structure-mismatch", place, f"does not match {source_path}: " + "; ".join(differences))]


def _parity(project: Project, drafts: list[Draft], submitted: dict[Path, dt.date], records: dict) -> list[Finding]:
    source_lang = project.source_language
    sources = {(d.contribution.agency, d.contribution.section_id): d for d in drafts
               if d.contribution.lang == source_lang}
    findings = []
    for draft in (d for d in drafts if d.contribution.lang != source_lang):
        translation = draft.contribution
        source = sources.get((translation.agency, translation.section_id))
        if source is None:
            continue
        findings += structure_mismatch(source.blocks, draft.blocks, source.contribution.relpath, translation.place)
        key = (translation.agency, translation.section_id, translation.lang)
        record = current(records.get(key), translation.sha256, lambda draft=draft: draft.blocks)
        if record is not None:
            findings += stale_units(source.blocks, source.contribution.relpath, translation.place, record)
            continue
        stale = _staleness(source.contribution, translation, submitted)
        if stale:
            findings.append(finding("lang/stale-translation", translation.place,
                                    f"{stale}: bring the translation up to date with {source.contribution.relpath}"))
    return findings


def _texts_parity(project: Project, intros: dict, dates: dict[Path, dt.date], records: dict) -> list[Finding]:
    """The editors' translated texts (chapters/<id>.<lang>.md) against their source, as drafts are: by unit
    where `translate import` wrote them, else by date."""
    findings = []
    for (ident, lang), translation in sorted(intros.items()):
        source = intros.get((ident, project.source_language))
        if source is None or lang == project.source_language:
            continue
        findings += structure_mismatch(source.blocks, translation.blocks, source.relpath, translation.place)
        record = current(records.get((EDITORS, ident, lang)), text_sha256(translation.source),
                         lambda translation=translation: translation.blocks)
        if record is not None:
            findings += stale_units(source.blocks, source.relpath, translation.place, record)
            continue
        source_date = dates.get(project.root / source.relpath)
        made = dates.get(project.root / translation.relpath)
        if source_date and made and source_date > made:
            findings.append(finding("lang/stale-translation", translation.place,
                                    f"made on {made}, the source changed on {source_date}: bring the translation "
                                    f"up to date with {source.relpath}"))
    return findings


def stale_units(source_blocks: list, relpath: str, place: Place, record) -> list[Finding]:
    """Each unit of the source (`relpath`) that changed, is new, or is gone since the translation was made,
    or whose translation an edit by hand removed: the translation was imported unit by unit, and its
    record says from which source text each came."""
    changed, new, gone = changes(units_of(source_blocks), record.known())
    recorded = dict(record.known())
    findings = [finding("lang/stale-translation", place,
                        f"{unit.label} has no translation here any more (the translation was edited by hand "
                        "since it was imported): translate it again", unit.id)
                for unit in changed if recorded[unit.id] == LOST]
    findings += [finding("lang/stale-translation", place,
                         f"{unit.label} changed in {relpath} since it was translated: translate it again "
                         "(`jointreport translate export`)", unit.id) for unit in changed if recorded[unit.id] != LOST]
    findings += [finding("lang/stale-translation", place,
                         f"{unit.label} is new in {relpath}: it has no translation yet", unit.id) for unit in new]
    findings += [finding("lang/stale-translation", place,
                         f"unit {ident} is no longer in {relpath}: its translation is still here", ident)
                 for ident in gone]
    return findings


def _staleness(source: Contribution, translation: Contribution, dates: dict[Path, dt.date]) -> str | None:
    """Why the translation is older than its source, by version where both give one, else by date."""
    ours, theirs = _version(translation.meta.version), _version(source.meta.version)
    if ours and theirs:
        if theirs > ours:
            return f"translates version {translation.meta.version}, the source is at {source.meta.version}"
        return None
    if dates[source.path] > dates[translation.path]:
        return f"made on {dates[translation.path]}, the source changed on {dates[source.path]}"
    return None
