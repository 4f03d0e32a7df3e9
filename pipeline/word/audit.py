"""Every word of a Word draft accounted for: count them where Word keeps them, and say where the missing went.

`audit` counts the words of every text-bearing part (body, tables, content
controls, field results, text boxes and shapes — an `mc:AlternateContent`
counted once —, footnotes, endnotes) and notes the Word features an agency
should know about (text boxes, linked and EMF/WMF pictures, headings made by
hand, macros). `compare` sets the words that reached the converted draft
against those counts; `metadata_blocks` brings back the paragraphs pandoc
moved into metadata. Rewriting the package is `word.rewrite`'s job.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..inputs import Spot, WordAudit
from ..wordcount import ast_words, words_in
from ..wordml import DRAWING as A
from ..wordml import MC, NS, W, WordPackage, countable_paragraphs, paragraph_location
from ..wordml import REL as R
from ..wordml import VML as V
from . import citations as cited
from . import objects as held

LOST_SHARE = 0.02  # a draft may lose this share of its words (spacing, symbols) without a finding
LEGACY_PICTURES = (".emf", ".wmf")
# Built-in heading names as localised Word, LibreOffice and WPS write them.
LOCALISED_HEADING = re.compile(
    r"^(?:heading|titre|título|titulo|encabezado|überschrift|uberschrift|заголовок|标题|標題|titolo|kop|"
    r"nagłówek|naglowek|見出し|제목|عنوان|rubrik|otsikko|overskrift|cabeçalho|başlık)\s*(\d)$", re.I)
# Bold lines that are captions or notes, not headings.
CAPTION = re.compile(r"^(table|figure|fig\.|box|chart|graph|map|source|sources|note|notes|tableau|cuadro|gráfico|"
                     r"grafico|abbildung|tabelle|quelle|encadré|recuadro)\b", re.I)
PLAIN_STYLES = {"normal", "body text", "standard", "text body", "default", "no spacing", "textkörper", "corps de texte"}
TEXT_TAGS = {f"{{{W}}}t": None, f"{{{W}}}tab": " ", f"{{{W}}}br": " ", f"{{{W}}}cr": " ",
             f"{{{W}}}noBreakHyphen": "\u2011", f"{{{W}}}softHyphen": "\u00ad"}
SKIPPED_CONTAINERS = {f"{{{MC}}}Fallback", f"{{{W}}}del", f"{{{W}}}moveFrom", f"{{{W}}}rt"}  # rt: a ruby guide


@dataclass
class Scan:
    """What `audit` found, kept for `prepare` and `compare`."""

    words: list[str] = field(default_factory=list)
    paragraphs: list[tuple[str, list[str]]] = field(default_factory=list)  # (location, words) in reading order
    text_boxes: list[Spot] = field(default_factory=list)
    fields: int = 0
    linked_images: list[Spot] = field(default_factory=list)
    legacy_images: list[Spot] = field(default_factory=list)  # detail: the part name
    off_style_headings: list[Spot] = field(default_factory=list)  # detail: the heading level
    localised_styles: dict[str, int] = field(default_factory=dict)  # style id → heading level
    macros: bool = False
    strict: bool = False
    citations: cited.Citations = field(default_factory=cited.Citations)
    objects: held.Objects = field(default_factory=held.Objects)  # SmartArt, embedded objects, own contents


def _holder(element):
    """The paragraph an element's text belongs to, or None when it sits in a skipped container."""
    for ancestor in element.iterancestors():
        if ancestor.tag in SKIPPED_CONTAINERS:
            return None
        if ancestor.tag == f"{{{W}}}p":
            for higher in ancestor.iterancestors():
                if higher.tag in SKIPPED_CONTAINERS:
                    return None
            return ancestor
    return None


