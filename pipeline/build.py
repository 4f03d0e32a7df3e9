"""The build recipe, read top to bottom: load → read → check → gate → assemble → render.

Every face of jointreport (the command line, a test, a future web page)
builds through `build()` and checks through `check()`, so the rules — refuse
on errors unless forced, the release gate, which drafts each language
edition uses — live here once. Each phase lives in its own module and
meets the others only through the plain data this module passes on.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import i18n
from .assemble import assemble
from .checks import check as check_phase
from .checks import check_loose
from .checks.outline import check_placement
from .codes import finding
from .errors import JointreportError, OptionError
from .files import write_atomically
from .gate import gate, is_final
from .intake import Sources, read_loose, read_project, read_statements
from .model import STATEMENTS_DIR, Contribution, Document, Draft, Finding, Place, Project
from .project import load_project
from .render.docx import render_docx, render_statement_docx
from .render import render_safely
from .render.pdf import render_pdf, typeset
from .statement import load_statement, statement_document
from .timeline import Board, board, is_draft_report

log = logging.getLogger("jointreport")

RENDERERS = {"docx": render_docx, "pdf": render_pdf}
FORMATS = tuple(RENDERERS)


class Phase(enum.Enum):
    """The build's phases, in the order they run (Sphinx's BuildPhase is the model)."""

    LOAD = "load"
    READ = "read"
    CHECK = "check"
    GATE = "gate"
    ASSEMBLE = "assemble"
    RENDER = "render"


@contextmanager
def phase(which: Phase, what: str):
    """Say which phase starts and how long it took, through logging (the CLI shows it as progress)."""
    started = time.monotonic()
    log.info("%s: %s", which.value, what)
    yield
    log.debug("%s: done in %.1f s", which.value, time.monotonic() - started)


@dataclass
class Options:
    formats: tuple[str, ...] = FORMATS
    lang: str | None = None  # a language code of report.yaml, "all", or None for the source language
    force: bool = False  # build even when the check finds errors
    stage: str | None = None  # release gate: a milestone id of report.yaml
    harmonize: bool = True  # replace rejected terms in the built report
    as_of: dt.date | None = None  # judge deadlines as on this day (default today)


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
    render_findings: list[Finding] = field(default_factory=list)  # drafts a renderer failed on, set aside

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)


def build(root: Path, options: Options = Options()) -> Build:
    """Check every draft, then build each language edition in each format into build/."""
    result = check(root, options.as_of, options.stage, options.lang)
    project, sources = result.project, result.sources
    with phase(Phase.GATE, f"stage {options.stage}" if options.stage else "errors stop the build unless --force"):
        gate(project, result.findings, result.originals, options.force, options.stage)
    is_draft = is_draft_report(project, result.originals)
    for lang in result.languages:
        edition = project.in_language(lang)
        with phase(Phase.ASSEMBLE, f"the {lang} edition along the outline"):
            document = assemble(edition, edition_drafts(project, result.drafts, lang), sources.intros, is_draft,
                                options.harmonize)
        for fmt in options.formats:
            path = output_path(edition, fmt)
            with phase(Phase.RENDER, f"{path.relative_to(project.root)}"):
                written, set_aside = render_safely(RENDERERS[fmt], document, path)
                result.outputs.append(written)
            result.render_findings += render_findings(result.drafts, set_aside, fmt, lang)
        result.outputs.append(write_changes(document, output_path(edition, "terminology.csv")))
    return result


def render_findings(drafts: list[Draft], set_aside: dict[str, str], fmt: str, lang: str) -> list[Finding]:
    """`render/failed-draft` for each draft a renderer could not take, naming the file."""
    places = {d.contribution.relpath: d.contribution.place for d in drafts}
    return [finding("render/failed-draft", places.get(path) or Place(path),
                    f"the {fmt.upper()} ({lang}) could not be made with this draft ({error}); it is printed there as "
                    "plain text — simplify the passage or send the draft as .docx again") for path, error in set_aside.items()]


def check(root: Path, as_of: dt.date | None = None, stage: str | None = None, lang: str | None = None) -> Build:
    """Everything wrong with every draft: the build's first three phases; nothing is written but the cache.
    `stage` and `lang` are the build's, checked before any draft is read."""
    with phase(Phase.LOAD, f"the project in {root}"):
        project = load_project(root)
        languages = editions(project, lang)
        final = is_final(project, stage)
    with phase(Phase.READ, f"the drafts in {project.contributions_dir}"):
        sources = read_project(project)
    with phase(Phase.CHECK, f"{len(sources.drafts)} drafts"):
        checked = check_phase(project, sources, as_of or dt.date.today(), final)
    return Build(project, sources, checked.findings, checked.drafts, checked.originals, languages)


