"""The returned Word file written back: only the parts that received changes or comments are serialised
anew; every other member is copied with its bytes, name, order and date as they were (saving through
python-docx would rewrite every part it loaded, styles.xml among them). The same fixes on the same file
give the same bytes."""

from __future__ import annotations

import io
import posixpath
import zipfile

from lxml import etree

from ..wordml import REL, W, WordPackage
from .wordedit import AUTHOR, XML_SPACE, w

CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
INITIALS = "Ed"


class CommentsPart:
    """The package's comments part, or a new one; comments are added after the agency's own."""

    def __init__(self, package: WordPackage):
        existing = package.related("comments")
        self.name = existing[0] if existing else posixpath.join(posixpath.dirname(package.main), "comments.xml")
        self.new = not existing
        root = package.part(self.name) if existing else None
        self.root = root if root is not None else etree.Element(w("comments"), nsmap={"w": W})
        self.added = 0

    def add(self, ident: str, text: str, date: str) -> None:
        comment = etree.SubElement(self.root, w("comment"), {w("id"): ident, w("author"): AUTHOR,
                                                            w("date"): date, w("initials"): INITIALS})
        for number, line in enumerate(text.split("\n")):
            paragraph = etree.SubElement(comment, w("p"))
            if number == 0:
                etree.SubElement(etree.SubElement(paragraph, w("r")), w("annotationRef"))
            run = etree.SubElement(paragraph, w("r"))
            node = etree.SubElement(run, w("t"), {XML_SPACE: "preserve"})
            node.text = line
        self.added += 1


def highest_id(package: WordPackage, parts: list[str]) -> int:
    """The largest w:id of any annotation or revision in `parts`, so new ones never collide."""
    highest = -1
    for name in parts:
        root = package.part(name)
        if root is None:
            continue
        for value in root.xpath("//@w:id", namespaces={"w": W}):
            if value.lstrip("-").isdigit():
                highest = max(highest, int(value))
    return highest


def _serialise(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _with_comments_part(package: WordPackage, comments: CommentsPart) -> dict[str, bytes]:
    """The relationship and content type a new comments part needs."""
    folder, name = posixpath.split(package.main)
    rels_name = posixpath.join(folder, "_rels", f"{name}.rels")
    rels = package.part(rels_name)
    if rels is None:
        rels = etree.Element(f"{{{PKG_REL}}}Relationships", nsmap={None: PKG_REL})
    taken = {rel.get("Id") for rel in rels}
    number = 1
    while f"rIdComments{number}" in taken:
        number += 1
    etree.SubElement(rels, f"{{{PKG_REL}}}Relationship", {
        "Id": f"rIdComments{number}", "Type": f"{REL}/comments",
        "Target": posixpath.relpath(comments.name, folder or ".")})
    types = package.part("[Content_Types].xml")
    etree.SubElement(types, f"{{{CONTENT_TYPES}}}Override",
                     {"PartName": "/" + comments.name, "ContentType": COMMENTS_TYPE})
    return {rels_name: _serialise(rels), "[Content_Types].xml": _serialise(types)}


def write_package(package: WordPackage, data: bytes, changed: list[str], comments: CommentsPart) -> bytes:
    """The file's zip again: the `changed` parts and the comments serialised anew, every other member
    with its bytes, name, order and date as they were."""
    rewritten = {name: _serialise(package.part(name)) for name in changed}
    if comments.added:
        rewritten[comments.name] = _serialise(comments.root)
        if comments.new:
            rewritten.update(_with_comments_part(package, comments))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        infos = source.infolist()
        for info in infos:
            target.writestr(info, rewritten.pop(info.filename, None) or source.read(info.filename),
                            compress_type=info.compress_type)
        stamp = next((i.date_time for i in infos if i.filename == package.main), (1980, 1, 1, 0, 0, 0))
        for name, content in sorted(rewritten.items()):  # parts the file did not have: the comments
            target.writestr(zipfile.ZipInfo(name, stamp), content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
