"""An accepted translation made into a draft: the source's blocks with every unit translated, written as
the source was sent (see originals.py), and its units as translation-memory entries."""

from __future__ import annotations

import datetime as dt

import yaml

from ..pandoc import write_from_ast
from ..tree import visit
from .fields import with_word_fields
from .memory import Entry
from .originals import Original
from .units import Pc, Ph, Unit, rebuild
from .wordfile import PANDOC_API_VERSION, described, embedded

MARKDOWN = "markdown-raw_html-raw_tex-raw_attribute"  # what intake reads back, nothing raw


def translated(blocks: list, units: list[Unit], targets: dict[str, list]) -> list:
    return rebuild(blocks, {u.key: targets[u.id] for u in units})


def draft_file(original: Original, blocks: list, made: dt.date) -> bytes:
    """The translation as a file: Markdown (with front matter for a draft: an editors' text has none), or a
    Word file whose citations and cross-references are Word's own fields (a sidecar's worth of metadata is
    left to the record: a Word draft's status is its sidecar's, and none is written)."""
    lang = original.package.lang
    ast = {"pandoc-api-version": PANDOC_API_VERSION, "meta": {"lang": {"t": "MetaString", "c": lang}},
           "blocks": blocks}
    if original.fmt == "docx":
        with_word_fields(blocks, original.references, lang)
        visit(blocks, embedded(original.media_dir), only=frozenset(("Image",)))
        return described(write_from_ast(ast, "docx", []))
    text = write_from_ast(ast, MARKDOWN, ["--wrap=none"]).decode("utf-8")
    if original.meta is None:
        return text.encode("utf-8")
    front = {"status": original.meta.status, "submitted": made}
    if original.meta.version:
        front["version"] = original.meta.version
    return ("---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n\n" + text).encode("utf-8")


def memory_entries(units: list[Unit], targets: dict[str, list], path: str) -> list[Entry]:
    """Each unit's source and translation, the translation's placeholders as the source's (a Word
    translator's own formatting is left out: the memory holds what the source marks)."""
    return [Entry(u.content, canonical(u, targets[u.id]), u.id, path) for u in units]


def canonical(unit: Unit, target: list) -> list:
    source = {p.id: p for p in unit.placeholders()}
    out: list = []
    for piece in target:
        if isinstance(piece, str):
            out.append(piece)
            continue
        theirs = source.get(piece.id)
        if isinstance(piece, Pc) and not isinstance(theirs, Pc):
            out += canonical(unit, piece.content)
        elif isinstance(piece, Pc):
            out.append(Pc(piece.id, theirs.kind, canonical(unit, piece.content), {}, theirs.disp))
        else:
            out.append(Ph(piece.id, theirs.kind, theirs.disp, {}))
    merged: list = []
    for piece in out:
        if isinstance(piece, str) and merged and isinstance(merged[-1], str):
            merged[-1] += piece
        else:
            merged.append(piece)
    return merged
