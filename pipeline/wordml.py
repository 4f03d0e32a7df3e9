"""Word and OpenDocument internals that pandoc hides: tracked changes, reviewer comments, packages.

pandoc silently accepts every tracked change and drops comments, and
python-docx's `paragraph.text` loses inserted text, so we read the XML
ourselves — through a parser that resolves no entities and fetches nothing,
from a zip whose sizes are checked first (zip bombs). A Word package's main
part is found the way Word finds it, through `_rels/.rels`, never by name.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from collections import Counter

from lxml import etree

from .errors import DraftError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
NS = {"w": W}
MAX_MEMBERS = 5000
MAX_UNPACKED_BYTES = 400_000_000
MAX_RATIO = 200
REVISION_TAGS = ("ins", "del", "moveFrom", "moveTo")
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/main"
VML = "urn:schemas-microsoft-com:vml"
STRICT_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships"
STRICT_W = "http://purl.oclc.org/ooxml/wordprocessingml/main"
# Strict Open XML names its vocabularies anew; the XML is otherwise what pandoc reads.
STRICT_NAMES = {
    b"http://purl.oclc.org/ooxml/wordprocessingml/main": b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    b"http://purl.oclc.org/ooxml/officeDocument/relationships": REL.encode(),
    b"http://purl.oclc.org/ooxml/officeDocument/math": b"http://schemas.openxmlformats.org/officeDocument/2006/math",
    b"http://purl.oclc.org/ooxml/drawingml/main": b"http://schemas.openxmlformats.org/drawingml/2006/main",
    b"http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing":
        b"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    b"http://purl.oclc.org/ooxml/drawingml/picture": b"http://schemas.openxmlformats.org/drawingml/2006/picture",
    b"http://purl.oclc.org/ooxml/drawingml/chart": b"http://schemas.openxmlformats.org/drawingml/2006/chart",
    b"http://purl.oclc.org/ooxml/officeDocument/extendedProperties":
        b"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORD_KIND = "Word .docx"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class PackageProblem(DraftError):
    """A Word file that cannot be used, with the finding code that names why (default input/unreadable)."""

    def __init__(self, message: str, code: str = "input/unreadable"):
        super().__init__(message)
        self.code = code


def check_package(data: bytes, required_member: str | None, kind: str) -> set[str]:
    """Refuse archives that are not the claimed kind, or that unpack to far more than they weigh; the
    names of the members."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise DraftError(f"not a {kind} file (damaged, or another format renamed); "
                         f"open it and save it again as {kind}") from None
    if len(infos) > MAX_MEMBERS:
        raise DraftError(f"holds {len(infos)} parts, more than any real document; send a plain {kind}")
    unpacked = sum(info.file_size for info in infos)
    packed = max(1, sum(info.compress_size for info in infos))
    if unpacked > MAX_UNPACKED_BYTES or (unpacked > 10_000_000 and unpacked / packed > MAX_RATIO):
        raise DraftError(f"unpacks to {unpacked // 1_000_000} MB (a zip bomb?); send a plain {kind}")
    names = {info.filename for info in infos}
    if required_member and required_member not in names:
        raise DraftError(f"not a {kind} file (no {required_member} inside); open it and save it again as {kind}")
    return names


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        return archive.read(name)
    except KeyError:
        return None
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise DraftError(f"{name} inside the file is damaged; open it and save it again") from None


def _parse_member(archive: zipfile.ZipFile, name: str, data: bytes | None = None):
    data = _read_member(archive, name) if data is None else data
    if data is None:
        return None
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise DraftError(f"{name} inside the file is damaged ({exc.msg}); open it and save it again") from None


