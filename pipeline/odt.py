"""OpenDocument drafts: the same word count as a Word draft's (`audit`), from content.xml, and the
package made readable for pandoc (`prepare`): frames' and shapes' paragraphs moved after the paragraph
they sit in, fields pandoc skips read as their text."""

from __future__ import annotations

import io
import logging
import zipfile
import zlib
from copy import deepcopy

from lxml import etree

from .inputs import Spot
from .word.audit import Scan
from .wordcount import words_in
from .wordml import _PARSER, ODF_OFFICE, ODF_TEXT

log = logging.getLogger("jointreport.read")

ODF_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
ODF_DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
ODF_PARAGRAPHS = (f"{{{ODF_TEXT}}}p", f"{{{ODF_TEXT}}}h")
ODF_SKIPPED = {f"{{{ODF_OFFICE}}}annotation", f"{{{ODF_TEXT}}}tracked-changes", f"{{{ODF_TEXT}}}note-citation",
               f"{{{ODF_TEXT}}}ruby-text"}
ODF_APART = {f"{{{ODF_TEXT}}}note", f"{{{ODF_DRAW}}}frame", *ODF_PARAGRAPHS}  # counted as paragraphs of their own
ODF_SPACES = {f"{{{ODF_TEXT}}}s", f"{{{ODF_TEXT}}}tab", f"{{{ODF_TEXT}}}line-break"}


def audit(content: bytes) -> Scan:
    """Words of an .odt's paragraphs and headings (notes and frames included, annotations and tracked
    deletions not), from its content.xml as `wordml` parsed it."""
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
    _audit_shapes(root, scan)
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


def _audit_shapes(root, scan: Scan) -> None:
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


def prepare(data: bytes) -> bytes:
    """The .odt with frames' and shapes' paragraphs moved after the paragraph they sit in, and fields pandoc
    skips read as their text; as it came where it cannot be rewritten."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            root = etree.fromstring(archive.read("content.xml"), _PARSER)
            for shape in _odf_shapes(root):
                host = next(shape.iterancestors(*ODF_PARAGRAPHS), None)
                box = shape.find(f"{{{ODF_DRAW}}}text-box")
                moved = list(box if box is not None else shape)
                moved = [deepcopy(b) for b in moved if etree.QName(b).namespace in (ODF_TEXT, ODF_TABLE)]
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
