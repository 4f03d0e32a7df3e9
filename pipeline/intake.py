"""The read phase: every file the build uses, read once through one guard, converted once.

Agencies' drafts, the editors' chapter introductions and the joint
statements all come in through `files.guarded_read`: a symbolic link, an
empty or oversized file, a legacy encoding becomes one finding and is
skipped; it never stops the others. Drafts are converted each on its own to
pandoc's AST and cached by content hash, so a rebuild converts only what
changed. When each draft arrived is asked of git once. Nothing under
contributions/ is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import json
import logging
import os
import re
import shutil
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path

from . import bibliography, odt, wordml
from .blocks import first_heading
from .buildcache import Store
from .codes import finding
from .comments import docx_comments, odt_comments
from .errors import DraftError, JointreportError, TooLarge
from .files import Unreadable, decode_text, guarded_read, write_atomically
from .folders import is_picture, pictures_beside, place_pictures, stray_files
from .history import commit_dates
from .inventory import inventory
from .model import (DRAFT_FORMATS, STATEMENTS_DIR, STATUSES, ChapterIntro, Comment, Contribution, Draft, Finding,
                    Metadata, Place, Project, Responses, Sources, Spot, StatementFile, WordAudit)
from .normalise import DECORATIVE, Issue, neutralise, picture_problem
from .numbering import mark_references, references, targets
from .pandoc import TooComplex, pandoc_path, pandoc_version, read_to_ast, run_pandoc
from .registers.sheets import read_sheets
from .wordcount import ast_text, words_in
from .schema import Field, Validator
from .translation.records import read_records
from .yamlfile import FRONT_MATTER, YamlError, parse_yaml, read_yaml
from .tree import as_json, visit
from .word import audit as word_audit
from .word import pictures, rewrite
from .word.rewrite import DECORATIVE_TITLE

log = logging.getLogger("jointreport.read")

MAX_DRAFT_BYTES = 60_000_000
MAX_TEXT_BYTES = 5_000_000  # a chapter introduction or a statement
# What a draft may hold, so that `check` stays within about 10 s and 500 MB for it and `build` within a minute
# and 1 GB. Measured on a 2-core machine: a draft's cost grows with its text, about 8 s and 250 MB for
# `check` per MB (170,000 words), three times that for `build`; and pandoc needs 1 GB for 12 MB of Word XML.
MAX_DRAFT_TEXT = 1_000_000  # characters of text: some 170,000 words, ten times a long section
MAX_BODY_XML = 10_000_000  # a Word or ODT package's body unpacked, markup included
MAIN_PARTS = {"docx": "word/document.xml", "odt": "content.xml"}
CACHE_FORMAT = "12"  # bump when the cached AST's shape, the readers' options or what is measured change
# Front matter is read by jointreport alone (aliases refused, see yamlfile.py): pandoc would expand it, and a
# YAML block anywhere in the text, without any limit.
READERS = {"docx": "docx+citations", "odt": "odt", "md": "markdown-raw_html-raw_tex-raw_attribute-yaml_metadata_block"}
METADATA = Field("map", default={}, fields={
    "status": Field("str", default="draft", choices=STATUSES),
    "submitted": Field("date"),
    "version": Field("str"),
    "author": Field("str"),
    "title": Field("any"),  # agencies often leave a title in their front matter; the outline's title wins
})
WORD_FORMATS = {"docm": "docx", "dotx": "docx", "dotm": "docx"}  # macro-enabled files and templates are Word
# Hidden files (.DS_Store, AppleDouble ._x, LibreOffice's .~lock.x#), Office lock files (~$x.docx), Windows'
# thumbnails, sidecars and notes: never drafts.
IGNORED = re.compile(r"^(\.|~\$|README|thumbs\.db$|desktop\.ini$)|\.(ya?ml|bak|tmp|bib|json)$", re.I)


def read_project(project: Project, convert: bool = True) -> Sources:
    """Every input of the project. Without `convert`, only what the status board needs: the drafts'
    names, metadata and dates, which is instant."""
    found, findings = discover(project)
    sources = Sources([], findings=findings)
    if convert:
        sources.contributions, sources.drafts, findings = convert_all(project, found)
        sources.findings += findings
        sources.intros, findings = read_intros(project)
        sources.findings += findings
        sources.statements, findings = read_statements(project)
        sources.findings += findings
        sources.bibliography, findings = read_bibliography(project, sources.drafts)
        sources.findings += findings
        sources.translations, findings = read_records(project)
        sources.findings += findings
        sources.files = inventory(project.root, project.contributions_dir, sources.contributions, IGNORED,
                                  MAX_DRAFT_BYTES)
        sources.templates = read_templates(project)
    else:
        for contribution in found:
            try:
                contribution.meta, _ = read_metadata(contribution, _read_draft(contribution))
            except Unreadable:
                continue
            sources.contributions.append(contribution)
    sources.registers, findings = read_sheets(project)  # the registers' rows, for the board too
    sources.findings += findings
    sources.submitted = submission_dates(project, sources.contributions)
    sources.submitted.update(translated_text_dates(project, sources.intros))
    return sources


CHECKED_TEMPLATES = ("report.typ", "statement.typ", "workplan.typ", "reference.docx")  # whose colours check reads
MAX_TEMPLATE_BYTES = 20_000_000


def read_templates(project: Project) -> dict[str, bytes]:
    """The project's own look files (templates/<name>) whose text colours the check judges; one that cannot
    be read is left for the build to report."""
    found = {}
    for name in CHECKED_TEMPLATES:
        try:
            if project.overrides(name):
                found[name] = guarded_read(project.template(name), MAX_TEMPLATE_BYTES)
        except (JointreportError, Unreadable):
            continue
    return found


def discover(project: Project) -> tuple[list[Contribution], list[Finding]]:
    """Every draft file under contributions/<agency>/, and findings for files that cannot be drafts."""
    contributions, findings = [], []
    base = project.contributions_dir
    if not base.is_dir():
        return [], []
    findings += [finding("input/outside-agency", Place(f"contributions/{path.name}"),
                         "is in no agency's folder, so it is not read; move it into contributions/<agency>/")
                 for path in sorted(base.iterdir()) if not path.is_dir() and not IGNORED.search(path.name)]
    for folder in sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")):
        place = Place(f"contributions/{folder.name}/", agency=folder.name)
        if folder.is_symlink():
            findings.append(finding("input/unreadable", place, "is a symbolic link; put the agency's folder itself here"))
            continue
        if folder.name not in project.agencies:
            findings.append(finding("outline/unknown-agency", place,
                                    f"no agency {folder.name!r} in report.yaml; rename the folder to an agency id "
                                    f"({', '.join(sorted(project.agencies))}) or add the agency"))
            continue
        findings += stray_files(project, folder, IGNORED)
        for path in sorted(folder.iterdir()):
            if IGNORED.search(path.name) or (path.is_dir() and not path.is_symlink()) or is_picture(path):
                continue
            relpath = path.relative_to(project.root).as_posix()
            section_id, lang = split_name(path.name, project.language)
            contribution = Contribution(path, folder.name, section_id, draft_format(path), relpath, lang=lang)
            problem = unusable_name(contribution.format) or _unknown_language(project, lang)
            if problem:
                findings.append(finding("input/unreadable", contribution.place, problem))
            else:
                contributions.append(contribution)
    return contributions, findings


def split_name(name: str, source_language: str) -> tuple[str, str]:
    """'gender.fr.docx' → ('gender', 'fr'); a name without a language is in the source language."""
    parts = name.split(".")
    return parts[0], parts[-2] if len(parts) >= 3 else source_language


def _unknown_language(project: Project, lang: str) -> str | None:
    if lang in project.languages:
        return None
    return (f"'.{lang}.' in the name is not one of the report's languages ({', '.join(project.languages)}); "
            f"name a translation <section>.<language>.docx, or add the language to report.yaml")


def draft_format(path: Path) -> str:
    """'docx' for every kind of Word document (.docx, .docm, .dotx, .dotm), else the file's suffix."""
    suffix = path.suffix.lower().lstrip(".")
    return WORD_FORMATS.get(suffix, suffix)


