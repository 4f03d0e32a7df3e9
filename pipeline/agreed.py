"""Agreed language: definitions and key messages every agency must quote exactly.

A draft includes a block by reference, with a paragraph that is only
`{{agreed:ID}}`; the report then carries the exact agreed text. A paragraph
that is close to an agreed block but not identical is a paraphrase — the
drift coalitions worry about — and is reported with a word-level diff.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections import Counter

from .document import Change
from .textruns import Locator, Run, plain_text, text_runs

REFERENCE = re.compile(r"^\{\{\s*agreed:\s*([\w.-]+)\s*\}\}$")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")
DRIFT_THRESHOLD = 0.75
LENGTHS = (0.6, 1.6)  # a passage compared with an agreed text is this many times as long, at least and at most


def reference_id(block: dict) -> str | None:
    """The id of a `{{agreed:ID}}` paragraph, or None."""
    first = block["c"][0] if block["t"] in ("Para", "Plain") and block["c"] else None
    if first is None or first["t"] != "Str" or not first["c"].startswith("{{"):
        return None  # nearly every paragraph: it does not open with "{{"
    if any(i["t"] not in ("Str", "Space", "SoftBreak") for i in block["c"]):
        return None  # quoted or code: shown as written
    match = REFERENCE.match(plain_text(block["c"]).strip())
    return match.group(1) if match else None


def references(blocks: list) -> list[tuple[int, str]]:
    """(index among the top-level blocks, agreed id) for each reference paragraph."""
    return [(i, ident) for i, block in enumerate(blocks) if (ident := reference_id(block))]


def _words(text: str) -> list[str]:
    return re.findall(r"[\w’'-]+|[^\w\s]", text.lower())


def _diff(agreed: str, written: str) -> str:
    """'[-removed-] {+added+}' word by word, as `git diff --word-diff` shows it."""
    a, b = agreed.split(), written.split()
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        removed, added = " ".join(a[i1:i2]), " ".join(b[j1:j2])
        parts.append(" ".join(p for p in (removed and f"[-{removed}-]", added and f"{{+{added}+}}") if p))
    return "; ".join(parts)


def _windows(text: str, sentences_wanted: int) -> list[str]:
    """Runs of consecutive sentences about as long as the agreed block."""
    sentences = SENTENCE_END.split(text.strip())
    windows = []
    for size in {max(1, sentences_wanted - 1), sentences_wanted, sentences_wanted + 1}:
        windows += [" ".join(sentences[i:i + size]) for i in range(max(1, len(sentences) - size + 1))]
    return windows


def drift(agreed: str, paragraph: str) -> tuple[str, str] | None:
    """(the drifting passage, its diff) when `paragraph` paraphrases the agreed text, else None."""
    agreed_words = _words(agreed)
    wanted = len(SENTENCE_END.split(agreed))
    best, best_ratio = None, DRIFT_THRESHOLD
    for window in _windows(paragraph, wanted):
        words = _words(window)
        if not LENGTHS[0] <= len(words) / max(1, len(agreed_words)) <= LENGTHS[1]:
            continue
        matcher = difflib.SequenceMatcher(None, agreed_words, words, autojunk=False)
        if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio >= best_ratio and words != agreed_words:
            best, best_ratio = window, ratio
    return (best, _diff(agreed, best)) if best else None


def word_counts(text: str) -> Counter:
    return Counter(_words(text))


def may_drift(agreed: Counter, paragraph: Counter) -> bool:
    """Whether some passage of a paragraph (its `word_counts`) could be close enough to an agreed text's to
    be `drift`: a passage of w words shares at most m words with the agreed text's a, so its ratio
    2m / (a + w) reaches the threshold only if m ≥ threshold · (1 + shortest) / 2 · a. Most paragraphs
    share far fewer words with it and need no closer look."""
    shared = sum((agreed & paragraph).values())
    return shared >= DRIFT_THRESHOLD * (1 + LENGTHS[0]) / 2 * sum(agreed.values())


def paragraphs(runs: list[Run]) -> list[list[Run]]:
    """Runs grouped by the paragraph (or footnote) they sit in."""
    grouped: dict[tuple[int, bool], list[Run]] = {}
    for run in runs:
        grouped.setdefault((run.paragraph, run.in_note), []).append(run)
    return list(grouped.values())


def where(locate: Locator, runs: list[Run], block: dict) -> str | None:
    """Where a reference paragraph is, for a person looking for it."""
    run = next((run for run in runs if run.container is block["c"]), None)
    return locate(run, "{{agreed") if run else None


def expand(texts: dict[str, str], blocks: list, asts: dict[str, list], path: str, locate: Locator) -> list[Change]:
    """Replace each `{{agreed:ID}}` paragraph by the block's exact text (`texts`, as an AST in `asts`);
    return the changes made."""
    found = references(blocks)
    runs = text_runs(blocks) if found else []  # most drafts quote no agreed text: no need to read them
    changes = []
    for index, ident in reversed(found):
        if ident in asts:
            place = where(locate, runs, blocks[index])
            changes.append(Change(path, place, "{{agreed:%s}}" % ident, texts[ident]))
            own = copy.deepcopy(asts[ident])  # each place its own: later passes change blocks in place
            blocks[index:index + 1] = [{"t": "Div", "c": [["", ["agreed"], [["agreed", ident]]], own]}]
    return changes[::-1]
