"""Words as a reader counts them, in a converted draft (pandoc's AST) and in plain text.

Each paragraph, heading, table cell, list item, footnote and code block is
counted on its own (pandoc's `stringify` joins "end" and "Next" of two
paragraphs into one word); code blocks, tables and notes count; a picture's
description does not, since a reader never sees it; raw Word or Typst code
is not text.
"""

from __future__ import annotations

import re

# Chinese and Japanese are written without spaces: each character counts as a word, as Word counts them.
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
WORD = re.compile(rf"[{CJK}]|(?:(?![{CJK}])\w)+(?:[-'’](?:(?![{CJK}])\w)+)*")
SKIPPED = {"RawBlock", "RawInline", "Image"}
INLINE_TEXT = {"Str": lambda c: c, "Code": lambda c: c[1], "Math": lambda c: c[1]}
SEPARATORS = {"Space", "SoftBreak", "LineBreak"}
# Inline wrappers: "un" + Emph "believable" is one word.
JOINED = {"Emph", "Strong", "Underline", "Strikeout", "Superscript", "Subscript", "SmallCaps", "Span", "Link",
          "Quoted", "Cite"}


def words_in(text: str) -> list[str]:
    return WORD.findall(text)


def ast_text(blocks) -> str:
    """The text of blocks with a space between every two blocks and at every break, so words never join."""
    out: list[str] = []

    def visit(node) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
            return
        if not isinstance(node, dict) or "t" not in node:
            return
        kind, content = node["t"], node.get("c")
        if kind in SKIPPED:
            return
        if kind in INLINE_TEXT:
            out.append(INLINE_TEXT[kind](content))
        elif kind in SEPARATORS:
            out.append(" ")
        elif kind == "CodeBlock":
            out.append(f" {content[1]} ")
        elif kind in JOINED:
            visit(content)
        else:
            out.append(" ")  # a block or a container: whatever it holds stands apart from what follows
            visit(content)
            out.append(" ")

    visit(blocks)
    return "".join(out)


def ast_words(blocks) -> list[str]:
    return words_in(ast_text(blocks))


def count_words(blocks) -> int:
    """Words as a reader sees them, each paragraph on its own, code blocks, tables and notes included."""
    return len(ast_words(blocks))
