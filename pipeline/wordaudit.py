"""Every word of a Word draft accounted for: count them where Word keeps them, rescue what pandoc would
drop, and say where the rest went.

`audit` counts the words of every text-bearing part (body, tables, content
controls, field results, text boxes and shapes — an `mc:AlternateContent`
counted once —, footnotes, endnotes) and notes the Word features an agency
should know about. `prepare` rewrites the package before pandoc reads it:
text boxes become paragraphs after the paragraph they sit in, simple fields
become their result, localised heading style names ("Titre 1",
"Überschrift 2", "标题 1") and headings made by bold, large direct
formatting become Word's heading styles, EMF/WMF pictures become PNG where
LibreOffice is at hand. `compare` sets the words that reached the converted
draft against those counts.
"""

from __future__ import annotations

import base64
import io
import logging
import posixpath
import re
import shutil
import struct
import subprocess
import tempfile
import zipfile
import zlib
from collections import Counter
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .model import Spot, WordAudit
from .wordcount import ast_words, words_in
from .wordml import MC, NS, PKG_REL, W, WordPackage, countable_paragraphs, paragraph_location

log = logging.getLogger("jointreport.read")

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
V = "urn:schemas-microsoft-com:vml"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
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
# Wrappers pandoc does not look into: their runs or paragraphs are lifted out.
WRAPPERS = {f"{{{W}}}dir", f"{{{W}}}bdo", f"{{{W}}}customXml"}
RUN_HOLDERS = {f"{{{W}}}{tag}" for tag in ("p", "hyperlink", "sdtContent", "body", "tc", "ins", "smartTag", "fldSimple",
                                           "dir", "bdo", "customXml", "txbxContent", "footnote", "endnote")}


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


def _style_names(package: WordPackage) -> dict[str, str]:
    names = {}
    for part in package.related("styles"):
        root = package.part(part)
        for style in ([] if root is None else root.iter(f"{{{W}}}style")):
            name = style.find(f"{{{W}}}name")
            names[style.get(f"{{{W}}}styleId", "")] = (name.get(f"{{{W}}}val", "") if name is not None else "")
    return names


def _on(element) -> bool:
    return element is not None and element.get(f"{{{W}}}val", "true").lower() not in ("0", "false", "off")


def _direct_heading_level(paragraph, text: str, styles: dict[str, str]) -> int | None:
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
        half_points = int(size.get(f"{{{W}}}val", "0")) if size is not None and size.get(f"{{{W}}}val", "").isdigit() else 0
        if not ((bold and half_points >= 24) or half_points >= 28):
            return None
        sizes.append(half_points)
    if not sizes:
        return None
    smallest = min(sizes)
    return 1 if smallest >= 32 else 2 if smallest >= 28 else 3


def audit(package: WordPackage) -> Scan:
    scan = Scan(macros=package.macros, strict=package.strict)
    styles = _style_names(package)
    scan.localised_styles = {ident: int(m.group(1)) for ident, name in styles.items()
                             if (m := LOCALISED_HEADING.match(name.strip())) and not name.lower().startswith("heading")}
    for part in package.text_parts():
        root = package.part(part)
        if root is None:
            continue
        everything = countable_paragraphs(root)
        texts = paragraph_texts(root)
        for number, paragraph in enumerate(everything, start=1):
            words = words_in(texts.get(paragraph, ""))
            if not words:
                continue
            scan.words += words
            first = " ".join(words[:6])
            scan.paragraphs.append((f'paragraph {number} ("{first}…")' if part == package.main else f'a note ("{first}…")',
                                    words))
        if part != package.main:
            continue
        scan.fields += sum(1 for _ in root.iter(f"{{{W}}}fldSimple"))
        for box in root.iter(f"{{{W}}}txbxContent"):
            if any(a.tag == f"{{{MC}}}Fallback" for a in box.iterancestors()):
                continue
            box_words = sum(len(words_in(texts.get(p, ""))) for p in box.iter(f"{{{W}}}p"))
            scan.text_boxes.append(Spot(paragraph_location(root, _host(box), everything), box_words))
        for picture in root.iter(f"{{{A}}}blip", f"{{{V}}}imagedata"):
            rel_id = picture.get(f"{{{R}}}link") or picture.get(f"{{{R}}}embed") or picture.get(f"{{{R}}}id") or ""
            kind, target, external = package.rels.get(rel_id, ("", "", False))
            where = paragraph_location(root, picture, everything)
            if external or picture.get(f"{{{R}}}link"):
                scan.linked_images.append(Spot(where, 0, target))
            elif target.lower().endswith(LEGACY_PICTURES):
                scan.legacy_images.append(Spot(where, 0, target))
        body = root.find(f"{{{W}}}body")
        for paragraph in ([] if body is None else body.findall(f"{{{W}}}p")):
            level = _direct_heading_level(paragraph, texts.get(paragraph, ""), styles)
            if level:
                scan.off_style_headings.append(Spot(paragraph_location(root, paragraph, everything),
                                                    len(words_in(texts.get(paragraph, ""))), str(level)))
    return scan


