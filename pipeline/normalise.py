"""What a draft may hold that a renderer cannot take, made harmless the same way by check and build.

Typst stops the whole PDF at the first label that does not exist, and a
picture path the file system refuses stopped the whole build. So the
assembly neutralises these in each draft's AST — citations become the text
as typed, links to anchors the draft does not have lose their link (the
text stays), pictures that are missing or too large become their
description, empty table header rows go — and the check phase runs the very
same functions, so `check` reports every problem the build will meet.
"""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pandocfilters import Emph, Str

from .tree import LEAVES, stringify, visit, walk

IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".emf", ".wmf", ".tif", ".tiff", ".bmp"}
MAX_PICTURE_PIXELS = 40_000_000  # a full A4 page at 600 dpi is 35 MP; 16,384² (268 MP) takes Typst down
MAX_PICTURE_BYTES = 30_000_000
MAX_PATH_PART = 255  # longer names make the file system fail (ENAMETOOLONG)
DECORATIVE = "decorative"  # a picture's class that says it shows nothing to describe (a rule, an ornament)
DRAFT_CLASS = "from-draft"  # the assembly's Div around each draft's blocks (attribute `path`: its file)
# Where each element keeps its Attr ([id, classes, key-values]) in pandoc's JSON.
ATTR_INDEX = {"Header": 1, "Div": 0, "Span": 0, "CodeBlock": 0, "Code": 0, "Image": 0, "Link": 0, "Table": 0,
              "Figure": 0}
NEUTRALISED = frozenset(("Cite", "Link", "Image", "Table", "Header"))  # what `neutralise` looks at


# Typst stops ("maximum show rule depth exceeded") at about 18 quotes or 30 lists nested in one another.
MAX_NESTING = 10
NESTING = {"BlockQuote", "BulletList", "OrderedList", "DefinitionList"}
BLOCKS = NESTING | {"Plain", "Para", "LineBlock", "CodeBlock", "RawBlock", "Header", "HorizontalRule", "Table",
                    "Figure", "Div"}


@dataclass(frozen=True)
class Issue:
    """One class of problem neutralised in a draft: how many, and the first one's words."""

    code: str
    message: str
    location: str | None


def picture_problem(media_root: Path, source: str) -> tuple[str, str] | None:
    """Why a picture of a converted draft cannot be shown — (code, reason) — or None when it can. Only
    files pandoc extracted from the draft itself (under `media_root`) are ever shown."""
    if source.startswith("data:"):
        return "input/missing-image", "it is written into the text as a data: address; insert the picture itself"
    if not source or len(source) > 4096 or any(len(part) > MAX_PATH_PART for part in source.split("/")):
        return "input/missing-image", "its file name is empty or too long; insert the picture into the draft"
    try:
        root = media_root.resolve()
        path = (media_root / source).resolve()
        inside = root in path.parents
        if not (inside and path.is_file() and path.suffix.lower() in IMAGE_TYPES):
            return "input/missing-image", (f"the picture '{_short(source)}' is not in the draft (a link to a file "
                                           "elsewhere); insert the picture itself")
        size = path.stat().st_size
        if size > MAX_PICTURE_BYTES:
            return "input/image-too-large", (f"a {size / 1_000_000:.0f} MB picture is too large to typeset; "
                                             "save it at a lower resolution and insert it again")
        with path.open("rb") as handle:
            dimensions = image_size(handle.read(65536))
    except (OSError, ValueError):
        return "input/missing-image", f"the picture '{_short(source)}' cannot be read; insert it again"
    if dimensions and dimensions[0] * dimensions[1] > MAX_PICTURE_PIXELS:
        width, height = dimensions
        return "input/image-too-large", (f"a {width:,}×{height:,}-pixel picture is too large to typeset; save it "
                                         "at a lower resolution (e.g. 3,000 pixels wide) and insert it again")
    return None


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def image_size(head: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG, GIF, BMP or JPEG header, without decoding the picture."""
    if head.startswith(b"\x89PNG\r\n\x1a\n") and len(head) >= 24:
        return struct.unpack(">II", head[16:24])
    if head[:6] in (b"GIF87a", b"GIF89a") and len(head) >= 10:
        return struct.unpack("<HH", head[6:10])
    if head.startswith(b"BM") and len(head) >= 26:
        width, height = struct.unpack("<ii", head[18:26])
        return abs(width), abs(height)
    if head.startswith(b"\xff\xd8"):
        index = 2
        while index + 9 < len(head):
            if head[index] != 0xFF:
                index += 1
                continue
            marker = head[index + 1]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", head[index + 5:index + 9])
                return width, height
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                index += 2
                continue
            index += 2 + struct.unpack(">H", head[index + 2:index + 4])[0]
    return None


def is_described(image: list) -> bool:
    """Whether an Image (its pandoc `c`) says what it shows (a description, or a title), or is marked
    decorative (class `decorative`: Word's mark, a statement's logos): what PDF/UA and WCAG 1.1.1 ask."""
    attr, alt, (_, title) = image
    return DECORATIVE in attr[1] or bool(title.strip()) or any(item.get("t") != "Space" for item in alt)


def anchors(blocks: list) -> dict[str, int]:
    """Every identifier the blocks define, with how often."""
    found: dict[str, int] = {}

    def collect(key, value, fmt, meta):
        if key in ATTR_INDEX and value[ATTR_INDEX[key]][0]:
            ident = value[ATTR_INDEX[key]][0]
            found[ident] = found.get(ident, 0) + 1

    visit(blocks, collect, only=frozenset(ATTR_INDEX))
    return found


def label_form(ident: str) -> str:
    """An identifier as the assembly writes it (`blocks.anchor`): two a draft spells apart ("a-b", "a.b")
    become one label there, which Typst refuses a link to."""
    return re.sub(r"[^A-Za-z0-9_]", "_", ident)


def heading_anchors(blocks: list) -> dict[str, str]:
    """Bookmarks inside a heading's words (a Span's id) → the heading's id they stand for. Typst sets a
    heading's words again in the contents, so a label there names two places (or none): the heading
    takes the first bookmark as its id when it has none, and links to the others go to the heading."""
    moved: dict[str, str] = {}

    def collect(key, value, fmt, meta):
        inner = _span_ids(value[2])
        for ident in inner:
            moved[ident] = value[1][0] or inner[0]

    visit(blocks, collect, only=frozenset(("Header",)))
    return moved


def _span_ids(words: list) -> list[str]:
    found = []
    visit(words, lambda key, value, fmt, meta: found.append(value[0][0]) if value[0][0] else None,
          only=frozenset(("Span",)))
    return found


def _unlabelled_heading(value: list) -> dict:
    """A Header (its pandoc `c`) as a new one whose words hold no ids, the first its own id if it has none
    (see `heading_anchors`)."""
    level, attr, words = json.loads(json.dumps(value))
    inner = _span_ids(words)
    visit(words, lambda key, span, fmt, meta: span[0].__setitem__(0, ""), only=frozenset(("Span",)))
    return {"t": "Header", "c": [level, [attr[0] or inner[0], *attr[1:]], words]}


def _places_per_label(blocks: list, moved: dict[str, str]) -> dict[str, int]:
    """How many places each label (the form an anchor becomes) names; bookmarks in a heading, `moved` to
    it, count as the heading's."""
    ids: dict[str, int] = {}
    for ident, count in anchors(blocks).items():
        if moved.get(ident, ident) == ident:
            ids[label_form(ident)] = ids.get(label_form(ident), 0) + count
    return ids


