"""The PDF's pages around the text, as a book has them: the imprint the template sets on the back of the title
page, the lists of figures and of tables, and the page where the main matter starts (page 1, after the front
matter's roman folios)."""

from __future__ import annotations

import re

from pandocfilters import Plain, RawBlock, RawInline

from .. import i18n
from ..blocks import styled
from ..document import Document
from ..textruns import inlines
from ..tree import stringify

IMPRINT_LABEL = "jointreport-imprint"  # report.typ's imprint page shows what carries it
# The main matter is numbered 1, 2… (the PDF's page labels too) from the first part or chapter on.
MAIN_MATTER = RawBlock("typst", '#set page(numbering: "1")\n#counter(page).update(1)')
MATTER_CLASSES = {"part", "chapter"}
# a draft's source line under a figure, as the UN languages open it ("Source:", "Sources :", "Fuente:")
SOURCE_LINE = re.compile(r"(Sources?|Fuentes?|Quellen?|Fontes?)\s*:")


def imprint(blocks: list) -> list:
    """The imprint's blocks (the assembly's `copyright` group) as content the template places: pandoc writes
    them with the rest of the body, under a label the template looks for."""
    if not blocks:
        return []
    return [RawBlock("typst", "#metadata["), *blocks, RawBlock("typst", f"] <{IMPRINT_LABEL}>")]


def imprint_text(blocks: list) -> str:
    """The imprint as plain paragraphs, for a project's own template written before the imprint page (its
    `copyright` input)."""
    paragraphs = [paragraph for block in blocks for paragraph in (block["c"][1] if block["t"] == "Div" else [block])]
    return "\n\n".join(stringify(paragraph) for paragraph in paragraphs)


def main_matter_start(blocks: list) -> str | None:
    """The identifier of the first part or chapter heading that is no front matter (a foreword, key
    messages…): the main matter starts on its page."""
    for block in blocks:
        if block.get("t") == "Header":
            classes = set(block["c"][1][1])
            if classes & MATTER_CLASSES and "matter" not in classes:
                return block["c"][1][0]
    return None


def _label_text(label: str) -> str:
    """'Table 6.1' as a Typst string whose number stays with its word."""
    return '"' + label.replace("\\", "\\\\").replace('"', '\\"').replace(" ", "\u00a0") + '"'


def lists_of_captions(document: Document) -> list:
    """The front matter's lists of figures and of tables: one grid each, the labels in a column of their own
    (as wide as the longest), the caption with dot leaders, the page number right-aligned on the caption's
    last line; every cell a link to the figure or table."""
    lang = document.project.language
    blocks = []
    for kind, title in (("figure", "list_of_figures"), ("table", "list_of_tables")):
        entries = [c for c in document.captions if c.kind == kind]
        if not entries:
            continue
        heading = i18n.text(lang, title).replace("\\", "\\\\").replace('"', '\\"')
        blocks.append(RawBlock("typst", f'#heading(level: 2, outlined: false, numbering: none, "{heading}")'))
        blocks.append(RawBlock("typst", "#grid(columns: (auto, 1fr, auto), column-gutter: (0.9em, 0.4em), "
                                        "row-gutter: 0.7em,"))
        for entry in entries:
            target = f"<{entry.identifier}>"
            page = (f"link({target}, align(right + bottom, context {{ let at = locate({target}); "
                    "let style = at.page-numbering(); if style == none { str(counter(page).at(at).first()) } "
                    "else { numbering(style, ..counter(page).at(at)) } })),")
            blocks.append(Plain([RawInline("typst", f"link({target}, {_label_text(entry.label)}), link({target})["),
                                 *inlines(entry.text),
                                 RawInline("typst", f"#box(width: 1fr, repeat[.~])], {page}")]))
        blocks.append(RawBlock("typst", ")"))
    if not blocks:
        return []
    return [RawBlock("typst", "#[\n#set par(justify: false)"), *blocks, RawBlock("typst", "]")]


def sources_in_figures(blocks: list) -> list:
    """A figure's "Source:" line moved into the figure, after its caption: the figure floats to the top or foot
    of a page, and its source goes with it. The line is a `figure-source` group right after the figure (the
    assembly's charts) or a draft's paragraph there that opens with "Source:", "Sources :", "Fuente:"…
    Changes `blocks` (the renderer's copy) in place, looking into groups (a draft's) as well."""
    for index in range(len(blocks) - 1, -1, -1):
        block = blocks[index]
        if block.get("t") == "Div":
            sources_in_figures(block["c"][1])
        if block.get("t") != "Figure" or index + 1 >= len(blocks):
            continue
        after = blocks[index + 1]
        if after.get("t") == "Div" and after["c"][0][1][:1] == ["figure-source"]:
            block["c"][1][1].append(blocks.pop(index + 1))
        elif after.get("t") == "Para" and SOURCE_LINE.match(stringify(after["c"][:4])):
            block["c"][1][1].append(styled("figure-source", [blocks.pop(index + 1)]))
    return blocks


LISTS = ("BulletList", "OrderedList")
KEEP_WITH_NEXT = (RawBlock("typst", "#block(sticky: true)["), RawBlock("typst", "]"))


def lead_ins_kept(blocks: list) -> list:
    """A paragraph that ends in a colon right before a list ("The members undertake to:") kept on the page of
    the list's first item, not left alone at a page's foot. Changes `blocks` (the renderer's copy) in place,
    looking into groups (a draft's) as well."""
    for index in range(len(blocks) - 1, -1, -1):
        block = blocks[index]
        if block.get("t") == "Div":
            lead_ins_kept(block["c"][1])
        elif (block.get("t") == "Para" and index + 1 < len(blocks) and blocks[index + 1].get("t") in LISTS
              and stringify(block).rstrip().endswith(":")):
            blocks[index:index + 1] = [KEEP_WITH_NEXT[0], block, KEEP_WITH_NEXT[1]]
    return blocks
