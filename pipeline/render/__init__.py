"""The render phase: renderers turn an assembled `Document` into files; each maps the assembler's
semantic classes to its own look. They know nothing of checks or of how drafts were read."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from pandocfilters import Plain, walk

from .. import i18n
from ..model import Document
from .workplan import chart_png

PANDOC_API_VERSION = [1, 23, 1]


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


def with_workplan_chart(document: Document) -> tuple[list, dict[str, Path]]:
    """The document's blocks and media, with the workplan chart drawn where the assembly left its place."""
    media = dict(document.media)

    def draw(style_class: str, attr: list, blocks: list):
        if style_class != "workplan-chart":
            return None
        chart = chart_png(document.project)
        media[chart.name] = chart
        caption = blocks[0]["c"]
        image = {"t": "Image", "c": [["", [], [["width", "100%"]]], caption, [f"media/{chart.name}", ""]]}
        return {"t": "Figure", "c": [["fig_workplan", [], []], [None, [Plain(caption)]], [Plain([image])]]}

    return restyle_divs(document.blocks, draw), media
