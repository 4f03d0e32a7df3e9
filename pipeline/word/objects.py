"""What a Word draft holds besides text and pictures, each accounted for: SmartArt, embedded objects, and the
draft's own table of contents.

pandoc reads none of them as a reader of the report would want. A SmartArt graphic keeps its words in
its data part (diagrams/dataN.xml), which pandoc never opens: `read` takes them with their hierarchy
and the rewrite puts them after the paragraph the graphic sits in, as a bulleted list. An embedded object
(an Excel workbook, a Word or PowerPoint file, an old equation) reaches the report only as the picture
Word saved of it: `read` names each, for a finding that says what was kept and what was not. A table of
contents (Word's TOC field, its content control, paragraphs in its "TOC n" styles, or one typed by hand
with page numbers) would print as body text beside the report's own: it is left out, and said so.
"""

from __future__ import annotations

import itertools
import re
from copy import deepcopy
from dataclasses import dataclass, field

from lxml import etree

from ..inputs import Spot
from ..wordcount import words_in
from ..wordml import CONTENT_TYPES as CT
from ..wordml import DRAWING as A
from ..wordml import PKG_REL, W, WordPackage, paragraph_location
from ..wordml import REL as R
from .citations import fields

DIAGRAM = "http://schemas.openxmlformats.org/drawingml/2006/diagram"
OFFICE = "urn:schemas-microsoft-com:office:office"
VML_IMAGE = "{urn:schemas-microsoft-com:vml}imagedata"
NUMBERING_TYPE = f"{R}/numbering"
NUMBERING_CONTENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"
KINDS = (("excel.chart", "Excel chart"), ("excel", "Excel workbook"), ("word", "Word document"),
         ("powerpoint", "PowerPoint presentation"), ("equation", "equation (Equation Editor)"),
         ("mathtype", "equation (MathType)"), ("acroexch", "PDF document"), ("visio", "Visio drawing"),
         ("package", "embedded file"))
TOC_STYLE = re.compile(r"^(toc|verzeichnis|tm|tdc|sommario|inhopg|índice|indice|оглавление)\s*\d$|"
                       r"^(toc heading|en-tête de table des matières|inhaltsverzeichnisüberschrift|"
                       r"encabezado de tabla de contenido|título de tdc)$", re.I)
TOC_TITLE = re.compile(r"^\s*(table of contents|contents|table des matières|sommaire|índice|indice|contenido|"
                       r"tabla de contenido|inhalt|inhaltsverzeichnis|содержание|目录|目次)\s*:?\s*$", re.I)
TOC_LINE = re.compile(r"^\S.{0,150}?(\.{3,}|…+|\s)\s*(\d{1,4}|[ivxlc]{1,6})\s*$", re.I)  # "Costs ..... 12"


@dataclass
class Objects:
    """What `read` found in the main part, in document order."""

    smartart: list[list[tuple[int, str]]] = field(default_factory=list)  # each graphic's (level, text)
    smartart_places: list[Spot] = field(default_factory=list)  # words: how many the graphic holds
    embedded: list[Spot] = field(default_factory=list)  # detail: what kind of object; words 0 when no picture
    contents: list[Spot] = field(default_factory=list)  # the first paragraph of each contents left out
    contents_words: list[str] = field(default_factory=list)  # their words, for the audit to set aside


def read(package: WordPackage, root, paragraphs: list, texts: dict, styles: dict[str, str]) -> Objects:
    """SmartArt text, embedded objects and contents of the main part (`paragraphs`: its countable ones,
    `texts`: each paragraph's own text, `styles`: style names by id)."""
    found = Objects()
    for graphic in _smartart(root):
        items = _diagram_items(package, graphic)
        found.smartart.append(items)
        found.smartart_places.append(Spot(paragraph_location(root, graphic, paragraphs),
                                          sum(len(words_in(text)) for _, text in items)))
    for ole in root.iter(f"{{{OFFICE}}}OLEObject"):
        holder = next(ole.iterancestors(f"{{{W}}}object"), ole.getparent())
        program = (ole.get("ProgID") or "").lower()
        kind = next((name for prefix, name in KINDS if program.startswith(prefix)), ole.get("ProgID") or "object")
        previewed = holder.find(f".//{VML_IMAGE}") is not None or holder.find(f".//{{{A}}}blip") is not None
        found.embedded.append(Spot(paragraph_location(root, ole, paragraphs), int(previewed), kind))
    for group in _contents(root, texts, styles):
        found.contents.append(Spot(paragraph_location(root, group[0], paragraphs), len(group)))
        found.contents_words += [w for p in group for w in words_in(texts.get(p, ""))]
    return found


