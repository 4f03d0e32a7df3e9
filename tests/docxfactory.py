"""Small Word files for fixtures, made the way Word writes them (python-docx, plus lxml for revisions)."""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

import docx
from lxml import etree
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls


def make_docx(path: Path, paragraphs: list[str], headings: dict[int, tuple[int, str]] | None = None,
              insertions: list[tuple[int, str, str]] = (), deletions: list[tuple[int, str, str]] = (),
              comments: list[tuple[int, str, str]] = (), image: bytes | None = None,
              replies: list[tuple[int, str, str]] = ()) -> Path:
    """paragraphs: body text; headings: {index: (level, text)} inserted before paragraph `index`;
    insertions/deletions/comments: (paragraph index, author, text); replies: (index of the comment
    answered, author, text), threaded as Word 2013+ does (commentsExtended.xml)."""
    path.parent.mkdir(parents=True, exist_ok=True)  # git keeps no empty agency folders in fixtures
    document = docx.Document()
    body = []
    for index, text in enumerate(paragraphs):
        if headings and index in headings:
            level, heading = headings[index]
            document.add_heading(heading, level=level)
        body.append(document.add_paragraph(text))
    if image:
        picture = path.with_suffix(".fixture.png")
        picture.write_bytes(image)
        document.add_picture(str(picture))
        picture.unlink()
    for revision_id, (index, author, text) in enumerate(insertions, start=100):
        body[index]._p.append(parse_xml(
            f'<w:ins {nsdecls("w")} w:id="{revision_id}" w:author="{author}" w:date="2011-03-01T10:00:00Z">'
            f'<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:ins>'))
    for revision_id, (index, author, text) in enumerate(deletions, start=200):
        body[index]._p.append(parse_xml(
            f'<w:del {nsdecls("w")} w:id="{revision_id}" w:author="{author}" w:date="2011-03-01T10:00:00Z">'
            f'<w:r><w:delText xml:space="preserve"> {text}</w:delText></w:r></w:del>'))
    for index, author, text in comments:
        document.add_comment(body[index].runs, text=text, author=author, initials=author[:2])
    document.save(path)
    if replies:
        _thread_replies(path, replies)
    return path


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"


def _thread_replies(path: Path, replies: list[tuple[int, str, str]]) -> None:
    """Add reply comments and the commentsExtended.xml part that threads them, as Word writes them."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    comments = etree.fromstring(parts["word/comments.xml"])
    document = etree.fromstring(parts["word/document.xml"])
    existing = list(comments.iter(f"{{{W}}}comment"))
    for number, comment in enumerate(existing):
        comment.findall(f"{{{W}}}p")[-1].set(f"{{{W14}}}paraId", f"{number + 1:08X}")
    extended = [f'<w15:commentEx w15:paraId="{n + 1:08X}" w15:done="0"/>' for n in range(len(existing))]
    for offset, (parent, author, text) in enumerate(replies):
        ident, para = str(900 + offset), f"{0x100 + offset:08X}"
        comments.append(etree.fromstring(
            f'<w:comment xmlns:w="{W}" xmlns:w14="{W14}" w:id="{ident}" w:author="{author}" '
            f'w:date="2011-03-02T09:00:00Z" w:initials="{author[:2]}"><w:p w14:paraId="{para}"><w:r>'
            f'<w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:comment>'))
        parent_id = existing[parent].get(f"{{{W}}}id")
        start = next(e for e in document.iter(f"{{{W}}}commentRangeStart") if e.get(f"{{{W}}}id") == parent_id)
        end = next(e for e in document.iter(f"{{{W}}}commentRangeEnd") if e.get(f"{{{W}}}id") == parent_id)
        start.addnext(etree.fromstring(f'<w:commentRangeStart xmlns:w="{W}" w:id="{ident}"/>'))
        end.addnext(etree.fromstring(f'<w:commentRangeEnd xmlns:w="{W}" w:id="{ident}"/>'))
        end.getnext().addnext(etree.fromstring(
            f'<w:r xmlns:w="{W}"><w:commentReference w:id="{ident}"/></w:r>'))
        extended.append(f'<w15:commentEx w15:paraId="{para}" w15:paraIdParent="{parent + 1:08X}" w15:done="0"/>')
    parts["word/comments.xml"] = etree.tostring(comments, xml_declaration=True, encoding="UTF-8", standalone=True)
    parts["word/document.xml"] = etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=True)
    parts["word/commentsExtended.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w15:commentsEx xmlns:w15="{W15}">'
        + "".join(extended) + "</w15:commentsEx>").encode()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", (
        b'<Override PartName="/word/commentsExtended.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml"/></Types>'))
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(b"</Relationships>", (
        b'<Relationship Id="rIdExtended" Type="http://schemas.microsoft.com/office/2011/relationships/'
        b'commentsExtended" Target="commentsExtended.xml"/></Relationships>'))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def tiny_png(colour: tuple[int, int, int] = (0, 158, 219)) -> bytes:
    """A valid 4×4 PNG of one colour, different bytes per colour."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(colour) * 4 for _ in range(4))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))

