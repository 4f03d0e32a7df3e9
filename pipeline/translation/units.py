"""A draft's translatable units: its headings, paragraphs, list items, captions, table cells and footnote
paragraphs, each with its inline formatting, citations, cross-references and footnote calls as numbered
placeholders, and the way back from translated units to a draft of the same shape.

Both directions walk the blocks with one function (`each_unit`), so the n-th unit read out of a draft is
the n-th written back. Placeholders are numbered within their unit in reading order: `Pc` wraps text the
translator translates (emphasis, a link's words), `Ph` stands for something kept as it is (a citation, a
cross-reference, a footnote call, code, a picture). Stable ids: see `assign_ids`.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr

from ..agreed import reference_id
from ..numbering import XREF_CLASS
from ..tree import stringify

PAIRED = {"Emph": "emph", "Strong": "strong", "Underline": "underline", "Strikeout": "strikeout",
          "Superscript": "superscript", "Subscript": "subscript", "SmallCaps": "smallcaps", "Quoted": "quoted",
          "Span": "span", "Link": "link"}
CONTENT_INDEX = {"Quoted": 1, "Span": 1, "Link": 1}  # where a paired element keeps its inlines (else: c itself)
STANDALONE = {"Cite": "cite", "Code": "code", "Math": "math", "RawInline": "raw", "LineBreak": "break",
              "Image": "image", "Note": "footnote"}
WORDY = re.compile(r"\w")
BETWEEN_WORDS = re.compile(r"([ \t\r\n]+)")


@dataclass
class Ph:
    """A protected placeholder: kept as in the source, wherever the translator puts it."""

    id: str
    kind: str  # footnote, cite, xref, code, math, raw, break, image, anchor
    disp: str  # how a translator sees it
    node: dict = field(repr=False, compare=False)
    notes: list = field(default_factory=list, compare=False)  # a footnote's units (filled by `units_of`)


@dataclass
class Pc:
    """A paired placeholder: formatting or a link around text that is translated."""

    id: str
    kind: str
    content: list  # text (str), Ph and Pc
    node: dict = field(repr=False, compare=False)
    disp: str = ""


@dataclass
class Unit:
    key: int  # position in reading order
    kind: str  # heading, paragraph, item, caption, cell, note, term, line
    content: list  # text (str), Ph and Pc
    id: str = ""  # the stable id, given by `assign_ids`

    @property
    def markup(self) -> str:
        return markup(self.content)

    @property
    def hash(self) -> str:
        """What the unit says, placeholders included: equal hashes, same text to translate."""
        return hashlib.sha256(f"{self.kind}|{self.markup}".encode()).hexdigest()[:16]

    @property
    def text(self) -> str:
        return plain(self.content)

    @property
    def label(self) -> str:
        """How a finding names the unit: its id, kind and first words."""
        words = self.text.split()
        start = " ".join(words[:6]) + ("…" if len(words) > 6 else "")
        return f"unit {self.id} ({self.kind} \"{start}\")"

    def placeholders(self) -> list:
        return list(flatten(self.content))


def flatten(content: list):
    """Every placeholder of `content`, outer before inner, in reading order."""
    for piece in content:
        if isinstance(piece, (Ph, Pc)):
            yield piece
        if isinstance(piece, Pc):
            yield from flatten(piece.content)


def plain(content: list) -> str:
    parts = []
    for piece in content:
        if isinstance(piece, str):
            parts.append(piece)
        elif isinstance(piece, Pc):
            parts.append(plain(piece.content))
        elif piece.kind != "footnote":
            parts.append(piece.disp)
    return BETWEEN_WORDS.sub(" ", "".join(parts)).strip()


def markup(content: list) -> str:
    """The unit as XLIFF 2 inline markup, written one way only: what hashes and the memory compare."""
    out = []
    for piece in content:
        if isinstance(piece, str):
            out.append(piece.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
        elif isinstance(piece, Ph):
            out.append(f'<ph id="{piece.id}" type="jr:{piece.kind}" disp={quoteattr(piece.disp)}/>')
        else:
            out.append(f'<pc id="{piece.id}" type="jr:{piece.kind}">{markup(piece.content)}</pc>')
    return "".join(out)


# --- reading units out of blocks -------------------------------------------------------------------------


class Inlines:
    """One unit's inlines as content: numbers its placeholders, and collects its footnotes."""

    def __init__(self):
        self.count = 0
        self.notes: list[tuple[Ph, list]] = []  # each footnote call and the note's blocks

    def read(self, inlines: list) -> list:
        content: list = []
        for node in inlines:
            kind, value = node["t"], node.get("c")
            if kind == "Str":
                _text(content, value)
            elif kind in ("Space", "SoftBreak"):
                _text(content, " ")
            elif kind == "Span" and (XREF_CLASS in value[0][1] or not value[1]):
                target = dict(value[0][2]).get("target", value[0][0])
                content.append(self.ph("xref" if XREF_CLASS in value[0][1] else "anchor", f"@{target}", node))
            elif kind in PAIRED:
                self.count += 1
                ident = str(self.count)
                inner = value[CONTENT_INDEX[kind]] if kind in CONTENT_INDEX else value
                disp = value[2][0] if kind == "Link" else ""
                content.append(Pc(ident, PAIRED[kind], self.read(inner), node, disp))
            elif kind in STANDALONE:
                placeholder = self.ph(STANDALONE[kind], _shown(kind, value), node)
                content.append(placeholder)
                if kind == "Note":
                    self.notes.append((placeholder, value))
            else:  # anything pandoc adds later: kept, like a placeholder
                content.append(self.ph("other", kind, node))
        return content

    def ph(self, kind: str, disp: str, node: dict) -> Ph:
        self.count += 1
        return Ph(str(self.count), kind, disp, node)