def _host(element):
    """The outermost paragraph that holds a text box, or the box itself where it stands alone."""
    outer = None
    for ancestor in element.iterancestors(f"{{{W}}}p"):
        outer = ancestor
        break
    return outer if outer is not None else element


# Rewriting the package before pandoc reads it.

def prepare(package: WordPackage, scan: Scan, convert_pictures=None, original: bytes = b"") -> bytes:
    """The package with text boxes, simple fields, localised and hand-made headings made readable, and
    EMF/WMF pictures converted by `convert_pictures` (name → bytes in, name → PNG bytes out) where given.
    A package that cannot be rewritten goes to pandoc as it came (`original`), never stopping the build."""
    try:
        return _prepare(package, scan, convert_pictures)
    except (zipfile.BadZipFile, zlib.error, EOFError, etree.Error, ValueError, KeyError, TypeError, OSError) as exc:
        log.warning("Word rescues skipped (%s); the draft is converted as it is", exc)
        if original:
            return original
        raise


def _prepare(package: WordPackage, scan: Scan, convert_pictures=None) -> bytes:
    replaced: dict[str, bytes] = {}
    renamed: dict[str, str] = {}
    root = deepcopy(package.part(package.main))
    styles_part = next(iter(package.related("styles")), None)
    styles = deepcopy(package.part(styles_part)) if styles_part else None
    _unwrap_fields(root)
    _lift_text_boxes(root)
    _unwrap(root)
    if styles is not None:
        _map_headings(root, styles, scan)
        replaced[styles_part] = etree.tostring(styles, xml_declaration=True, encoding="UTF-8", standalone=True)
    if convert_pictures and scan.legacy_images:
        pictures = {s.detail: package.read(s.detail) for s in scan.legacy_images if s.detail in package.names}
        for name, png in (convert_pictures(pictures) or {}).items():
            new = posixpath.splitext(name)[0] + ".png"
            if new in package.names:
                continue
            renamed[name] = new
            replaced[new] = png
        if renamed:
            replaced.update(_relink(package, renamed))
    replaced[package.main] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in package.archive.infolist():
            if info.filename in renamed:
                continue
            data = replaced.pop(info.filename, None)
            archive.writestr(zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0)),
                             data if data is not None else package.read(info.filename), zipfile.ZIP_DEFLATED)
        for name, data in sorted(replaced.items()):
            archive.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _unwrap_fields(root) -> None:
    """A simple field (MERGEFIELD, DATE, REF…) becomes its last computed result, as Word shows it."""
    for field_element in list(root.iter(f"{{{W}}}fldSimple")):
        parent = field_element.getparent()
        if parent is None:
            continue
        index = parent.index(field_element)
        for offset, child in enumerate(list(field_element)):
            parent.insert(index + offset, child)
        parent.remove(field_element)