Pictures = Callable[[str], "tuple[str, str] | None"]
Cites = Callable[[str], "str | None"]


def neutralise(blocks: list, pictures: Pictures, cites: Cites | None = None,
               own: bool = False) -> tuple[list, list[Issue]]:
    """`blocks` with everything a renderer would fail on made harmless, and one `Issue` per class of
    problem found. `pictures(source)` says why a picture cannot be shown (see `picture_problem`);
    `cites(key)` gives the bibliography's key for a citation's key, or None when it has none
    (`Bibliography.resolver`): a citation with an unknown key is printed as typed. Without `cites` (the
    project has no references) every citation is. `blocks` stay as they are (the result is a copy) unless
    they are the caller's to change (`own`)."""
    moved = heading_anchors(blocks)
    ids = _places_per_label(blocks, moved)
    seen: dict[str, list[str]] = {}  # code → the first words of each occurrence
    shown = [0]  # pictures met so far, in reading order: how a message names one
    reasons: dict[str, str] = {}

    def note(code: str, words: str, reason: str = "") -> None:
        seen.setdefault(code, []).append(" ".join(words.split())[:40])
        reasons.setdefault(code, reason)

    def fix(key, value, fmt, meta):
        if key == "Cite":
            if cites is None:
                note("input/citation", stringify(value[1]))
                return value[1] or [Str("@")]
            keys = [cites(citation["citationId"]) for citation in value[0]]
            unknown = [c["citationId"] for c, known in zip(value[0], keys, strict=True) if known is None]
            if unknown:
                note("cite/unknown-key", stringify(value[1]) or unknown[0], _short(unknown[0]))
                return value[1] or [Str("@" + unknown[0])]
            # a new Cite: without `own`, `value` is the caller's, which stays as it was
            resolved = [{**citation, "citationId": known} for citation, known in zip(value[0], keys, strict=True)]
            return {"t": "Cite", "c": [resolved, value[1]]}
        if key == "Header":
            return _unlabelled_heading(value) if any(_span_ids(value[2])) else None
        if key == "Link":
            target = value[2][0].strip()
            internal = target.startswith("#")
            if internal and target[1:] in moved:
                target = "#" + moved[target[1:]]
            count = ids.get(label_form(target[1:]), 0) if internal else 1
            if not target or target == "#" or count != 1:
                why = ("no address" if not target or target == "#"
                       else f"'{_short(target)}' is not an anchor of the draft" if not count
                       else f"'{_short(target)}' names {count} places")
                note("input/dangling-link", stringify(value[1]) or target, why)
                return value[1]
            if target != value[2][0]:
                return {"t": "Link", "c": [value[0], value[1], [target, value[2][1]]]}
            return None
        if key == "Image":
            shown[0] += 1
            problem = pictures(value[2][0])
            if problem:
                code, reason = problem
                note(code, stringify(value[1]) or "picture", reason)
                return Emph(value[1] or [Str("[picture]")])
            if not is_described(value):
                name = _short(value[2][0].rsplit("/", 1)[-1], 40)
                note("a11y/missing-alt-text", "", f"picture {shown[0]} of the draft, {name}")
            return None
        if key == "Table":
            return _table_without_empty_rows(value)
        return None

    blocks = visit(blocks, fix, only=NEUTRALISED) if own else walk(blocks, fix)
    flattened = [0]
    blocks = _flatten(blocks, 0, flattened)
    if flattened[0]:
        seen["input/deep-nesting"] = [""] * flattened[0]
        reasons["input/deep-nesting"] = ""
    issues = []
    for code, occurrences in seen.items():
        count = len(occurrences)
        quoted = f'"{occurrences[0]}"' if occurrences[0] else None
        issues.append(Issue(code, MESSAGES[code](count, reasons[code]), quoted))
    return blocks, issues


