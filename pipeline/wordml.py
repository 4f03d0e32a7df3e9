"""Word and OpenDocument internals that pandoc hides: tracked changes and reviewer comments.

pandoc silently accepts every tracked change and drops comments, and
python-docx's `paragraph.text` loses inserted text, so we read the XML
ourselves — through a parser that resolves no entities and fetches nothing,
from a zip whose sizes are checked first (zip bombs).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections import Counter

from lxml import etree

from .errors import DraftError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
MAX_MEMBERS = 5000
MAX_UNPACKED_BYTES = 400_000_000
MAX_RATIO = 200
REVISION_TAGS = ("ins", "del", "moveFrom", "moveTo")
PARTS_WITH_TEXT = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def check_package(data: bytes, required_member: str, kind: str) -> None:
    """Refuse archives that are not the claimed kind, or that unpack to far more than they weigh."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise DraftError(f"not a {kind} file (damaged, or another format renamed); open it and save it again as {kind}") from None
    if len(infos) > MAX_MEMBERS:
        raise DraftError(f"holds {len(infos)} parts, more than any real document; send a plain {kind}")
    unpacked = sum(info.file_size for info in infos)
    packed = max(1, sum(info.compress_size for info in infos))
    if unpacked > MAX_UNPACKED_BYTES or (unpacked > 10_000_000 and unpacked / packed > MAX_RATIO):
        raise DraftError(f"unpacks to {unpacked // 1_000_000} MB (a zip bomb?); send a plain {kind}")
    if required_member not in {info.filename for info in infos}:
        raise DraftError(f"not a {kind} file (no {required_member} inside); open it and save it again as {kind}")


def _parse_member(archive: zipfile.ZipFile, name: str):
    try:
        data = archive.read(name)
    except KeyError:
        return None
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise DraftError(f"{name} inside the file is damaged; open it and save it again") from None
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise DraftError(f"{name} inside the file is damaged ({exc.msg}); open it and save it again") from None


def _authors(elements) -> dict[str, int]:
    counts = Counter(el.get(f"{{{W}}}author") or "unknown author" for el in elements)
    return dict(sorted(counts.items()))


def tracked_changes(data: bytes) -> tuple[dict[str, int], str | None]:
    """Tracked revisions per author, and where the first one is (paragraph number and first words)."""
    revisions, first = [], None
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for part in PARTS_WITH_TEXT:
            root = _parse_member(archive, part)
            if root is None:
                continue
            found = [el for tag in REVISION_TAGS for el in root.iter(f"{{{W}}}{tag}")
                     if el.getparent() is None or el.getparent().tag != f"{{{W}}}rPr"]  # paragraph-mark markers ride along
            if found and first is None and part == "word/document.xml":
                first = paragraph_location(root, min(found, key=_document_order(root)))
            revisions.extend(found)
    return _authors(revisions), first


def comments(data: bytes) -> dict[str, int]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = _parse_member(archive, "word/comments.xml")
    return {} if root is None else _authors(root.iter(f"{{{W}}}comment"))


def _document_order(root):
    order = {el: i for i, el in enumerate(root.iter())}
    return lambda el: order[el]


def paragraph_location(root, element) -> str:
    """'paragraph N ("first words…")', so a person can find the place in Word."""
    paragraphs = list(root.iter(f"{{{W}}}p"))
    paragraph = element if element.tag == f"{{{W}}}p" else next(element.iterancestors(f"{{{W}}}p"), None)
    if paragraph is None:
        paragraph = next(element.iter(f"{{{W}}}p"), None)
    if paragraph is None:
        return "body"
    number = paragraphs.index(paragraph) + 1
    text = "".join(paragraph.xpath(".//w:t/text() | .//w:delText/text()", namespaces=NS)).split()
    words = " ".join(text[:6])
    return f'paragraph {number} ("{words}…")' if words else f"paragraph {number}"
