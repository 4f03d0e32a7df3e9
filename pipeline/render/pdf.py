"""PDF through Typst: pandoc writes the body as Typst, the `typst` package compiles it.

Typst reads any file under its root and follows symlinks there, so it
compiles from a fresh staging folder holding only the template, the body
and the report's images — never the project or the drafts themselves.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pandocfilters import Emph, RawBlock, RawInline, Space, Str

from .. import i18n
from ..buildcache import Store
from ..document import Document
from ..errors import JointreportError
from ..files import write_atomically
from ..model import Project
from ..normalise import DECORATIVE
from ..pandoc import pandoc_version, write_from_ast
from ..tablefit import SCALE_KEY, breakable
from ..textruns import inlines
from ..tracing import LAYOUT, LAYOUT_QUERY, drafts_in_error, layout_file, mark_table_end, marked, picture_mark
from ..tree import LEAVES, as_json, stringify, visit
from . import (
    DraftsFailed,
    anchors_set_aside,
    copyright_page,
    described,
    draft_mark,
    draft_paths,
    draw_workplan_chart,
    known_images,
    label_captions,
    language_of,
    media_and_chart,
    pandoc_document,
    restyle_divs,
    unlinked,
    unwrapped_blocks,
)
from .bookpages import (
    MAIN_MATTER,
    imprint,
    imprint_text,
    lead_ins_kept,
    lists_of_captions,
    main_matter_start,
    sources_in_figures,
)
from .cover import cover_logos
from .typst import compile_and_query
from .typstsafe import UNSAFE, current_symbols, label, made_safe, typst_string

log = logging.getLogger("jointreport.render")

TYPST_IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".svg"}
WRAPPERS = {
    "attribution": "attribution",
    "attribution-margin": "attributionmargin",
    "contribution-from": "contributionfrom",
    "chapter-intro": "chapterintro",
    "missing": "awaited",
    "annex-entry": "annexentry",
    "agreed": "agreed",
    "signatories": "signatories",
    "signatories-head": "signatorieshead",
}
TEMPLATE = "report.typ"
TABLE_SIZE = 8.5  # points: report.typ's table text, which a table too wide for it is set smaller than
# Navy text on pale blue (10.7:1), a UN-blue rule (5.1:1 on the page): seen, and read, before the text it announces.
UNTRANSLATED_BOX = ('#block(width: 100%, breakable: false, above: 1em, below: 1em, inset: (x: 10pt, y: 7pt), '
                    'fill: rgb("#EAF2F8"), stroke: (left: 3pt + rgb("#0072BC")))[\n'
                    '#set text(size: 9pt, fill: rgb("#1B365D"))\n#set par(justify: false)')


def _wrap(style_class: str, attr: list, blocks: list):
    if style_class == "references":  # each work's later lines under its first, whatever the template
        return [RawBlock("typst", "#[\n#set par(justify: false, hanging-indent: 1.5em)"), *blocks,
                RawBlock("typst", "]")]
    if style_class == "figure-source":  # a figure's "Source:" line, as small as its caption, in any template
        return [RawBlock("typst", "#[\n#set text(size: 8.5pt)\n#set par(justify: false)"), *blocks,
                RawBlock("typst", "]")]
    if style_class == "untranslated":  # the fallback note: a shaded box with a rule, in any template
        return [RawBlock("typst", UNTRANSLATED_BOX), *blocks, RawBlock("typst", "]")]
    function = WRAPPERS.get(style_class)
    if function is None:
        return None
    return [RawBlock("typst", f"#{function}["), *blocks, RawBlock("typst", "]")]


# A part or chapter opens on a right-hand page. The label marks where the text before it ends, so a template
# can tell the empty left-hand page Typst may leave (a page between that mark and the opening) and give it
# no running head or folio. (Choosing that page with `context` and `here()` would make the layout oscillate.)
RECTO = RawBlock("typst", "#metadata(none) <jointreport-recto>\n#pagebreak(weak: true, to: \"odd\")")


def _on_right_hand_pages(blocks: list, annex_dividers: bool = False, main_matter: str | None = None) -> list:
    """Parts and chapters open on a right-hand page: Typst leaves a left-hand page empty where needed. An
    annex opens like a chapter (its heading marked for the template), after a divider page only when
    report.yaml asks for `annex_dividers`. The heading `main_matter` (its identifier) starts page 1."""
    out = []
    for block in blocks:
        if block.get("t") == "Header" and {"part", "chapter"} & set(block["c"][1][1]):
            out.append(RECTO)
            if main_matter and block["c"][1][0] == main_matter:
                out.append(MAIN_MATTER)
            if block["c"][0] == 1 and "annex" in block["c"][1][1] and not annex_dividers:
                ident, title = block["c"][1][0], json.dumps(stringify(block["c"][2]), ensure_ascii=False)
                block = RawBlock("typst", f"#heading(level: 1, supplement: [jointreport-annex], {title})"
                                          + (f" <{ident}>" if ident else ""))
        out.append(block)
    return out


def _for_typst(blocks: list) -> list:
    """Typst draws PNG, JPEG, GIF and SVG only (Word's EMF/WMF/TIFF pictures become a note), and
    centres table cells pandoc leaves at 'default' alignment: make those left-aligned like Word does.
    What pandoc's Typst writer leaves out, written here: each picture's and equation's alt text (PDF/UA
    refuses a PDF without), a decorative picture as an artifact, a file's own language (`in_language`)
    for the text it holds."""

    def fix(key, value, fmt, meta):
        if key == "Image":
            if Path(value[2][0]).suffix.lower() not in TYPST_IMAGE_TYPES:
                return Emph(inlines("[picture in a format the PDF cannot show]"))
            return _typst_image(value, inline=True)
        if key == "Figure":  # a figure of one picture: the picture itself, as pandoc writes it, not in a box
            body = value[2]
            if len(body) == 1 and body[0]["t"] in ("Plain", "Para") and len(body[0]["c"]) == 1 \
                    and body[0]["c"][0]["t"] == "Image" \
                    and Path(body[0]["c"][0]["c"][2][0]).suffix.lower() in TYPST_IMAGE_TYPES:
                body[0]["c"][0] = _typst_image(body[0]["c"][0]["c"], inline=False)
        elif key in UNSAFE:
            return made_safe(key, value)
        elif key == "Div" and language_of(value):
            language = RawBlock("typst", f"#set text(lang: {typst_string(language_of(value))})")
            # a footnote is set at the page's foot, in the edition's language unless it says its own
            visit(value[1], lambda kind, note, *_: note.insert(0, language), only=frozenset(("Note",)))
            return [RawBlock("typst", "#["), language, *own(value[1]), RawBlock("typst", "]")]
        elif key == "Table":
            for column in value[2]:
                if column[0]["t"] == "AlignDefault":
                    column[0] = {"t": "AlignLeft"}
            breakable(value)  # a word wider than its column breaks rather than run over the next
            mark_table_end(value)
            scale = dict(value[0][2]).get(SCALE_KEY)
            if scale:  # set smaller than the others, as tablefit found its words need
                size = f"{TABLE_SIZE * float(scale):.2f}pt"
                return [RawBlock("typst", f"#[#show table: set text(size: {size})"), {"t": "Table", "c": value},
                        RawBlock("typst", "]")]
        return None

    kinds = UNSAFE | {"Image", "Figure", "Div", "Table"}

    def own(blocks: list) -> list:
        """A group's own blocks, each through `fix` (`visit` walks only inside what `fix` gives back: a table
        or figure of a draft shown in another language would otherwise be left as pandoc has it)."""
        out = []
        for block in blocks:
            done = fix(block["t"], block.get("c"), "", {}) if block.get("t") in kinds else None
            out += done if type(done) is list else [block if done is None else done]
        return out

    return _no_method_calls(visit(blocks, fix, only=kinds))


LENGTH = re.compile(r"\s*(\d*\.?\d+(?:[eE][-+]?\d+)?)\s*(px|in|inch|cm|mm|pt|em|%)?\s*")
TYPST_UNITS = {"in": "in", "inch": "in", "cm": "cm", "mm": "mm", "pt": "pt", "em": "em", "%": "%"}
ABSOLUTE_UNITS = ("in", "cm", "mm", "pt")
TALLEST = "17cm"  # a picture standing alone: of report.typ's 24.7 cm of text, room for a caption and a source


def _typst_length(text: str) -> str | None:
    """A picture's width or height as Typst writes it (pixels, and numbers without a unit, at 96 a
    inch, as pandoc counts them), or None when it is no length."""
    match = LENGTH.fullmatch(text)
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2) or "px"
    if unit == "px":
        number, unit = number / 96, "in"
    return f"{number:.5f}".rstrip("0").rstrip(".") + TYPST_UNITS[unit]


def _typst_image(value: list, inline: bool) -> dict:
    """A picture (an Image's pandoc `c`) as Typst: with its alt text (see `described`), or as an artifact
    when it is decorative; in a box when it stands among words. A picture given a width is never wider than
    the column it stands in: scaled down, in proportion, to fit; one standing alone is never taller than
    TALLEST."""
    attr, alt, (source, _) = value
    sizes = dict(attr[2])
    width, height = (_typst_length(sizes.get(name, "")) for name in ("width", "height"))
    fitted = width is not None and width.endswith(ABSOLUTE_UNITS)
    arguments = [typst_string(source)] + ([f"height: {height} * (fit / ({width}))"] if fitted and height else
                                          [f"height: {height}"] if height else [])
    arguments += ["width: fit"] if fitted else [f"width: {width}"] if width else []
    decorative = DECORATIVE in attr[1]
    alt_text = [] if decorative else [f"alt: {typst_string(stringify(alt))}"]
    arguments += alt_text
    call = f"image({', '.join(arguments)})"
    if fitted:
        call = f"layout(room => {{ let fit = calc.min({width}, room.width); {call} }})"
    if not inline:  # never so tall that its caption and source line could not follow it on the page
        shorter = ", ".join([typst_string(source), f"height: {TALLEST}", *alt_text])
        call = (f"layout(room => {{ let picture = {call}; if measure(picture, width: room.width).height > {TALLEST} "
                f"{{ image({shorter}) }} else {{ picture }} }})")
    call = f"box({call})" if inline else call
    marks = (label(attr[0]) if attr[0] else "") + picture_mark(source)
    return RawInline("typst", f"{marks}#{f'pdf.artifact({call})' if decorative else call};")


TEXT_LIKE = {"Str", "Space", "SoftBreak", "LineBreak", "RawInline"}


def _no_method_calls(node):
    """pandoc writes `**X**.load(` as `#strong[X].load(`, which Typst reads as a method call on the bold
    text: escape a full stop that directly follows any inline pandoc writes as a Typst function. (One pass
    that looks inside no word or space: it runs over every piece of a first build.)"""
    if type(node) is dict:
        for value in node.values():
            if type(value) is list or type(value) is dict:
                _no_method_calls(value)
        return node
    for index in range(len(node) - 1, -1, -1):  # backwards: an insertion moves only what was seen
        item = node[index]
        if type(item) is list:
            _no_method_calls(item)
            continue
        if type(item) is not dict:
            continue
        kind = item.get("t")
        if kind == "Str":
            before = node[index - 1] if index else None
            if (item["c"].startswith(".") and type(before) is dict and before.get("t") is not None
                    and before["t"] not in TEXT_LIKE):
                item["c"] = item["c"][1:]
                node.insert(index, RawInline("typst", "\\."))
                if not item["c"]:
                    del node[index + 1]
        elif kind not in LEAVES:
            for value in item.values():
                if type(value) is list or type(value) is dict:
                    _no_method_calls(value)
    return node


# How Typst breaks lines into paragraphs: the whole paragraph at once for the report (fewer hyphens, even
# spacing), first-fit for `watch`'s live preview, which is faster. bench/run.py holds its Typst bound to LINEBREAKS.
LINEBREAKS, PREVIEW_LINEBREAKS = "optimized", "simple"
# Bump when what the renderer writes for a piece changes: the pieces kept from an older jointreport are then
# written again (their key is their blocks', not the code's).
PIECES_FORMAT = 2


def render_pdf(document: Document, output: Path, set_aside: set[str] = frozenset(),
               typesetting: threading.Event | None = None, preview: bool = False) -> Path:
    """The report as a PDF; `typesetting` is set when its work in Python is done and pandoc (for the parts
    that changed) and Typst take over; a `preview` (watch's) breaks lines the faster way. The document's
    blocks are read, not changed: only the pieces whose Typst is not kept yet are copied and prepared for
    pandoc."""
    project = document.project
    lang = project.language
    inputs = {
        "title": project.title, "subtitle": project.subtitle, "coalition": project.coalition,
        "edition": project.edition, "lang": lang, "draft_mark": draft_mark(document),
        "toc_title": i18n.text(lang, "contents"),
        "date": i18n.long_date(project.date, lang) if project.date else "",
        "agencies": " · ".join(a.short for a in project.agencies.values()),
        "agency_names": "\n".join(a.name for a in project.agencies.values()),
        "coalition_logo_alt": project.coalition,
        "linebreaks": PREVIEW_LINEBREAKS if preview else LINEBREAKS,
    }
    logos = cover_logos(project)  # staged with the pictures: Typst never reads the project's files
    media, chart = media_and_chart(document)
    media.update(logos.media)
    inputs["coalition_logo"], inputs["agency_logos"] = logos.coalition, "\n".join(logos.agencies)
    inputs["agency_logo_alts"] = "\n".join(logos.names)
    copyright, blocks = copyright_page(document.blocks)  # the imprint, on the title page's back
    inputs["copyright"] = imprint_text(copyright)
    texts = document.block_json[len(document.blocks) - len(blocks):]
    # the captions carry the numbering pass's labels: Typst's own counter stays off, whatever the template says
    hidden = anchors_set_aside(document.blocks, set_aside)  # no list or link leads into a draft set aside
    shown = dataclasses.replace(document, captions=[c for c in document.captions if c.identifier not in hidden])
    front = [RawBlock("typst", "#set figure(numbering: none)")] + imprint(copyright) + lists_of_captions(shown)
    main_matter = main_matter_start(blocks)

    def prepare(chunk: list) -> list:
        """One piece of the report as pandoc writes it to Typst (a copy: the document stays as it is)."""
        own = unlinked(unwrapped_blocks(chunk, set_aside, lang, marked), hidden)
        own = lead_ins_kept(sources_in_figures(draw_workplan_chart(own, chart, project)))
        own = label_captions(own, lambda kind, number: [
            Str(f"{i18n.text(lang, kind)} {number}{i18n.text(lang, 'caption_colon')}"), Space()])
        return described(known_images(_on_right_hand_pages(own, project.annex_dividers, main_matter), media), lang)

    # what `prepare` depends on besides a piece's own blocks (media names are digests of their content, added
    # by the assembly with the blocks that show them, so a piece's blocks name its pictures), and which of
    # the drafts set aside a piece holds
    context = [PIECES_FORMAT, lang, project.annex_dividers, chart.name if chart else None, main_matter]
    marks = {path: (as_json(["path", path]), json.dumps(["path", path]).encode()) for path in set_aside}
    marks.update({ident: (f'"#{ident}"'.encode(),) for ident in hidden})  # a link into one of them

    def held_aside(text: bytes) -> list[str]:
        return sorted(path for path, forms in marks.items() if any(form in text for form in forms))

    fragments = project.build_dir / ".cache" / "typst" / f"{Path(TEMPLATE).stem}-{lang}"
    body = typst_body(front + blocks, fragments, prepare, context, [as_json(b) for b in front] + texts,
                      typesetting.set if typesetting else None, held_aside if marks else None)
    try:
        return typeset(project, TEMPLATE, body, media, inputs, output, layout=True)
    except JointreportError as exc:  # the drafts whose text holds the lines Typst names: set aside at once
        failed = drafts_in_error(str(exc), body, BODY_FIRST_LINE, draft_paths(document.blocks))
        if failed:
            raise DraftsFailed(str(exc), failed) from exc
        raise


BODY_FIRST_LINE = 2  # body.typ's first line imports the template


def typeset(project: Project, template: str, body: bytes, media: dict[str, Path], inputs: dict[str, str],
            output: Path, layout: bool = False) -> Path:
    """Compile the Typst `body` inside the project's `template` into `output`; with `layout`, keep where
    Typst put the drafts and tables (`tracing.LAYOUT`) in `layout_file`."""
    module = Path(template).stem
    files = {
        template: project.template(template).read_bytes(),
        "body.typ": f'#import "{template}": *\n'.encode() + body + (LAYOUT.encode() if layout else b""),
        "main.typ": f'#import "{template}": {module}\n#show: {module}\n#include "body.typ"\n'.encode(),
    }
    inputs = {**inputs, "iso_date": project.date.isoformat() if project.date else ""}
    standards = pdf_standards(project)
    query = LAYOUT_QUERY if layout else None
    try:
        pdf, found = compile_and_query(project.build_dir, "main.typ", files, media, inputs, "the PDF",
                                       pdf_standards=standards, query=query)
    except JointreportError as exc:
        refusal = STANDARD_REFUSED.search(str(exc))
        if not standards or not refusal:
            raise
        # a cause `check` did not foresee, or a project's own template written before: a PDF all the same
        log.warning("%s: Typst refused to make it %s (%s): made without them", output.name,
                    " and ".join(standards), refusal.group(0))
        pdf, found = compile_and_query(project.build_dir, "main.typ", files, media, inputs, "the PDF", query=query)
    write_atomically(output, pdf)
    if layout:
        write_atomically(layout_file(project.build_dir, output), (found or "null").encode())
    return output


STANDARD_REFUSED = re.compile(r"PDF/(?:A|UA)-[^\n]*? error: [^\n]*|PDF standards error[^\n]*")


def pdf_standards(project: Project) -> tuple[str, ...]:
    """What the project's PDFs declare (`Project.standards`): PDF/A needs the document's date, so without
    report.yaml's `date` only PDF/UA is kept (`check` says so when report.yaml names a PDF/A level)."""
    return project.standards if project.date else tuple(s for s in project.standards if not s.startswith("a-"))


def typeset_blocks(project: Project, template: str, blocks: list, media: dict[str, Path], inputs: dict[str, str],
                   output: Path) -> Path:
    """Write `blocks` (the caller's copy, changed here) as Typst with pandoc and compile them inside
    `template`: a joint statement (its pieces kept apart from other statements', by the output's name)."""
    fragments = project.build_dir / ".cache" / "typst" / f"{Path(template).stem}-{output.stem}"
    lang = inputs.get("lang", project.language)
    body = typst_body(blocks, fragments, lambda chunk: described(known_images(chunk, media), lang),
                      [sorted(media), lang])
    return typeset(project, template, body, media, inputs, output)


CHUNK_MARK = "// jointreport-chunk "
PARALLEL_CHUNKS = 8


def _chunks(blocks: list) -> list[tuple[int, int]]:
    """Where the top-level blocks are cut, before each part, chapter and section heading (start, end): a
    draft's edit changes one piece (more only when it moves the numbers of figures and tables after it)."""
    starts = [0] + [index for index, block in enumerate(blocks)
                    if index and block.get("t") == "Header" and block["c"][0] <= 3]
    return list(zip(starts, starts[1:] + [len(blocks)], strict=True))


def typst_body(blocks: list, fragments: Path, prepare: Callable[[list], list], context: list,
               texts: list[bytes] | None = None, started: Callable[[], None] | None = None,
               own_context: Callable[[bytes], list] | None = None) -> bytes:
    """The blocks as Typst, piece by piece: each piece's Typst is kept in `fragments` by a digest of its
    blocks (`texts`: each block as JSON, when the caller has them), of `context` (what `prepare` depends on
    besides them, and `own_context` of a piece's text) and of pandoc, so a rebuild prepares and writes only
    the pieces that changed. `prepare` makes one piece what pandoc writes, from its own copy. Typst's
    markup is local to the block (footnotes are inline, labels follow their element), so the pieces join
    into what one run would write. `started` is called when the work left is pandoc's and Typst's."""
    store = Store(fragments, json.dumps([pandoc_version(), context], default=str))
    texts = texts if texts is not None else [as_json(block) for block in blocks]
    pieces = _chunks(blocks)
    joined = [b"\n".join(texts[start:end]) for start, end in pieces]
    keys = [store.key(hashlib.sha256(text).hexdigest(), own_context(text) if own_context else None) for text in joined]
    written = {key: text for key in set(keys) for text in [store.get(key)] if text is not None}
    missing = list({key: piece for key, piece in zip(keys, pieces, strict=True) if key not in written}.items())
    # many pieces to write (a first build): two pandoc runs, on a half each, use both processors
    cut = len(missing) // 2 if len(missing) >= PARALLEL_CHUNKS else len(missing)
    documents = [pandoc_document(_for_typst(restyle_divs(
        [block for key, (start, end) in half for block in [RawBlock("typst", CHUNK_MARK + key),
                                                             *prepare(blocks[start:end])]], _wrap)))
        for half in (missing[:cut], missing[cut:]) if half]
    if started:
        started()
    if documents:
        with ThreadPoolExecutor(max_workers=len(documents)) as pandocs:
            typst = current_symbols("\n".join(pandocs.map(
                lambda document: write_from_ast(document, "typst", []).decode(), documents)))
        parts = re.split(rf"^{re.escape(CHUNK_MARK)}([0-9a-f]+)\n", typst, flags=re.M)
        for key, text in zip(parts[1::2], parts[2::2], strict=True):
            written[key] = text.strip("\n").encode() + b"\n"
            store.put(key, written[key])
    store.prune()
    return b"\n".join(written[key] for key in keys)