def _unwrap(root) -> None:
    """Runs and paragraphs inside wrappers pandoc skips come out of them: an mc:AlternateContent gives its
    first choice (text boxes were lifted already), w:dir, w:bdo, w:customXml and elements of other
    vocabularies their content, a ruby its base text."""

    def replace_by(element, children) -> None:
        parent = element.getparent()
        if parent is None:
            return
        index = parent.index(element)
        for offset, child in enumerate(children):
            parent.insert(index + offset, child)
        parent.remove(element)

    for element in list(root.iter(f"{{{MC}}}AlternateContent")):
        chosen = element.find(f"{{{MC}}}Choice")
        if chosen is None:
            chosen = element.find(f"{{{MC}}}Fallback")
        replace_by(element, list(chosen) if chosen is not None else [])
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or element.getparent() is None:
            continue
        foreign = (etree.QName(element).namespace not in (W, MC) and element.getparent().tag in RUN_HOLDERS
                   and (element.find(f"{{{W}}}r") is not None or element.find(f"{{{W}}}p") is not None))
        if element.tag in WRAPPERS or foreign:
            replace_by(element, [c for c in element if c.tag != f"{{{W}}}customXmlPr"])
    for run in list(root.iter(f"{{{W}}}r")):
        base = run.find(f"{{{W}}}ruby/{{{W}}}rubyBase")
        if base is not None:
            replace_by(run, list(base))


def _lift_text_boxes(root) -> None:
    """Each text box's paragraphs move after the paragraph it is anchored in (once, whatever the
    mc:AlternateContent offers), and the shape itself goes."""
    while True:
        box = next((b for b in root.iter(f"{{{W}}}txbxContent")
                    if not any(a.tag == f"{{{MC}}}Fallback" for a in b.iterancestors())), None)
        if box is None:
            return
        host = next(box.iterancestors(f"{{{W}}}p"), None)
        shape = next(box.iterancestors(f"{{{MC}}}AlternateContent"), None)
        if shape is None:
            shape = next(box.iterancestors(f"{{{W}}}drawing", f"{{{W}}}pict", f"{{{W}}}object"), None)
        moved = [deepcopy(p) for p in box if p.tag in (f"{{{W}}}p", f"{{{W}}}tbl")]
        removed = shape if shape is not None else box
        removed.getparent().remove(removed)
        if host is None or host.getparent() is None:
            continue
        parent, index = host.getparent(), host.getparent().index(host)
        for offset, block in enumerate(moved, start=1):
            parent.insert(index + offset, block)


def _map_headings(root, styles, scan: Scan) -> None:
    """Localised heading names become Word's own ("heading 1"), which every reader knows; paragraphs made
    headings by direct formatting get the heading style of their level."""
    by_id = {s.get(f"{{{W}}}styleId"): s for s in styles.iter(f"{{{W}}}style")}
    for ident, level in scan.localised_styles.items():
        name = by_id[ident].find(f"{{{W}}}name") if ident in by_id else None
        if name is not None:
            name.set(f"{{{W}}}val", f"heading {level}")
    if not scan.off_style_headings:
        return
    heading_ids = {}
    for style in styles.iter(f"{{{W}}}style"):
        name = style.find(f"{{{W}}}name")
        match = LOCALISED_HEADING.match((name.get(f"{{{W}}}val", "") if name is not None else "").strip())
        if match and style.get(f"{{{W}}}type") == "paragraph":
            heading_ids.setdefault(int(match.group(1)), style.get(f"{{{W}}}styleId"))
    texts = paragraph_texts(root)
    body = root.find(f"{{{W}}}body")
    style_names = {s.get(f"{{{W}}}styleId", ""): (s.find(f"{{{W}}}name").get(f"{{{W}}}val", "")
                                                  if s.find(f"{{{W}}}name") is not None else "")
                   for s in styles.iter(f"{{{W}}}style")}
    for paragraph in ([] if body is None else body.findall(f"{{{W}}}p")):
        level = _direct_heading_level(paragraph, texts.get(paragraph, ""), style_names)
        if not level:
            continue
        if level not in heading_ids:
            ident = f"JointreportHeading{level}"
            styles.append(etree.fromstring(
                f'<w:style xmlns:w="{W}" w:type="paragraph" w:styleId="{ident}"><w:name w:val="heading {level}"/>'
                f'<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:outlineLvl w:val="{level - 1}"/>'
                f'</w:pPr></w:style>'))
            heading_ids[level] = ident
        ppr = paragraph.find(f"{{{W}}}pPr")
        if ppr is None:
            ppr = etree.Element(f"{{{W}}}pPr")
            paragraph.insert(0, ppr)
        style = ppr.find(f"{{{W}}}pStyle")
        if style is None:
            style = etree.Element(f"{{{W}}}pStyle")
            ppr.insert(0, style)
        style.set(f"{{{W}}}val", heading_ids[level])


