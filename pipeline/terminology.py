"""Agreed terminology: preferred terms and their rejected variants, and acronyms.

Coalitions agree a terminology so the report speaks with one voice. Drafts
are checked against it (findings), and the assembled report — never the
agencies' files — is harmonised: rejected variants become the preferred
term, with the plural and a sentence-initial capital kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import Change, Finding, Project
from .schema import Field, Validator
from .textruns import Locator, Run, text_runs

SEPARATOR = r"[\s\-‐‑]+"  # "social-floor", "social floor" and "social\nfloor" are one variant
INFLECTION = r"(?P<suffix>'s|’s|s'|s’|es|s)?"
ACRONYM = re.compile(r"(?<![\w\-‐‑])([A-Z][A-Z0-9&]*[A-Z])(?P<plural>s)?(?![\w\-‐‑])")
ROMAN_NUMERAL = re.compile(r"^[IVXLCDM]+$")

TERM = Field("map", fields={
    "preferred": Field("str", required=True),
    "reject": Field("list", default=[], items=Field("str", required=True)),
    "note": Field("str", default=""),
    "case": Field("str", default="insensitive", choices=("sensitive", "insensitive")),
    "lang": Field("str"),
})
AGREED = Field("map", fields={"text": Field("text", required=True), "lang": Field("str")})
TERMINOLOGY = Field("map", default={}, fields={
    "terms": Field("list", default=[], items=TERM),
    "acronyms": Field("dict", default={}, values=Field("text", required=True)),
    "agreed": Field("dict", default={}, values=AGREED),
})


@dataclass(frozen=True)
class Term:
    preferred: str
    reject: tuple[str, ...]
    note: str = ""
    case_sensitive: bool = False
    lang: str = "en"

    def pattern(self) -> re.Pattern:
        return self._compile(sorted(self.reject, key=len, reverse=True))

    def preferred_pattern(self) -> re.Pattern:
        """Where the preferred form already stands: a variant inside it ("Tanzania" in
        "United Republic of Tanzania") is not a variant."""
        return self._compile([self.preferred], flexible=False)

    def _compile(self, phrases: list[str], flexible: bool = True) -> re.Pattern:
        def phrase_pattern(phrase: str) -> str:
            words = re.split(SEPARATOR, phrase.strip())
            return SEPARATOR.join(map(re.escape, words)) if flexible else r"\s+".join(map(re.escape, phrase.split()))

        body = "|".join(phrase_pattern(p) for p in phrases)
        return re.compile(rf"(?<![\w\-‐‑])(?:{body}){INFLECTION}(?![\w\-‐‑])", 0 if self.case_sensitive else re.I)


@dataclass(frozen=True)
class AgreedBlock:
    id: str
    texts: dict  # language → the exact agreed text
    lang: str  # the language it was agreed in

    @property
    def text(self) -> str:
        return self.texts[self.lang]

    def text_in(self, lang: str) -> str | None:
        return self.texts.get(lang)


@dataclass
class Terminology:
    terms: list[Term] = field(default_factory=list)
    acronyms: dict[str, dict[str, str]] = field(default_factory=dict)  # acronym → language → expansion
    agreed: dict[str, AgreedBlock] = field(default_factory=dict)

    def agreed_texts(self, lang: str) -> dict[str, str]:
        """Every agreed block in `lang`, or in the language it was agreed in where it has no translation."""
        return {ident: block.text_in(lang) or block.text for ident, block in self.agreed.items()}

    def expansion(self, acronym: str, lang: str) -> str | None:
        return self.acronyms.get(acronym, {}).get(lang)

    def __post_init__(self):
        self._patterns = [(term, term.pattern(), term.preferred_pattern()) for term in self.terms if term.reject]


def build_terminology(data, language: str, validator: Validator) -> Terminology:
    data = validator.check(data if data is not None else {}, TERMINOLOGY) or {}
    terms = [Term(t["preferred"], tuple(t["reject"]), t["note"], t["case"] == "sensitive", t["lang"] or language)
             for t in data.get("terms") or [] if t and t["preferred"]]
    agreed = {}
    for key, block in (data.get("agreed") or {}).items():
        if block and block["text"]:
            lang = block["lang"] or language
            texts = {(code or lang): " ".join(text.split()) for code, text in block["text"].items()}
            agreed[key] = AgreedBlock(key, texts, lang if lang in texts else next(iter(texts)))
    acronyms = {acronym: {(code or language): text for code, text in texts.items()}
                for acronym, texts in (data.get("acronyms") or {}).items() if texts}
    return Terminology(terms, acronyms, agreed)


@dataclass(frozen=True)
class Replacement:
    start: int
    end: int
    before: str
    after: str
    term: Term


def replacements(terminology: Terminology, run: Run, language: str) -> list[Replacement]:
    """Rejected variants in a run's prose, with what each should become; no overlaps."""
    found: list[Replacement] = []
    spans = run.prose_spans()
    for term, pattern, preferred in terminology._patterns:
        if term.lang != language:
            continue
        matches = list(pattern.finditer(run.text))
        protected = [m.span() for m in preferred.finditer(run.text)] if matches else []
        for match in matches:
            if not any(a <= match.start() and match.end() <= b for a, b in spans):
                continue
            if any(a < match.end() and match.start() < b for a, b in protected):
                continue
            suffix = match.group("suffix") or ""
            stem = match.group(0)[: len(match.group(0)) - len(suffix)]
            if stem == term.preferred or (not term.case_sensitive and stem.lower() == term.preferred.lower()):
                continue  # the preferred form itself, once separators and (where allowed) case are relaxed
            after = term.preferred + suffix
            if stem[:1].isupper() and after[:1].islower() and _starts_sentence(run.text, match.start()):
                after = after[0].upper() + after[1:]
            found.append(Replacement(match.start(), match.end(), match.group(0), after, term))
    found.sort(key=lambda r: (r.start, -r.end))
    kept, reach = [], -1
    for replacement in found:
        if replacement.start >= reach:
            kept.append(replacement)
            reach = replacement.end
    return kept


