"""One term written several ways across the report ("health care", "healthcare"; "Viet Nam", "Vietnam"):
found over every file of a language at once, decided once (the glossary's form, else the form the rule
prescribes, else the majority's, else the first written), reported as one finding that lists the places,
and fixed in the build.

Each file's uses are gathered on their own (`forms_in`, kept in a cache by the file's content); the
decision needs them all (`decide`).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field

from ..inputs import ChapterIntro, Draft, drafts_in_order
from ..model import Place, Project, Terminology
from ..terms import _starts_sentence
from ..textruns import Locator
from .engine import Scan, _flexible, times
from .rules import Rule, Style

SUFFIX = r"(?P<suffix>'s|’s|s'|s’)?"
HYPHENATED = re.compile(r"(?<![\w\-‐‑])([^\W\d_]{2,})[\-‐‑]([^\W\d_]{2,})(?![\w\-‐‑])")
CLOSED = re.compile(r"(?<![\w\-‐‑])[^\W\d_]{5,}(?![\w\-‐‑])")
# Pairs whose closed and hyphenated forms are two words, not two spellings of one.
TWO_WORDS = frozenset({"re-sign", "re-form", "re-cover", "re-creation", "re-count", "re-press", "re-treat",
                       "re-lease", "re-solve", "re-serve", "re-present", "re-mark", "re-sort", "co-op", "un-ionized",
                       "multi-media", "pre-tax", "re-enter", "de-mining", "re-act", "re-collect"})


def key(form: str) -> str:
    """A form as it is compared: lower case, one space between words, one apostrophe."""
    return " ".join(form.lower().replace("’", "'").split())


@dataclass(frozen=True)
class Text:
    """One file of the report as the style reads it, with how a message names it ("ILO 2.1")."""

    item: Draft | ChapterIntro
    place: Place
    language: str
    label: str

    @property
    def blocks(self) -> list:
        return self.item.blocks

    @property
    def locate(self) -> Locator:
        return Locator(self.item.source)


def texts_in_order(project: Project, drafts: list[Draft], intros: dict, language: str) -> list[Text]:
    """The files of one language in reading order: front matter, each chapter's introduction and its
    sections' drafts (lead agency first), back matter."""
    texts = []

    def intro(ident: str) -> None:
        found = intros.get((ident, language))
        if found is not None:
            texts.append(Text(found, found.place, language, found.relpath))

    for matter in project.front:
        intro(matter.id)
    mine = [d for d in drafts if d.contribution.lang == language]
    for chapter in project.chapters:
        intro(chapter.id)
        for section in chapter.sections:
            for draft in drafts_in_order(section, mine):
                agency = project.agencies.get(draft.contribution.agency)
                label = f"{agency.short if agency else draft.contribution.agency} {section.number or section.id}"
                texts.append(Text(draft, draft.contribution.place, language, label))
    for matter in project.back:
        intro(matter.id)
    return texts


@functools.lru_cache(maxsize=256)
def set_pattern(forms: tuple[str, ...]) -> re.Pattern:
    """Any of `forms` (longest first, so "United Republic of Tanzania" is not read as "Tanzania"), in
    any case, with a plural or possessive ending."""
    body = "|".join(_flexible(form) for form in sorted(forms, key=len, reverse=True))
    return re.compile(r"(?<![\w\-‐‑])(?P<stem>%s)%s(?![\w\-‐‑])" % (body, SUFFIX), re.I)


def name_like(stem: str, form: str, text: str, start: int) -> bool:
    """A lower-case form written with a capital inside a sentence: part of a name, not a use of it."""
    return form == form.lower() and stem[:1].isupper() and not _starts_sentence(text, start)


def _common(match: re.Match, text: str) -> bool:
    """A word in lower case, or with a capital only because it opens a sentence (not a name)."""
    word = match.group(0)
    return word.islower() or (word[1:].islower() and _starts_sentence(text, match.start()))


def forms_in(style: Style, scan: Scan, locate: Locator) -> dict:
    """Where one file writes each form of each consistency rule of its language, and (for compounds)
    its hyphenated words with their places and its closed words with their counts; plain data, kept
    in a cache."""
    found: dict = {"sets": [], "hyphenated": {}, "closed": {}}
    rules = [rule for rule in style.of(scan.language) if rule.kind == "consistency"]
    for rule in rules:
        if not rule.sets:
            continue
        # the runs that write any form of any set: one search each, where most runs write none
        any_form = set_pattern(tuple(form for chosen_set in rule.sets for form in chosen_set.forms))
        writing = [(index, run) for index, run in scan.in_scope(rule) if any_form.search(run.text)]
        for number, chosen_set in enumerate(rule.sets):
            by_key = {key(form): form for form in chosen_set.forms}
            for index, run in writing:
                for match in set_pattern(chosen_set.forms).finditer(run.text):
                    form = by_key.get(key(match.group("stem")))
                    if (form is None or not scan.free(index, match.start(), match.end())
                            or name_like(match.group("stem"), form, run.text, match.start())):
                        continue
                    found["sets"].append([rule.id, number, form, locate(run, match.group(0))])
    compounds = next((rule for rule in rules if rule.compounds), None)
    if compounds:
        closed: Counter = Counter()
        for index, run in scan.in_scope(compounds):
            for match in HYPHENATED.finditer(run.text):
                if _common(match, run.text) and scan.free(index, match.start(), match.end()):
                    found["hyphenated"].setdefault(match.group(0).lower(), []).append(locate(run, match.group(0)))
            closed.update(m.group(0).lower() for m in CLOSED.finditer(run.text)
                          if _common(m, run.text) and scan.free(index, m.start(), m.end()))
        found["closed"] = dict(closed)
    return found