def _relink(package: WordPackage, renamed: dict[str, str]) -> dict[str, bytes]:
    """The main part's relationships pointing at converted pictures, and content types knowing PNG."""
    folder, name = posixpath.split(package.main)
    rels_name = posixpath.join(folder, "_rels", f"{name}.rels")
    rels = deepcopy(package.part(rels_name))
    for rel in rels.iter(f"{{{PKG_REL}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        if resolved in renamed:
            rel.set("Target", posixpath.splitext(target)[0] + ".png")
    out = {rels_name: etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True)}
    types = package.part("[Content_Types].xml")
    if types is not None:
        types = deepcopy(types)
        if not any(d.get("Extension", "").lower() == "png" for d in types.iter(f"{{{CT}}}Default")):
            etree.SubElement(types, f"{{{CT}}}Default", Extension="png", ContentType="image/png")
        out["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8", standalone=True)
    return out


def libreoffice_pictures(pictures: dict[str, bytes]) -> dict[str, bytes]:
    """EMF/WMF pictures as PNG, drawn by LibreOffice Writer when it is on PATH (else none are): the pictures
    go into a scratch Word file, one per paragraph, which Writer saves as HTML with embedded PNGs."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if not office or not pictures:
        return {}
    names = sorted(pictures)
    with tempfile.TemporaryDirectory(prefix="jointreport-pictures-") as scratch:
        folder = Path(scratch)
        (folder / "pictures.docx").write_bytes(_picture_package([(n, pictures[n]) for n in names]))
        try:
            subprocess.run([office, "--headless", "--norestore", f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                            "--convert-to", "html:HTML (StarWriter):EmbedImages", "--outdir", str(folder),
                            str(folder / "pictures.docx")], capture_output=True, timeout=180, check=False)
        except (OSError, subprocess.TimeoutExpired):
            log.warning("LibreOffice could not convert the EMF/WMF pictures")
            return {}
        page = folder / "pictures.html"
        if not page.is_file():
            return {}
        found = re.findall(r'src="data:image/png;base64,([^"]+)"', page.read_text(encoding="utf-8", errors="replace"))
        if len(found) != len(names):
            return {}
        return {name: base64.b64decode(data) for name, data in zip(names, found)}


def _aspect(data: bytes) -> float:
    """Height over width of an EMF picture from its header's frame (0.01 mm units); 5/8 when unknown."""
    if len(data) >= 40 and data[:4] == b"\x01\x00\x00\x00":
        left, top, right, bottom = struct.unpack("<4i", data[24:40])
        if right > left and bottom > top:
            return min(3.0, max(0.1, (bottom - top) / (right - left)))
    return 0.625


