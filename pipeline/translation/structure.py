"""The structure check of a returned translation against the source version it was exported from: the
same units, each translated, with the same footnote calls, citations, cross-references and formatting
placeholders. One finding per problem, naming the unit; an error refuses the file."""

from __future__ import annotations

import json
from collections import Counter

from ..codes import finding
from ..model import Finding, Place
from .units import WORDY, Pc, Ph, Unit, flatten, has_words, plain


def check_returned(units: list[Unit], targets: dict[str, list | None], place: Place, unknown: list[str],
                   paired: bool = True) -> list[Finding]:
    """Findings about a returned file's units (`targets`: unit id → translated content, None when the
    unit came back without a target). A Word file cannot protect formatting: without `paired`, only the
    protected placeholders are held to the source."""
    findings = []
    expected = {u.id for u in units}
    for unit in units:
        if unit.id not in targets:
            findings.append(finding("translate/missing-unit", place, f"{unit.label} is missing from the returned "
                                    "file: translate it in the file as exported, without deleting it", unit.id))
            continue
        target = targets[unit.id]
        if target is None or not has_words(target):
            findings.append(finding("translate/untranslated", place, f"{unit.label} has no translation", unit.id))
            continue
        findings += _placeholders(unit, target, place, paired)
        if plain(target) == unit.text and WORDY.search(unit.text) and any(c.isalpha() for c in unit.text):
            findings.append(finding("translate/same-as-source", place,
                                    f"{unit.label} is the same as the source: is it translated?", unit.id))
    for ident in targets:
        if ident not in expected:
            findings.append(finding("translate/unknown-unit", place,
                                    f"unit {ident} is not in the source version this file was exported from", ident))
    for code in unknown:
        ident = code.split(":", 1)[0]
        findings.append(finding("translate/placeholder", place,
                                f"unit {code} is not an inline code jointreport wrote; remove it", ident))
    return findings


def _placeholders(unit: Unit, target: list, place: Place, paired: bool) -> list[Finding]:
    theirs = {p.id: p for p in unit.placeholders()}
    ours = Counter((type(p).__name__, p.id) for p in flatten(target) if paired or isinstance(p, Ph))
    findings = []
    for ident, placeholder in theirs.items():
        if isinstance(placeholder, Pc) and not paired:
            continue
        count = ours[(type(placeholder).__name__, ident)]
        if count == 1:
            continue
        what = describe(placeholder)
        told = (f"{what} (placeholder {ident}) was removed" if count == 0
                else f"{what} (placeholder {ident}) appears {count} times")
        findings.append(finding("translate/placeholder", place, f"{unit.label}: {told}; it must be there once, "
                                "as in the source", unit.id))
    for kind, ident in ours:
        source = theirs.get(ident)
        if source is None or type(source).__name__ != kind:
            findings.append(finding("translate/placeholder", place,
                                    f"{unit.label}: placeholder {ident} is not in the source; remove it", unit.id))
    return findings


def describe(placeholder: Ph | Pc) -> str:
    if isinstance(placeholder, Pc):
        return f"the {placeholder.kind} around \"{plain(placeholder.content)}\""
    if placeholder.kind == "footnote":
        return "the footnote call"
    return f"the {placeholder.kind} {placeholder.disp}"


def lost_citations(units: list[Unit], works: list[dict], written: list[Unit], written_works: list[dict],
                   place: Place) -> list[Finding]:
    """`translate/lost-citation` for each citation and cross-reference of the source's `units` that the
    written translation, read back as a draft (`written`: its units), does not hold in the same unit (in
    the whole file, when it reads back with other units). A work is compared by its data where the draft
    embeds it (a Word draft's fields: their keys are made again on reading), else by its key."""
    ours = [_cited(u, works) for u in units]
    theirs = [_cited(u, written_works) for u in written]
    if len(theirs) == len(ours):
        lost = [(unit, item, count) for unit, expected, found in zip(units, ours, theirs, strict=True)
                for item, count in (expected - found).items()]
    else:
        missing = sum(ours, Counter()) - sum(theirs, Counter())
        lost = [(next(u for u, cited in zip(units, ours, strict=True) if cited[item]), item, count)
                for item, count in missing.items()]
    return [finding("translate/lost-citation", place,
                    f"{unit.label}: the {kind} {shown} would not survive in the written translation"
                    f"{f' ({count} times)' if count > 1 else ''}; nothing is written: send the file to the editors",
                    unit.id) for unit, (kind, _, shown), count in lost]


def _cited(unit: Unit, works: list[dict]) -> Counter:
    """A unit's citations (by work) and cross-references (by target)."""
    data = {str(entry.get("id")): entry for entry in works}
    found: Counter = Counter()
    for placeholder in unit.placeholders():
        if isinstance(placeholder, Ph) and placeholder.kind == "cite":
            for citation in placeholder.node["c"][0]:
                key = citation["citationId"]
                work = {k: v for k, v in data[key].items() if k != "id"} if key in data else key
                found[("citation", json.dumps(work, sort_keys=True), f"@{key}")] += 1
        elif isinstance(placeholder, Ph) and placeholder.kind == "xref":
            found[("cross-reference", placeholder.disp, placeholder.disp)] += 1
    return found