def _starts_sentence(text: str, position: int) -> bool:
    before = text[:position].rstrip()
    return not before or before[-1] in ".!?:;“\"(—–"


def rejected_terms(terminology: Terminology, runs: list[Run], locate: Locator, language: str, make) -> list[Finding]:
    findings = []
    for run in runs:
        for r in replacements(terminology, run, language):
            note = f" ({r.term.note})" if r.term.note else ""
            findings.append(make("terms/rejected", "warning",
                                 f"'{r.before}': write '{r.after}'{note}", locate(run, r.before)))
    return findings


def harmonise(terminology: Terminology, blocks: list, locate: Locator, path: str, language: str) -> list[Change]:
    """Replace rejected variants in `blocks` in place; return every change made, in reading order."""
    changes = []
    for run in reversed(text_runs(blocks)):  # right to left: earlier runs keep their indexes
        found = replacements(terminology, run, language)
        if not found:
            continue
        text = run.text
        for r in reversed(found):
            text = text[: r.start] + r.after + text[r.end:]
        changes += [Change(path, locate(run, r.before), r.before, r.after) for r in reversed(found)]
        run.replace(text)
    return changes[::-1]


@dataclass
class AcronymState:
    """What one chapter has defined so far; acronyms are defined afresh in each chapter."""

    known_words: set[str]
    defined: set[str] = field(default_factory=set)


def acronym_findings(terminology: Terminology, runs: list[Run], state: AcronymState, locate: Locator, lang: str,
                     make) -> list[Finding]:
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
                if not _introduced(run.text, match, expansion):
                    findings.append(make(
                        "terms/acronym-first-use", "warning",
                        f"first use of {token} in this chapter: write '{expansion} ({token})'",
                        locate(run, token)))
            elif token not in state.known_words and not ROMAN_NUMERAL.match(token) and token not in unknown_reported:
                unknown_reported.add(token)
                findings.append(make("terms/acronym-unknown", "info",
                                     f"{token} is not in the glossary's acronyms: add it to terminology.yaml, "
                                     "or spell it out", locate(run, token)))
    return findings


def _introduced(text: str, match: re.Match, expansion: str) -> bool:
    """True when the acronym sits in parentheses right after its expansion."""
    opening = text[: match.start()]
    if not opening.endswith("(") or not text[match.end():].startswith(")"):
        return False
    words = re.split(SEPARATOR, expansion.strip())
    pattern = SEPARATOR.join(re.escape(w) for w in words) + INFLECTION + r"\s*\($"
    return re.search(pattern, opening, re.I) is not None


def acronyms_used(terminology: Terminology, blocks: list, lang: str, fallback: str) -> dict[str, str]:
    """The glossary's acronyms that appear in `blocks`, with their expansion in `lang` (else `fallback`)."""
    used = set()
    for run in text_runs(blocks):
        used |= {m.group(1) for m in ACRONYM.finditer(run.text) if m.group(1) in terminology.acronyms}
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
