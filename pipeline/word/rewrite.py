"""A Word package rewritten before pandoc reads it, so that no word is lost on the way: text boxes become
paragraphs after the paragraph they sit in, simple fields their result, citation fields one form pandoc
reads with each work under its own key (word.citations), wrappers pandoc skips their content; localised
heading style names ("Titre 1", "Überschrift 2", "标题 1") and headings made by bold, large direct
formatting become Word's heading styles; EMF/WMF pictures become PNG where a converter is given.
"""

from __future__ import annotations

import io
import logging
import posixpath
import zipfile
import zlib
from copy import deepcopy

from lxml import etree

from ..wordml import CONTENT_TYPES as CT
from ..wordml import MC, PKG_REL, W, WordPackage
from . import citations, objects
from .audit import LOCALISED_HEADING, Scan, direct_heading_level, paragraph_texts, style_names

log = logging.getLogger("jointreport.read")

# Wrappers pandoc does not look into: their runs or paragraphs are lifted out.
WRAPPERS = {f"{{{W}}}dir", f"{{{W}}}bdo", f"{{{W}}}customXml"}
RUN_HOLDERS = {f"{{{W}}}{tag}" for tag in ("p", "hyperlink", "sdtContent", "body", "tc", "ins", "smartTag", "fldSimple",
                                           "dir", "bdo", "customXml", "txbxContent", "footnote", "endnote")}


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
    for part, planned in scan.citations.instructions.items():
        if part == package.main:
            citations.rewrite(root, planned)
        elif any(p is not None for p in planned):
            notes = deepcopy(package.part(part))
            citations.rewrite(notes, planned)
            replaced[part] = etree.tostring(notes, xml_declaration=True, encoding="UTF-8", standalone=True)
    if scan.objects.smartart or scan.objects.contents:
        bullets, changed = objects.bullets(package) if scan.objects.smartart else (None, {})
        replaced.update(changed)
        objects.rewrite(root, scan.objects, bullets, paragraph_texts(root), style_names(package))
    _unwrap_fields(root)
    _lift_text_boxes(root)
    _unwrap(root)
    _mark_decorative(root)
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


WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
DECORATIVE_MARK = "{http://schemas.microsoft.com/office/drawing/2017/decorative}decorative"
DECORATIVE_TITLE = "jointreport-decorative"  # pandoc keeps a picture's title: intake makes it the class again


def _mark_decorative(root) -> None:
    """Pictures Word marks decorative (Alt Text › Mark as decorative) say so in their title, which pandoc
    keeps: they are artifacts of the PDF, not pictures without a description."""
    for properties in root.iter(f"{{{WP}}}docPr"):
        mark = next(properties.iter(DECORATIVE_MARK), None)
        if mark is not None and mark.get("val", "1") in ("1", "true"):
            properties.set("title", DECORATIVE_TITLE)


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
        level = direct_heading_level(paragraph, texts.get(paragraph, ""), style_names)
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