class WordPackage:
    """An opened, size-checked Word package: its main part found through `_rels/.rels`, its parts parsed
    once each on demand, the main part's relationships."""

    def __init__(self, data: bytes):
        if data.startswith(OLE_MAGIC):
            if "EncryptedPackage".encode("utf-16-le") in data:
                raise PackageProblem(
                    "the file is protected by a password, so nobody can open it without one: remove the "
                    "password (in Word: File › Info › Protect Document › Encrypt with Password, clear the box) "
                    "and send it again", "docx/encrypted")
            raise PackageProblem("an old Word 97–2003 document (.doc) renamed to .docx; open it in Word and "
                                 "save it as Word Document (.docx)")
        self.names = check_package(data, None, WORD_KIND)
        self.archive = zipfile.ZipFile(io.BytesIO(data))
        self._parsed: dict[str, object] = {}
        # Strict Open XML: every XML part is read with the ordinary vocabularies' names instead.
        self.strict = STRICT_REL.encode() in (_read_member(self.archive, "_rels/.rels") or b"")
        self.main = self._main_part()
        self.rels = self.relationships(self.main)
        root = self.part(self.main)
        if root is None or etree.QName(root).namespace == STRICT_W:
            raise PackageProblem(f"not a {WORD_KIND} file (its main part is not Word's); open it and save it "
                                 f"again as {WORD_KIND}")
        self.macros = any(name.lower().endswith("vbaproject.bin") for name in self.names)

    def _main_part(self) -> str:
        rels = self.part("_rels/.rels")
        if rels is None:
            raise PackageProblem(f"not a {WORD_KIND} file (no _rels/.rels inside); "
                                 f"open it and save it again as {WORD_KIND}")
        for rel in rels.iter(f"{{{PKG_REL}}}Relationship"):
            kind = rel.get("Type", "")
            if kind == f"{REL}/officeDocument":
                target = posixpath.normpath(rel.get("Target", "").lstrip("/"))
                if target in self.names:
                    return target
        raise PackageProblem(f"not a {WORD_KIND} file (no main document part inside); open it and save it again "
                             f"as {WORD_KIND}")

    def part(self, name: str):
        if name not in self._parsed:
            self._parsed[name] = _parse_member(self.archive, name, self.read(name)) if name in self.names else None
        return self._parsed[name]

    def read(self, name: str) -> bytes | None:
        data = _read_member(self.archive, name)
        if self.strict and data is not None and name.endswith((".xml", ".rels")):
            for strict, ordinary in STRICT_NAMES.items():
                data = data.replace(strict, ordinary)
        return data

    def relationships(self, part: str) -> dict[str, tuple[str, str, bool]]:
        """A part's relationships: id → (type's last word, target part name or URL, external?)."""
        folder, name = posixpath.split(part)
        root = self.part(posixpath.join(folder, "_rels", f"{name}.rels"))
        found = {}
        for rel in ([] if root is None else root.iter(f"{{{PKG_REL}}}Relationship")):
            external = rel.get("TargetMode") == "External"
            target = rel.get("Target", "")
            if not external:
                target = (target.lstrip("/") if target.startswith("/")
                          else posixpath.normpath(posixpath.join(folder, target)))
            found[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], target, external)
        return found

    def related(self, kind: str) -> list[str]:
        """The parts of one kind the main part names (footnotes, endnotes, comments, styles…)."""
        return [target for k, target, external in self.rels.values() if k == kind and not external]

    def text_parts(self) -> list[str]:
        return [self.main] + self.related("footnotes") + self.related("endnotes")


def _authors(elements) -> dict[str, int]:
    counts = Counter(el.get(f"{{{W}}}author") or "unknown author" for el in elements)
    return dict(sorted(counts.items()))


def tracked_changes(package: WordPackage) -> tuple[dict[str, int], str | None]:
    """Tracked revisions per author, and where the first one is (paragraph number and first words)."""
    revisions, first = [], None
    for part in package.text_parts():
        root = package.part(part)
        if root is None:
            continue
        found = [el for tag in REVISION_TAGS for el in root.iter(f"{{{W}}}{tag}")
                 if el.getparent() is None or el.getparent().tag != f"{{{W}}}rPr"]  # paragraph-mark markers ride along
        if found and first is None and part == package.main:
            first = paragraph_location(root, min(found, key=_document_order(root)))
        revisions.extend(found)
    return _authors(revisions), first