def _picture_package(pictures: list[tuple[str, bytes]]) -> bytes:
    """A minimal Word file showing each picture, 16 cm wide, in its own paragraph."""
    drawing = ('<w:p><w:r><w:drawing><wp:inline><wp:extent cx="5760000" cy="{cy}"/><wp:docPr id="{n}" name="p{n}"/>'
               '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
               '<pic:nvPicPr><pic:cNvPr id="{n}" name="p{n}"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill>'
               '<a:blip r:embed="rId{n}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm>'
               '<a:off x="0" y="0"/><a:ext cx="5760000" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"/></pic:spPr>'
               '</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>')
    body = "".join(drawing.format(n=n, cy=int(5760000 * _aspect(data))) for n, (_, data) in enumerate(pictures, start=1))
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}" xmlns:r="{R}" '
                f'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="{A}" '
                f'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:body>{body}</w:body></w:document>')
    rels = "".join(f'<Relationship Id="rId{n}" Type="{R}/image" Target="media/p{n}{posixpath.splitext(name)[1].lower()}"/>'
                   for n, (name, _) in enumerate(pictures, start=1))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{CT}">'
                         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                         '<Default Extension="xml" ContentType="application/xml"/>'
                         '<Default Extension="emf" ContentType="image/x-emf"/><Default Extension="wmf" ContentType="image/x-wmf"/>'
                         '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                         'officedocument.wordprocessingml.document.main+xml"/></Types>')
        archive.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
                         f'<Relationship Id="rId1" Type="{R}/officeDocument" Target="word/document.xml"/></Relationships>')
        archive.writestr("word/document.xml", document)
        archive.writestr("word/_rels/document.xml.rels",
                         f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">{rels}</Relationships>')
        for n, (name, data) in enumerate(pictures, start=1):
            archive.writestr(f"word/media/p{n}{posixpath.splitext(name)[1].lower()}", data)
    return out.getvalue()


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
                       macros=scan.macros, strict=scan.strict)
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


# OpenDocument: the same count, from content.xml.
ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
ODF_DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
ODF_PARAGRAPHS = (f"{{{ODF_TEXT}}}p", f"{{{ODF_TEXT}}}h")
ODF_SKIPPED = {f"{{{ODF_OFFICE}}}annotation", f"{{{ODF_TEXT}}}tracked-changes", f"{{{ODF_TEXT}}}note-citation",
               f"{{{ODF_TEXT}}}ruby-text"}
ODF_APART = {f"{{{ODF_TEXT}}}note", f"{{{ODF_DRAW}}}frame", *ODF_PARAGRAPHS}  # counted as paragraphs of their own
ODF_SPACES = {f"{{{ODF_TEXT}}}s", f"{{{ODF_TEXT}}}tab", f"{{{ODF_TEXT}}}line-break"}


def audit_odt(content: bytes) -> Scan:
    """Words of an .odt's paragraphs and headings (notes and frames included, annotations and tracked
    deletions not), from its content.xml as `wordml` parsed it."""
    from .wordml import _PARSER

    scan = Scan()
    root = etree.fromstring(content, _PARSER)
    number = 0
    for paragraph in root.iter(*ODF_PARAGRAPHS):
        if any(a.tag in ODF_SKIPPED for a in paragraph.iterancestors()):
            continue
        number += 1
        words = words_in(_odf_own_text(paragraph))
        if words:
            scan.words += words
            scan.paragraphs.append((f'paragraph {number} ("{" ".join(words[:6])}…")', words))
    audit_odt_shapes(root, scan)
    return scan


