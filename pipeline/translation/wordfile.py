"""The Word route: a section's units as a clean Word file for translators who work in Word (no tracked
changes, no comments, the house styles), and a returned one read back as units.

Each unit starts with a bookmark named `jr_<unit id>` (Word and LibreOffice keep bookmarks through
editing and saving); what cannot be edited safely — a citation, a cross-reference, code — is a token
`⟦n …⟧` the translator moves but does not change, and footnotes are Word's own. A returned file is read
with its bookmarks turned into tokens pandoc keeps (`⟦#id⟧`), so each unit is found by its bookmark,
else by its place between found ones. The package it belongs to is a custom document property.
"""

from __future__ import annotations

import base64
import copy
import io
import itertools
import json
import mimetypes
import re
import zipfile
from pathlib import Path

from lxml import etree

from .. import wordml
from ..normalise import picture_problem
from ..pandoc import read_to_ast, write_from_ast
from ..tree import visit
from ..word.pictures import PIC, describe_pictures
from .units import BETWEEN_WORDS, Inlines, Pc, Ph, Unit, each_unit, flatten
from .xliff import Package

PROPERTY = "jointreport-package"
MEMORY_STYLE = "Translation Memory"  # the character style of text pre-filled from the memory
TOKEN = re.compile(r"⟦(#?)([^\s⟧]+)[^⟧]*⟧")
NOTE_BOOKMARK = re.compile(r"⟦#(u[0-9a-f]+(?:-\d+)?)⟧")
COPY_SUFFIX = re.compile(r"_Copy_\d+$")  # LibreOffice renames a footnote's bookmark on saving
BOOKMARK = "jr_"
PANDOC_API_VERSION = [1, 23, 1]


def write_docx(package: Package, blocks: list, units: list[Unit], prefilled: dict[str, list], media_root: Path,
               reference_doc: Path | None) -> bytes:
    """The clean Word file of one package: the source's blocks, each unit opening on its bookmark, in the
    source text or (for `prefilled` units) the memory's translation in the Translation Memory style."""
    result = copy.deepcopy(blocks)
    ids = iter([u.id for u in units])

    def mark(kind: str, inlines: list, note: int | None):
        ident = next(ids)
        source = Inlines().read(inlines)
        shown = _word_inlines(prefilled.get(ident, source), {p.id: p.node for p in flatten(source)})
        if ident in prefilled:
            shown = [{"t": "Span", "c": [["", [], [["custom-style", MEMORY_STYLE]]], shown]}]
        return [{"t": "Span", "c": [[BOOKMARK + ident, [], []], []]}, *shown]

    each_unit(result, mark)
    visit(result, embedded(media_root), only=frozenset(("Image",)))
    meta = {"lang": {"t": "MetaString", "c": package.source_lang},
            PROPERTY: {"t": "MetaString", "c": json.dumps(package.__dict__, sort_keys=True)}}
    args = [f"--reference-doc={reference_doc}"] if reference_doc else []
    return described(write_from_ast({"pandoc-api-version": PANDOC_API_VERSION, "meta": meta, "blocks": result},
                                    "docx", args))


def _word_inlines(content: list, nodes: dict[str, dict]) -> list:
    out: list = []
    for piece in content:
        if isinstance(piece, str):
            out += [{"t": "Space"} if BETWEEN_WORDS.fullmatch(w) else {"t": "Str", "c": w}
                    for w in BETWEEN_WORDS.split(piece) if w]
        elif isinstance(piece, Ph) and piece.kind == "footnote":
            out.append(nodes[piece.id])  # Word's own footnote; its units are marked in turn
        elif isinstance(piece, Ph):
            out.append({"t": "Str", "c": f"⟦{piece.id} {piece.disp}⟧"})
        else:
            node = copy.copy(nodes[piece.id])
            inner = _word_inlines(piece.content, nodes)
            node["c"] = [*node["c"][:1], inner, *node["c"][2:]] if node["t"] in ("Quoted", "Span", "Link") else inner
            out.append(node)
    return out


def described(data: bytes) -> bytes:
    """pandoc's Word file with each picture described by its words alone (see `describe_pictures`)."""
    package = wordml.WordPackage(data)
    replaced = {}
    for part in package.text_parts():
        root = package.part(part)
        if root is not None and root.find(f".//{{{PIC}}}cNvPr") is not None:
            root = copy.deepcopy(root)
            describe_pictures(root)
            replaced[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return _with_parts(data, replaced) if replaced else data


def _with_parts(data: bytes, replaced: dict[str, bytes]) -> bytes:
    """The Word file `data` with the parts named in `replaced` replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, replaced.get(info.filename) or source.read(info))
    return out.getvalue()


def embedded(media_root: Path):
    """pandoc's sandbox reads no picture files: each picture the draft holds travels as a data: URI."""
    def embed(key, value, fmt, meta):
        source = value[2][0]
        if picture_problem(media_root, source) is None:
            path = (media_root / source).resolve()
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            value[2][0] = f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}"
    return embed


# --- reading a returned Word file ------------------------------------------------------------------------


