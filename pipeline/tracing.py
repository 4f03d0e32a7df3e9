"""Where each draft sits, in the Typst the renderer writes and on the PDF's pages.

The renderer puts a mark (`#metadata("<id>") <jointreport-draft>`, on a line of its own) where each draft's
text starts and where it ends. Typst names the line of body.typ its errors are on, so an error is put down
to the draft whose text holds that line, whatever the report's size; and the document, laid out, says on
which page and how far down each mark sits (`LAYOUT`, asked of the same compiler), so the proof puts a
page's problem down to the draft whose text is there.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from pandocfilters import Plain, RawBlock, RawInline

MARK = "jointreport-draft"
TABLE_END = "jointreport-table-end"
PICTURE = "jointreport-picture"  # before each picture, with its file: a figure floats away from its draft's text
MARK_LINE = re.compile(rf'^#metadata\("([0-9a-f]*)"\) <{MARK}>$')
LAYOUT_LABEL = "jointreport-layout"
# The page's size and margins, each draft's mark, each table's start and end, each note's entry (at the page's
# foot) with its number's place in the text, where Typst put them: one query at the end of the body, after the
# layout (a few milliseconds).
LAYOUT = (
    f"\n#context [#metadata((page: (width: page.width, height: page.height, margin: page.margin), "
    f"marks: query(<{MARK}>).map(m => (m.value, m.location().position())), "
    f"tables: query(figure.where(kind: table)).map(f => f.location().position()), "
    f"ends: query(<{TABLE_END}>).map(m => m.location().position()), "
    f"pictures: query(<{PICTURE}>).map(m => (m.value, m.location().position())), "
    f"notes: query(footnote.entry).map(e => (e.location().position(), e.note.location().position())))) "
    f"<{LAYOUT_LABEL}>]\n"
)
LAYOUT_QUERY = f"<{LAYOUT_LABEL}>"
LOCATION = re.compile(r"body\.typ:(\d+):\d+")


def layout_file(build_dir: Path, output: Path) -> Path:
    """Where Typst's answer to `LAYOUT` is kept for a PDF: the proof reads it with the PDF."""
    return build_dir / ".cache" / "proof" / f"{output.name}.layout.json"


def picture_mark(source: str) -> str:
    """Typst put before a picture (its file in the staging folder, `media/<digest>`), so the proof knows whose
    picture it is wherever Typst floats it."""
    return f'#metadata("{source}") <{PICTURE}>' if re.fullmatch(r"[\w./-]+", source) else ""


def mark_table_end(table: list) -> None:
    """A mark in the last cell of a Table's body (its pandoc `c`, the renderer's copy): Typst says where a
    table starts, this says where it ends, so the proof knows the pages a table covers. (Not in a header or
    a footer row: Typst repeats those on every page.)"""
    rows = [row for body in table[4] for row in body[3] if row[1]]
    if not rows:
        return
    blocks = rows[-1][1][-1][4]
    mark = RawInline("typst", f"#metadata(none) <{TABLE_END}>")
    if blocks and blocks[-1]["t"] in ("Plain", "Para"):
        blocks[-1]["c"].append(mark)
    else:
        blocks.append(Plain([mark]))


def draft_id(path: str) -> str:
    """A draft's mark: a digest of its file's path, so a piece's Typst is the same whichever drafts precede."""
    return hashlib.sha256(path.encode()).hexdigest()[:16]


def marked(path: str, blocks: list) -> list:
    """A draft's blocks between the marks of where its text starts and ends."""
    return [RawBlock("typst", f'#metadata("{draft_id(path)}") <{MARK}>'), *blocks,
            RawBlock("typst", f'#metadata("") <{MARK}>')]


def by_id(paths: list[str]) -> dict[str, str]:
    """Each draft's mark → its file."""
    return {draft_id(path): path for path in paths}


def drafts_at_lines(body: bytes, lines: list[int], paths: list[str]) -> list[str | None]:
    """The draft (of `paths`) whose text holds each line (1-based) of `body`, None for lines of no draft."""
    files = by_id(paths)
    owner: list[str | None] = []
    current = None
    for text in body.decode("utf-8", "replace").split("\n"):
        found = MARK_LINE.match(text)
        if found:
            current = files.get(found.group(1))
        owner.append(current)
    return [owner[line - 1] if 0 < line <= len(owner) else None for line in lines]


def drafts_in_error(message: str, body: bytes, first_line: int, paths: list[str]) -> dict[str, str]:
    """The drafts a Typst error message points at (path → its error line), each error by the first place in
    body.typ it names (its own, else the call that led to it); `first_line` is body.typ's line that holds
    `body`'s first. Empty when an error points at no draft's text (the template's, or none at all)."""
    errors = re.split(r"^(?=error:)", message, flags=re.M)
    found: dict[str, str] = {}
    located = [(block.splitlines()[0].strip(), int(where.group(1)) - first_line + 1)
               for block in errors if block.startswith("error:") for where in [LOCATION.search(block)] if where]
    owners = drafts_at_lines(body, [line for _, line in located], paths)
    for (error, _), path in zip(located, owners, strict=True):
        if path is not None:
            found.setdefault(path, error[:200])
    return found


