"""Small Word files for fixtures, made the way Word writes them (python-docx, plus lxml for revisions)."""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from lxml import etree


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



# Word features as other producers write them (issue 10): raw WordprocessingML appended to a python-docx body.
NS_DECL = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
           'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
           'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
           'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
           'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
           'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
           'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
           'xmlns:v="urn:schemas-microsoft-com:vml"')


def text_box_xml(anchor_text: str, box_text: str) -> str:
    """A paragraph holding a text box the way Word 2010+ saves it: a DrawingML shape in mc:Choice and the
    same text again in a VML mc:Fallback."""
    box = f'<w:txbxContent><w:p><w:r><w:t>{box_text}</w:t></w:r></w:p></w:txbxContent>'
    return (f'<w:p {NS_DECL}><w:r><w:t xml:space="preserve">{anchor_text} </w:t></w:r><w:r><mc:AlternateContent>'
            f'<mc:Choice Requires="wps"><w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" '
            f'relativeHeight="1" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
            f'<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
            f'<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
            f'<wp:extent cx="1828800" cy="914400"/><wp:wrapSquare wrapText="bothSides"/>'
            f'<wp:docPr id="50" name="Text Box 1"/>'
            f'<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
            f'<wps:wsp><wps:spPr/><wps:txbx>{box}</wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic>'
            f'</wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict>'
            f'<v:shape id="tb1" style="width:144pt;height:72pt">'
            f'<v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>')


def field_xml(instruction: str, result: str) -> str:
    """A paragraph whose text is a simple field's result (MERGEFIELD, DATE…)."""
    return (f'<w:p {NS_DECL}><w:fldSimple w:instr=" {instruction} "><w:r><w:t>{result}</w:t></w:r></w:fldSimple></w:p>')


def direct_heading_xml(text: str, half_points: int = 32) -> str:
    """A 'heading' made with bold, large direct formatting on a Normal paragraph."""
    return (f'<w:p {NS_DECL}><w:r><w:rPr><w:b/><w:sz w:val="{half_points}"/></w:rPr><w:t>{text}</w:t></w:r></w:p>')


def picture_xml(rel_id: str, linked: bool = False, name: str = "Picture 1", descr: str = "") -> str:
    """An inline picture, embedded (r:embed) or linked to a file outside the document (r:link)."""
    blip = f'r:link="{rel_id}"' if linked else f'r:embed="{rel_id}"'
    return (f'<w:p {NS_DECL}><w:r><w:drawing><wp:inline><wp:extent cx="914400" cy="914400"/>'
            f'<wp:docPr id="60" name="{name}" descr="{descr}"/><a:graphic>'
            f'<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
            f'<pic:nvPicPr><pic:cNvPr id="0" name="{name}"/><pic:cNvPicPr/></pic:nvPicPr>'
            f'<pic:blipFill><a:blip {blip}/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
            f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm>'
            f'<a:prstGeom prst="rect"/></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline>'
            f'</w:drawing></w:r></w:p>')


def make_word(path: Path, items: list, styles: dict[str, str] | None = None, relations: dict | None = None) -> Path:
    """A Word file from `items`: plain strings become Normal paragraphs, ('Style name', text) styled
    paragraphs, and strings starting with '<w:p' raw paragraph XML. `styles` adds paragraph styles
    {name: based-on heading level or ''}; `relations` {rel id: (type, target, external)}."""
    from docx.enum.style import WD_STYLE_TYPE

    path.parent.mkdir(parents=True, exist_ok=True)
    document = docx.Document()
    for name in styles or {}:
        if name not in [s.name for s in document.styles]:
            document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    for rel_id, (kind, target, external) in (relations or {}).items():
        document.part.rels.add_relationship(kind, target, rel_id, is_external=external)
    body = document.element.body
    for item in items:
        if isinstance(item, tuple):
            document.add_paragraph(item[1], style=item[0])
        elif item.startswith("<w:p"):
            body.insert(len(body) - 1, parse_xml(item))  # before the closing sectPr
        else:
            document.add_paragraph(item)
    document.save(path)
    return path


def patch_zip(path: Path, replace: dict[str, bytes | None], rename: dict[str, str] | None = None) -> Path:
    """Rewrite members of a zip: new content for a name (None removes it), or a member moved to a new name."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        members = [(info.filename, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        written = set()
        for name, data in members:
            name = (rename or {}).get(name, name)
            if name in replace:
                if replace[name] is None:
                    continue
                data = replace[name]
            archive.writestr(name, data)
            written.add(name)
        for name, data in replace.items():
            if name not in written and data is not None:
                archive.writestr(name, data)
    return path


def tiny_emf() -> bytes:
    """A valid Windows enhanced metafile drawing one rectangle (EMR_HEADER, EMR_RECTANGLE, EMR_EOF)."""
    rect = struct.pack("<II4i", 43, 24, 10, 10, 90, 60)
    eof = struct.pack("<IIIII", 14, 20, 0, 16, 20)
    header_size = 108
    total = header_size + len(rect) + len(eof)
    header = struct.pack("<II4i4i", 1, header_size, 0, 0, 100, 100, 0, 0, 2646, 2646)
    header += struct.pack("<IIIIHHIII", 0x464D4520, 0x10000, total, 3, 1, 0, 0, 0, 0)
    header += struct.pack("<ii", 1920, 1080) + struct.pack("<ii", 508, 286)
    header += struct.pack("<III", 0, 0, 0) + struct.pack("<ii", 508000, 286000)
    return header + rect + eof