def _text(content: list, text: str) -> None:
    if content and isinstance(content[-1], str):
        content[-1] += text
    else:
        content.append(text)


def _shown(kind: str, value) -> str:
    if kind == "Cite":
        return stringify(value[1]) or "@" + ", @".join(c["citationId"] for c in value[0])
    if kind in ("Code", "Math", "RawInline"):
        return value[1]
    if kind == "Image":
        return stringify(value[1]) or "picture"
    if kind == "LineBreak":
        return "↵"
    return "footnote"


def has_words(content: list) -> bool:
    return any(WORDY.search(p) if isinstance(p, str) else (isinstance(p, Pc) and has_words(p.content))
               or (isinstance(p, Ph) and p.kind == "footnote") for p in content)


UnitAction = Callable[[str, list, "int | None"], "list | None"]  # (kind, inlines, note) → new inlines or None


def each_unit(blocks: list, action: UnitAction, kind: str = "paragraph", note: int | None = None) -> None:
    """Call `action` on each unit's inlines in reading order (a unit's footnotes right after it, `note`
    then naming the footnote: the id() of its blocks); it may give the unit new inlines. Blocks with no
    words (a picture alone, an agreed-text reference, code) are no unit and stay as they are."""
    for block in blocks:
        t, c = block["t"], block.get("c")
        if t in ("Para", "Plain"):
            if reference_id(block) is None:
                block["c"] = _unit(c, kind, action, note)
        elif t == "Header":
            c[2] = _unit(c[2], "heading", action, note)
        elif t in ("BlockQuote", "Div"):
            each_unit(c if t == "BlockQuote" else c[1], action, kind, note)
        elif t in ("BulletList", "OrderedList"):
            for item in c if t == "BulletList" else c[1]:
                each_unit(item, action, "item", note)
        elif t == "DefinitionList":
            for index, (term, definitions) in enumerate(c):
                c[index][0] = _unit(term, "term", action, note)
                for definition in definitions:
                    each_unit(definition, action, "item", note)
        elif t == "LineBlock":
            block["c"] = [_unit(line, "line", action, note) for line in c]
        elif t == "Figure":
            each_unit(c[1][1], action, "caption", note)
            each_unit(c[2], action, kind, note)
        elif t == "Table":
            each_unit(c[1][1], action, "caption", note)
            for row in _rows(c):
                for cell in row[1]:
                    each_unit(cell[4], action, "cell", note)


def _rows(table: list):
    head, bodies, foot = table[3], table[4], table[5]
    yield from head[1]
    for body in bodies:
        yield from body[2]
        yield from body[3]
    yield from foot[1]


