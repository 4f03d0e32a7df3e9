"""Accessibility a check can tell before anything is built (issue 23): what would keep the PDF from
PDF/A, and a project's own template whose text colours fail WCAG AA contrast (1.4.3). A picture without a
description is found where each draft is read (`normalise.neutralise`: a11y/missing-alt-text).

The colours are read from the template's own words: in a Typst file, each `text(fill: …)` (or `set text`)
with the size and weight it gives, against the fill of the block, box or page around it (white when none
is seen: a light colour there is taken to sit on a dark fill the reading cannot see); in a Word template,
each paragraph and character style's colour, size and shading, through the styles it is based on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from ..codes import finding
from ..errors import DraftError
from ..model import Finding, Place, Project
from ..wordml import W, WordPackage

WHITE = (255, 255, 255)
BODY, LARGE = 4.5, 3.0  # WCAG 2.1 AA: body text, and large text (18 pt, or 14 pt bold)
TYPST_COLOURS = {  # Typst's named colours
    "black": "000000", "gray": "aaaaaa", "silver": "dddddd", "white": "ffffff", "navy": "001f3f", "blue": "0074d9",
    "aqua": "7fdbff", "teal": "39cccc", "eastern": "239dad", "purple": "b10dc9", "fuchsia": "f012be",
    "maroon": "85144b", "red": "ff4136", "orange": "ff851b", "yellow": "ffdc00", "olive": "3d9970",
    "green": "2ecc40", "lime": "01ff70",
}
CONTAINERS = {"block", "box", "rect", "page", "square", "ellipse", "circle"}


def accessibility_findings(project: Project, templates: dict[str, bytes]) -> list[Finding]:
    """report.yaml without a date while its `pdf_standards` names a PDF/A level (by default, a report without
    a date quietly declares PDF/UA only, as the manifest says); each text colour of the project's own
    templates (name → bytes, as intake read them) that fails WCAG AA."""
    findings = []
    if project.date is None and any(name.startswith("a-") for name in project.pdf_standards or ()):
        findings.append(finding("a11y/no-document-date", Place("report.yaml"),
                                "no `date`: PDF/A needs the document's date, so the PDFs declare PDF/UA-1 only; give "
                                "the publication date (date: YYYY-MM-DD)"))
    for name, data in sorted(templates.items()):
        for problem in contrast_problems(name, data):
            findings.append(finding("a11y/low-contrast", Place(f"templates/{name}"), problem.message, problem.where))
    return findings


@dataclass(frozen=True)
class Problem:
    where: str  # the style, or the line of the Typst file
    text: tuple[int, int, int]
    background: tuple[int, int, int]
    large: bool

    @property
    def ratio(self) -> float:
        return contrast(self.text, self.background)

    @property
    def message(self) -> str:
        need = LARGE if self.large else BODY
        return (f"text {_hex(self.text)} on {_hex(self.background)} has a contrast of {self.ratio:.2f}:1; WCAG AA "
                f"needs {need:g}:1 for {'large' if self.large else 'body'} text: choose a darker (or, on a dark "
                "background, lighter) colour")


def contrast_problems(name: str, data: bytes) -> list[Problem]:
    """The text colours of one template file that fail WCAG AA, each once (the first place it is used)."""
    try:
        found = _word_styles(data) if name.endswith(".docx") else _typst_texts(data.decode("utf-8", "replace"))
    except (DraftError, etree.XMLSyntaxError, ValueError):
        return []  # a template that cannot be read is the build's to report
    problems, seen = [], set()
    for where, text, background, large in found:
        key = (text, background, large)
        if key in seen or _light_on_unknown(text, background):
            continue
        seen.add(key)
        problem = Problem(where, text, background, large)
        if problem.ratio < (LARGE if large else BODY):
            problems.append(problem)
    return problems


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG 2.1's contrast ratio of two sRGB colours, from 1 to 21."""
    lighter, darker = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = map(channel, colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _light_on_unknown(text: tuple[int, int, int], background: tuple[int, int, int] | None) -> bool:
    """White or pale text where no background was seen is meant for a dark fill set elsewhere (a table's
    header row, a banner): not judged against white."""
    return background == WHITE and _luminance(text) > 0.5


def _hex(colour: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{c:02X}" for c in colour)


def _rgb(text: str) -> tuple[int, int, int] | None:
    text = text.strip().lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    if not re.fullmatch(r"[0-9a-fA-F]{6}", text):
        return None
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


# Typst templates

LET = re.compile(r"#?let\s+([\w-]+)\s*=\s*")
WORD_START = re.compile(r"[\w.-]+$")


def _typst_texts(source: str) -> list[tuple[str, tuple, tuple, bool]]:
    """(line, text colour, background, large) for every `text(…, fill: …)` and `set text(…)` of a Typst file."""
    source = re.sub(r"//[^\n]*|/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group(0)), source, flags=re.S)
    calls = _calls(source)
    colours = _named_colours(source)
    found = []
    for name, start, end, args in calls:
        if name != "text":
            continue
        colour = _colour(_argument(args, "fill"), colours)
        if colour is None:
            continue
        around = [c for c in calls if c[0] in CONTAINERS and c[1] < start and end <= c[2]]
        fills = [_colour(_argument(c[3], "fill"), colours) for c in sorted(around, key=lambda c: c[1])]
        background = next((fill for fill in reversed(fills) if fill is not None), WHITE)
        size = re.search(r"\bsize:\s*([\d.]+)pt", args)
        bold = re.search(r'\bweight:\s*(?:"(?:bold|extrabold|black|semibold)"|([6-9]\d\d))', args) is not None
        points = float(size.group(1)) if size else 0.0
        found.append((f"line {source.count(chr(10), 0, start) + 1}", colour, background,
                      points >= 18 or (points >= 14 and bold)))
    return found


def _calls(source: str) -> list[tuple[str, int, int, str]]:
    """Every call `name(args)` — with the content block `[…]` or `{…}` that may follow it — as (name, start,
    end, args), strings skipped."""
    calls, stack = [], []  # stack: (bracket, position, call name or None)
    index = 0
    while index < len(source):
        char = source[index]
        if char == '"':
            close = source.find('"', index + 1)
            while close > 0 and source[close - 1] == "\\":
                close = source.find('"', close + 1)
            index = len(source) if close < 0 else close + 1
            continue
        if char in "([{":
            name = WORD_START.search(source, 0, index) if char == "(" else None
            stack.append((char, index, name.group(0).rsplit(".", 1)[-1] if name else None))
        elif char in ")]}" and stack:
            bracket, opened, name = stack.pop()
            if bracket == "(" and name:
                end = index + 1
                if end < len(source) and source[end] in "[{":  # the call's trailing content is its own
                    end = _closing(source, end)
                calls.append((name, opened, end, source[opened + 1:index]))
        index += 1
    return calls


def _closing(source: str, start: int) -> int:
    """Where the bracket opened at `start` closes (strings not looked into), or the end of the source."""
    depth = 0
    for index in range(start, len(source)):
        if source[index] in "([{":
            depth += 1
        elif source[index] in ")]}":
            depth -= 1
            if depth == 0:
                return index + 1
    return len(source)


def _argument(args: str, name: str) -> str | None:
    """The expression given for `name:` among a call's own arguments (not those of calls inside them)."""
    match = re.search(rf"(?<![\w-]){name}:\s*", _top_level(args))
    if not match:
        return None
    rest = args[match.end():]
    if rest.startswith(("rgb(", "luma(")):
        return rest[:rest.index(")") + 1] if ")" in rest else None
    word = re.match(r"[\w-]+", rest)
    return word.group(0) if word else None


def _top_level(args: str) -> str:
    """`args` with whatever stands inside brackets or quotes blanked out (positions kept)."""
    out, depth, quoted = [], 0, False
    for char in args:
        if quoted or depth:
            out.append(" ")
        else:
            out.append(char)
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "([{":
            depth += 1
        elif not quoted and char in ")]}" and depth:
            depth -= 1
    return "".join(out)


def _named_colours(source: str) -> dict[str, tuple[int, int, int]]:
    """The template's own colour names (`#let navy = rgb("#1B365D")`) and Typst's."""
    colours = {name: _rgb(value) for name, value in TYPST_COLOURS.items()}
    for match in LET.finditer(source):
        value = _colour(_argument(f"x: {source[match.end():match.end() + 60]}", "x"), colours)
        if value is not None:
            colours[match.group(1)] = value
    return colours


def _colour(expression: str | None, colours: dict) -> tuple[int, int, int] | None:
    if not expression:
        return None
    if expression.startswith("rgb("):
        inner = expression[4:-1]
        quoted = re.fullmatch(r'\s*"([^"]+)"\s*', inner)
        if quoted:
            return _rgb(quoted.group(1))
        parts = [p.strip() for p in inner.split(",")]
        if len(parts) >= 3 and all(p.isdigit() for p in parts[:3]):
            return tuple(min(255, int(p)) for p in parts[:3])
        return None
    if expression.startswith("luma("):
        value = expression[5:-1].strip()
        return (int(value),) * 3 if value.isdigit() else None
    return colours.get(expression)


# Word templates

def _word_styles(data: bytes) -> list[tuple[str, tuple, tuple, bool]]:
    """(style, text colour, background, large) for every paragraph and character style of a Word file with
    a colour of its own or inherited."""
    package = WordPackage(data)
    parts = package.related("styles")
    root = package.part(parts[0]) if parts else None
    if root is None:
        return []
    styles = {s.get(f"{{{W}}}styleId"): s for s in root.iter(f"{{{W}}}style")}
    defaults = root.find(f"{{{W}}}docDefaults/{{{W}}}rPrDefault/{{{W}}}rPr")

    def inherited(style, path: str, attribute: str = "val"):
        seen = set()
        while style is not None and style.get(f"{{{W}}}styleId") not in seen:
            seen.add(style.get(f"{{{W}}}styleId"))
            element = style.find(path.format(w=f"{{{W}}}"))
            if element is not None:
                return element.get(f"{{{W}}}{attribute}", "true")
            based = style.find(f"{{{W}}}basedOn")
            style = styles.get(based.get(f"{{{W}}}val")) if based is not None else None
        element = defaults.find(path.split("/", 1)[1].format(w=f"{{{W}}}")) if defaults is not None and "/" in path \
            else None
        return element.get(f"{{{W}}}{attribute}", "true") if element is not None else None

    found = []
    for style_id, style in styles.items():
        if style.get(f"{{{W}}}type") not in ("paragraph", "character"):
            continue
        colour = _rgb(inherited(style, "{w}rPr/{w}color") or "")
        if colour is None:
            continue
        shading = inherited(style, "{w}pPr/{w}shd", "fill") or inherited(style, "{w}rPr/{w}shd", "fill")
        background = _rgb(shading or "") or WHITE
        half_points = inherited(style, "{w}rPr/{w}sz")
        points = int(half_points) / 2 if half_points and half_points.isdigit() else 0
        bold = inherited(style, "{w}rPr/{w}b") not in (None, "0", "false")
        name = style.find(f"{{{W}}}name")
        label = name.get(f"{{{W}}}val") if name is not None else style_id
        found.append((f"style {label!r}", colour, background, points >= 18 or (points >= 14 and bold)))
    return found
