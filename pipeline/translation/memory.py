"""The project's translation memory for one language: translations/memory.<lang>.tmx (TMX 1.4, written
and read by translate-toolkit, so any CAT tool can use it too), fed by every accepted import.

Matches are exact only: a unit's source, placeholders included, must be the very one translated before.
Inline placeholders travel as TMX's own codes: `<ph>` for a protected one, `<bpt>`/`<ept>` around
formatted text; each keeps the unit's placeholder id and kind, so a match fills a unit back exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree
from translate.storage.tmx import tmxfile

from ..files import guarded_read, write_atomically
from ..model import Project
from .records import memory_path
from .units import Pc, Ph, markup

MAX_MEMORY_BYTES = 200_000_000
UNIT_PROP, SOURCE_PROP = "x-jointreport-unit", "x-jointreport-source"


@dataclass
class Entry:
    source: list  # content: text, Ph and Pc
    target: list
    unit: str  # the unit id it was made for
    path: str  # the source draft it came from


class Memory:
    def __init__(self, source_lang: str, lang: str, entries: list[Entry] | None = None):
        self.source_lang, self.lang = source_lang, lang
        self.entries: dict[str, Entry] = {}  # source markup → the latest translation of it
        for entry in entries or []:
            self.add(entry)

    def add(self, entry: Entry) -> None:
        self.entries.pop(markup(entry.source), None)
        self.entries[markup(entry.source)] = entry

    def exact(self, source: list) -> list | None:
        """The translation of exactly this source, or None."""
        entry = self.entries.get(markup(source))
        return entry.target if entry else None

    def previous(self, path: str, unit: str) -> list | None:
        """The latest translation of a unit of a draft, whatever its source said then (for reference)."""
        found = [e for e in self.entries.values() if e.path == path and e.unit == unit]
        return found[-1].target if found else None

    def to_tmx(self) -> bytes:
        store = tmxfile(sourcelanguage=self.source_lang, targetlanguage=self.lang)
        for entry in self.entries.values():
            tu = store.addsourceunit("", self.source_lang)
            tu.settarget("", self.lang, append=True)
            element = tu.xmlelement
            for kind, value in ((UNIT_PROP, entry.unit), (SOURCE_PROP, entry.path)):
                prop = etree.Element("prop", type=kind)
                prop.text = value
                element.insert(0, prop)
            for tuv, content in zip(element.iter("tuv"), (entry.source, entry.target), strict=True):
                _fill(tuv.find("seg"), content)
        return bytes(store)


def load(project: Project, lang: str) -> Memory:
    memory = Memory(project.source_language, lang)
    path = memory_path(project, lang)
    if not (path.exists() or path.is_symlink()):
        return memory
    store = tmxfile.parsestring(guarded_read(path, MAX_MEMORY_BYTES))  # translate-toolkit's safe parser
    for tu in store.units:
        element = tu.xmlelement
        segs = {_lang(tuv): tuv.find("seg") for tuv in element.iter("tuv")}
        props = {prop.get("type"): prop.text or "" for prop in element.iter("prop")}
        if segs.get(memory.source_lang) is not None and segs.get(lang) is not None:
            memory.add(Entry(_read(segs[memory.source_lang]), _read(segs[lang]), props.get(UNIT_PROP, ""),
                             props.get(SOURCE_PROP, "")))
    return memory


def save(project: Project, memory: Memory) -> None:
    write_atomically(memory_path(project, memory.lang), memory.to_tmx())


def _lang(tuv) -> str:
    return tuv.get("{http://www.w3.org/XML/1998/namespace}lang") or tuv.get("lang") or ""


def _fill(seg, content: list) -> None:
    """Write content into a TMX <seg>: text, <ph> and <bpt>…<ept>."""
    seg.text = None
    last = None

    def text(value: str):
        nonlocal last
        if last is None:
            seg.text = (seg.text or "") + value
        else:
            last.tail = (last.tail or "") + value

    def element(tag: str, **attributes):
        nonlocal last
        last = etree.SubElement(seg, tag, **attributes)
        return last

    def write(pieces: list):
        for piece in pieces:
            if isinstance(piece, str):
                text(piece)
            elif isinstance(piece, Ph):
                element("ph", x=piece.id, type=piece.kind).text = piece.disp
            else:
                element("bpt", i=piece.id, x=piece.id, type=piece.kind).text = piece.disp
                write(piece.content)
                element("ept", i=piece.id)

    write(content)


def _read(seg) -> list:
    """A TMX <seg> back into content."""
    root: list = []
    stack: list[list] = [root]

    def text(value: str | None):
        if value:
            top = stack[-1]
            if top and isinstance(top[-1], str):
                top[-1] += value
            else:
                top.append(value)

    text(seg.text)
    for child in seg:
        tag = etree.QName(child).localname
        if tag == "ph":
            stack[-1].append(Ph(child.get("x", ""), child.get("type", "other"), child.text or "", {}))
        elif tag == "bpt":
            pc = Pc(child.get("i", ""), child.get("type", "span"), [], {}, child.text or "")
            stack[-1].append(pc)
            stack.append(pc.content)
        elif tag == "ept" and len(stack) > 1:
            stack.pop()
        text(child.tail)
    return root
