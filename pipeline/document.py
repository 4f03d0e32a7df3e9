"""The assembled report every renderer starts from: one pandoc AST with its headings, media and the
harmonisations the build made."""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass, field
from pathlib import Path

from .files import write_atomically
from .model import Project
from .tree import as_json


@dataclass(frozen=True)
class Change:
    """One harmonisation the build made to the assembled report (never to the draft itself)."""

    path: str
    location: str
    before: str
    after: str
    rule: str = ""  # the house-style rule that made it; "" for the glossary's and agreed text's


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    identifier: str


@dataclass
class Document:
    """The assembled report: one pandoc AST plus what the renderers need around it."""

    project: Project
    blocks: list
    headings: list[Heading]
    media: dict[str, Path]
    is_draft: bool
    changes: list[Change] = field(default_factory=list)
    captions: list = field(default_factory=list)  # numbering.Caption: the numbered figures and tables, in order

    @functools.cached_property
    def block_json(self) -> list[bytes]:
        """Each top-level block as JSON, written once: the digests of the whole document and of its pieces
        are made from it (the assembler writes keys in one order). The blocks must not change afterwards."""
        return [as_json(block) for block in self.blocks]


def write_changes(document: Document, path: Path) -> Path:
    """Every harmonisation made to the report, so editors can review what the build changed."""
    table = io.StringIO()
    writer = csv.writer(table, lineterminator="\n")
    writer.writerow(["file", "location", "before", "after", "rule"])  # rule: the house style's, "" for the glossary
    writer.writerows((c.path, c.location, c.before, c.after, c.rule) for c in document.changes)
    write_atomically(path, table.getvalue().encode("utf-8"))
    return path