def _smartart(root) -> list:
    return [data for data in root.iter(f"{{{A}}}graphicData") if data.get("uri") == DIAGRAM]


def _diagram_items(package: WordPackage, graphic) -> list[tuple[int, str]]:
    """A SmartArt graphic's words, each node with its depth, in the order its data model gives."""
    ids = graphic.find(f"{{{DIAGRAM}}}relIds")
    rel = package.rels.get(ids.get(f"{{{R}}}dm", "") if ids is not None else "")
    model = package.part(rel[1]) if rel and not rel[2] else None
    if model is None:
        return []
    texts, kinds = {}, {}
    for point in model.iter(f"{{{DIAGRAM}}}pt"):
        ident, kind = point.get("modelId"), point.get("type", "node")
        kinds[ident] = kind
        body = point.find(f"{{{DIAGRAM}}}t")
        if kind in ("node", "asst") and body is not None:
            lines = ["".join(t.text or "" for t in p.iter(f"{{{A}}}t")) for p in body.iter(f"{{{A}}}p")]
            text = " ".join(" ".join(lines).split())
            if text:
                texts[ident] = text
    children: dict[str, list[tuple[int, str]]] = {}
    for link in model.iter(f"{{{DIAGRAM}}}cxn"):
        if link.get("type", "parOf") == "parOf":
            order = link.get("srcOrd", "0")
            children.setdefault(link.get("srcId"), []).append((int(order) if order.isdigit() else 0,
                                                               link.get("destId")))
    items, seen = [], set()
    for root_id in [i for i, kind in kinds.items() if kind == "doc"]:
        waiting = [(root_id, 0)]  # depth first, without recursion: a hostile model may nest thousands deep
        while waiting:
            ident, depth = waiting.pop()
            for _, child in sorted(children.get(ident, []), reverse=True):
                if child not in seen:
                    seen.add(child)
                    waiting.append((child, depth + (child in texts)))
            if ident in texts:
                items.append((min(depth - 1, 8), texts[ident]))
    items += [(0, text) for ident, text in texts.items() if ident not in seen]  # a node nothing links to
    return items


def _contents(root, texts: dict, styles: dict[str, str]) -> list[list]:
    """Each table of contents of the body, as its paragraphs: a contents control, a TOC field's result,
    paragraphs in TOC styles, or a title such as "Contents" followed by lines ending in page numbers."""
    body = root.find(f"{{{W}}}body")
    if body is None:
        return []
    groups, taken = [], set()

    def add(group: list) -> None:
        group = [p for p in group if p not in taken]
        if group:
            taken.update(group)
            groups.append(group)

    for control in body.iter(f"{{{W}}}sdt"):
        if _is_contents(control):
            add(list(control.iter(f"{{{W}}}p")))
    paragraphs = list(body.iter(f"{{{W}}}p"))
    for found in fields(root):
        if re.match(r"^\s*TOC\b", found.instruction) and found.begin.tag != f"{{{W}}}fldSimple":
            start, end = next(found.begin.iterancestors(f"{{{W}}}p"), None), _field_end(root, found.begin)
            if start in paragraphs and end in paragraphs:
                add(paragraphs[paragraphs.index(start):paragraphs.index(end) + 1])
    add([p for p in paragraphs if TOC_STYLE.match(styles.get(_style(p), _style(p)))])
    for index, paragraph in enumerate(paragraphs):
        if not TOC_TITLE.match(texts.get(paragraph, "")) or paragraph in taken:
            continue
        following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
        found = next((group for group in groups if group[0] is following), None)
        if found is not None:  # the title of contents found otherwise
            found.insert(0, paragraph)
            taken.add(paragraph)
            continue
        lines = list(itertools.takewhile(lambda p: TOC_LINE.match(texts.get(p, "")), paragraphs[index + 1:]))
        if len(lines) >= 2:
            add([paragraph] + lines)
    return groups


def _is_contents(control) -> bool:
    gallery = control.find(f"{{{W}}}sdtPr/{{{W}}}docPartObj/{{{W}}}docPartGallery")
    return gallery is not None and gallery.get(f"{{{W}}}val", "").lower() == "table of contents"


def _field_end(root, begin) -> object | None:
    """The paragraph the complex field starting at `begin` ends in."""
    depth = 0
    for element in root.iter(f"{{{W}}}fldChar"):
        if element is begin:
            depth = 1
        elif depth:
            kind = element.get(f"{{{W}}}fldCharType")
            depth += 1 if kind == "begin" else -1 if kind == "end" else 0
            if depth == 0:
                return next(element.iterancestors(f"{{{W}}}p"), None)
    return None


