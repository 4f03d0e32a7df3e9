"""The report's pictures in web sizes: each is written once into the site's media/ folder at a few widths
(its name is its content's digest, so a name already there is already right), and a page offers them with
`srcset`, so a phone loads a small one. Word's TIFF and BMP pictures become PNG; EMF and WMF, which no
browser shows, become their description, as in the PDF."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from PIL import Image, ImageOps

from ...files import write_atomically

WIDTHS = (480, 960, 1440)  # a phone, a laptop's text column, a sharp screen's
AS_IS = {".gif", ".svg"}  # animation and vectors: copied, never resized
RESIZED = {".png", ".jpg", ".jpeg", ".webp"}
AS_PNG = {".tif", ".tiff", ".bmp"}
TEXT_COLUMN = "(max-width: 50rem) 100vw, 46rem"  # how wide a picture is shown: the page's text column
DIGEST = 20  # media names begin with this many characters of their content's digest (files.media_name)
# An SVG is a document a browser runs when it is opened by itself: what could run, or fetch, goes.
SVG_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
SVG_DROPPED = {"script", "foreignObject", "iframe", "object", "embed", "handler", "listener"}
SVG_LINKS = ("#", "data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp")  # what href may keep


@dataclass(frozen=True)
class Picture:
    src: str  # the largest web size, as a page links it
    srcset: str = ""
    width: int | None = None
    height: int | None = None

    def attributes(self, sizes: str = TEXT_COLUMN) -> list[list[str]]:
        """The img element's attributes besides src and alt; width and height let the page keep the
        picture's place while it loads."""
        found = [["srcset", self.srcset], ["sizes", sizes]] if self.srcset else []
        found += [["width", str(self.width)], ["height", str(self.height)]] if self.width else []
        return found + [["loading", "lazy"], ["decoding", "async"]]


class Pictures:
    """Web sizes of the pictures `media` names (name → the file the build holds), into `folder`."""

    def __init__(self, media: dict[str, Path], folder: Path, prefix: str):
        self.media, self.folder, self.prefix = media, folder, prefix

    def __call__(self, name: str) -> Picture | None:
        source = self.media.get(name)
        suffix = Path(name).suffix.lower()
        if source is None or suffix not in AS_IS | RESIZED | AS_PNG:
            return None
        if suffix in AS_IS:
            return self._copied(name, source, suffix)
        try:
            return self._sized(name, source, suffix)
        except (OSError, ValueError, Image.DecompressionBombError):
            return self._copied(name, source, suffix) if suffix in RESIZED else None

    def _copied(self, name: str, source: Path, suffix: str) -> Picture | None:
        target = self.folder / name
        if not target.is_file():
            data = source.read_bytes() if suffix != ".svg" else harmless_svg(source.read_bytes())
            if data is None:
                return None
            write_atomically(target, data)
        return Picture(self.prefix + name)

    def _sized(self, name: str, source: Path, suffix: str) -> Picture:
        stem, ext = Path(name).stem, (".png" if suffix in AS_PNG else suffix)
        with Image.open(source) as opened:
            image = ImageOps.exif_transpose(opened)
            width, height = image.size
            widths = [w for w in WIDTHS if w < width] + ([width] if width <= WIDTHS[-1] else [])
            for target in widths:
                file = self.folder / f"{stem}-{target}{ext}"
                if not file.is_file():
                    write_atomically(file, _encoded(image, target, ext))
        largest = widths[-1]
        srcset = ", ".join(f"{self.prefix}{stem}-{w}{ext} {w}w" for w in widths)
        return Picture(f"{self.prefix}{stem}-{largest}{ext}", srcset, largest, round(height * largest / width))


def harmless_svg(data: bytes) -> bytes | None:
    """The SVG without scripts, event handlers, embedded HTML or links out of it (None: it is no SVG)."""
    try:
        root = etree.fromstring(data, SVG_PARSER)
    except etree.XMLSyntaxError:
        return None
    if not isinstance(root.tag, str) or etree.QName(root).localname != "svg":
        return None
    for element in [e for e in root.iter() if isinstance(e.tag, str)]:
        if etree.QName(element).localname in SVG_DROPPED and element.getparent() is not None:
            element.getparent().remove(element)
            continue
        for name in list(element.attrib):
            local = etree.QName(name).localname.lower()
            if local.startswith("on") or (local == "href" and not element.attrib[name].startswith(SVG_LINKS)):
                del element.attrib[name]
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _encoded(image: Image.Image, width: int, ext: str) -> bytes:
    """`image` at `width` pixels wide, in the format `ext` names, without any metadata."""
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if ext != ".jpg" and ext != ".jpeg" else "RGB")
    if width != image.width:
        image = image.resize((width, max(1, round(image.height * width / image.width))), Image.LANCZOS)
    out = io.BytesIO()
    if ext in (".jpg", ".jpeg"):
        image.convert("RGB").save(out, "JPEG", quality=82, progressive=True)
    elif ext == ".webp":
        image.save(out, "WEBP", quality=82)
    else:
        image.save(out, "PNG")
    return out.getvalue()


def prune(folder: Path, used: set[str]) -> None:
    """Remove the pictures no edition shows any more (`used`: the digests their names begin with)."""
    if folder.is_dir():
        for file in folder.iterdir():
            if file.is_file() and file.name[:DIGEST] not in used:
                file.unlink(missing_ok=True)