def unusable_name(fmt: str) -> str | None:
    """Why a file of this kind cannot be a draft, or None."""
    if fmt == "doc":
        return "old Word 97–2003 format (.doc); open it in Word and save it as .docx"
    if fmt not in DRAFT_FORMATS:
        return f"'.{fmt}' is not a draft format; send .docx, .odt or .md"
    return None


def _read_draft(contribution: Contribution) -> bytes:
    """The draft's bytes through the guard; Markdown must also be UTF-8 text."""
    data = guarded_read(contribution.path, MAX_DRAFT_BYTES)
    if contribution.format == "md":
        decode_text(data)
    return data


def read_metadata(contribution: Contribution, data: bytes) -> tuple[Metadata, list[Finding]]:
    """Status, submission date, version and author: from Markdown front matter or a `<name>.yaml` sidecar."""
    place = contribution.place
    try:
        if contribution.format == "md":
            match = FRONT_MATTER.match(decode_text(data))
            label = contribution.relpath
            # The leading newline stands for the opening '---', so YAML line numbers are the file's.
            raw = parse_yaml("\n" + match.group(1), label, aliases=False) if match else None
        else:
            sidecar = contribution.path.with_suffix(".yaml")
            label = str(Path(contribution.relpath).with_name(sidecar.name))
            raw = read_yaml(sidecar, label, aliases=False) if sidecar.exists() or sidecar.is_symlink() else None
    except (YamlError, Unreadable) as exc:
        return Metadata(), [finding("input/bad-metadata", place, f"{exc}; status taken as draft")]
    validator = Validator(label)
    data = validator.check(raw if raw is not None else {}, METADATA)
    findings = [finding("input/bad-metadata", place, error) for error in validator.errors]
    return Metadata(data["status"], data["submitted"], data["version"], data["author"]), findings


