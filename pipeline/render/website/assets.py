"""The site's own files, shared by every edition under build/html/assets/: its stylesheet and the search
page's script (web.css and web-search.js of the house style), and the report's typeface (Roboto, as in
the PDF) cut to the Latin letters and punctuation as WOFF2; other scripts come from the reader's fonts.
Nothing is loaded from elsewhere. The cut fonts are kept in the build's cache by the digest of the font
and of the cut, so they are made once."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from ...files import write_atomically
from ...fonts import font_dir
from ...model import Project

FILES = {"web.css": "site.css", "web-search.js": "search.js"}  # the project's template → the site's file
FACES = {"Roboto-Regular.ttf": "roboto-regular.woff2", "Roboto-Bold.ttf": "roboto-bold.woff2",
         "Roboto-Italic.ttf": "roboto-italic.woff2"}  # bold italic: the browser slants the bold
# The letters the cut keeps (the stylesheet's unicode-range says the same, so a browser takes any other
# character from the reader's own fonts).
UNICODES = "U+0020-007E,U+00A0-024F,U+0300-036F,U+2000-206F,U+20A0-20CF,U+2100-214F,U+2212"


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write `data` unless the file already holds exactly it (its time then tells it was not rewritten)."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomically(path, data)
    return True


def write_assets(project: Project, folder: Path, cache: Path) -> None:
    """The stylesheet and the script (the project's templates/ may have its own) and the fonts into
    `folder` (build/html/assets); the cut fonts are kept in `cache` by what they are cut from."""
    for template, name in FILES.items():
        write_if_changed(folder / name, project.template(template).read_bytes())
    from fontTools import version

    for face, name in FACES.items():
        source = (font_dir() / face).read_bytes()
        kept = cache / hashlib.sha256(b"|".join([source, version.encode(), UNICODES.encode()])).hexdigest()[:32]
        try:
            data = kept.read_bytes()
        except OSError:
            data = _cut(source)
            write_atomically(kept, data)
        write_if_changed(folder / name, data)


def _cut(font_file: bytes) -> bytes:
    from fontTools import subset  # a second for each face, once

    options = subset.Options()
    options.flavor, options.hinting = "woff2", False
    font = subset.load_font(io.BytesIO(font_file), options)
    cutter = subset.Subsetter(options)
    cutter.populate(unicodes=subset.parse_unicodes(UNICODES))
    cutter.subset(font)
    out = io.BytesIO()
    subset.save_font(font, out, options)
    return out.getvalue()
