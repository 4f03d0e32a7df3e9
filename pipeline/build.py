"""The build recipe, read top to bottom: load → read → check (beside the assembly) → gate → render → proof.

Every face of jointreport (the commands, the portal, a test) builds through
`build()`, and checks through `pipeline.commands.check.check()`, which runs
this recipe's first three phases (`load`, `read_and_check`); so the rules —
refuse on errors unless forced, the release gate, which drafts each language
edition uses — live here once. Each phase lives in its own module and meets
the others only through the plain data this module passes on. What a
command does besides building lives in its module of pipeline/commands/.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import gc
import importlib.metadata
import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .beside import Beside
from .buildcache import BuildCache, Store, document_digest, fingerprint
from .codes import finding
from .document import Document, write_changes
from .editions import edition_drafts, editions, output_path
from .files import write_atomically
from .gate import gate, is_final
from .inputs import Contribution, Draft, Sources
from .model import Finding, Place, Project
from .pandoc import pandoc_identity
from .project import load_project
from .terms import known_acronym_words
from .timeline import is_draft_report

# The read, check, assemble and render phases are imported by the functions that run them: a build or a
# check with nothing changed answers without loading them (a sixth of a second).

log = logging.getLogger("jointreport")

FORMATS = ("docx", "pdf")  # what a build makes unless asked (and a statement's formats)
REPORT_FORMATS = (*FORMATS, "html")  # every format of the report (--format all); html: the web edition
TEMPLATES = {"docx": ("reference.docx",), "pdf": ("report.typ",),
             "html": ("web-page.html.j2", "web-editions.html.j2", "web.css", "web-search.js")}
WRITER_THREADS = "jointreport-writer"  # pandoc writes the DOCX while Typst sets the PDF


def renderer(fmt: str, typesetting: Typesetting, preview: bool = False):
    """The writer of one format, imported when a command needs it: python-docx and Typst take a while to
    load, and `check` needs neither. The PDF's sets `typesetting` when its work in Python is done; a
    `preview`'s breaks lines the faster way."""
    if fmt == "docx":
        from .render.docx import render_docx
        return render_docx
    if fmt == "html":
        from .render.website import render_html
        return render_html
    from .render.pdf import render_pdf
    return functools.partial(render_pdf, typesetting=typesetting, preview=preview)


class Phase(enum.Enum):
    """The build's phases, in the order they run (Sphinx's BuildPhase is the model)."""

    LOAD = "load"
    READ = "read"
    CHECK = "check"
    GATE = "gate"
    ASSEMBLE = "assemble"
    RENDER = "render"
    PROOF = "proof"


@contextmanager
def phase(which: Phase, what: str):
    """Say which phase starts and how long it took, through logging (the CLI shows it as progress)."""
    started = phase_started(which, what)
    yield
    phase_done(which, what, started)


def phase_started(which: Phase, what: str) -> float:
    log.info("%s: %s", which.value, what)
    return time.monotonic()


def phase_done(which: Phase, what: str, started: float) -> None:
    log.info("%s: done in %.1f s%s", which.value, time.monotonic() - started,
             f" ({what})" if which is Phase.RENDER else "")


class Typesetting(threading.Event):
    """Set when the PDF's work in Python is done, so the DOCX may start; says so in the progress when that
    is while the PDF is being made (pandoc then writes the pieces that changed and Typst sets the pages,
    the longest wait of a cold build)."""

    def set(self) -> None:  # the PDF's renderer calls it when pandoc and Typst take over
        if not self.is_set():
            log.info("%s: the PDF's text is ready: pandoc and Typst set its pages", Phase.RENDER.value)
        super().set()

    def finish(self) -> None:
        """The PDF kept, failed or written: the DOCX need not wait any longer (nothing to say)."""
        super().set()


