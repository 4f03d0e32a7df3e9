"""The proof phase: after every PDF build jointreport reads its own pages back, as a proofreader would, and
reports what no check of the drafts can see — text off the page or in its margins, lines printed over one
another, a table taller than a page that did not break, a word wider than its column, a picture outside the
text column — with the page and the draft whose text is there.

The PDF is read with PDFium (pypdfium2, from PyPI: a 400-page report in half a second, where the pure-Python
readers take 15 s to a minute): every text run's and picture's box, and whether it is page furniture (Typst
marks the running head and the folio as pagination artifacts). Where each draft's text starts and ends, where
tables start and end, and the page's margins come from Typst itself (`tracing.Layout`). A PDF is
proofed once: its problems are kept by its digest, so a rebuild that keeps the PDF costs nothing.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .blocks import tagged
from .buildcache import Store, proofs_kept
from .codes import finding
from .document import Document
from .files import write_atomically
from .inputs import Draft
from .model import Finding, Place
from .normalise import DRAFT_CLASS
from .tracing import Layout, by_id, layout_file
from .tree import visit

TOLERANCE = 4.0  # points a run may stand past a margin (punctuation Typst hangs out, an italic's overhang)…
RISE = 6.0  # …or above or below the text (a note's number over the first line, the last line's descenders)
OVERLAP = 0.5  # two runs overprint when they share half the height of the shorter…
SPREAD = 1.5  # …and more than this many points of width
PROOF_FORMAT = "2"  # bump when what is found, or how it is kept, changes


ADVICE = {
    "layout/outside-page": "let the long word or number break (a space, a hyphen) or make the picture smaller",
    "layout/in-margin": "let the long word or address break (a space, a hyphen), or make the table narrower",
    "layout/overprint": "look at the page: simplify the passage (a table in a table, a very tall row)",
    "layout/table-overflow": "split the table, or its tallest row, so that it can break across pages",
    "layout/narrow-column": "give the table fewer columns or shorter header words",
    "layout/picture-outside": "make the picture smaller in the draft (its width and height)",
}


@dataclass(frozen=True)
class Run:
    """A run of text or a picture on a page, in points from the page's top left."""

    left: float
    top: float
    right: float
    bottom: float
    index: int  # the page object's number, to read its words or marks
    baseline: float  # where a run's letters stand (its box is its letters' ink)
    picture: bool = False  # a picture may float away from its draft's text: its file says whose it is


@dataclass(frozen=True)
class Problem:
    """One thing a proofreader would circle: its `layout/…` code, the PDF's page (from 1) and the number
    printed on it, the draft whose text it is (None for the report's own pages), and what it is."""

    code: str
    page: int
    folio: str
    draft: str | None
    detail: str


@dataclass
class Proofing:
    """What the proof knows of the report besides its pages: where Typst put things, the drafts by their
    marks, whether the outside margin holds attributions, and whose each picture is."""

    layout: Layout
    drafts: dict[str, str]
    margin_notes: bool
    pictures: dict[str, str] = field(default_factory=dict)  # a picture's file → the draft that shows it
    table_pages: set[int] = field(init=False)

    def __post_init__(self):
        self.table_pages = self.layout.table_pages()


def proof(pdf: Path, layout_json: str | None, drafts: list[str], margin_notes: bool, cache: Path,
          pictures: dict[str, str] | None = None) -> list[Problem]:
    """The problems of the PDF's pages from the first draft's on (the cover and front matter are the template's).
    `layout_json` is Typst's answer to `tracing.LAYOUT` (without it nothing can be proofed); `drafts` the files
    of the drafts in it; `margin_notes`: the outside margin holds the attributions; `pictures`: each picture's
    file (`media/<name>`) → the draft it is in."""
    layout = Layout.from_json(layout_json) if layout_json else None
    if layout is None or not layout.marks:
        return []
    data = pdf.read_bytes()
    store = Store(cache, PROOF_FORMAT)
    key = store.key(hashlib.sha256(data).hexdigest(), layout_json, sorted(drafts), margin_notes,
                    sorted((pictures or {}).items()))
    kept = store.get_json(key)
    if kept is None:
        proofing = Proofing(layout, by_id(drafts), margin_notes, pictures or {})
        kept = [asdict(problem) for problem in _read(data, proofing)]
        store.put_json(key, kept)
    store.prune()
    return [Problem(**problem) for problem in kept]


def _read(data: bytes, proofing: Proofing) -> list[Problem]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    problems: list[Problem] = []
    try:
        for number in range(min(page for _, page, _ in proofing.layout.marks), len(document) + 1):
            page = document[number - 1]
            problems += _page(page, number, document.get_page_label(number - 1) or str(number), proofing)
            page.close()
    finally:
        document.close()
    return problems