def _table_without_empty_rows(value: list) -> dict:
    """A Table (its pandoc `c`) as a new one without rows that have no cells: pandoc writes such a row as
    `table.header(,)`, which stops Typst."""
    head, bodies, foot = value[3], value[4], value[5]
    rows = [[row for row in head[1] if row[1]], [row for row in foot[1] if row[1]]]
    kept = [[body[0], body[1], [row for row in body[2] if row[1]], [row for row in body[3] if row[1]]]
            for body in bodies]
    return {"t": "Table", "c": [*value[:3], [head[0], rows[0]], kept, [foot[0], rows[1]]]}


def _children(block: dict) -> list:
    """The blocks inside a quote or list, in reading order (a definition's term becomes a paragraph)."""
    kind, content = block["t"], block["c"]
    if kind == "BlockQuote":
        return content
    if kind == "BulletList":
        return [b for item in content for b in item]
    if kind == "OrderedList":
        return [b for item in content[1] for b in item]
    return [b for term, definitions in content
            for b in [{"t": "Para", "c": term}] + [x for d in definitions for x in d]]


def _flatten(blocks: list, depth: int, count: list) -> list:
    """Quotes and lists nested deeper than MAX_NESTING are replaced by their contents (the AST's depth is
    bounded on reading, so this recursion is too)."""
    result = []
    for block in blocks:
        if block.get("t") in NESTING and depth >= MAX_NESTING:
            count[0] += 1
            result += _flatten(_children(block), depth, count)
            continue
        _descend(block.get("c"), depth + (block.get("t") in NESTING), count)
        result.append(block)
    return result


def _descend(node, depth: int, count: list) -> None:
    """Flatten every block list found inside `node` (list items, table cells, divs, footnotes)."""
    if isinstance(node, list):
        if node and all(isinstance(x, dict) and x.get("t") in BLOCKS for x in node):
            node[:] = _flatten(node, depth, count)
            return
        for item in node:
            _descend(item, depth, count)
    elif isinstance(node, dict) and node.get("t") not in LEAVES:
        for value in node.values():
            _descend(value, depth, count)


MESSAGES: dict[str, Callable[[int, str], str]] = {
    "input/deep-nesting": lambda n, _: (
        f"quotes or lists nested more than {MAX_NESTING} deep ({n} too deep): the deeper ones are printed "
        f"at level {MAX_NESTING}; flatten the structure"),
    "input/citation": lambda n, _: (
        f"{n} citation{'s' * (n != 1)} (@name or [@key]) but the report has no bibliography: printed as typed; "
        "to write an @ sign, put a backslash before it (\\@)"),
    "cite/unknown-key": lambda n, key: (
        f"{n} citation{'s' * (n != 1)} to a key no reference file has (first: '{key}'): printed as typed; "
        "add the work to the agency's .bib or .json file (or the project's references), or correct the key"),
    "input/dangling-link": lambda n, why: (
        f"{n} link{'s' * (n != 1)} to nowhere (first: {why}): the text is kept without the link; "
        "point the link at a heading or bookmark of the draft, or remove it"),
    "input/missing-image": lambda n, why: (
        f"{n} picture{'s' * (n != 1)} not shown ({why}); the description is printed instead"),
    "a11y/missing-alt-text": lambda n, first: (
        f"{n} picture{'s' * (n != 1)} without a description (first: {first}): the report says \"picture without "
        "a description\" to screen readers instead; describe each (in Word: right-click › View Alt Text), or tick "
        "Mark as decorative for an ornament that tells nothing"),
    "input/image-too-large": lambda n, why: (
        f"{n} picture{'s' * (n != 1)} not shown ({why}); the description is printed instead"),
}

