"""The rules run over one converted file: what each rule finds in its prose, as `Hit`s a check turns into
findings and the build into fixes.

Only running text is read (textruns: no code, addresses or quotations), and of it only the places a rule
names (body, notes, headings, tables; never block quotations, nor italics, which hold titles of works).
Names the project or the pack keep (the agencies', the glossary's preferred terms, "Organisation for
Economic Co-operation and Development") are never touched, and where the glossary already rewrites a word
the style says nothing.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass

from ..casing import written_like
from ..model import Project, Terminology
from ..terms import ROMAN_NUMERAL, _starts_sentence, known_acronym_words, replacements
from ..textruns import Run, text_runs
from ..tree import LEAVES
from .rules import Rule, Style

WORD = re.compile(r"[^\W\d_][\w'’]*")
SMALL_WORDS = {  # what a title-case heading capitalises and a sentence-case one does not
    "en": {"a", "an", "the", "and", "but", "or", "nor", "for", "at", "by", "in", "of", "on", "to", "as", "with",
           "from", "into", "per", "via", "its", "their", "our"},
    "fr": {"de", "du", "des", "la", "le", "les", "et", "ou", "à", "au", "aux", "en", "pour", "par", "sur", "dans",
           "avec", "un", "une", "l", "d"},
    "es": {"de", "del", "la", "el", "los", "las", "y", "e", "o", "u", "en", "a", "al", "con", "por", "para", "un",
           "una", "sobre"},
}


@dataclass
class Hit:
    """What one rule found at one place: the text, and what to write instead when the rule says."""

    rule: Rule
    run: Run
    start: int
    end: int
    before: str
    after: str | None = None
    name: str = ""
    count: int = 0
    index: int = 0  # the run's place among the file's runs: reading order

    def message(self, reason: str = "") -> str:
        said = self.rule.message.format(match=self.before, fix=self.after or "", name=self.name or self.before,
                                        count=self.count, times=times(self.count), reason=reason)
        return f"{said} ({self.rule.source})" if self.rule.source else said


@dataclass(frozen=True)
class Context:
    """What the project tells the rules: names they never change, acronyms other checks already watch
    (the glossary's and the agencies'), and the glossary, which has the last word on its terms."""

    keep: tuple[str, ...]
    known: frozenset[str]
    terminology: Terminology

    @functools.cached_property
    def digest(self) -> str:
        """What work made in this context depends on: a cache key part."""
        return hashlib.sha256(repr((sorted(set(self.keep)), sorted(self.known))).encode()).hexdigest()[:16]

    @functools.cached_property
    def kept(self) -> re.Pattern | None:
        names = sorted({name for name in self.keep if name.strip()}, key=len, reverse=True)
        if not names:
            return None
        return re.compile(r"(?<![\w])(?:%s)(?![\w])" % "|".join(_flexible(name) for name in names))


def times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def context_of(project: Project, style: Style) -> Context:
    agencies = [text for agency in project.agencies.values()
                for text in (agency.name, agency.short, *agency.names.values(), *agency.shorts.values())]
    preferred = [term.preferred for term in project.terminology.terms]
    known = known_acronym_words(project) | set(project.terminology.acronyms)
    return Context(tuple(style.keep) + tuple(agencies) + tuple(preferred), frozenset(known), project.terminology)


def _flexible(phrase: str) -> str:
    """A phrase as a pattern: any run of spaces between its words, either apostrophe."""
    words = [re.escape(word).replace("'", "['’]").replace("’", "['’]") for word in phrase.split()]
    return r"\s+".join(words)


class Scan:
    """One file's prose, read once for every rule: its runs, where each run sits, and the words it writes
    in lower case (which tell a title-case heading's common words from names)."""

    def __init__(self, blocks: list, language: str, context: Context):
        self.runs = text_runs(blocks)
        self.language = language
        self.context = context
        marks = _places(blocks)
        self.places = [marks.get(id(run.container)) or ("notes" if run.in_note else "body") for run in self.runs]
        self.spans = [run.prose_spans() for run in self.runs]
        self.kept = [[m.span() for m in context.kept.finditer(run.text)] if context.kept else []
                     for run in self.runs]

    def in_scope(self, rule: Rule):
        """(index, run) of the runs a rule reads."""
        return ((i, run) for i, run in enumerate(self.runs) if self.places[i] in rule.scope)

    def free(self, index: int, start: int, end: int) -> bool:
        """Whether text[start:end] of run `index` is prose and not inside a kept name (it may hold one:
        "ILO's" is the agency's name in the possessive)."""
        return (any(a <= start and end <= b for a, b in self.spans[index])
                and not any(a < end and start < b and not (start <= a and b <= end) for a, b in self.kept[index]))

    @functools.cached_property
    def lower_words(self) -> set[str]:
        return {w for i, run in enumerate(self.runs) if self.places[i] != "headings"
                for w in WORD.findall(run.text) if w[:1].islower()}

    @functools.cached_property
    def glossary(self) -> list[list[tuple[int, int]]]:
        """Per run, the spans the glossary rewrites: the style leaves them to it."""
        terms = self.context.terminology
        return [[(r.start, r.end) for r in replacements(terms, run, self.language)] if terms.terms else []
                for run in self.runs]


# Where a run sits, by the element around it: block quotations (quoted text) and italics (titles of works,
# foreign words, as the Manual sets them) are written as their authors wrote them, and no rule reads them.
PLACE_OF = {"Header": "headings", "Table": "tables", "BlockQuote": "quotes", "Emph": "titles"}


def _places(blocks: list) -> dict[int, str]:
    """The inline lists inside headings, tables, block quotations and italics, by identity. An element is
    {"t": kind, "c": content}: only its content is walked, and words and spaces hold no list."""
    found: dict[int, str] = {}

    def mark(node, place: str) -> None:
        if type(node) is list:
            found.setdefault(id(node), place)
            for item in node:
                if type(item) is list or (type(item) is dict and item.get("t") not in LEAVES):
                    mark(item, place)
        elif type(node) is dict:
            for value in node.values():
                if type(value) is list or type(value) is dict:
                    mark(value, place)

    def walk(node) -> None:
        if type(node) is list:
            for item in node:
                if type(item) is list or type(item) is dict:
                    walk(item)
            return
        kind = node.get("t")
        if kind in PLACE_OF:
            mark(node.get("c"), PLACE_OF[kind])
        elif kind not in LEAVES:
            for value in node.values():
                if type(value) is list or type(value) is dict:
                    walk(value)

    walk(blocks)
    return found


def file_hits(style: Style, scan: Scan) -> list[Hit]:
    """What every rule of the file's language (but consistency, which looks across files) finds; of two
    rewrites of the same words (a date, and its month's capital), the first and longest."""
    hits, rewrites = [], []
    for rule in style.of(scan.language):
        if rule.kind == "substitution" or (rule.kind == "capitalization" and rule.case != "sentence"):
            rewrites += rewriting(rule, scan)
        elif rule.kind == "existence":
            hits += [hit for i, run in scan.in_scope(rule) for hit in matches(rule, scan, i, run)]
        elif rule.kind == "capitalization":
            hits += capitalization(rule, scan)
        elif rule.kind == "occurrence":
            hits += occurrence(rule, scan)
        elif rule.kind == "conditional":
            hits += conditional(rule, scan)
    return without_overlaps(rewrites) + hits


def rewriting(rule: Rule, scan: Scan) -> list[Hit]:
    """What a rule that says what to write instead (a substitution, a word's case) finds."""
    if rule.kind == "capitalization":
        return capitalization(rule, scan)
    return [hit for i, run in scan.in_scope(rule) for hit in matches(rule, scan, i, run)]


def matches(rule: Rule, scan: Scan, index: int, run: Run) -> list[Hit]:
    """A substitution's or existence rule's matches in one run, with the replacement where it has one."""
    found = []
    text = run.text
    before_guard, after_guard, sentence_guard = rule.guards
    for pattern, replacement in rule.compiled:
        for match in pattern.finditer(text):
            start, end, before = match.start(), match.end(), match.group(0)
            if end == start or before in rule.exceptions or not scan.free(index, start, end):
                continue
            if any(a < end and start < b for a, b in scan.glossary[index]):
                continue
            if rule.skip_capitalized and before[:1].isupper() and not _starts_sentence(text, start) \
                    and not text.isupper():
                continue  # a capital inside a sentence (not all in capitals): part of a name ("Bolsa Família Program")
            if (before_guard and before_guard.search(text[:start])) or (after_guard and after_guard.search(text[end:])):
                continue
            if sentence_guard and sentence_guard.search(_sentence(text, start, end)):
                continue
            after = None
            if rule.kind == "substitution":
                after = _replacement(rule, match, replacement, run, scan.language)
                if after is None or after == before:
                    continue
            name = match.groupdict().get("name") or ""
            found.append(Hit(rule, run, start, end, before, after, name, index=index))
    return found


def _replacement(rule: Rule, match: re.Match, template: str | None, run: Run, language: str) -> str | None:
    before = match.group(0)
    after = match.expand(template) if template else rule.swaps.get(before.strip().lower())
    if after is None:
        return None
    if rule.case == "lower":
        return after.lower()
    declared = () if rule.ignorecase or rule.swap else (before,)  # a case-sensitive pattern's case is the rule's
    after = written_like(after, before, declared, language, run.heading_case)
    if not any(c.isalpha() for c in before) and _opens_sentence(run.text, match.start()) and after[:1].islower():
        after = after[0].upper() + after[1:]  # "3 countries" opening a sentence: "Three countries"
    return after


def _opens_sentence(text: str, position: int) -> bool:
    """Whether a sentence starts at `position` (after a full stop, or at the start)."""
    before = text[:position].rstrip()
    return not before or before[-1] in ".!?"


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence of `text` around start:end (as far as full stops followed by a space tell)."""
    left = max(text.rfind(mark, 0, start) for mark in (". ", "! ", "? ", "; "))
    rights = [i for i in (text.find(mark, end) for mark in (". ", "! ", "? ", "; ")) if i != -1]
    return text[left + 1 if left != -1 else 0: min(rights) if rights else len(text)]


def capitalization(rule: Rule, scan: Scan) -> list[Hit]:
    if rule.case == "sentence":
        return _title_case_headings(rule, scan)
    found = []
    before_guard, after_guard, _ = rule.guards
    for index, run in scan.in_scope(rule):
        for pattern, _ in rule.compiled:
            for match in pattern.finditer(run.text):
                start, end, before = match.start(), match.end(), match.group(0)
                if not scan.free(index, start, end) or _starts_sentence(run.text, start) or before.islower():
                    continue
                if (before_guard and before_guard.search(run.text[:start])) or (
                        after_guard and after_guard.search(run.text[end:])):
                    continue
                after = before.lower() if rule.case == "lower" else before
                found.append(Hit(rule, run, start, end, before, after, index=index))
    return found


def _title_case_headings(rule: Rule, scan: Scan) -> list[Hit]:
    """Headings every word of which takes a capital where a sentence would not: a small word ("For",
    "And"), or a word the same file writes in lower case. Names (kept ones, acronyms, words never seen
    in lower case) keep theirs."""
    small = SMALL_WORDS.get(scan.language, SMALL_WORDS["en"])
    headings: dict[int, list[tuple[int, Run]]] = {}
    for index, run in scan.in_scope(rule):
        headings.setdefault(run.paragraph, []).append((index, run))
    found = []
    for runs in headings.values():
        words = []
        for _, run in runs:
            masked = scan.context.kept.sub(lambda m: " " * len(m.group(0)), run.text) if scan.context.kept else run.text
            words += WORD.findall(masked)
        words = [w for w in words if not w.isupper()]  # acronyms
        if len(words) < 2 or not words[0][:1].isupper():
            continue
        text = " ".join(run.text for _, run in runs)
        rest = [w for w in words[1:] if w.lower() not in small or w[:1].isupper()]
        if not rest or any(w[:1].islower() for w in rest) or re.search(r"\d", text):
            continue  # a word in lower case (sentence case, names in capitals), or a title with a year
        common = [w for w in rest if w.lower() in small or w.lower() in scan.lower_words]
        if len(common) < len(rest) or not (len(common) >= 2 or any(w.lower() in small for w in common)):
            continue  # a capitalised word the file never writes in lower case: a name
        suggestion = _lowered(text, set(common))
        index, first = runs[0]
        found.append(Hit(rule, first, 0, len(first.text), text, suggestion, index=index))
    return found


def _lowered(text: str, words: set[str]) -> str:
    """`text` with `words` in lower case, but its first word."""
    return WORD.sub(lambda m: m.group(0).lower() if m.group(0) in words and m.start() > 0 else m.group(0), text)


def occurrence(rule: Rule, scan: Scan) -> list[Hit]:
    """Names (or matches) counted per sentence, paragraph or file, against `min` and `max`; with `when`,
    only the names for which it matches in the same unit (an acronym the file spells out)."""
    units: dict[object, list[tuple[int, Run, re.Match]]] = {}
    unit_runs: dict[object, list[tuple[int, Run]]] = {}
    for index, run in scan.in_scope(rule):
        whole = "file" if rule.per == "file" else run.paragraph
        unit_runs.setdefault(whole, []).append((index, run))
        for pattern, _ in rule.compiled:
            for match in pattern.finditer(run.text):
                if scan.free(index, match.start(), match.end()):
                    unit = (index, _sentence_start(run.text, match.start())) if rule.per == "sentence" else whole
                    units.setdefault(unit, []).append((index, run, match))
    found = []
    for unit, items in units.items():
        runs = unit_runs[unit] if rule.per != "sentence" else [items[0][:2]]
        by_name: dict[str, list[tuple[int, Run, re.Match]]] = {}
        for item in items:
            name = item[2].groupdict().get("name") or ""
            if not (name and (name in scan.context.known or ROMAN_NUMERAL.match(name))):
                by_name.setdefault(name, []).append(item)
        for name, uses in by_name.items():
            where = uses[0]
            if rule.when:
                when = rule.template(rule.when, name)
                where = next(((i, run, m) for i, run in runs if (m := when.search(run.text))), None)
                if where is None:
                    continue
            if rule.min and len(uses) < rule.min:
                index, run, match = where
            elif rule.max and len(uses) > rule.max:
                index, run, match = uses[rule.max]
            else:
                continue
            found.append(Hit(rule, run, match.start(), match.end(), match.group(0), None, name, len(uses), index))
    return found


def _sentence_start(text: str, position: int) -> int:
    return max(text.rfind(mark, 0, position) for mark in (". ", "! ", "? "))


def conditional(rule: Rule, scan: Scan) -> list[Hit]:
    """A name used before what must come first (its spelling-out), or never followed by it."""
    first_uses: dict[str, tuple[int, Run, re.Match]] = {}
    scoped = list(scan.in_scope(rule))
    for index, run in scoped:
        for pattern, _ in rule.compiled:
            for match in pattern.finditer(run.text):
                name = match.groupdict().get("name") or match.group(0)
                if (name in first_uses or name in scan.context.known or ROMAN_NUMERAL.match(name)
                        or not scan.free(index, match.start(), match.end())):
                    continue
                first_uses[name] = (index, run, match)
    found = []
    for name, (index, run, match) in first_uses.items():
        second = rule.template(rule.second, name)
        defined = next(((i, m) for i, other in scoped if (m := second.search(other.text))), None)
        if defined is None:
            if rule.missing == "report":
                found.append(Hit(rule, run, match.start(), match.end(), match.group(0), None, name, index=index))
            continue
        at, spelled = defined
        if (index, match.start()) < (at, spelled.start()):
            found.append(Hit(rule, run, match.start(), match.end(), match.group(0), None, name, index=index))
    return found


def without_overlaps(hits: list[Hit]) -> list[Hit]:
    """Per run, the hits that do not overlap an earlier (or, at the same place, longer) one."""
    kept, reach = [], {}
    for hit in sorted(hits, key=lambda h: (h.index, h.start, -h.end)):
        if hit.start >= reach.get(hit.index, -1):
            kept.append(hit)
            reach[hit.index] = hit.end
    return kept