@dataclass
class Layout:
    """Where Typst put things, as `LAYOUT` tells it: the page's size and margins (points), and the marks,
    in reading order, as (draft id or "" for an end, page number from 1, distance from the page's top)."""

    width: float
    height: float
    margins: dict[str, float]
    marks: list[tuple[str, int, float]] = field(default_factory=list)
    tables: list[tuple[int, float]] = field(default_factory=list)
    ends: list[tuple[int, float]] = field(default_factory=list)
    pictures: list[tuple[str, int, float]] = field(default_factory=list)  # (file, page, from the top)
    notes: list[tuple[int, float, int, float]] = field(default_factory=list)  # (entry's page, y, number's page, y)

    @classmethod
    def from_json(cls, text: str) -> Layout | None:
        try:
            data = json.loads(text)
            page = data["page"]
            width, height = _points(page["width"]), _points(page["height"])
            margins = _margins(page["margin"], width, height)
            marks = [(str(ident), int(where["page"]), _points(where["y"])) for ident, where in data["marks"]]
            tables, ends = ([(int(where["page"]), _points(where["y"])) for where in data[key]]
                            for key in ("tables", "ends"))
            pictures = [(str(name), int(where["page"]), _points(where["y"])) for name, where in data["pictures"]]
            notes = [(int(entry["page"]), _points(entry["y"]), int(number["page"]), _points(number["y"]))
                     for entry, number in data.get("notes", [])]  # (a layout kept from before notes were asked)
        except (ValueError, KeyError, TypeError):
            return None
        return cls(width, height, margins, marks, tables, ends, pictures, notes)

    def picture_at(self, page: int, top: float, bottom: float) -> str | None:
        """The file of the picture drawn from `top` to `bottom` points on `page`: the one whose mark is in that
        span (a few points spare) and nearest its top; None when no mark is."""
        near = [(abs(y - top), name) for name, where, y in self.pictures
                if where == page and top - 6 <= y <= bottom + 6]
        return min(near)[1] if near else None

    def note_at(self, page: int, baseline: float) -> tuple[int, float] | None:
        """Where the number is in the text (page, from the top) of the note whose entry holds a line standing
        on `baseline` points from the top of `page`: the last entry starting above it; None above the notes."""
        above = [(y, number) for where, y, *number in self.notes if where == page and y < baseline]
        return tuple(max(above)[1]) if above else None

    def table_pages(self) -> set[int]:
        """The pages a table covers, from where it starts to where it ends (the next start when its end is
        not marked)."""
        events = sorted([(*where, True) for where in self.tables] + [(*where, False) for where in self.ends])
        pages: set[int] = set()
        start = None
        for page, _, starts in events:
            if start is not None:
                pages.update(range(start, page + 1))
            start = page if starts else None
        if start is not None:
            pages.add(start)
        return pages

    def draft_at(self, page: int, top: float, by_id: dict[str, str]) -> str | None:
        """The draft (`by_id`: draft id → path) whose text is at `top` points from the top of `page`: the one
        whose mark comes last before it."""
        current = None
        for ident, where, y in self.marks:
            if (where, y) > (page, top):
                break
            current = by_id.get(ident)
        return current

    def side_margins(self, page: int) -> tuple[float, float]:
        """(left, right) margins of a page: `inside` is the binding's side, left on a right-hand (odd) page."""
        inside = self.margins.get("inside", self.margins.get("left", 0.0))
        outside = self.margins.get("outside", self.margins.get("right", 0.0))
        if "inside" not in self.margins and "outside" not in self.margins:
            return inside, outside
        return (inside, outside) if page % 2 else (outside, inside)


SIDES = ("top", "bottom", "left", "right", "inside", "outside")
LENGTH = re.compile(r"(?:(-?[\d.]+)%\s*\+\s*)?(-?[\d.]+)pt")


def _points(text) -> float:
    match = LENGTH.fullmatch(str(text).strip())
    if not match:
        raise ValueError(f"not a length: {text}")
    return float(match.group(2))


def _margins(margin, width: float, height: float) -> dict[str, float]:
    """Typst's `page.margin` (auto, a length or a dictionary of sides, each relative) in points by side."""
    default = 2.5 / 21 * min(width, height)  # Typst's `auto`
    if not isinstance(margin, dict):
        margin = {"rest": margin}
    rest = margin.get("rest", "auto")
    resolved = {}
    for side in SIDES:
        value = margin.get(side, margin.get("x" if side in ("left", "right", "inside", "outside") else "y", rest))
        if value == "auto" or value is None:
            resolved[side] = default
            continue
        match = LENGTH.fullmatch(str(value).strip())
        if not match:
            raise ValueError(f"not a margin: {value}")
        ratio = float(match.group(1) or 0) / 100
        resolved[side] = ratio * (width if side in ("left", "right", "inside", "outside") else height) \
            + float(match.group(2))
    if not {"inside", "outside"} & set(margin):
        resolved.pop("inside"), resolved.pop("outside")
    return resolved