@dataclass
class Written:
    """How one file writes one form: where first, and how many times."""

    text: Text
    form: str
    locations: list[str] = field(default_factory=list)  # empty for closed compounds (counted, not placed)
    count: int = 0


@dataclass
class Decision:
    rule: Rule
    form: str  # what the report writes
    reason: str
    uses: list[Written]  # every file's uses of every form, in reading order

    @property
    def others(self) -> list[Written]:
        return [use for use in self.uses if key(use.form) != key(self.form)]

    def listing(self) -> str:
        """'healthcare' in WHO 2.1 (paragraph 3), ILO 3.2 (line 4, 2 times); 'health care' 5 times (ILO 1.1…)."""
        parts = []
        for form in dict.fromkeys(use.form for use in self.uses):
            mine = [use for use in self.uses if use.form == form]
            total = sum(use.count for use in mine)
            if key(form) == key(self.form):
                labels = list(dict.fromkeys(use.text.label for use in mine))
                shown = ", ".join(labels[:4]) + (", …" if len(labels) > 4 else "")
                parts.append(f"'{form}' {times(total)} ({shown})")
                continue
            places = [_where(use) for use in mine]
            more = f", and {len(places) - 8} more" if len(places) > 8 else ""
            parts.append(f"'{form}' in {', '.join(places[:8])}{more}")
        return "; ".join(parts)


def _where(use: Written) -> str:
    """'WHO 2.1 (paragraph 3, 2 times)'."""
    details = [use.locations[0]] if use.locations else []
    details += [times(use.count)] if use.count > 1 else []
    return f"{use.text.label} ({', '.join(details)})" if details else use.text.label


def decide(style: Style, language: str, gathered: list[tuple[Text, dict]], terminology: Terminology) -> list[Decision]:
    """Every term of the language's consistency rules that the report writes in more than one way, or
    only otherwise than the rule prescribes, with the form to write and why."""
    rules = [rule for rule in style.of(language) if rule.kind == "consistency"]
    preferred = {key(term.preferred): term.preferred for term in terminology.terms if term.lang == language}
    rejected = {key(variant) for term in terminology.terms if term.lang == language for variant in term.reject}
    decisions = []
    for rule in rules:
        for number, chosen_set in enumerate(rule.sets):
            uses = _uses([(text, [(entry[2], entry[3]) for entry in forms["sets"]
                                  if entry[0] == rule.id and entry[1] == number]) for text, forms in gathered])
            decision = _decision(rule, chosen_set.forms, chosen_set.prefer, uses, preferred, rejected)
            decisions += [decision] if decision else []
    compounds = next((rule for rule in rules if rule.compounds), None)
    if compounds:
        listed = {key(form) for rule in rules for chosen_set in rule.sets for form in chosen_set.forms}
        closed_total: Counter = Counter()
        for _, forms in gathered:
            closed_total.update(forms["closed"])
        hyphenated = dict.fromkeys(word for _, forms in gathered for word in forms["hyphenated"])
        for word in hyphenated:
            joined = re.sub(r"[\-‐‑]", "", word)
            if joined not in closed_total or word in TWO_WORDS or {word, joined} & listed:
                continue
            uses = []
            for text, forms in gathered:
                if word in forms["hyphenated"]:
                    uses.append(Written(text, word, forms["hyphenated"][word], len(forms["hyphenated"][word])))
                if forms["closed"].get(joined):
                    uses.append(Written(text, joined, [], forms["closed"][joined]))
            decision = _decision(compounds, (word, joined), "", uses, preferred, rejected)
            decisions += [decision] if decision else []
    return decisions


def _uses(per_text: list[tuple[Text, list[tuple[str, str]]]]) -> list[Written]:
    uses = []
    for text, entries in per_text:
        mine: dict[str, Written] = {}
        for form, location in entries:
            written = mine.setdefault(form, Written(text, form))
            written.locations.append(location)
            written.count += 1
        uses += mine.values()
    return uses


def _decision(rule: Rule, forms: tuple[str, ...], prefer: str, uses: list[Written], preferred: dict[str, str],
              rejected: set[str]) -> Decision | None:
    if not uses or any(key(form) in rejected for form in forms):
        return None  # unused, or the glossary's business
    counts = Counter()
    for use in uses:
        counts[key(use.form)] += use.count
    glossary = next((preferred[key(form)] for form in forms if key(form) in preferred), None)
    if glossary:
        form, reason = glossary, "the glossary's form"
    elif prefer:
        form, reason = prefer, "the form the house style prescribes"
    else:
        first = {key(use.form): i for i, use in reversed(list(enumerate(uses)))}
        best = max(counts, key=lambda k: (counts[k], -first[k]))
        form = next(use.form for use in uses if key(use.form) == best)
        tied = [k for k in counts if counts[k] == counts[best]]
        reason = (f"the form most places write ({counts[best]} of {sum(counts.values())})" if len(tied) == 1
                  else "the form written first")
    if len(counts) < 2 and key(form) in counts:
        return None  # written one way, the right one
    return Decision(rule, form, reason, uses)


def fixes(decisions: list[Decision]) -> dict[str, dict[str, str]]:
    """What the build writes instead: rule id → form written → the decided form."""
    made: dict[str, dict[str, str]] = {}
    for decision in decisions:
        for use in decision.others:
            made.setdefault(decision.rule.id, {})[use.form] = decision.form
    return made
