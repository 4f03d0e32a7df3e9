"""The fixes the build would make in one draft, found the way the build and the check find them.

Agreed terms are found with the build's own `terms.replacements` on the same
runs of prose the assembly harmonises (after `neutralise`, as `assemble` does),
and the house style's fixes with the build's own `style.fixes.fix_hits` on the
same blocks, so accepting every returned change gives the text the build
prints. Acronyms
spelled out at first use and agreed text restored over a paraphrase follow the
check's rules (`terms/acronym-first-use`, `agreed/drift`); the build reports
those and changes nothing, so they are offered only where no term fix overlaps.

Each fix is known by the words around it in its run, as the draft has them and
as the report prints them (every other fix made), so that the build can
recognise the same place in a later version of the draft, whichever fixes next
to it the agency took (a fix the agency rejected is not made again until an
editor decides).
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, replace

from ..agreed import drift, may_drift, paragraphs, word_counts
from ..inputs import Draft
from ..model import Terminology
from ..normalise import neutralise, picture_problem
from ..style.engine import Hit, Scan
from ..style.fixes import HouseStyle, fix_hits
from ..terms import ACRONYM, Replacement, introduced, replacements
from ..textruns import Locator, Run, text_runs

TERM, STYLE, ACRONYM_KIND, AGREED = "term", "style", "acronym", "agreed"
CONTEXT_WORDS = 4
TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


@dataclass(frozen=True)
class Fix:
    """One change offered to an agency: what it is and where, in words a person and the build can use."""

    id: str
    file: str  # the draft's path in the project
    kind: str  # term | style | acronym | agreed
    before: str  # the words as the draft has them
    after: str  # the words as the report wants them
    context: tuple[str, str]  # a few words before and after, in the same run of prose
    location: str  # 'paragraph N ("first words…")'
    reason: str  # why, in plain words: the comment the agency reads
    printed: tuple[str, str] = ("", "")  # the words around as the report prints them: the build's fixes made


@dataclass
class Proposal:
    """A fix and where its words are in the converted draft: `run`'s text [start, end) (no `run`: the
    passage `fix.before` somewhere in the paragraph made of `runs`), and its edits, each (start, end,
    new text) in `fix.before`."""

    fix: Fix
    runs: list[Run]
    run: Run | None
    start: int
    end: int
    edits: list[tuple[int, int, str]]


def context(text: str, start: int, end: int) -> tuple[str, str]:
    """The words either side of [start, end): how a fix is recognised in a later version of the draft."""
    return (" ".join(text[:start].split()[-CONTEXT_WORDS:]), " ".join(text[end:].split()[:CONTEXT_WORDS]))


def fix_id(file: str, kind: str, before: str, after: str, around: tuple[str, str]) -> str:
    """Stable as long as the words and their neighbours are: the same fix in every return and build."""
    return "F-" + hashlib.sha1("|".join((file, kind, before, after, *around)).encode()).hexdigest()[:10]


def word_edits(before: str, after: str) -> list[tuple[int, int, str]]:
    """`before` → `after` as few whole-word edits, the words both share left alone ("social floor" →
    "social protection floor" inserts "protection ")."""
    old, new = TOKEN.findall(before), TOKEN.findall(after)
    offsets = [0]
    for token in old:
        offsets.append(offsets[-1] + len(token))
    edits = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op != "equal":
            edits.append((offsets[i1], offsets[i2], "".join(new[j1:j2])))
    return edits


def harmonised_blocks(draft: Draft, cites=None) -> list:
    """A copy of the draft's blocks as the assembly harmonises them: after `neutralise`, which unlinks
    dangling links and prints unknown citations as typed (both change where runs begin and end)."""
    blocks, _ = neutralise(draft.blocks, lambda source: picture_problem(draft.media_dir, source), cites)
    return blocks


def paragraph_of(runs: list[Run]) -> dict[int, list[Run]]:
    """id(run) → the runs of its paragraph (or footnote)."""
    return {id(run): group for group in paragraphs(runs) for run in group}


def term_proposals(terminology: Terminology, runs: list[Run], language: str, file: str,
                   locate: Locator) -> list[Proposal]:
    """Every rejected variant the build replaces, with the preferred term."""
    group = paragraph_of(runs)
    found = []
    for run in runs:
        for r in replacements(terminology, run, language):
            around = context(run.text, r.start, r.end)
            fix = Fix(fix_id(file, TERM, r.before, r.after, around), file, TERM, r.before, r.after, around,
                      locate(run, r.before), _term_reason(r))
            found.append(Proposal(fix, group[id(run)], run, r.start, r.end, word_edits(r.before, r.after)))
    return found


def _term_reason(r: Replacement) -> str:
    note = f" ({r.term.note})" if r.term.note else ""
    return (f"'{r.after}' instead of '{r.before}': '{r.term.preferred}' is the term the coalition agreed in its "
            f"glossary{note}. The report prints it this way.")


def made_proposals(terminology: Terminology, house: HouseStyle | None, blocks: list, language: str, file: str,
                   locate: Locator) -> list[Proposal]:
    """The fixes the build makes in `blocks` (a copy of the draft's, `harmonised_blocks`): the glossary's, then
    the house style's, each knowing the words around it as the report prints them."""
    scan = Scan(blocks, language, house.context) if house else None
    proposals = term_proposals(terminology, scan.runs if scan else text_runs(blocks), language, file, locate)
    proposals += style_proposals(house, scan, file, locate) if scan else []
    return [replace(p, fix=replace(p.fix, printed=printed_context(p, proposals))) for p in proposals]


def printed_context(proposal: Proposal, proposals: list[Proposal]) -> tuple[str, str]:
    """The words either side of a fix once the other fixes of its run are made, as the report prints them."""
    text, others = proposal.run.text, [p for p in proposals if p.run is proposal.run and p is not proposal]

    def made(start: int, end: int) -> str:
        pieces, at = [], start
        for p in sorted((p for p in others if start <= p.start and p.end <= end), key=lambda p: p.start):
            pieces += [text[at:p.start], p.fix.after]
            at = p.end
        return "".join(pieces) + text[at:end]

    ahead, behind = made(0, proposal.start), made(proposal.end, len(text))
    return context(ahead + behind, len(ahead), len(ahead))


def style_proposals(house: HouseStyle, scan: Scan, file: str, locate: Locator) -> list[Proposal]:
    """Every house-style fix the build makes in the file `scan` reads (a substitution, a spelling, the form
    the report writes a word in), with its rule and the manual's section it comes from. The glossary's words
    are left to the term fixes, as the check leaves them."""
    group = paragraph_of(scan.runs)
    found = []
    for hit in fix_hits(house.style, scan, house.consistent.get(scan.language, {})):
        around = context(hit.run.text, hit.start, hit.end)
        fix = Fix(fix_id(file, STYLE, hit.before, hit.after, around), file, STYLE, hit.before, hit.after, around,
                  locate(hit.run, hit.before), _style_reason(hit))
        found.append(Proposal(fix, group[id(hit.run)], hit.run, hit.start, hit.end, word_edits(hit.before, hit.after)))
    return found


def _style_reason(hit: Hit) -> str:
    source = f" ({hit.rule.source})" if hit.rule.source else ""
    return (f"'{hit.after.strip()}' instead of '{hit.before.strip()}': the house style's rule {hit.rule.id}{source}. "
            "The report prints it this way.")


def acronym_proposal(terminology: Terminology, runs: list[Run], run: Run, token: str, language: str, file: str,
                     locate: Locator) -> Proposal | None:
    """`token`'s first use in its chapter (in `run`, of the paragraph made of `runs`) spelled out as
    'expansion (ACRONYM)' as the glossary gives it — the check's `terms/acronym-first-use` as a change —
    or None when it is introduced already or the glossary has no expansion in this language."""
    expansion = terminology.expansion(token, language)
    spans = run.prose_spans()
    match = next((m for m in ACRONYM.finditer(run.text) if m.group(1) == token
                  and any(a <= m.start() and m.end() <= b for a, b in spans)), None)
    if expansion is None or match is None or introduced(run.text, match, expansion):
        return None
    written = match.group(0)
    spelled = expansion[0].upper() + expansion[1:] if _opens_sentence(run.text[:match.start()]) else expansion
    after = f"{spelled} ({written})"
    around = context(run.text, match.start(), match.end())
    fix = Fix(fix_id(file, ACRONYM_KIND, written, after, around), file, ACRONYM_KIND, written, after, around,
              locate(run, token), f"First use of {token} in this chapter: spelled out as the glossary gives it, "
                                  f"'{expansion} ({token})'; afterwards {token} alone is enough.")
    return Proposal(fix, runs, run, match.start(), match.end(),
                    [(0, 0, f"{spelled} ("), (len(written), len(written), ")")])


def _opens_sentence(before: str) -> bool:
    """Whether words after `before` open a sentence (and a spelled-out acronym takes a capital)."""
    return not before.strip() or before.rstrip()[-1] in ".!?:"


def agreed_proposals(terminology: Terminology, runs: list[Run], language: str, file: str,
                     locate: Locator) -> list[Proposal]:
    """A paraphrase of agreed text (the check's `agreed/drift`) with the agreed wording restored."""
    candidates = [(block, text, word_counts(text)) for block in terminology.agreed.values()
                  if (text := block.text_in(language))]
    found = []
    for group in paragraphs(runs) if candidates else []:
        text = " ".join(run.text for run in group)
        words = word_counts(text)
        for block, agreed, agreed_words in candidates:
            drifted = may_drift(agreed_words, words) and drift(agreed, text)
            if not drifted:
                continue
            passage, diff = drifted
            start = text.find(passage)
            around = context(text, start, start + len(passage))
            fix = Fix(fix_id(file, AGREED, passage, agreed, around), file, AGREED, passage, agreed, around,
                      locate(group[0], " ".join(passage.split()[:6])),
                      f"Close to the agreed text '{block.id}' but not the same ({diff}): the agreed wording is "
                      f"restored. You may instead write {{{{agreed:{block.id}}}}} as a paragraph of its own.")
            found.append(Proposal(fix, group, None, 0, 0, word_edits(passage, agreed)))
    return found
