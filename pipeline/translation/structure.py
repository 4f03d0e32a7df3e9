"""The structure check of a returned translation against the source version it was exported from: the
same units, each translated, with the same footnote calls, citations, cross-references and formatting
placeholders. One finding per problem, naming the unit; an error refuses the file."""

from __future__ import annotations

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