def paragraph_texts(root) -> dict:
    """Each paragraph's own text (text boxes inside it are paragraphs of their own), in document order."""
    texts: dict = {}
    for element in root.iter(*TEXT_TAGS):
        paragraph = _holder(element)
        if paragraph is None:
            continue
        piece = element.text or "" if TEXT_TAGS[element.tag] is None else TEXT_TAGS[element.tag]
        texts.setdefault(paragraph, []).append(piece)
    return {p: "".join(pieces) for p, pieces in texts.items()}


def style_names(package: WordPackage) -> dict[str, str]:
    names = {}
    for part in package.related("styles"):
        root = package.part(part)
        for style in ([] if root is None else root.iter(f"{{{W}}}style")):
            name = style.find(f"{{{W}}}name")
            names[style.get(f"{{{W}}}styleId", "")] = (name.get(f"{{{W}}}val", "") if name is not None else "")
    return names


def _on(element) -> bool:
    return element is not None and element.get(f"{{{W}}}val", "true").lower() not in ("0", "false", "off")


def direct_heading_level(paragraph, text: str, styles: dict[str, str]) -> int | None:
    """A Normal paragraph whose every run is bold and at least 12 pt, or at least 14 pt: a heading made by
    hand. 16 pt and more → level 1, 14 pt → 2, else 3."""
    words = words_in(text)
    if not 0 < len(words) <= 12 or text.rstrip()[-1:] in ".:;," or CAPTION.match(text.strip()):
        return None
    ppr = paragraph.find(f"{{{W}}}pPr")
    if ppr is not None:
        style = ppr.find(f"{{{W}}}pStyle")
        if style is not None and styles.get(style.get(f"{{{W}}}val", ""), "").lower() not in PLAIN_STYLES:
            return None
        if ppr.find(f"{{{W}}}numPr") is not None:
            return None
    sizes = []
    for run in paragraph.iter(f"{{{W}}}r"):
        if not "".join(run.xpath("w:t/text()", namespaces=NS)).strip():
            continue
        props = run.find(f"{{{W}}}rPr")
        bold = props is not None and _on(props.find(f"{{{W}}}b"))
        size = props.find(f"{{{W}}}sz") if props is not None else None
        value = size.get(f"{{{W}}}val", "") if size is not None else ""
        half_points = int(value) if value.isdigit() else 0
        if not ((bold and half_points >= 24) or half_points >= 28):
            return None
        sizes.append(half_points)
    if not sizes:
        return None
    smallest = min(sizes)
    return 1 if smallest >= 32 else 2 if smallest >= 28 else 3


def audit(package: WordPackage) -> Scan:
    scan = Scan(macros=package.macros, strict=package.strict)
    styles = style_names(package)
    scan.localised_styles = {ident: int(m.group(1)) for ident, name in styles.items()
                             if (m := LOCALISED_HEADING.match(name.strip())) and not name.lower().startswith("heading")}
    counted = {}
    for part in package.text_parts():
        root = package.part(part)
        if root is None:
            continue
        everything = counted[part] = countable_paragraphs(root)
        texts = paragraph_texts(root)
        for number, paragraph in enumerate(everything, start=1):
            words = words_in(texts.get(paragraph, ""))
            if not words:
                continue
            scan.words += words
            first = " ".join(words[:6])
            where = f'paragraph {number} ("{first}…")' if part == package.main else f'a note ("{first}…")'
            scan.paragraphs.append((where, words))
        if part != package.main:
            continue
        scan.objects = held.read(package, root, everything, texts, styles)
        scan.fields += sum(1 for _ in root.iter(f"{{{W}}}fldSimple"))
        for box in root.iter(f"{{{W}}}txbxContent"):
            if any(a.tag == f"{{{MC}}}Fallback" for a in box.iterancestors()):
                continue
            box_words = sum(len(words_in(texts.get(p, ""))) for p in box.iter(f"{{{W}}}p"))
            scan.text_boxes.append(Spot(paragraph_location(root, _host(box), everything), box_words))
        for picture in root.iter(f"{{{A}}}blip", f"{{{V}}}imagedata"):
            rel_id = picture.get(f"{{{R}}}link") or picture.get(f"{{{R}}}embed") or picture.get(f"{{{R}}}id") or ""
            _, target, external = package.rels.get(rel_id, ("", "", False))
            where = paragraph_location(root, picture, everything)
            if external or picture.get(f"{{{R}}}link"):
                scan.linked_images.append(Spot(where, 0, target))
            elif target.lower().endswith(LEGACY_PICTURES):
                scan.legacy_images.append(Spot(where, 0, target))
        body = root.find(f"{{{W}}}body")
        for paragraph in ([] if body is None else body.findall(f"{{{W}}}p")):
            level = direct_heading_level(paragraph, texts.get(paragraph, ""), styles)
            if level:
                scan.off_style_headings.append(Spot(paragraph_location(root, paragraph, everything),
                                                    len(words_in(texts.get(paragraph, ""))), str(level)))
    scan.citations = cited.read(package, counted)
    scan.words += [word for items in scan.objects.smartart for _, text in items for word in words_in(text)]
    left_out = scan.citations.own_list_words + scan.objects.contents_words  # the report makes its own
    if left_out:
        scan.words = list((Counter(scan.words) - Counter(left_out)).elements())
    return scan