def _odf_own_text(element) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag in ODF_SPACES:
            parts.append(" ")
        elif isinstance(child.tag, str) and child.tag not in ODF_SKIPPED and child.tag not in ODF_APART:
            parts.append(_odf_own_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


# Inline elements pandoc's ODT reader understands; any other element of the text vocabulary inside a
# paragraph (fields: dates, database fields, user fields, sender fields, text:meta, ruby…) is read as its text.
ODF_KNOWN_INLINE = {f"{{{ODF_TEXT}}}{tag}" for tag in (
    "span", "a", "s", "tab", "line-break", "note", "soft-page-break", "bookmark", "bookmark-start", "bookmark-end",
    "reference-mark", "reference-mark-start", "reference-mark-end", "change", "change-start", "change-end",
    "sequence", "toc-mark", "toc-mark-start", "toc-mark-end", "alphabetical-index-mark",
    "alphabetical-index-mark-start", "alphabetical-index-mark-end", "user-index-mark", "user-index-mark-start",
    "user-index-mark-end", "bibliography-mark", "note-ref", "bookmark-ref", "reference-ref", "sequence-ref",
    "hidden-text", "hidden-paragraph")}
ODF_INLINE_HOLDERS = {f"{{{ODF_TEXT}}}{tag}" for tag in ("p", "h", "span", "a")}


def audit_odt_shapes(root, scan: Scan) -> None:
    """Frames and shapes holding paragraphs, as text boxes of the scan (where their paragraph is)."""
    paragraphs = [p for p in root.iter(*ODF_PARAGRAPHS) if not any(a.tag in ODF_SKIPPED for a in p.iterancestors())]
    numbers = {p: n for n, p in enumerate(paragraphs, start=1)}
    for shape in _odf_shapes(root):
        host = next(shape.iterancestors(*ODF_PARAGRAPHS), None)
        words = sum(len(words_in(_odf_own_text(p))) for p in shape.iter(*ODF_PARAGRAPHS))
        first = " ".join(words_in(_odf_own_text(host))[:6]) if host is not None else ""
        where = f'paragraph {numbers.get(host, 0)} ("{first}…")' if host is not None else "body"
        scan.text_boxes.append(Spot(where, words))


def _odf_shapes(root) -> list:
    """Outermost frames with a text box and shapes holding paragraphs."""
    found = []
    for element in root.iter(f"{{{ODF_DRAW}}}*"):
        if element.tag == f"{{{ODF_DRAW}}}frame" and element.find(f"{{{ODF_DRAW}}}text-box") is None:
            continue
        if element.tag in (f"{{{ODF_DRAW}}}text-box", f"{{{ODF_DRAW}}}image"):
            continue
        if element.find(f"{{{ODF_TEXT}}}p") is None and element.find(f"{{{ODF_DRAW}}}text-box") is None:
            continue
        if any(a in found for a in element.iterancestors()):
            continue
        found.append(element)
    return found


def prepare_odt(data: bytes) -> bytes:
    """The .odt with frames' and shapes' paragraphs moved after the paragraph they sit in, and fields pandoc
    skips read as their text; as it came where it cannot be rewritten."""
    from .wordml import _PARSER

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            root = etree.fromstring(archive.read("content.xml"), _PARSER)
            for shape in _odf_shapes(root):
                host = next(shape.iterancestors(*ODF_PARAGRAPHS), None)
                box = shape.find(f"{{{ODF_DRAW}}}text-box")
                moved = list(box if box is not None else shape)
                moved = [deepcopy(b) for b in moved if etree.QName(b).namespace in (ODF_TEXT, "urn:oasis:names:tc:opendocument:xmlns:table:1.0")]
                _remove_keeping_tail(shape)
                if host is None or host.getparent() is None:
                    continue
                parent, index = host.getparent(), host.getparent().index(host)
                for offset, block in enumerate(moved, start=1):
                    parent.insert(index + offset, block)
            for element in list(root.iter(f"{{{ODF_TEXT}}}*")):
                parent = element.getparent()
                if parent is None or parent.tag not in ODF_INLINE_HOLDERS or element.tag in ODF_KNOWN_INLINE:
                    continue
                if element.tag in ODF_PARAGRAPHS or any(a.tag in ODF_SKIPPED for a in element.iterancestors()):
                    continue
                span = etree.Element(f"{{{ODF_TEXT}}}span")
                span.text = "".join(t for t in _odf_inline_text(element))
                span.tail = element.tail
                parent.replace(element, span)
            content = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w") as rewritten:
                for info in archive.infolist():
                    body = content if info.filename == "content.xml" else archive.read(info.filename)
                    rewritten.writestr(info, body, compress_type=info.compress_type)
            return out.getvalue()
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, etree.Error, ValueError, OSError) as exc:
        log.warning("OpenDocument rescues skipped (%s); the draft is converted as it is", exc)
        return data


def _odf_inline_text(element):
    yield element.text or ""
    for child in element:
        if child.tag != f"{{{ODF_TEXT}}}ruby-text" and child.tag not in ODF_SKIPPED:
            yield from _odf_inline_text(child)
        yield child.tail or ""


def _remove_keeping_tail(element) -> None:
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)