def check_loose_file(root: Path, path: Path) -> Build:
    """One draft that is not in the project yet, against the project's terminology (`terms --check`)."""
    project = load_project(root)
    draft, findings = read_loose(project, path)
    if draft:
        findings += check_loose(project, draft)
    return Build(project, Sources([]), sorted(findings, key=Finding.sort_key), [draft] if draft else [])


def status(root: Path, as_of: dt.date | None = None) -> tuple[Project, Board]:
    """Where every section stands on `as_of`: only names, metadata and dates are read, so it is instant."""
    project = load_project(root)
    sources = read_project(project, convert=False)
    _, placed = check_placement(project, sources.contributions)
    originals = [c for c in placed if c.lang == project.source_language]
    return project, board(project, originals, sources.submitted, as_of or dt.date.today())


def build_statement(root: Path, statement_id: str, lang: str = "all", formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """build/statements/<id>.<lang>.docx and .pdf for each language edition the statement has (or `lang`)."""
    project = load_project(root)
    statements, problems = read_statements(project)
    if problems:
        raise JointreportError("\n".join(f"{p.path}: {p.message}" for p in problems))
    files = statements.get(statement_id)
    if not files:
        known = ", ".join(statements) or "none"
        raise JointreportError(f"no statement {statement_id!r} in {STATEMENTS_DIR}/ (statements: {known})")
    if lang != "all" and lang not in project.languages:
        raise OptionError("--lang", f"choose one of {', '.join(project.languages)} or all")
    languages = [code for code in project.languages if code in files] if lang == "all" else [lang]
    outputs = []
    for code in languages:
        statement = load_statement(project, files, code)
        edition = project.in_language(code)
        blocks, media = statement_document(project, statement)
        when = i18n.long_date(statement.date, code) if statement.date else ""
        dateline = ", ".join(filter(None, (statement.city, when)))
        for fmt in formats:
            output = project.build_dir / STATEMENTS_DIR / f"{statement_id}.{code}.{fmt}"
            with phase(Phase.RENDER, f"{output.relative_to(project.root)}"):
                if fmt == "docx":
                    render_statement_docx(project, (edition.coalition, statement.title, dateline), blocks, media,
                                          output)
                else:
                    inputs = {"coalition": edition.coalition, "title": statement.title, "dateline": dateline,
                              "lang": code}
                    typeset(project, "statement.typ", blocks, media, inputs, output)
            outputs.append(output)
    return outputs


def editions(project: Project, lang: str | None) -> list[str]:
    """The language editions to build: the source language by default, every one for 'all'."""
    if lang in (None, project.source_language):
        return [project.source_language]
    if lang == "all":
        return project.languages
    if lang not in project.languages:
        raise OptionError("--lang", f"choose one of {', '.join(project.languages)} or all (report.yaml's languages)")
    return [lang]


def edition_drafts(project: Project, drafts: list[Draft], lang: str) -> list[Draft]:
    """Each draft in `lang` where it has been translated, else in the source language."""
    chosen: dict[tuple[str, str], Draft] = {}
    for draft in drafts:
        key = (draft.contribution.agency, draft.contribution.section_id)
        if draft.contribution.lang == lang or (key not in chosen and draft.contribution.lang == project.source_language):
            chosen[key] = draft
    return list(chosen.values())


def output_path(project: Project, suffix: str) -> Path:
    """build/<slug>.docx for the source language, build/<slug>.fr.docx for the French edition."""
    lang = "" if project.language == project.source_language else f".{project.language}"
    return project.build_dir / f"{project.slug}{lang}.{suffix}"


def write_changes(document: Document, path: Path) -> Path:
    """Every harmonisation made to the report, so editors can review what the build changed."""
    table = io.StringIO()
    writer = csv.writer(table, lineterminator="\n")
    writer.writerow(["file", "location", "before", "after"])
    writer.writerows((c.path, c.location, c.before, c.after) for c in document.changes)
    write_atomically(path, table.getvalue().encode("utf-8"))
    return path