def _host(element):
    """The outermost paragraph that holds a text box, or the box itself where it stands alone."""
    outer = None
    for ancestor in element.iterancestors(f"{{{W}}}p"):
        outer = ancestor
        break
    return outer if outer is not None else element


META_BLOCKS = ("title", "subtitle", "author", "date", "abstract")


def metadata_blocks(meta: dict) -> list:
    """Paragraphs styled Title, Subtitle, Author, Date or Abstract, which pandoc moves into the document's
    metadata, brought back as the draft's opening blocks (the title in bold)."""
    blocks = []
    for key in META_BLOCKS:
        value = meta.get(key)
        items = value["c"] if value and value["t"] == "MetaList" else [value] if value else []
        for item in items:
            if item["t"] == "MetaBlocks":
                blocks += item["c"]
            elif item["t"] == "MetaInlines" and item["c"]:
                inlines = [{"t": "Strong", "c": item["c"]}] if key == "title" else item["c"]
                blocks.append({"t": "Para", "c": inlines})
    return blocks


def compare(scan: Scan, blocks: list, out_words: list[str] | None = None) -> WordAudit:
    """The words that reached the converted draft against those in the file, and where the missing are
    (`out_words`: the draft's words, when the caller has counted them already)."""
    out_words = ast_words(blocks) if out_words is None else out_words
    missing = Counter(scan.words) - Counter(out_words)
    lost_total = sum(missing.values())
    result = WordAudit(words_in=len(scan.words), words_out=len(out_words), text_boxes=scan.text_boxes,
                       linked_images=scan.linked_images, off_style_headings=scan.off_style_headings,
                       macros=scan.macros, strict=scan.strict, unidentified_citations=scan.citations.unidentified,
                       reference_lists=scan.citations.own_lists, smartart=scan.objects.smartart_places,
                       embedded_objects=scan.objects.embedded, contents=scan.objects.contents)
    if any(Path(i).suffix.lower() in LEGACY_PICTURES for i in _image_sources(blocks)):
        result.unsupported_images = scan.legacy_images
    if lost_total <= max(LOST_SHARE * len(scan.words), 2):
        return result
    result.lost_words = lost_total
    remaining = Counter(missing)
    for where, words in scan.paragraphs:
        gone = 0
        for word in words:
            if remaining[word] > 0:
                remaining[word] -= 1
                gone += 1
        if gone and gone * 2 >= len(words):
            result.lost.append(Spot(where, gone))
    return result


def _image_sources(blocks) -> list[str]:
    found = []

    def visit(node):
        if isinstance(node, list):
            for item in node:
                visit(item)
        elif isinstance(node, dict):
            if node.get("t") == "Image":
                found.append(node["c"][2][0])
            else:
                visit(node.get("c"))

    visit(blocks)
    return found