def _style(paragraph) -> str:
    style = paragraph.find(f"{{{W}}}pPr/{{{W}}}pStyle")
    return style.get(f"{{{W}}}val", "") if style is not None else ""


def rewrite(root, found: Objects, bullets: str | None, texts: dict, styles: dict[str, str]) -> None:
    """The main part with each SmartArt graphic's text after its paragraph as a list (numbering `bullets`,
    a w:numId; without one, as plain paragraphs), and the draft's own contents left out (`texts`, `styles`:
    as for `read`)."""
    for graphic, items in zip(_smartart(root), found.smartart, strict=False):
        host = next(graphic.iterancestors(f"{{{W}}}p"), None)
        run = next(graphic.iterancestors(f"{{{W}}}r"), None)
        if host is None or host.getparent() is None:
            continue
        for offset, (level, text) in enumerate(items, start=1):
            host.getparent().insert(host.getparent().index(host) + offset, _list_paragraph(text, level, bullets))
        if run is not None and run.getparent() is not None:
            run.getparent().remove(run)
    for group in _contents(root, texts, styles):
        for paragraph in group:
            if paragraph.getparent() is not None:
                paragraph.getparent().remove(paragraph)
    for control in [c for c in root.iter(f"{{{W}}}sdt") if _is_contents(c)]:
        control.getparent().remove(control)


def _list_paragraph(text: str, level: int, bullets: str | None):
    paragraph = etree.Element(f"{{{W}}}p")
    if bullets:
        numbering = etree.SubElement(etree.SubElement(paragraph, f"{{{W}}}pPr"), f"{{{W}}}numPr")
        etree.SubElement(numbering, f"{{{W}}}ilvl").set(f"{{{W}}}val", str(level))
        etree.SubElement(numbering, f"{{{W}}}numId").set(f"{{{W}}}val", bullets)
    run = etree.SubElement(paragraph, f"{{{W}}}r")
    element = etree.SubElement(run, f"{{{W}}}t")
    element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    element.text = text
    return paragraph


BULLET_ID = "7301"  # the abstract numbering and numbering ids the rewrite adds for SmartArt's lists


def bullets(package: WordPackage) -> tuple[str, dict[str, bytes]]:
    """A bulleted numbering for SmartArt's lists, added to the draft's numbering part (made, with its
    relationship and content type, when the draft has none): its w:numId and the parts changed."""
    levels = "".join(f'<w:lvl w:ilvl="{n}"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/>'
                     f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{360 * (n + 1)}" w:hanging="360"/></w:pPr>'
                     "</w:lvl>" for n in range(9))
    abstract = etree.fromstring(f'<w:abstractNum xmlns:w="{W}" w:abstractNumId="{BULLET_ID}">{levels}</w:abstractNum>')
    number = etree.fromstring(f'<w:num xmlns:w="{W}" w:numId="{BULLET_ID}"><w:abstractNumId w:val="{BULLET_ID}"/>'
                              "</w:num>")
    existing = next(iter(package.related("numbering")), None)
    changed = {}
    if existing and package.part(existing) is not None:
        numbering = deepcopy(package.part(existing))
        first_num = numbering.find(f"{{{W}}}num")
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            numbering.append(abstract)
        numbering.append(number)
        changed[existing] = _xml(numbering)
        return BULLET_ID, changed
    numbering = etree.Element(f"{{{W}}}numbering", nsmap={"w": W})
    numbering.extend([abstract, number])
    changed["word/numbering.xml"] = _xml(numbering)
    folder, name = package.main.rsplit("/", 1) if "/" in package.main else ("", package.main)
    rels_name = f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"
    rels = package.part(rels_name)
    if rels is not None:
        rels = deepcopy(rels)
        target = "numbering.xml" if folder == "word" else "/word/numbering.xml"
        etree.SubElement(rels, f"{{{PKG_REL}}}Relationship", Id="rIdJointreportNumbering", Type=NUMBERING_TYPE,
                         Target=target)
        changed[rels_name] = _xml(rels)
    types = package.part("[Content_Types].xml")
    if types is not None:
        types = deepcopy(types)
        etree.SubElement(types, f"{{{CT}}}Override", PartName="/word/numbering.xml", ContentType=NUMBERING_CONTENT)
        changed["[Content_Types].xml"] = _xml(types)
    return BULLET_ID, changed


def _xml(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
