"""The agreed terms for translators: the package's TBX glossary (terminology.yaml's terms with their agreed
translations, the acronyms, the agreed texts), and the check of a returned translation against it: a unit
whose source uses an agreed term but whose translation lacks the term's agreed translation is a warning
(the translator may have had a reason; a person decides), never a refusal.

A translation is found however it is inflected or accented in the text: each of its words may take a
plural ending (socles de protection sociale, pensiones sociales); capitals, accents and punctuation are
compared as the bibliography compares titles (`bibliography.normalised`).
"""

from __future__ import annotations

import re

from translate.storage.tbx import tbxfile

from ..bibliography import normalised
from ..codes import finding
from ..model import Finding, Place, Term, Terminology
from .units import Unit, plain

PLURAL = "(?:s|x|es)?"


def tbx(terminology: Terminology, source_lang: str, lang: str) -> bytes:
    """The agreed terms (with their agreed `lang` translation and the variants not to use), the acronyms'
    expansions and the agreed texts, in the source language and, where terminology.yaml gives it, in
    `lang`: a TBX file any CAT tool reads."""
    store = tbxfile(sourcelanguage=source_lang, targetlanguage=lang)
    for term in (t for t in terminology.terms if t.lang == source_lang):
        entry = store.addsourceunit(term.preferred)
        if term.translation(lang):
            entry.target = term.translation(lang)
        entry.addnote(("; ".join(filter(None, [term.note, "not: " + ", ".join(term.reject) if term.reject else ""])))
                      or "agreed term")
    for acronym, texts in sorted(terminology.acronyms.items()):
        entry = store.addsourceunit(acronym)
        entry.addnote(texts.get(source_lang) or next(iter(texts.values())))
        if texts.get(lang):
            entry.target = acronym
            entry.addnote(f"{lang}: {texts[lang]}")
    for ident, block in terminology.agreed.items():
        entry = store.addsourceunit(block.text_in(source_lang) or block.text)
        entry.addnote(f"agreed text {ident}: use the agreed {lang} wording verbatim")
        if block.text_in(lang):
            entry.target = block.text_in(lang)
    return bytes(store)


def term_findings(units: list[Unit], targets: dict[str, list], terminology: Terminology, source_lang: str,
                  lang: str, place: Place) -> list[Finding]:
    """`translate/agreed-term` for each unit and agreed term its source uses whose agreed `lang`
    translation its target lacks. A term inside a longer agreed term the source uses ("social protection
    floor" in "national social protection floor") is judged as that longer term."""
    terms = [t for t in terminology.terms if t.lang == source_lang and t.translation(lang)]
    findings = []
    for unit in units:
        target = targets.get(unit.id)
        if not target:
            continue
        text = normalised(plain(target))
        for term in _used(terms, unit.text):
            agreed = term.translation(lang)
            if not _pattern(agreed).search(text):
                findings.append(finding(
                    "translate/agreed-term", place,
                    f"{unit.label}: the source says \"{term.preferred}\", the translation does not say the agreed "
                    f"{lang} term \"{agreed}\" (terminology.yaml); imported: check the wording", unit.id))
    return findings


def _used(terms: list[Term], text: str) -> list[Term]:
    """The terms `text` uses, less those found only inside a longer term it uses."""
    spans = [(term, match.span()) for term in terms for match in term.preferred_pattern.finditer(text)]
    used = []
    for term, (start, end) in spans:
        inside = any(s <= start and end <= e and (e - s) > (end - start) for _, (s, e) in spans)
        if not inside and term not in used:
            used.append(term)
    return used


def _pattern(agreed: str) -> re.Pattern:
    words = [re.escape(word) + PLURAL for word in normalised(agreed).split()]
    return re.compile(r"(?<!\w)" + " ".join(words) + r"(?!\w)")
