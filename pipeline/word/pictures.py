"""Pictures in Word files: EMF/WMF ones, which neither pandoc's writers nor Typst can show, drawn as PNG by
LibreOffice; and one description for each picture pandoc writes (`describe_pictures`)."""

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
from pathlib import Path

from ..wordml import CONTENT_TYPES as CT
from ..wordml import DRAWING as A
from ..wordml import PKG_REL, W
from ..wordml import REL as R

log = logging.getLogger("jointreport.read")

WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"


def describe_pictures(root) -> None:
    """Each picture's second description (pic:cNvPr/@descr, where pandoc writes the picture's source: its
    file name, or the whole picture as a data: URI) made its description, wp:docPr/@descr (Word's alt
    text): a screen reader or checker that reads either finds the picture's words, never base64."""
    for properties in root.iter(f"{{{WP}}}docPr"):
        for picture in properties.getparent().iter(f"{{{PIC}}}cNvPr"):
            picture.set("descr", properties.get("descr", ""))


def as_png(pictures: dict[str, bytes]) -> dict[str, bytes]:
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
            profile = f"-env:UserInstallation={(folder / 'profile').as_uri()}"
            subprocess.run([office, "--headless", "--norestore", profile, "--convert-to",
                            "html:HTML (StarWriter):EmbedImages", "--outdir", str(folder),
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
        return {name: base64.b64decode(data) for name, data in zip(names, found, strict=True)}


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
    body = "".join(drawing.format(n=n, cy=int(5760000 * _aspect(data)))
                   for n, (_, data) in enumerate(pictures, start=1))
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}" xmlns:r="{R}" '
                f'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="{A}" '
                f'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:body>{body}</w:body></w:document>')
    media = [f"media/p{n}{posixpath.splitext(name)[1].lower()}" for n, (name, _) in enumerate(pictures, start=1)]
    rels = "".join(f'<Relationship Id="rId{n}" Type="{R}/image" Target="{target}"/>'
                   for n, target in enumerate(media, start=1))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{CT}">'
                         '<Default Extension="rels" '
                         'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                         '<Default Extension="xml" ContentType="application/xml"/>'
                         '<Default Extension="emf" ContentType="image/x-emf"/>'
                         '<Default Extension="wmf" ContentType="image/x-wmf"/>'
                         '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                         'officedocument.wordprocessingml.document.main+xml"/></Types>')
        archive.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
                         f'<Relationship Id="rId1" Type="{R}/officeDocument" Target="word/document.xml"/>'
                         '</Relationships>')
        archive.writestr("word/document.xml", document)
        archive.writestr("word/_rels/document.xml.rels", f'<?xml version="1.0" encoding="UTF-8"?>'
                         f'<Relationships xmlns="{PKG_REL}">{rels}</Relationships>')
        for target, (_, data) in zip(media, pictures, strict=True):
            archive.writestr(f"word/{target}", data)
    return out.getvalue()