def _page(page, number: int, folio: str, proofing: Proofing) -> list[Problem]:
    """The problems of one page: the first of each kind for each draft, from the top."""
    layout = proofing.layout
    texts, pictures, handles = _runs(page)
    left_margin, right_margin = layout.side_margins(number)
    area = (left_margin, layout.margins["top"], layout.width - right_margin, layout.height - layout.margins["bottom"])
    in_table = number in proofing.table_pages
    found: list[tuple[str, Run, str]] = []
    for run in texts + pictures:
        if run.left < -TOLERANCE or run.top < -TOLERANCE or run.right > layout.width + TOLERANCE \
                or run.bottom > layout.height + TOLERANCE:
            found.append(("layout/outside-page", run, "runs off the page"))
        elif not _outside(run, area, proofing.margin_notes, number) or _furniture(handles[run.index]):
            continue
        elif run.picture:
            found.append(("layout/picture-outside", run, "a picture stands outside the text column"))
        elif run.bottom > area[3] + RISE and in_table:
            found.append(("layout/table-overflow", run, "a table runs below the text, over the page's foot"))
        else:
            found.append(("layout/in-margin", run, "text stands in the margin"))
    found += _overprinted(texts, in_table)
    words = _words(page, {run.index for _, run, _ in found})
    kept: dict[tuple[str, str | None], Problem] = {}
    for code, run, what in sorted(found, key=lambda item: (item[1].top, item[1].left)):
        draft = proofing.pictures.get(layout.picture_at(number, run.top, run.bottom) or "") if run.picture else None
        draft = draft or _draft_of_text(run, number, area, proofing)
        kept.setdefault((code, draft), Problem(code, number, folio, draft, f"{what}: '{words.get(run.index, '')}'"))
    return list(kept.values())


def _draft_of_text(run: Run, number: int, area: tuple[float, float, float, float], proofing: Proofing) -> str | None:
    """The draft whose text a run is: a note's, at the page's foot, is the draft's that has the note's number
    (it may have ended above, the next draft begun); any other, the draft whose marks enclose it."""
    layout = proofing.layout
    note = layout.note_at(number, run.baseline)
    if note:  # the number stands on its line's baseline, as may the mark of its draft's end after that line
        return layout.draft_at(note[0], note[1] - 1, proofing.drafts)
    # by where its letters stand, just above their baseline (their ink may rise above the draft's first mark, the
    # next mark sits on the baseline), within the text (Typst puts the mark after a block that overflows the
    # page at the text's foot)
    return layout.draft_at(number, min(max(run.baseline - 1, area[1]), area[3] - 1), proofing.drafts)


def _runs(page) -> tuple[list[Run], list[Run], dict[int, object]]:
    """The page's text runs and pictures (through PDFium's own calls: a report has tens of thousands), and
    each one's PDFium object by its number."""
    import pypdfium2.raw as pdfium_c

    height = page.get_height()
    texts, pictures, handles = [], [], {}
    box = [ctypes.c_float() for _ in range(4)]
    matrix = pdfium_c.FS_MATRIX()
    for index in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        item = pdfium_c.FPDFPage_GetObject(page.raw, index)
        kind = pdfium_c.FPDFPageObj_GetType(item)
        if kind not in (pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_IMAGE):
            continue
        pdfium_c.FPDFPageObj_GetBounds(item, *(ctypes.byref(value) for value in box))
        left, bottom, right, top = (value.value for value in box)
        baseline = bottom
        if kind == pdfium_c.FPDF_PAGEOBJ_TEXT and pdfium_c.FPDFPageObj_GetMatrix(item, ctypes.byref(matrix)):
            baseline = matrix.f
        run = Run(left, height - top, right, height - bottom, index, height - baseline,
                  kind == pdfium_c.FPDF_PAGEOBJ_IMAGE)
        (texts if kind == pdfium_c.FPDF_PAGEOBJ_TEXT else pictures).append(run)
        handles[index] = item
    return texts, pictures, handles


def _furniture(item) -> bool:
    """Whether a page object is marked as a pagination artifact (the running head, the folio)."""
    import pypdfium2.raw as pdfium_c

    for index in range(pdfium_c.FPDFPageObj_CountMarks(item)):
        mark = pdfium_c.FPDFPageObj_GetMark(item, index)
        name, length = (ctypes.c_ushort * 32)(), ctypes.c_ulong()
        if pdfium_c.FPDFPageObjMark_GetName(mark, name, ctypes.sizeof(name), ctypes.byref(length)) \
                and bytes(name)[:max(0, length.value - 2)].decode("utf-16-le") == "Artifact":
            return True
    return False


def _outside(run: Run, area: tuple[float, float, float, float], margin_notes: bool, number: int) -> bool:
    left, top, right, bottom = area
    outside_edge = run.right > right + TOLERANCE if number % 2 else run.left < left - TOLERANCE
    if margin_notes and outside_edge and run.top >= top - RISE and run.bottom <= bottom + RISE:
        return False  # an attribution in the outside margin, as report.yaml asks
    return (run.left < left - TOLERANCE or run.right > right + TOLERANCE or run.top < top - RISE
            or run.bottom > bottom + RISE)


