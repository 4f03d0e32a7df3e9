"""Small Word files for fixtures, made the way Word writes them (python-docx, plus lxml for revisions)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls


def make_docx(path: Path, paragraphs: list[str], headings: dict[int, tuple[int, str]] | None = None,
              insertions: list[tuple[int, str, str]] = (), deletions: list[tuple[int, str, str]] = (),
              comments: list[tuple[int, str, str]] = (), image: bytes | None = None) -> Path:
    """paragraphs: body text; headings: {index: (level, text)} inserted before paragraph `index`;
    insertions/deletions/comments: (paragraph index, author, text)."""
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
    return path


def tiny_png(colour: tuple[int, int, int] = (0, 158, 219)) -> bytes:
    """A valid 4×4 PNG of one colour, different bytes per colour."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(colour) * 4 for _ in range(4))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))

