"""PDF through Typst: pandoc writes the body as Typst, the `typst` package compiles it.

Typst reads any file under its root and follows symlinks there, so it
compiles from a fresh staging folder holding only the template, the body
and the report's images — never the project or the drafts themselves.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import typst
from pandocfilters import Emph, RawBlock

from .. import i18n
from ..textruns import inlines
from ..errors import JointreportError
from ..fonts import font_dir
from ..model import Document, Project
from ..pandoc import write_from_ast
from . import draft_mark, known_images, pandoc_document, restyle_divs, walk, write_atomically

TYPST_IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".svg"}
WRAPPERS = {
    "attribution": "attribution",
    "contribution-from": "contributionfrom",
    "chapter-intro": "chapterintro",
    "missing": "awaited",
    "annex-entry": "annexentry",
    "agreed": "agreed",
    "signatories": "signatories",
    "signatories-head": "signatorieshead",
}
TEMPLATE = "report.typ"


def _wrap(style_class: str, attr: list, blocks: list):
    function = WRAPPERS.get(style_class)
    if function is None:
        return None
    return [RawBlock("typst", f"#{function}["), *blocks, RawBlock("typst", "]")]


def _for_typst(blocks: list) -> list:
    """Typst draws PNG, JPEG, GIF and SVG only (Word's EMF/WMF/TIFF pictures become a note), and
    centres table cells pandoc leaves at 'default' alignment: make those left-aligned like Word does."""

    def visit(key, value, fmt, meta):
        if key == "Image" and Path(value[2][0]).suffix.lower() not in TYPST_IMAGE_TYPES:
            return Emph(inlines("[picture in a format the PDF cannot show]"))
        if key == "Table":
            for column in value[2]:
                if column[0]["t"] == "AlignDefault":
                    column[0] = {"t": "AlignLeft"}
        return None

    return walk(blocks, visit, "", {})


def render_pdf(document: Document, output: Path) -> Path:
    project = document.project
    inputs = {
        "title": project.title, "subtitle": project.subtitle, "coalition": project.coalition,
        "edition": project.edition, "lang": project.language, "draft_mark": draft_mark(document),
        "toc_title": i18n.text(project.language, "contents"),
        "date": i18n.long_date(project.date, project.language) if project.date else "",
        "agencies": " · ".join(a.short for a in project.agencies.values()),
    }
    return typeset(project, TEMPLATE, document.blocks, document.media, inputs, output)


def typeset(project: Project, template: str, blocks: list, media: dict[str, Path], inputs: dict[str, str],
            output: Path) -> Path:
    """Write `blocks` as Typst with pandoc, and compile them inside `template` from a fresh staging folder
    holding only the template, the body and the media."""
    body = write_from_ast(pandoc_document(_for_typst(restyle_divs(known_images(blocks, media), _wrap))), "typst", [])
    module = Path(template).stem
    staging = Path(tempfile.mkdtemp(prefix="pdf-", dir=_staging_root(project.build_dir)))
    try:
        shutil.copyfile(project.template(template), staging / template)
        (staging / "body.typ").write_bytes(f'#import "{template}": *\n'.encode() + body)
        (staging / "main.typ").write_text(f'#import "{template}": {module}\n#show: {module}\n#include "body.typ"\n',
                                          encoding="utf-8")
        (staging / "media").mkdir()
        for name, source in media.items():
            shutil.copyfile(source, staging / "media" / name)
        try:
            pdf = typst.compile(
                str(staging / "main.typ"), root=str(staging), font_paths=[str(font_dir())],
                ignore_system_fonts=True, sys_inputs=inputs,
            )
        except typst.TypstError as exc:
            raise JointreportError(f"the PDF could not be typeset:\n{exc.diagnostic or exc.message}") from None
        write_atomically(output, pdf)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return output


def _staging_root(build_dir: Path) -> Path:
    root = build_dir / ".staging"
    root.mkdir(parents=True, exist_ok=True)
    return root