class DraftCache:
    """Converted files under build/.cache/drafts/<content hash>/ (ast.json + media/)."""

    def __init__(self, root: Path):
        self.root = root

    @classmethod
    def of(cls, project: Project) -> "DraftCache":
        return cls(project.build_dir / ".cache" / "drafts")

    def entry(self, data: bytes, fmt: str, pictures: dict[str, bytes] | None = None) -> Path:
        digest = hashlib.sha256(f"{CACHE_FORMAT}|{pandoc_version()}|{fmt}|".encode())
        digest.update(data)
        for name, picture in sorted((pictures or {}).items()):  # a Markdown draft's pictures beside it
            digest.update(f"|{name}|{hashlib.sha256(picture).hexdigest()}".encode())
        return self.root / digest.hexdigest()[:32]

    def convert(self, data: bytes, fmt: str, prepare=None, text_bytes: int | None = None,
                pictures: dict[str, bytes] | None = None) -> tuple[list, Path]:
        """Blocks of the converted file, and the cache entry its media paths are relative to. `prepare`
        rewrites the bytes pandoc reads (Word rescues) when the draft is not in the cache yet; `pictures`
        (name → bytes) are the pictures beside a Markdown draft that it names (`pictures_beside`). A conversion
        that failed (or ran out of time) is remembered like a success, so check and build pay it once:
        the same `DraftError` is raised again from the cache."""
        entry = self.entry(data, fmt, pictures)
        if not (entry / "ast.json").is_file() and not (entry / FAILED).is_file():
            self.root.mkdir(parents=True, exist_ok=True)
            scratch = Path(tempfile.mkdtemp(dir=self.root, prefix=".new-"))
            try:
                try:
                    readable = without_front_matter(data) if fmt == "md" else prepare(data) if prepare else data
                    ast = read_to_ast(readable, READERS[fmt], scratch / "media", text_bytes)
                except DraftError as exc:
                    shutil.rmtree(scratch / "media", ignore_errors=True)
                    (scratch / FAILED).write_text(json.dumps({"code": exc.code, "message": str(exc)}),
                                                  encoding="utf-8")
                else:
                    if pictures:
                        place_pictures(ast, scratch, pictures)
                    if fmt == "docx":
                        ast["blocks"] = word_audit.metadata_blocks(ast.get("meta", {})) + ast["blocks"]
                        _decorative_class(ast["blocks"])
                        _embedded_references(ast, scratch)
                    _relative_media(ast, scratch)
                    mark_references(ast["blocks"])  # once, so no later reader takes `@fig:x` for a citation
                    (scratch / "ast.json").write_bytes(as_json(ast))
                try:
                    os.replace(scratch, entry)
                except OSError:  # another build converted the same draft meanwhile
                    pass
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
        if (entry / FAILED).is_file():
            failed = json.loads((entry / FAILED).read_text(encoding="utf-8"))
            raise _ERRORS.get(failed["code"], DraftError)(failed["message"])
        return self.blocks(entry), entry

    @staticmethod
    def blocks(entry: Path) -> list:
        """The blocks of a conversion in the cache."""
        try:
            return json.loads((entry / "ast.json").read_bytes())["blocks"]
        except (OSError, ValueError, KeyError, TypeError):
            raise JointreportError(f"the converted draft in {entry} is damaged (was build/.cache changed by "
                                   "hand?): delete build/.cache and build again") from None

    def measured(self, entry: Path) -> dict | None:
        """What was measured inside the draft when it was converted (see `convert`), or None."""
        try:
            return _measured_from_json(json.loads((entry / MEASURED).read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def remember(self, entry: Path, measured: dict) -> None:
        data = {**measured, "threads": [asdict(c) for c in measured["threads"]],
                "audit": asdict(measured["audit"]) if measured["audit"] else None,
                "issues": [asdict(issue) for issue in measured["issues"]]}
        write_atomically(entry / MEASURED, json.dumps(data).encode("utf-8"))


MEASURED = "measured.json"


def _measured_from_json(data: dict) -> dict:
    audit = data["audit"]
    if audit is not None:
        audit = WordAudit(**{key: [Spot(**spot) for spot in value] if isinstance(value, list) else value
                             for key, value in audit.items()})
    return {**data, "threads": [Comment(**c) for c in data["threads"]], "audit": audit,
            "pictures": {source: tuple(problem) for source, problem in data["pictures"].items()},
            "issues": [Issue(**issue) for issue in data["issues"]]}


def without_front_matter(data: bytes) -> bytes:
    """A Markdown draft's text with its front matter blanked out (line numbers stay the file's)."""
    match = FRONT_MATTER.match(data.decode("utf-8-sig", "replace"))
    if not match:
        return data
    text = data.decode("utf-8-sig", "replace")
    return ("\n" * match.group(0).count("\n") + text[match.end():]).encode("utf-8")


FAILED = "failed.json"
REFERENCES = "references.json"  # a Word draft's embedded citations' references (Zotero, Mendeley), as CSL JSON


def _embedded_references(ast: dict, scratch: Path) -> None:
    """The references pandoc's `+citations` docx reader put in the draft's metadata, written beside its AST
    as CSL JSON (pandoc's own csljson writer turns its metadata back into CSL)."""
    references = ast.get("meta", {}).get("references")
    if not references:
        return
    document = {"pandoc-api-version": ast["pandoc-api-version"], "meta": {"references": references}, "blocks": []}
    try:
        out = run_pandoc(["-f", "json", "-t", "csljson"], stdin=json.dumps(document).encode(),
                         timeout=bibliography.PARSE_SECONDS, heap_mb=bibliography.PARSE_HEAP_MB)
    except DraftError:
        return  # the citations stay; their keys are then unknown (`cite/unknown-key`)
    (scratch / REFERENCES).write_bytes(out)


def draft_references(entry: Path) -> list[dict]:
    """The references a converted Word draft carries (none for other drafts)."""
    path = entry / REFERENCES
    if not path.is_file():
        return []
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return []
    if not isinstance(found, list):
        return []
    return [e for e in found if isinstance(e, dict) and str(e.get("id") or "").strip()]


def read_bibliography(project: Project, drafts: list[Draft]) -> tuple["bibliography.Bibliography", list[Finding]]:
    """Every source of references merged into one bibliography: the project's files, each agency's
    .bib/.json files (in agency order), then the Word drafts' embedded citations. A file that cannot be
    read is `input/unreadable` and left out."""
    sources, findings = [], []
    parsed = Store(project.build_dir / ".cache" / "references", pandoc_version())  # by content: read once
    candidates = [(project.root / name, bibliography.PROJECT_SCOPE, None) for name in bibliography.PROJECT_FILES]
    base = project.contributions_dir
    for agency in sorted(project.agencies):
        folder = base / agency
        if folder.is_dir() and not folder.is_symlink():
            candidates += [(path, bibliography.agency_scope(agency), agency) for path in sorted(folder.iterdir())
                           if path.suffix.lower() in bibliography.AGENCY_SUFFIXES and not path.name.startswith(".")]
    for path, scope, agency in candidates:
        if not (path.exists() or path.is_symlink()):
            continue
        place = Place(path.relative_to(project.root).as_posix(), agency=agency)
        try:
            data = guarded_read(path, bibliography.MAX_BIBLIOGRAPHY_BYTES)
            key = parsed.key(hashlib.sha256(data).hexdigest(), path.suffix.lower())
            entries = parsed.get_json(key)
            if entries is None:
                entries = bibliography.parse(data, path.suffix.lower())
                parsed.put_json(key, entries)
        except (Unreadable, DraftError) as exc:
            findings.append(finding("input/unreadable", place, str(exc)))
            continue
        sources.append(bibliography.ReferenceFile(place, scope, entries))
    for draft in drafts:
        if draft.references:
            sources.append(bibliography.ReferenceFile(draft.contribution.place, draft.contribution.relpath,
                                                      draft.references))
    parsed.prune()
    return bibliography.merge(sources), findings
_ERRORS = {cls.code: cls for cls in (DraftError, TooComplex, TooLarge)}


TAG = re.compile(rb"<[^>]*>")


def text_size(data: bytes, fmt: str) -> tuple[int, int]:
    """What converting a draft costs: the size of its body (a Markdown file's bytes, a Word or ODT package's
    body XML unpacked: the package itself is mostly pictures) and of the text in it. A body over
    MAX_BODY_XML is not unpacked."""
    if fmt not in MAIN_PARTS:
        return len(data), len(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            info = package.getinfo(MAIN_PARTS[fmt])
            if info.file_size > MAX_BODY_XML:
                return info.file_size, 0
            return info.file_size, len(TAG.sub(b"", package.read(info)))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, RuntimeError, NotImplementedError, EOFError):
        return len(data), 0  # the package check reports what is wrong with it


ENTITY_ATTACK = ("the file contains XML entity declarations, which Word and LibreOffice never write; "
                 "re-save it from Word (or LibreOffice) as {what} and send it again")


def check_no_entities(data: bytes, fmt: str) -> None:
    """Refuse a package whose XML declares a DOCTYPE or entities (a 'billion laughs' or an external entity
    pointing at a file): no word processor writes one, so it was crafted or damaged."""
    if fmt not in MAIN_PARTS:
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            for info in package.infolist():
                if info.filename.endswith((".xml", ".rels")):
                    with package.open(info) as part:
                        head = part.read(4096)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise DraftError(ENTITY_ATTACK.format(what=f".{fmt}"))
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError, EOFError):
        return  # the package check reports what is wrong with the archive itself


def check_text_size(data: bytes, fmt: str) -> int:
    """The size of the draft's body, or `TooLarge` before conversion when it holds more than a draft may."""
    body, text = text_size(data, fmt)
    if body > MAX_BODY_XML:
        raise TooLarge(f"its body is {body / 1_000_000:.1f} MB of XML unpacked, over the "
                       f"{MAX_BODY_XML / 1_000_000:g} MB a draft may hold; split it into several sections")
    if text > MAX_DRAFT_TEXT:
        raise TooLarge(f"it holds {text / 1_000_000:.1f} MB of text (about {text // 6:,} words), over the "
                       f"{MAX_DRAFT_TEXT / 1_000_000:g} MB a draft may hold; split it into several sections, or "
                       "leave out pasted data")
    return body


def _decorative_class(blocks: list) -> None:
    """A picture Word marks decorative (its title says so, see word.rewrite) gets the class that says it."""

    def mark(key, value, fmt, meta):
        if value[2][1] == DECORATIVE_TITLE:
            value[0][1].append(DECORATIVE)
            value[2][1] = ""

    visit(blocks, mark, only=frozenset(("Image",)))


def _relative_media(ast: dict, scratch: Path) -> None:
    """Make extracted image paths relative to the cache entry, so the cache survives a moved project."""
    prefix = f"{scratch}/"

    def relink(key, value, fmt, meta):
        if key == "Image" and value[2][0].startswith(prefix):
            value[2][0] = value[2][0][len(prefix):]

    visit(ast["blocks"], relink, only=frozenset(("Image",)))


def read_and_convert(contribution: Contribution, cache: DraftCache) -> tuple[bool, Draft | None, list[Finding]]:
    """Read one draft through the guard (False when it refuses the file), then convert it."""
    try:
        data = _read_draft(contribution)
    except Unreadable as exc:
        return False, None, [finding("input/unreadable", contribution.place, str(exc))]
    contribution.sha256 = hashlib.sha256(data).hexdigest()
    return (True, *convert(contribution, data, cache))


def convert(contribution: Contribution, data: bytes, cache: DraftCache) -> tuple[Draft | None, list[Finding]]:
    """One draft's metadata, Word internals and pandoc AST. What is measured inside the file (tracked
    changes, comments, the word audit, pictures) is kept with its conversion, by content hash, so an
    unchanged draft is not parsed again."""
    meta, findings = read_metadata(contribution, data)
    contribution.meta = meta
    source = decode_text(data) if contribution.format == "md" else None
    beside, problems = pictures_beside(contribution, source) if source else ({}, [])
    findings += problems
    entry = cache.entry(data, contribution.format, beside)
    remembered = cache.measured(entry) if (entry / "ast.json").is_file() else None
    if remembered is not None:  # converted and measured before: its blocks are read when asked for
        return Draft(contribution, functools.partial(cache.blocks, entry), entry, source=source, **remembered), findings
    try:
        changes = comments = {}
        location = scan = None
        prepare = None
        threads = []
        check_no_entities(data, contribution.format)
        if contribution.format == "docx":
            package = wordml.WordPackage(data)
            changes, location = wordml.tracked_changes(package)
            comments = wordml.comments(package)
            threads = docx_comments(package, contribution.relpath)
            scan = word_audit.audit(package)
            prepare = lambda _: rewrite.prepare(package, scan, pictures.as_png, data)  # noqa: E731
        elif contribution.format == "odt":
            wordml.check_package(data, "content.xml", "OpenDocument .odt")
            changes, location, comments = wordml.odt_review(data)
            threads = odt_comments(data, contribution.relpath)
            scan = odt.audit(wordml.odt_content(data))
            prepare = odt.prepare
        size = check_text_size(data, contribution.format)
        blocks, entry = cache.convert(data, contribution.format, prepare, size, beside)
    except DraftError as exc:
        code = getattr(exc, "code", "input/unreadable")
        return None, findings + [finding(code, contribution.place, str(exc))]
    text = ast_text(blocks)
    words = words_in(text)
    measured = {"words": len(words), "tracked_changes": changes, "comments": comments,
                "xref_targets": sorted(targets(blocks)), "xref_keys": references(blocks),
                "first_change": location, "threads": threads,
                "audit": word_audit.compare(scan, blocks, words) if scan else None,
                "pictures": picture_problems(blocks, entry), "references": draft_references(entry),
                "characters": "".join(sorted(set(text))), "opening": first_heading(blocks)}
    fresh = cache.blocks(entry)  # a copy to spoil, faster than copying blocks
    measured["issues"] = neutralise(fresh, measured["pictures"].get, own=True)[1]
    cache.remember(entry, measured)
    return Draft(contribution, lambda: blocks, entry, source=source, **measured), findings


def picture_problems(blocks: list, media_root: Path) -> dict[str, tuple[str, str]]:
    """Why each picture of a converted draft that cannot be shown cannot, found once on reading, so the
    check predicts what the assembly will do with it."""
    problems = {}

    def examine(key, value, fmt, meta):
        if key == "Image" and value[2][0] not in problems:
            problems[value[2][0]] = picture_problem(media_root, value[2][0])

    visit(blocks, examine, only=frozenset(("Image",)))
    return {source: problem for source, problem in problems.items() if problem}


def convert_all(project: Project, contributions: list[Contribution],
                workers: int = 4) -> tuple[list[Contribution], list[Draft], list[Finding]]:
    """Read and convert every draft (in parallel: pandoc runs are independent), in a stable order: the
    drafts the guard let in (converted or not), the converted ones, and what went wrong."""
    cache = DraftCache.of(project)
    pandoc_path(), pandoc_version()  # pypandoc's lookup is not thread-safe: resolve it before the threads
    readable, drafts, findings = [], [], []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = pool.map(lambda c: read_and_convert(c, cache), contributions)
        for contribution, (let_in, draft, found) in zip(contributions, results):
            log.info("  %s", contribution.relpath)
            findings.extend(found)
            if let_in:
                readable.append(contribution)
            if draft:
                drafts.append(draft)
    return readable, drafts, findings


def read_loose(project: Project, path: Path) -> tuple[Draft | None, list[Finding]]:
    """A draft that is not in the project yet (`terms --check FILE`), read like any other."""
    contribution = Contribution(path, "", path.name.split(".")[0], draft_format(path), path.as_posix())
    problem = unusable_name(contribution.format)
    if problem:
        return None, [finding("input/unreadable", contribution.place, problem)]
    _, draft, findings = read_and_convert(contribution, DraftCache.of(project))
    return draft, findings


MAX_MATRIX_BYTES = 20_000_000


def read_responses(path: Path) -> tuple[Responses | None, list[Finding]]:
    """A comment–response matrix filled in by the lead authors (.xlsx as `comments` wrote it, or .csv)."""
    place = Place(path.as_posix())
    try:
        data = guarded_read(path, MAX_MATRIX_BYTES)
        if path.suffix.lower() == ".csv":
            rows = [{(k or "").strip().lower(): v or "" for k, v in row.items()}
                    for row in csv.DictReader(io.StringIO(decode_text(data)))]
        else:
            from .spreadsheet import read_rows  # openpyxl loads slowly; only this command needs it
            rows = read_rows(data)
    except Unreadable as exc:
        return None, [finding("review/unreadable-responses", place, str(exc))]
    except Exception as exc:  # noqa: BLE001 — openpyxl raises many kinds for a file that is no workbook
        return None, [finding("review/unreadable-responses", place,
                              f"not a spreadsheet jointreport can read ({type(exc).__name__}); "
                              "save it as .xlsx or .csv")]
    if rows and "id" not in rows[0]:
        return None, [finding("review/unreadable-responses", place,
                              "has no 'id' column; fill in the matrix `jointreport comments` wrote")]
    answers = {row["id"].strip(): (row.get("response", "").strip(), row.get("action", "").strip())
               for row in rows if row.get("id", "").strip()}
    return Responses(path.as_posix(), answers), []


def _read_text(path: Path, root: Path) -> tuple[str | None, Finding | None]:
    """A Markdown file of the editors' (introduction or statement) through the guard."""
    relpath = path.relative_to(root).as_posix()
    try:
        return decode_text(guarded_read(path, MAX_TEXT_BYTES)), None
    except Unreadable as exc:
        return None, finding("input/unreadable", Place(relpath), str(exc))


def read_intros(project: Project, ids: list[str] | None = None) -> tuple[dict[tuple[str, str], ChapterIntro],
                                                                         list[Finding]]:
    """chapters/<id>.md and its translations chapters/<id>.<lang>.md, converted: the editors' introductions
    to chapters, and the front and back matter's texts (or only those of `ids`)."""
    cache = DraftCache.of(project)
    intros, findings = {}, []
    for ident in ids if ids is not None else [c.id for c in project.chapters] + [m.id for m in project.matter]:
        for lang in project.languages:
            name = f"{ident}.md" if lang == project.source_language else f"{ident}.{lang}.md"
            path = project.root / "chapters" / name
            if not (path.exists() or path.is_symlink()):
                continue
            text, problem = _read_text(path, project.root)
            if problem:
                findings.append(problem)
                continue
            try:
                data = text.encode("utf-8")
                blocks, entry = cache.convert(data, "md", text_bytes=check_text_size(data, "md"))
            except DraftError as exc:
                findings.append(finding(exc.code, Place(f"chapters/{name}"), str(exc)))
                continue
            intros[(ident, lang)] = ChapterIntro(ident, lang, f"chapters/{name}", blocks, entry, text,
                                                 picture_problems(blocks, entry))
    return intros, findings


def read_statements(project: Project) -> tuple[dict[str, dict[str, StatementFile]], list[Finding]]:
    """statements/<id>[.<lang>].md: statement id → language → its text."""
    folder = project.root / STATEMENTS_DIR
    found: dict[str, dict[str, StatementFile]] = {}
    findings = []
    if not folder.is_dir() or folder.is_symlink():
        return found, findings
    for path in sorted(folder.glob("*.md")):
        text, problem = _read_text(path, project.root)
        if problem:
            findings.append(problem)
            continue
        statement_id, lang = statement_name(path.name, project.source_language)
        found.setdefault(statement_id, {})[lang] = StatementFile(statement_id, lang, path, text)
    return found, findings


def statement_name(name: str, source_language: str) -> tuple[str, str]:
    """'note.fr.md' → ('note', 'fr'); a name without a language is in the source language."""
    parts = name.split(".")
    return parts[0], parts[1] if len(parts) == 3 else source_language


def translated_text_dates(project: Project, intros: dict) -> dict[Path, dt.date]:
    """When each editors' text that has a translation, and each translation, last changed: its last commit
    in git, else its file time (a translation made by hand is judged by date, as a draft's)."""
    languages = {intro.lang for intro in intros.values()}
    if languages <= {project.source_language}:
        return {}
    committed = commit_dates(project.root, "chapters")
    paths = [project.root / intro.relpath for intro in intros.values()]
    return {path: committed.get(path.relative_to(project.root).as_posix())
            or dt.date.fromtimestamp(path.lstat().st_mtime) for path in paths}


def submission_dates(project: Project, contributions: list[Contribution]) -> dict[Path, dt.date]:
    """When each draft arrived: its metadata says so, else its last commit in git, else its file time."""
    committed = commit_dates(project.root) if contributions else {}
    dates = {}
    for c in contributions:
        dates[c.path] = (c.meta.submitted or committed.get(c.relpath)
                         or dt.date.fromtimestamp(c.path.lstat().st_mtime))
    return dates