@contextmanager
def cycles_left_for_later():
    """A build makes millions of short-lived lists and dicts, none of them in a cycle: Python's cycle
    collector would walk every object alive each few thousand of them (a tenth of a rebuild). It waits
    until the build is done; reference counting frees the trees meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class Options:
    formats: tuple[str, ...] = FORMATS
    lang: str | None = None  # a language code of report.yaml, "all", or None for the source language
    force: bool = False  # build even when the check finds errors
    stage: str | None = None  # release gate: a milestone id of report.yaml
    harmonize: bool = True  # replace rejected terms in the built report
    as_of: dt.date | None = None  # judge deadlines as on this day (default today)
    warm_up: bool = False  # typeset the PDF even when it is up to date: a watch's Typst then holds every page
    preview: bool = False  # watch's live preview: the PDF's lines broken the faster way (first-fit)


@dataclass
class Build:
    """What the phases produced, passed forward and handed back to the caller."""

    project: Project
    sources: Sources
    findings: list[Finding]
    drafts: list[Draft]  # the drafts that may be assembled
    originals: list[Contribution] = field(default_factory=list)  # source-language drafts in their place
    languages: list[str] = field(default_factory=list)  # the editions to build
    outputs: list[Path] = field(default_factory=list)
    ready: int | None = None  # drafts ready to assemble, when a build was reused without reading them
    kept: list[Path] = field(default_factory=list)  # outputs left as they were: nothing they depend on changed
    render_findings: list[Finding] = field(default_factory=list)  # drafts a renderer failed on, set aside

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    @property
    def drafts_ready(self) -> int:
        return len(self.drafts) if self.ready is None else self.ready


def build(root: Path, options: Options | None = None) -> Build:
    """Check every draft, then build each language edition in each format into build/. Nothing changed
    since the last build: nothing is done again; an edition whose document did not change: not rendered."""
    with cycles_left_for_later():
        return _build(root, options or Options())


def _build(root: Path, options: Options) -> Build:
    project, languages, final = load(root, options.stage, options.lang)
    as_of = options.as_of or dt.date.today()
    cache = BuildCache(project)
    versions = {"pandoc": pandoc_identity(), "typst": importlib.metadata.version("typst")}
    if options.preview:  # a preview's PDF is not the report's: neither is kept for the other
        versions["linebreaks"] = "preview"
    asked = {**asdict(options), "as_of": as_of}
    asked.pop("warm_up")  # how a build starts does not change what it makes
    inputs = fingerprint(project, asked, versions)
    unchanged = None if options.warm_up else cache.unchanged_build(inputs)
    if unchanged:
        findings, ready, outputs = unchanged
        log.info("nothing changed since the last build: %d outputs kept", len(outputs))
        proof = [f for f in findings if from_the_proof(f)] if "pdf" in options.formats else []
        return Build(project, Sources([]), [f for f in findings if f not in proof], [], languages=languages,
                     outputs=outputs, ready=ready, kept=outputs, render_findings=proof)
    sources = read(project)
    from .checks import in_place
    where = in_place(project, sources)  # what the check and the assembly both start from
    result = Build(project, sources, [], where.drafts, where.originals, languages)
    checking = f"{len(sources.drafts)} drafts, beside the assembly" + (" and the render" if options.force else "")
    started = phase_started(Phase.CHECK, checking)
    with Beside(functools.partial(check_findings, project, sources, as_of, final)) as check:

        def checked() -> list[Finding]:
            findings = check.result()
            phase_done(Phase.CHECK, checking, started)
            return findings

        is_draft = is_draft_report(project, where.originals)
        documents = [(lang, formats, assembled(project, lang, where.drafts, sources, is_draft, options))
                     for lang, formats in edition_formats(project, languages, options.formats)]
        if not options.force:  # errors stop the build: the gate waits for them before anything is rendered
            result.findings = checked()
        with phase(Phase.GATE, f"stage {options.stage}" if options.stage else "errors stop the build unless --force"):
            gate(project, result.findings, result.originals, options.force, options.stage)
        render_editions(result, documents, cache, versions, options.warm_up)
        if options.force:
            result.findings = checked()
    if "pdf" in options.formats:  # this build proofed the PDF again: its findings replace the last proof's
        result.findings = [f for f in result.findings if not from_the_proof(f)]
    if kept_with_its_proof(result, options):
        cache.save(inputs, result.findings + result.render_findings, len(result.drafts), result.outputs)
    result.outputs.append(write_manifest(result, output_path(project, "manifest.json")))
    return result


def render_editions(result: Build, documents: list[tuple[str, tuple, Document]], cache: BuildCache,
                    versions: dict, warm_up: bool) -> None:
    """The render and proof phases of every assembled edition, and its terminology record."""
    for lang, formats, document in documents:
        for fmt, (path, kept, set_aside) in render_edition(document, formats, cache, versions, warm_up):
            result.outputs.append(path)
            result.kept += [path] if kept else []
            result.render_findings += render_findings(result.drafts, set_aside, fmt, lang)
            if fmt == "pdf":
                result.render_findings += proofed(document, path, result.drafts)
        if lang in result.languages:
            changes = write_changes(document, output_path(document.project, "terminology.csv"))
            cache.record(changes, "")
            result.outputs.append(changes)


def kept_with_its_proof(result: Build, options: Options) -> bool:
    """Whether a build is kept for the next to reuse: not with drafts a renderer set aside (tried again next
    time); with what its proof found only when forced (the proof says the same of the same PDF, and an
    unforced build is refused by the gate on it instead)."""
    return not result.render_findings or (options.force and all(map(from_the_proof, result.render_findings)))


def from_the_proof(found: Finding) -> bool:
    """A finding of the proof phase (`layout/…`): what it says of a PDF, the next proof of it says again."""
    return found.code.startswith("layout/")


def assembled(project: Project, lang: str, drafts: list[Draft], sources: Sources, is_draft: bool,
              options: Options) -> Document:
    """The assemble phase of one language edition."""
    from .assemble import assemble
    with phase(Phase.ASSEMBLE, f"the {lang} edition along the outline"):
        return assemble(project.in_language(lang), edition_drafts(project, drafts, lang), sources.intros, is_draft,
                        options.harmonize, sources.bibliography, sources.registers)


def edition_formats(project: Project, languages: list[str], formats: tuple[str, ...]) -> list[tuple[str, tuple]]:
    """Each edition to assemble and what to make of it: the formats asked for, in the languages asked for;
    and the web edition in every language of report.yaml, as its pages link their translations."""
    web = tuple(fmt for fmt in formats if fmt == "html")
    return [(lang, formats if lang in languages else web) for lang in project.languages or languages
            if lang in languages or web]


@contextmanager
def kept_warm():
    """Builds within it share one Typst process, which redoes only the pages an edit changed (`watch`,
    the portal's builds)."""
    from .render.typst import warm_session
    with warm_session():
        yield


def render_edition(document: Document, formats: tuple[str, ...], cache: BuildCache, versions: dict,
                   warm_up: bool = False) -> list[tuple[str, tuple[Path, bool, dict[str, str]]]]:
    """Every output of one edition, written at once by two threads; the DOCX waits for the PDF's work in
    Python to be done: Typst is the longest step, so it starts as early as it can, and the DOCX is prepared
    and written while pandoc and Typst set the pages. The web edition comes last: its landing page offers
    the files the others wrote."""
    typesetting = Typesetting()
    if "pdf" not in formats:
        typesetting.finish()
    _ = document.block_json  # written once, here, for the digests both writers make

    def write(fmt: str):
        if fmt != "pdf":
            typesetting.wait()
        try:
            return render_output(document, fmt, cache, versions, typesetting, warm_up and fmt == "pdf",
                                 "linebreaks" in versions)
        finally:
            if fmt == "pdf":
                typesetting.finish()

    files = tuple(fmt for fmt in formats if fmt != "html")
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix=WRITER_THREADS) as writers:
        written = list(zip(files, writers.map(write, files), strict=True))
    return written + [(fmt, write(fmt)) for fmt in formats if fmt == "html"]


