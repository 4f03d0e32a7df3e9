"""A translation edited by hand after its import, aligned again with the translation as imported, so its
staleness stays unit by unit: each of its units still translates the source unit it translated, a unit
whose translation was deleted is LOST.

The record keeps, for each unit of the translation as written, its hash and a likeness signature (a
64-bit SimHash of its words: close texts have close signatures). Units found unchanged are aligned by
hash, as stable ids are; where some were rewritten and some deleted between two unchanged ones, each
rewritten unit goes with the recorded unit it most resembles, in order; the recorded ones left over are
the deleted.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
from collections.abc import Callable
from dataclasses import replace

from ..bibliography import normalised
from .records import Record
from .units import Unit, units_of

LOST = ""  # a recorded unit's source hash once an edit by hand removed its translation
BITS = 64


def targets(units: list[Unit]) -> list[list[str]]:
    """What the record keeps of the translation as written: each unit's hash and signature."""
    return [[unit.hash, signature(unit.text)] for unit in units]


def signature(text: str) -> str:
    """A SimHash of the text's words and word pairs, as 16 hex digits."""
    words = normalised(text).split()
    weights = [0] * BITS
    for feature in words + [" ".join(pair) for pair in itertools.pairwise(words)]:
        bits = int.from_bytes(hashlib.sha256(feature.encode()).digest()[:8], "big")
        for bit in range(BITS):
            weights[bit] += 1 if bits >> bit & 1 else -1
    return f"{sum(1 << bit for bit in range(BITS) if weights[bit] > 0):016x}"


def likeness(one: str, other: str) -> float:
    return 1 - bin(int(one, 16) ^ int(other, 16)).count("1") / BITS


def current(record: Record | None, sha256: str | None, blocks: Callable[[], list]) -> Record | None:
    """The record that speaks for a translation today (`sha256`, `blocks`: the translation's): the one
    written at import; for a translation edited by hand since, the same with its units aligned again, a
    unit whose translation was removed LOST. None when nothing tells: no record, or one written before
    records kept `targets` (then the translation is judged as a whole, by version or date)."""
    if record is None or record.translation_sha256 == sha256:
        return record
    if not record.targets or len(record.targets) != len(record.units):
        return None
    written = targets(units_of(blocks()))
    units = [list(pair) for pair in record.units]
    matcher = difflib.SequenceMatcher(None, [t[0] for t in record.targets], [w[0] for w in written],
                                      autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):  # unchanged, or rewritten in place
            continue
        kept = _resembling([t[1] for t in record.targets[i1:i2]], [w[1] for w in written[j1:j2]])
        for offset in range(i2 - i1):
            if offset not in kept:
                units[i1 + offset][1] = LOST
    return replace(record, units=units)


def _resembling(recorded: list[str], written: list[str]) -> set[int]:
    """The recorded units the written ones are rewritings of: one each, in order, the pairing that
    resembles most (a small dynamic programme: a run of edits between unchanged units is short)."""
    best = [[0.0] * (len(written) + 1) for _ in range(len(recorded) + 1)]
    for i, one in enumerate(recorded, 1):
        for j, other in enumerate(written, 1):
            best[i][j] = max(best[i - 1][j], best[i][j - 1], best[i - 1][j - 1] + likeness(one, other))
    kept, i, j = set(), len(recorded), len(written)
    while i and j:
        if best[i][j] == best[i - 1][j]:
            i -= 1
        elif best[i][j] == best[i][j - 1]:
            j -= 1
        else:
            kept.add(i - 1)
            i, j = i - 1, j - 1
    return kept