def read_docx(data: bytes, scratch: Path) -> tuple[Package | None, list[tuple[str | None, list]], dict[str, int]]:
    """A returned Word file: its package (None if it does not say), each unit's content in reading order
    with the id of its bookmark (None where the bookmark was lost), and its unaccepted tracked changes by
    author (a translation is returned clean)."""
    package_xml = wordml.WordPackage(data)  # refuses what is no Word file, zip bombs, encrypted files
    changes, _ = wordml.tracked_changes(package_xml)
    marked = _bookmarks_as_text(package_xml, data)
    ast = read_to_ast(marked, "docx", scratch)
    found: list[tuple[str | None, list]] = []

    def collect(kind: str, inlines: list, note: int | None):
        content = _content(Inlines().read(inlines))
        ident = next((p.disp for p in content if isinstance(p, Ph) and p.kind == "bookmark"), None)
        found.append((ident, [p for p in content if not (isinstance(p, Ph) and p.kind == "bookmark")]))

    each_unit(ast["blocks"], collect)
    return _package(package_xml), found, changes


def _package(package: wordml.WordPackage) -> Package | None:
    root = package.part("docProps/custom.xml")
    for prop in [] if root is None else root:
        if prop.get("name") == PROPERTY:
            try:
                return Package(**json.loads("".join(prop.itertext())))
            except (ValueError, TypeError):
                return None
    return None


def _bookmarks_as_text(package: wordml.WordPackage, data: bytes) -> bytes:
    """The file with each `jr_` bookmark inside a paragraph turned into a run saying `⟦#id⟧`, which pandoc
    keeps (it drops bookmarks)."""
    w = wordml.W
    replaced = {}
    for part in package.text_parts():
        root = package.part(part)
        if root is None:
            continue
        root = copy.deepcopy(root)
        for start in list(root.iter(f"{{{w}}}bookmarkStart")):
            name = start.get(f"{{{w}}}name", "")
            if name.startswith(BOOKMARK) and etree.QName(start.getparent()).localname == "p":
                run = etree.Element(f"{{{w}}}r")
                etree.SubElement(run, f"{{{w}}}t").text = f"⟦#{COPY_SUFFIX.sub('', name[len(BOOKMARK):])}⟧"
                start.addprevious(run)
        replaced[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return _with_parts(data, replaced)


def _content(content: list) -> list:
    """Tokens in a returned unit's text back into placeholders: `⟦#id⟧` its bookmark, `⟦n …⟧` the
    source's placeholder n; Word's footnotes and formatting stay as the translator left them."""
    out: list = []
    for piece in content:
        if isinstance(piece, str):
            position = 0
            for match in TOKEN.finditer(piece):
                out.append(piece[position:match.start()])
                bookmark, ident = match.groups()
                out.append(Ph(ident, "bookmark", ident, None) if bookmark else Ph(ident, "token", "", None))
                position = match.end()
            out.append(piece[position:])
        elif isinstance(piece, Pc):
            piece.id = f"w{piece.id}"
            piece.content = _content(piece.content)
            out.append(piece)
        else:
            out.append(piece)
    return [p for p in out if p != ""]


def match_units(units: list[Unit], found: list[tuple[str | None, list]]) -> dict[str, list]:
    """Each returned unit's content under the id of the source unit it translates: by its bookmark, else
    by its place between two found ones when as many came back there as went out. Footnote calls are
    given the source's placeholder ids in order, tokens theirs."""
    position = {u.id: i for i, u in enumerate(units)}
    anchors = [(i, position[ident]) for i, (ident, _) in enumerate(found) if ident in position]
    assigned: dict[int, int] = dict(anchors)
    bounds = [(-1, -1), *anchors, (len(found), len(units))]
    for (a, b), (c, d) in itertools.pairwise(bounds):
        if c - a == d - b:  # as many units between two found ones as in the source there
            assigned.update({a + k: b + k for k in range(1, c - a)})
    targets: dict[str, list] = {}
    for index, (_, content) in enumerate(found):
        if index in assigned:
            unit = units[assigned[index]]
            targets[unit.id] = _with_source_ids(unit, content)
        else:
            targets[f"?{index + 1}"] = content
    return targets


def _with_source_ids(unit: Unit, content: list) -> list:
    calls = [p for p in unit.placeholders() if isinstance(p, Ph) and p.kind == "footnote"]
    by_unit = {note.id: call.id for call in calls for note in call.notes}  # a footnote's unit → its call
    unused = [call.id for call in calls]
    kinds = {p.id: p.kind for p in unit.placeholders()}

    def call_of(note: dict) -> str:
        """The source's call of a returned footnote: the one whose unit its bookmark names, else the next."""
        found = NOTE_BOOKMARK.search(json.dumps(note, ensure_ascii=False))
        ident = by_unit.get(found.group(1)) if found else None
        ident = ident if ident in unused else (unused[0] if unused else None)
        if ident is None:
            return "extra footnote"
        unused.remove(ident)
        return ident

    def fix(pieces: list) -> list:
        out = []
        for piece in pieces:
            if isinstance(piece, Ph) and piece.kind == "footnote":
                piece = Ph(call_of(piece.node), "footnote", "", piece.node)
            elif isinstance(piece, Ph) and piece.kind == "token":
                piece = Ph(piece.id, kinds.get(piece.id, "token"), "", None)
            elif isinstance(piece, Pc):
                piece.content = fix(piece.content)
            out.append(piece)
        return out

    return fix(content)