def render_output(document: Document, fmt: str, cache: BuildCache, versions: dict,
                  typesetting: threading.Event, again: bool = False,
                  preview: bool = False) -> tuple[Path, bool, dict[str, str]]:
    """One output of one edition, unless the same document made it last time and it is still intact (then
    kept: True; made `again` all the same if asked). A draft the renderer fails on is set aside as plain
    text (path → the renderer's error)."""
    path = output_path(document.project, fmt)
    made_from = document_digest(document, fmt, templates_of(document.project, fmt), versions)
    if cache.fresh(path, made_from) and not again:
        log.info("%s: %s unchanged", Phase.RENDER.value, path.relative_to(document.project.root))
        return path, True, {}
    from .render import render_safely
    with phase(Phase.RENDER, f"{path.relative_to(document.project.root)}"):
        written, set_aside = render_safely(renderer(fmt, typesetting, preview), document, path)
    if not set_aside:
        cache.record(written, made_from)
    return written, False, set_aside


def proofed(document: Document, pdf: Path, drafts: list[Draft]) -> list[Finding]:
    """The proof phase: the PDF's pages read back, each problem found an error of the draft whose text it is
    (pipeline/proof.py)."""
    from .proof import proof_findings
    with phase(Phase.PROOF, f"{pdf.relative_to(document.project.root)}"):
        return proof_findings(document, pdf, drafts)


def render_findings(drafts: list[Draft], set_aside: dict[str, str], fmt: str, lang: str) -> list[Finding]:
    """`render/failed-draft` for each draft a renderer could not take, naming the file."""
    places = {d.contribution.relpath: d.contribution.place for d in drafts}
    return [finding("render/failed-draft", places.get(path) or Place(path),
                    f"the {fmt.upper()} ({lang}) could not be made with this draft ({error}); it is printed there as "
                    "plain text — simplify the passage or send the draft as .docx again")
            for path, error in set_aside.items()]