def _unit(inlines: list, kind: str, action: UnitAction, note: int | None) -> list:
    reader = Inlines()
    if not has_words(reader.read(inlines)):
        return inlines
    replaced = action(kind, inlines, note)
    for _call, note_blocks in reader.notes:  # the same note objects in the old and the new inlines
        each_unit(note_blocks, action, "note", id(note_blocks))
    return inlines if replaced is None else replaced


def units_of(blocks: list) -> list[Unit]:
    """Every unit of a draft in reading order, each footnote call knowing its note's units (`Ph.notes`)."""
    found: list[Unit] = []
    calls: dict[int, Ph] = {}  # id() of a note's blocks → its call

    def collect(kind: str, inlines: list, note: int | None):
        reader = Inlines()
        unit = Unit(len(found), kind, reader.read(inlines))
        found.append(unit)
        if note in calls:
            calls[note].notes.append(unit)
        calls.update((id(blocks), call) for call, blocks in reader.notes)

    each_unit(copy.deepcopy(blocks), collect)
    return found


# --- writing translated units back -----------------------------------------------------------------------


def rebuild(blocks: list, targets: dict[int, list]) -> list:
    """A copy of `blocks` with each unit's inlines made from its translation (`targets`: unit key →
    content whose placeholders carry the source's ids); a unit without one keeps its source text."""
    result = copy.deepcopy(blocks)
    position = iter(range(1_000_000_000))

    def translate(kind: str, inlines: list, note: int | None):
        key = next(position)
        if key not in targets:
            return None
        return _inlines(targets[key], _nodes_by_id(inlines))

    each_unit(result, translate)
    return result


def _nodes_by_id(inlines: list) -> dict[str, dict]:
    """Placeholder id → the very node of `inlines` it stands for."""
    return {piece.id: piece.node for piece in flatten(Inlines().read(inlines))}


def _inlines(content: list, nodes: dict[str, dict]) -> list:
    out: list = []
    for piece in content:
        if isinstance(piece, str):
            for word in BETWEEN_WORDS.split(piece):  # a no-break space stays inside its word
                if word:
                    out.append({"t": "Space"} if BETWEEN_WORDS.fullmatch(word) else {"t": "Str", "c": word})
        elif isinstance(piece, Ph):
            out.append(nodes[piece.id])  # the node itself: a footnote's blocks are translated in place
        else:
            node = copy.copy(piece.node or nodes[piece.id])  # formatting a Word translator made has its own
            kind = node["t"]
            inner = _inlines(piece.content, nodes)
            if kind in CONTENT_INDEX:
                value = list(node["c"])
                value[CONTENT_INDEX[kind]] = inner
                node["c"] = value
            else:
                node["c"] = inner
            out.append(node)
    return out


# --- stable ids ------------------------------------------------------------------------------------------


def assign_ids(units: list[Unit], known: list[tuple[str, str]]) -> None:
    """Give each unit its stable id. `known` is (id, hash) of the units of an earlier version, in order:
    a unit found there unchanged keeps its id, one edited in place (between the same neighbours) keeps
    the id of the unit it replaces; any other gets a new id made from its content at first sight, and
    keeps it from then on (the caller records it)."""
    matcher = difflib.SequenceMatcher(None, [h for _, h in known], [u.hash for u in units], autojunk=False)
    taken = {ident for ident, _ in known}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for offset, unit in enumerate(units[j1:j2]):
            if tag == "equal" or (tag == "replace" and offset < i2 - i1):
                unit.id = known[i1 + offset][0]
            else:
                unit.id = _new_id(unit.hash, taken)
            taken.add(unit.id)


def _new_id(digest: str, taken: set[str]) -> str:
    ident, n = f"u{digest[:10]}", 1
    while ident in taken:
        n += 1
        ident = f"u{digest[:10]}-{n}"
    return ident


def changes(units: list[Unit], known: list[tuple[str, str]]) -> tuple[list[Unit], list[Unit], list[str]]:
    """Against the version a translation was made from (`known`, in order): the units whose text changed
    since, the units that are new, and the ids of units no longer in the source. Gives `units` their ids."""
    assign_ids(units, known)
    before = dict(known)
    changed = [u for u in units if u.id in before and before[u.id] != u.hash]
    new = [u for u in units if u.id not in before]
    present = {u.id for u in units}
    return changed, new, [ident for ident, _ in known if ident not in present]
