"""What pandoc's Typst writer gets wrong, made right before and after it writes, so that no draft's words
stop the PDF: a label with nothing to attach to, an equation pandoc cannot convert, a symbol by a name
Typst no longer knows, a heading without words.

Typst stops the whole document at the first of these; `check` cannot see them (they are pandoc's and
Typst's, not the draft's), so the renderer never lets them through.
"""

from __future__ import annotations

import re

from pandocfilters import Para, RawBlock, RawInline

from ..tree import stringify

# The elements `made_safe` rewrites (`_for_typst` hands them over).
UNSAFE = frozenset(("Math", "Header", "Span", "Code", "CodeBlock"))
LABEL = re.compile(r"[A-Za-z_][\w\-.:]*")
EQUATION_START = "#[#set math.equation(alt: "
# pandoc 3.9 writes these symbols by names Typst 0.14 dropped (∩ as `sect`, ⊙ as `dot.circle`), which stop the
# whole PDF: in an equation each is written as the character itself. (Every character pandoc writes by a name
# was tried in Typst 0.15: these are the ones it refuses.)
RENAMED_SYMBOLS = {
    "sect": "∩", "sect.sq": "⊓", "sect.big": "⋂", "sect.double": "⋒", "sect.sq.big": "⨅", "sect.dot": "⩀",
    "sect.and": "⩄", "sect.sq.double": "⩎", "integral.sect": "⨙", "minus.circle": "⊖", "times.circle": "⊗",
    "dot.circle": "⊙", "eq.circle": "⊜", "dash.circle": "⊝", "dot.circle.big": "⨀", "times.circle.big": "⨂",
    "div.circle": "⨸", "plus.circle.arrow": "⟴", "bar.v.circle": "⦶", "parallel.circle": "⦷",
    "backslash.circle": "⦸", "perp.circle": "⦹", "lt.circle": "⧀", "gt.circle": "⧁", "bracket.l.double": "⟦",
    "bracket.r.double": "⟧", "shell.l.double": "⟬", "shell.r.double": "⟭", "brace.l.double": "⦃",
    "brace.r.double": "⦄", "paren.l.double": "⦅", "paren.r.double": "⦆", "quote.angle.l.double": "«",
    "quote.angle.r.double": "»", "angle.right.sq": "⦜", "angle.spheric.top": "⦡", "angle.oblique": "⦦",
    "planck.reduce": "ħ", "Kai": "Ϗ", "kai": "ϗ",
}
STRING = r'"(?:[^"\\]|\\.)*"'
EQUATION = re.compile(rf'({re.escape(EQUATION_START)}{STRING}\);)(\$(?:{STRING}|\\.|[^"$\\])*\$)')
SYMBOL = re.compile(rf"{STRING}|(?<![\w.])[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)*")


def typst_string(text: str) -> str:
    """`text` as a Typst string literal, on one line."""
    flat = "".join(c for c in " ".join(text.split()) if c.isprintable())
    return '"' + flat.replace("\\", "\\\\").replace('"', '\\"') + '"'


def label(ident: str) -> str:
    """A bookmark (a Span's, a code's or a picture's id) as a label of its own. pandoc writes a Span's label
    after its words, where Typst gives it to the element before: another bookmark's (one of the two is then
    lost) or none at all (at the start of a cell or a note), and a link to it stops the PDF; a code's or a
    picture's id it drops."""
    return f"#metadata(none)<{ident}>" if LABEL.fullmatch(ident) else ""


def made_safe(key: str, value: list):
    """One element of `UNSAFE` (its pandoc `c`, the renderer's copy) as Typst takes it, or None to keep it."""
    if key == "Math":  # in a block of its own: the TeX pandoc cannot convert is printed as typed, not as code
        return [RawInline("typst", f"{EQUATION_START}{typst_string(value[1])});"), {"t": "Math", "c": value},
                RawInline("typst", "]")]
    if key == "Header":  # PDF/UA refuses a heading without words (an empty Heading 2 paragraph in Word)
        if stringify(value[2]).strip():
            return None
        return [RawBlock("typst", label(value[1][0])), *([Para(value[2])] if value[2] else [])]
    if value[0][0]:
        raw = RawBlock if key == "CodeBlock" else RawInline
        return [raw("typst", label(value[0][0])), {"t": key, "c": [["", *value[0][1:]], value[1]]}]
    return None


def current_symbols(typst: str) -> str:
    """pandoc's Typst with each equation's symbols by names Typst knows (see RENAMED_SYMBOLS)."""
    def names(match: re.Match) -> str:
        return RENAMED_SYMBOLS.get(match.group(0), match.group(0))

    return EQUATION.sub(lambda m: m.group(1) + SYMBOL.sub(names, m.group(2)), typst)