def templates_of(project: Project, fmt: str) -> list[Path]:
    """The template files a format's renderer reads."""
    return [project.template(name) for name in TEMPLATES[fmt] + (("workplan.typ",) if project.workplan else ())]


def load(root: Path, stage: str | None = None, lang: str | None = None) -> tuple[Project, list[str], bool]:
    """The load phase: the project, the editions asked for, and whether the stage is a final one — all
    checked before any draft is read."""
    with phase(Phase.LOAD, f"report.yaml in {Path(root).resolve().name}/"):  # the folder, not its path
        project = load_project(root)
        return project, editions(project, lang), is_final(project, stage)


def read_and_check(project: Project, languages: list[str], final: bool, as_of: dt.date,
                   responses: Path | None = None) -> Build:
    """The read and check phases of a loaded project: every draft read (converted drafts come from the
    content-hash cache) and checked; `responses` is a filled-in comment–response matrix."""
    sources = read(project, responses)
    with phase(Phase.CHECK, f"{len(sources.drafts)} drafts"):
        from .checks import in_place
        where = in_place(project, sources)
        return Build(project, sources, check_findings(project, sources, as_of, final), where.drafts,
                     where.originals, languages)


def read(project: Project, responses: Path | None = None) -> Sources:
    """The read phase: every draft, chapter introduction, statement and sheet of the project, read once."""
    from .intake import read_project
    from .intake.texts import read_responses
    with phase(Phase.READ, f"the drafts in {project.contributions_dir.relative_to(project.root)}/"):
        sources = read_project(project)
        if responses:
            sources.responses, problems = read_responses(responses)
            sources.findings += problems
        return sources


def check_findings(project: Project, sources: Sources, as_of: dt.date, final: bool) -> list[Finding]:
    """The check phase's findings, with what the last proof of the PDF found in drafts still as they were
    (the gate and the portal see it)."""
    with cycles_left_for_later():
        from .checks import check
        from .proof import kept_findings
        memo = wording_memo(project)
        checked = check(project, sources, as_of, final, memo)
        memo.prune()
        return checked.findings + kept_findings(project.build_dir, checked.drafts)


def wording_memo(project: Project) -> Store:
    """Where the check keeps each draft's wording findings, for this glossary and these agencies."""
    return Store(project.build_dir / ".cache" / "wording", json.dumps(
        [project.terminology.as_text(), sorted(known_acronym_words(project)), project.languages]))


FOLDER_CODES = ("outline/unknown-agency", "input/unreadable")  # a finding on a folder rejects every file in it
SIDECAR = "metadata of the draft beside it"


def manifest(result: Build) -> dict:
    """Every file under contributions/: used, rejected (with the code that says why) or ignored, with its
    sha256 and its words in the file and in the report."""
    used = {d.contribution.relpath: d for d in result.drafts}
    sheets = {sheet.relpath for sheet in result.sources.registers}
    entries = []
    for item in result.sources.files:
        own = [f for f in result.findings if f.path == item.relpath
               or (f.path.endswith("/") and item.relpath.startswith(f.path) and f.code in FOLDER_CODES)]
        draft = used.get(item.relpath)
        entry = {"path": item.relpath, "status": "used", "code": None, "reason": None, "sha256": item.sha256,
                 "words_in": None, "words_out": None, "findings": sorted({f.code for f in own})}
        if item.ignored == SIDECAR and any(Path(p).with_suffix("") == Path(item.relpath).with_suffix("") for p in used):
            entry["reason"] = SIDECAR
        elif item.ignored:
            entry.update(status="ignored", reason=item.ignored)
        elif item.relpath in sheets:
            pass  # a register's sheet: used; its rows' findings say which the annex leaves out
        elif draft is not None:
            audit = draft.audit
            entry["words_out"] = draft.words
            entry["words_in"] = audit.words_in if audit else draft.words if draft.contribution.format == "md" else None
        else:
            errors = [f for f in own if f.severity == "error"] or own
            entry.update(status="rejected", code=errors[0].code if errors else None)
        entries.append(entry)
    summary = {status: sum(e["status"] == status for e in entries) for status in ("used", "rejected", "ignored")}
    from .render.accessibility import accessibility_statement
    return {"files": entries, "summary": summary,
            "accessibility": accessibility_statement(result.project, result.outputs, result.findings)}


def write_manifest(result: Build, path: Path) -> Path:
    write_atomically(path, (json.dumps(manifest(result), indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return path
