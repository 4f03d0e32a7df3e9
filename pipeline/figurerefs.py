""""The figure below", "le tableau ci-dessous", "el cuadro siguiente" → "Figure 2.2", "le tableau 2.2", "el
cuadro 2.2", linked to it: the PDF floats figures and tables to the top or foot of a page, or the next, so a
figure is no longer always below the words that point at it; the UN Editorial Manual refers to a figure by
its number. Only a pointer within one draft to a numbered figure or table of that draft is rewritten, in the
assembled copy (never the draft); each rewrite is recorded with the build's other changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pandocfilters import Link, Space, Str

from .document import Change
from .normalise import DRAFT_CLASS
from .numbering import NUMBER_KEY

RULE = "figure-reference"
KINDS = {  # the nouns each language points with, and what they name
    "en": {"figure": "figure", "chart": "figure", "graph": "figure", "table": "table"},
    "fr": {"figure": "figure", "graphique": "figure", "tableau": "table"},
    "es": {"figura": "figure", "gráfico": "figure", "cuadro": "table", "tabla": "table"},
}
# Each language's pointers as word patterns: ART an article, KIND a noun above; +1 points forward, -1 back
POINTERS = {
    "en": [(("the", "KIND", "below"), 1), (("the", "KIND", "above"), -1), (("the", "following", "KIND"), 1),
           (("the", "preceding", "KIND"), -1), (("the", "previous", "KIND"), -1)],
    "fr": [(("ART", "KIND", "ci-dessous"), 1), (("ART", "KIND", "ci-après"), 1), (("ART", "KIND", "ci-dessus"), -1),
           (("ART", "KIND", "suivant"), 1), (("ART", "KIND", "suivante"), 1), (("ART", "KIND", "précédent"), -1),
           (("ART", "KIND", "précédente"), -1)],
    "es": [(("ART", "KIND", "siguiente"), 1), (("ART", "KIND", "anterior"), -1), (("ART", "KIND", "de", "abajo"), 1),
           (("ART", "KIND", "de", "arriba"), -1)],
}
ARTICLES = {"fr": {"la", "le"}, "es": {"la", "el"}}
# the words no pointer goes without (neither an article nor a noun), and the longest pointer's words
TRIGGERS = {language: {word for pattern, _ in pointers for word in pattern if word not in ("ART", "KIND", "the", "de")}
            for language, pointers in POINTERS.items()}
LONGEST = max(len(pattern) for pointers in POINTERS.values() for pattern, _ in pointers)
TRAILING = ".,;:!?)»”’"
TYPED_KEY = "typed-number"  # the number a draft typed in a caption's label ("Figure 3:"), kept by the assembly
# A number a draft typed after a noun ("figure 3", "Tableau 2.1", "fig. 4"): any language's noun, since only a
# number one of the same draft's captions was typed with is rewritten
NOUNS = {noun: kind for nouns in KINDS.values() for noun, kind in nouns.items()} | {"fig.": "figure"}
TYPED = re.compile(r"(?P<noun>(?:%s))[ \u00a0\u202f](?P<number>[\dIVX]+(?:[.-][\dIVX]+)*)(?P<tail>[%s]*)$"
                   % ("|".join(re.escape(noun) for noun in sorted(NOUNS, key=len, reverse=True)), re.escape(TRAILING)),
                   re.I)


@dataclass
class _Target:
    kind: str
    identifier: str
    number: str
    path: str  # the draft it is in
    typed: str = ""  # the number the draft typed in its caption, if it typed one


def refer_by_number(blocks: list, lang: str, label) -> list[Change]:
    """Rewrite the pointers in `blocks` (the assembled document, changed in place) as numbered links;
    `label(kind, number)` is the label the numbering pass gives ("Figure 2.2"). Returns the changes made."""
    language = lang.split("-")[0]
    events: list = []
    _collect(blocks, "", events)
    typed = {(e.path, e.kind, e.typed.lower()): e for e in events if isinstance(e, _Target) and e.typed}
    changes = []
    for index, event in enumerate(events):
        if isinstance(event, _Target):
            continue
        inlines, path, written = event
        if typed:
            changes += _renumber_typed(inlines, path, typed)
        written = written.split("-")[0] or language  # the pointer's words are the draft's, whatever the edition
        for start, end, kind, direction, noun in reversed(_pointers(inlines, written) if written in POINTERS
                                                          else []):
            target = _nearest(events, index, path, kind, direction)
            if target is None:
                continue
            before = " ".join(item["c"] for item in inlines[start:end] if item["t"] == "Str")
            tail = inlines[end - 1]["c"][len(inlines[end - 1]["c"].rstrip(TRAILING)):]
            if written == "en":  # "Figure 2.2", as the label reads
                named, lead = label(kind, target.number).replace(" ", "\u00a0"), []
            else:  # the article and the writer's own noun, the number in place of the pointer: "la figure 2.2"
                named, lead = f"{noun}\u00a0{target.number}", [inlines[start], Space()]
            link = Link(["", ["xref"], []], [Str(named)], ["#" + target.identifier, ""])
            inlines[start:end] = [*lead, link, *([Str(tail)] if tail else [])]
            after = " ".join([*(item["c"] for item in lead if item["t"] == "Str"), named.replace("\u00a0", " ")])
            changes.append(Change(path, "", before, after + tail, RULE))
    return changes


def _renumber_typed(inlines: list, path: str, typed: dict) -> list[Change]:
    """A number the draft typed in its text for one of its own captions ("la figure 3", "see Table 2") → the
    report's number for that caption, a link to it, the writer's noun kept. Changes `inlines` in place."""
    changes = []
    for index in range(len(inlines) - 1, -1, -1):
        item = inlines[index]
        if item["t"] != "Str":
            continue
        words = item["c"]
        joined = index >= 2 and inlines[index - 1]["t"] == "Space" and inlines[index - 2]["t"] == "Str"
        found = TYPED.match(words) or (TYPED.match(f"{inlines[index - 2]['c']} {words}") if joined else None)
        if found is None:
            continue
        noun = found["noun"]
        target = typed.get((path, NOUNS[noun.lower()], found["number"].lower()))
        if target is None:
            continue
        start = index if TYPED.match(words) else index - 2
        named = f"{noun}\u00a0{target.number}"
        link = Link(["", ["xref"], []], [Str(named)], ["#" + target.identifier, ""])
        inlines[start:index + 1] = [link, *([Str(found["tail"])] if found["tail"] else [])]
        if target.number != found["number"]:  # the same number only becomes a link: no rewrite to record
            changes.append(Change(path, "", found.group(0), named.replace("\u00a0", " ") + found["tail"], RULE))
    return changes


def _collect(blocks: list, path: str, events: list, lang: str = "") -> None:
    """The document in reading order: each paragraph's inlines with its draft and the draft's language (a
    draft not translated yet is in its own), each numbered figure and table."""
    for block in blocks:
        kind = block.get("t")
        if kind in ("Para", "Plain"):
            events.append((block["c"], path, lang))
        elif kind in ("Figure", "Table"):
            attrs = dict(block["c"][0][2])
            if NUMBER_KEY in attrs and path:
                events.append(_Target(attrs.get("kind", "figure"), block["c"][0][0], attrs[NUMBER_KEY], path,
                                      attrs.get(TYPED_KEY, "")))
        elif kind == "Div":
            attr, content = block["c"]
            own = dict(attr[2]) if DRAFT_CLASS in attr[1] else {}
            _collect(content, own.get("path", path), events, own.get("lang", lang))
        elif kind == "BlockQuote":
            _collect(block["c"], path, events, lang)
        elif kind in ("BulletList", "OrderedList"):
            for item in block["c"] if kind == "BulletList" else block["c"][1]:
                _collect(item, path, events, lang)


def _words(inlines: list, start: int, count: int) -> list[int] | None:
    """The indexes of `count` words (Str) from `start`, one Space between each, or None."""
    found = []
    index = start
    while len(found) < count:
        if index >= len(inlines) or inlines[index]["t"] != "Str":
            return None
        found.append(index)
        if len(found) < count:
            if index + 1 >= len(inlines) or inlines[index + 1]["t"] != "Space":
                return None
            index += 2
    return found


def _pointers(inlines: list, language: str) -> list[tuple[int, int, str, int, str]]:
    """Each pointer in a paragraph: (start, end, kind, direction, the noun as written), left to right. Only
    around the words a pointer needs ("below", "ci-dessous"…) is it looked for: most paragraphs have none."""
    triggers = TRIGGERS[language]
    near = [index for index, item in enumerate(inlines)
            if item["t"] == "Str" and item["c"].rstrip(TRAILING).lower() in triggers]
    starts = sorted({start for index in near for start in range(max(0, index - 2 * (LONGEST - 1)), index + 1)})
    found = []
    for start in starts:
        for pattern, direction in POINTERS[language]:
            places = _words(inlines, start, len(pattern))
            if places is None:
                continue
            words = [inlines[i]["c"] for i in places]
            words[-1] = words[-1].rstrip(TRAILING)
            kind = noun = None
            for expected, word in zip(pattern, words, strict=True):
                lowered = word.lower()
                if expected == "KIND" and lowered in KINDS[language]:
                    kind, noun = KINDS[language][lowered], word
                elif expected == "ART" and lowered in ARTICLES.get(language, ()):
                    continue
                elif expected != lowered:
                    break
            else:
                if kind and (not found or start >= found[-1][1]):
                    found.append((start, places[-1] + 1, kind, direction, noun))
    return found


def _nearest(events: list, index: int, path: str, kind: str, direction: int) -> _Target | None:
    """The first numbered `kind` of the same draft after (or before) the paragraph at `index`."""
    step = range(index + 1, len(events)) if direction > 0 else range(index - 1, -1, -1)
    for other in step:
        event = events[other]
        if (event.path if isinstance(event, _Target) else event[1]) != path:
            return None
        if isinstance(event, _Target) and event.kind == kind:
            return event
    return None