def _overprinted(runs: list[Run], in_table: bool) -> list[tuple[str, Run, str]]:
    """Runs printed over one another: in a table, on one line, a word running into the next column's; else
    lines piled up."""
    found = []
    ordered = sorted(runs, key=lambda run: run.top)
    for position, run in enumerate(ordered):
        for other in ordered[position + 1:]:
            if other.top >= run.bottom:
                break
            shared = min(run.bottom, other.bottom) - max(run.top, other.top)
            width = min(run.right, other.right) - max(run.left, other.left)
            shortest = min(run.bottom - run.top, other.bottom - other.top)
            narrower = min(run.right - run.left, other.right - other.left)
            if shared < OVERLAP * shortest or width <= max(SPREAD, 0.25 * narrower):
                continue
            if in_table and abs(run.baseline - other.baseline) < 0.5:
                found.append(("layout/narrow-column", min(run, other, key=lambda r: r.left),
                              "a word is wider than its table column and runs into the next"))
            else:
                found.append(("layout/overprint", run, "lines are printed over one another"))
    return found


def _words(page, indexes: set[int]) -> dict[int, str]:
    """The words of the page objects numbered `indexes`, shortened for a message."""
    import pypdfium2 as pdfium

    if not indexes:
        return {}
    textpage = page.get_textpage()
    words = {}
    for index, item in enumerate(page.get_objects(max_depth=1, textpage=textpage)):
        if index in indexes:
            text = " ".join(item.extract().split()) if isinstance(item, pdfium.PdfTextObj) else "picture"
            words[index] = text if len(text) <= 40 else text[:39] + "…"
    textpage.close()
    return words


def proof_findings(document: Document, pdf: Path, drafts: list[Draft]) -> list[Finding]:
    """The proof of an edition's PDF as findings: one per kind of problem and draft, naming its pages, an error
    of the draft (a warning of the PDF itself for the report's own pages). They are kept for `check`, so the
    release gate and the portal see them while the draft stays as it is (`kept_findings`)."""
    project = document.project
    layout = layout_file(project.build_dir, pdf)
    problems = proof(pdf, layout.read_text(encoding="utf-8") if layout.is_file() else None,
                     tagged(document.blocks, "Div", DRAFT_CLASS, "path"), project.attribution == "margin",
                     project.build_dir / ".cache" / "proof" / pdf.name, _pictures(document.blocks))
    own = pdf.relative_to(project.root).as_posix() if pdf.is_relative_to(project.root) else pdf.name
    places = {d.contribution.relpath: d.contribution.place for d in drafts}
    grouped: dict[tuple[str, str | None], list[Problem]] = {}
    for problem in problems:
        grouped.setdefault((problem.code, problem.draft), []).append(problem)
    found = []
    for (code, draft), group in grouped.items():
        pages = ", ".join(f"{p.folio} (PDF page {p.page})" if p.folio != str(p.page) else p.folio for p in group)
        message = (f"the PDF ({project.language}), page{'s' * (len(group) > 1)} {pages}: {group[0].detail}; "
                   f"{ADVICE[code]}")
        place = places.get(draft) or Place(draft) if draft else Place(own)
        found.append(finding(code, place, message, f"page {group[0].folio}", None if draft else "warning"))
    _keep(project.build_dir, pdf, found, {d.contribution.relpath: d.contribution.sha256 for d in drafts})
    return found


def _pictures(blocks: list) -> dict[str, str]:
    """Each picture's file (`media/<name>`) → the draft that shows it (the first, when two show one)."""
    found: dict[str, str] = {}

    def collect(key, value, fmt, meta):
        if DRAFT_CLASS in value[0][1]:
            path = dict(value[0][2]).get("path", "")
            visit(value[1], lambda kind, image, *_: found.setdefault(image[2][0], path) and None,
                  only=frozenset(("Image",)))

    visit(blocks, collect, only=frozenset(("Div",)))
    return found


def _keep(build_dir: Path, pdf: Path, found: list[Finding], digests: dict[str, str | None]) -> None:
    """The proof's findings for `check`, each with the digest of its draft as proofed."""
    kept = [{"finding": item.to_json(), "sha256": digests.get(item.path)} for item in found]
    write_atomically(build_dir / ".cache" / "proof" / f"{pdf.name}.findings.json", json.dumps(kept).encode())


def kept_findings(build_dir: Path, drafts: list[Draft]) -> list[Finding]:
    """The last proof's findings of every PDF of the project whose draft is still as it was proofed."""
    digests = {d.contribution.relpath: d.contribution.sha256 for d in drafts}
    found = []
    for path in proofs_kept(build_dir):
        try:
            kept = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        found += [Finding(**item["finding"]) for item in kept
                  if item.get("sha256") and digests.get(item["finding"]["path"]) == item["sha256"]]
    return found
