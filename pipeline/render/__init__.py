"""Renderers turn an assembled `Document` into files; each maps the assembler's semantic classes to its own look."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

from pandocfilters import walk

from .. import i18n
from ..model import Document

PANDOC_API_VERSION = [1, 23, 1]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


FILE_MODE = 0o666 & ~_umask()  # what a plain open() would give; mkstemp's 0600 would hide outputs from others


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` in one step, so a failed build leaves the previous output intact."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temp, FILE_MODE)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def restyle_divs(blocks: list, restyle: Callable[[str, list, list], list | dict | None]) -> list:
    """Let a renderer replace each semantic Div (by its first class) with its own blocks."""

    def visit(key, value, fmt, meta):
        if key == "Div" and value[0][1]:
            return restyle(value[0][1][0], value[0], value[1])
        return None

    return walk(blocks, visit, "", {})


def known_images(blocks: list, media: dict[str, Path]) -> list:
    """Pictures the build holds (media/<name>) stay; any other reference becomes its description, since
    neither renderer may read files from elsewhere."""

    def visit(key, value, fmt, meta):
        source = value[2][0] if key == "Image" else ""
        if key == "Image" and not (source.startswith("media/") and source[len("media/"):] in media):
            return {"t": "Emph", "c": value[1] or [{"t": "Str", "c": "[picture]"}]}
        return None

    return walk(blocks, visit, "", {})


def pandoc_document(blocks: list) -> dict:
    return {"pandoc-api-version": PANDOC_API_VERSION, "meta": {}, "blocks": blocks}


def draft_mark(document: Document) -> str:
    return i18n.text(document.project.language, "draft_mark") if document.is_draft else ""
