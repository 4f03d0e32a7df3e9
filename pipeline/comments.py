"""Reviewers' comments, as the comment–response matrix of a review round needs them.

pandoc drops comments; here each one is read from the Word package (or the
OpenDocument content) with the words it is anchored to, the paragraph it
sits in, and — for Word's threaded replies, kept in commentsExtended.xml —
the comment it answers. Each gets an id that stays the same as long as the
comment does, so a filled-in matrix can be matched back.
"""

from __future__ import annotations

import hashlib
import io
import zipfile

from .inputs import Comment
from .wordml import W, WordPackage, _parse_member, paragraph_location

W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
DC = "http://purl.org/dc/elements/1.1/"
LOEXT = "urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0"


def comment_id(relpath: str, author: str, date: str, text: str) -> str:
    """Stable across re-saves: what the comment is, not Word's running number."""
    return "C-" + hashlib.sha1(f"{relpath}|{author}|{date}|{text}".encode()).hexdigest()[:10]


def _text(element) -> str:
    return " ".join("".join(element.xpath(".//w:t/text()", namespaces={"w": W})).split())


def _first_part(package: WordPackage, kind: str):
    parts = [package.part(name) for name in package.related(kind)]
    return next((root for root in parts if root is not None), None)


def docx_comments(package: WordPackage, relpath: str) -> list[Comment]:
    """Every comment of a Word draft, in the order of the comments part."""
    part = _first_part(package, "comments")
    if part is None:
        return []
    document = package.part(package.main)
    extended = _first_part(package, "commentsExtended")
    anchors = _anchors(document) if document is not None else {}
    parents = {}  # paraId of a reply's last paragraph → paraId of its parent's
    if extended is not None:
        for entry in extended.iter(f"{{{W15}}}commentEx"):
            if entry.get(f"{{{W15}}}paraIdParent"):
                parents[entry.get(f"{{{W15}}}paraId")] = entry.get(f"{{{W15}}}paraIdParent")
    found, by_para = [], {}
    for element in part.iter(f"{{{W}}}comment"):
        author = element.get(f"{{{W}}}author") or "unknown author"
        date = element.get(f"{{{W}}}date") or ""
        text = " ".join(_text(p) for p in element.iter(f"{{{W}}}p")).strip()
        paragraphs = list(element.iter(f"{{{W}}}p"))
        para_id = paragraphs[-1].get(f"{{{W14}}}paraId") if paragraphs else None
        where, words = anchors.get(element.get(f"{{{W}}}id"), ("", ""))
        comment = Comment(comment_id(relpath, author, date, text), author, date[:10], text, where, words,
                          reply_to=parents.get(para_id, "") if para_id else "")
        if para_id:
            by_para[para_id] = comment.id
        found.append(comment)
    for comment in found:  # replies point at their parent's id, not at Word's paragraph id
        if comment.reply_to:
            comment.reply_to = by_para.get(comment.reply_to, "")
    return found


def _anchors(document) -> dict[str, tuple[str, str]]:
    """comment w:id → (where its range starts, the words it covers)."""
    starts = {el.get(f"{{{W}}}id"): el for el in document.iter(f"{{{W}}}commentRangeStart")}
    references = {el.get(f"{{{W}}}id"): el for el in document.iter(f"{{{W}}}commentReference")}
    result = {}
    open_ranges: dict[str, list[str]] = {}
    for element in document.iter(f"{{{W}}}commentRangeStart", f"{{{W}}}commentRangeEnd", f"{{{W}}}t"):
        ident = element.get(f"{{{W}}}id")
        if element.tag == f"{{{W}}}commentRangeStart":
            open_ranges[ident] = []
        elif element.tag == f"{{{W}}}commentRangeEnd":
            words = " ".join("".join(open_ranges.pop(ident, [])).split())
            result[ident] = (paragraph_location(document, starts.get(ident, element)), words)
        else:
            for words in open_ranges.values():
                words.append(element.text or "")
    for ident, reference in references.items():
        if ident not in result:
            result[ident] = (paragraph_location(document, reference), "")
    return result


def odt_comments(data: bytes, relpath: str) -> list[Comment]:
    """Every annotation of an OpenDocument draft (LibreOffice), with the words it spans."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        content = _parse_member(archive, "content.xml")
    if content is None:
        return []
    paragraphs = list(content.iter(f"{{{TEXT}}}p", f"{{{TEXT}}}h"))
    found, by_name = [], {}
    for note in content.iter(f"{{{OFFICE}}}annotation"):
        author = "".join(note.xpath("./dc:creator/text()", namespaces={"dc": DC})) or "unknown author"
        date = "".join(note.xpath("./dc:date/text()", namespaces={"dc": DC}))
        text = " ".join(" ".join(t.xpath("string()") for t in note.iter(f"{{{TEXT}}}p")).split())
        holder = next((p for p in note.iterancestors() if p.tag in (f"{{{TEXT}}}p", f"{{{TEXT}}}h")), None)
        number = paragraphs.index(holder) + 1 if holder is not None else 0
        name = note.get(f"{{{OFFICE}}}name") or ""
        comment = Comment(comment_id(relpath, author, date, text), author, date[:10], text,
                          f"paragraph {number}" if number else "body", _odt_span(content, note, name),
                          reply_to=note.get(f"{{{LOEXT}}}parent-name") or "")
        by_name[name] = comment.id
        found.append(comment)
    for comment in found:
        if comment.reply_to:
            comment.reply_to = by_name.get(comment.reply_to, "")
    return found


def _odt_span(content, note, name: str) -> str:
    """The words between an annotation and its annotation-end, when it spans any."""
    end = next((e for e in content.iter(f"{{{OFFICE}}}annotation-end") if name and e.get(f"{{{OFFICE}}}name") == name),
               None)
    if end is None:
        return ""
    order = {element: i for i, element in enumerate(content.iter())}
    start, stop, around_end = order[note], order[end], set(end.iterancestors())
    words = []
    for node in content.xpath("//text()"):
        owner = node.getparent()
        in_note = owner is note or note in owner.iterancestors()
        if node.is_text:
            if in_note or not start < order[owner] < stop:
                continue
        elif (in_note and owner is not note) or not start <= order[owner] < stop or owner in around_end:
            continue
        words.append(str(node))
    return " ".join("".join(words).split())