def comments(package: WordPackage) -> dict[str, int]:
    counts: dict[str, int] = {}
    for part in package.related("comments"):
        root = package.part(part)
        if root is not None:
            for author, n in _authors(root.iter(f"{{{W}}}comment")).items():
                counts[author] = counts.get(author, 0) + n
    return dict(sorted(counts.items()))


def _document_order(root):
    order = {el: i for i, el in enumerate(root.iter())}
    return lambda el: order[el]


def countable_paragraphs(root) -> list:
    """The paragraphs a person sees, in order: an mc:AlternateContent's fallback copy is not one of them."""
    fallback = f"{{{MC}}}Fallback"
    return [p for p in root.iter(f"{{{W}}}p") if not any(a.tag == fallback for a in p.iterancestors())]


def paragraph_location(root, element, paragraphs: list | None = None) -> str:
    """'paragraph N ("first words…")', so a person can find the place in Word."""
    paragraphs = paragraphs if paragraphs is not None else countable_paragraphs(root)
    paragraph = element if element.tag == f"{{{W}}}p" else next(element.iterancestors(f"{{{W}}}p"), None)
    if paragraph is None:
        paragraph = next(element.iter(f"{{{W}}}p"), None)
    if paragraph is None:
        return "body"
    number = paragraphs.index(paragraph) + 1 if paragraph in paragraphs else 0
    text = "".join(t.text or "" for t in paragraph.iter(f"{{{W}}}t", f"{{{W}}}delText")
                   if next(t.iterancestors(f"{{{W}}}p"), None) is paragraph).split()  # its own, not a text box's
    words = " ".join(text[:6])
    return f'paragraph {number} ("{words}…")' if words else f"paragraph {number}"


# OpenDocument: tracked changes and annotations, found like Word's.
ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
DC = "http://purl.org/dc/elements/1.1/"


def odt_content(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            return archive.read("content.xml")
        except (KeyError, zipfile.BadZipFile, zlib.error, EOFError):
            raise DraftError("content.xml inside the file is damaged; open it and save it again") from None


def odt_review(data: bytes) -> tuple[dict[str, int], str | None, dict[str, int]]:
    """An .odt's unaccepted tracked changes per author, where the first is, and its annotations per author."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = _parse_member(archive, "content.xml")
    if root is None:
        return {}, None, {}

    def creator(element) -> str:
        found = element.find(f".//{{{DC}}}creator")
        return (found.text or "").strip() if found is not None and found.text else "unknown author"

    regions = list(root.iter(f"{{{ODF_TEXT}}}changed-region"))
    changes = dict(sorted(Counter(creator(r) for r in regions).items()))
    first = None
    if regions:
        paragraphs = [el for el in root.iter(f"{{{ODF_TEXT}}}p", f"{{{ODF_TEXT}}}h")]
        marks = root.iter(f"{{{ODF_TEXT}}}change-start", f"{{{ODF_TEXT}}}change")
        mark = next(marks, None)
        holder = None if mark is None else next(mark.iterancestors(f"{{{ODF_TEXT}}}p", f"{{{ODF_TEXT}}}h"), None)
        if holder is not None and holder in paragraphs:
            words = " ".join(_odf_text(holder).split()[:6])
            first = f'paragraph {paragraphs.index(holder) + 1} ("{words}…")'
    notes = dict(sorted(Counter(creator(a) for a in root.iter(f"{{{ODF_OFFICE}}}annotation")).items()))
    return changes, first, notes


def _odf_text(element) -> str:
    """An OpenDocument paragraph's own text, without the annotations anchored in it."""
    parts = [element.text or ""]
    for child in element:
        if child.tag != f"{{{ODF_OFFICE}}}annotation":
            parts.append(_odf_text(child))
        parts.append(child.tail or "")
    return "".join(parts)
