"""Converting drafts to pandoc's AST, each on its own and in parallel, cached by content hash with what
was measured inside them, so a rebuild converts only what changed."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path

from .. import odt, wordml
from ..blocks import first_heading
from ..codes import finding
from ..comments import docx_comments, odt_comments
from ..errors import DraftError, JointreportError, TooLarge
from ..files import Unreadable, decode_text, write_atomically
from ..folders import pictures_beside, place_pictures
from ..inputs import Comment, Contribution, Draft, Spot, WordAudit
from ..model import Finding, Project
from ..normalise import DECORATIVE, Issue, neutralise, picture_problem
from ..numbering import mark_references, references, targets
from ..pandoc import TooComplex, pandoc_path, pandoc_version, read_to_ast
from ..tree import as_json, visit
from ..word import audit as word_audit
from ..word import pictures, rewrite
from ..word.rewrite import DECORATIVE_TITLE
from ..wordcount import ast_text, words_in
from ..yamlfile import FRONT_MATTER
from .discovery import draft_format, read_draft, read_metadata, unusable_name
from .limits import check_no_entities, check_text_size
from .references import draft_references, embedded_references

log = logging.getLogger("jointreport.read")

CACHE_FORMAT = "12"  # bump when the cached AST's shape, the readers' options or what is measured change
# Front matter is read by jointreport alone (aliases refused, see yamlfile.py): pandoc would expand it, and a
# YAML block anywhere in the text, without any limit.
READERS = {"docx": "docx+citations", "odt": "odt", "md": "markdown-raw_html-raw_tex-raw_attribute-yaml_metadata_block"}


class DraftCache:
    """Converted files under build/.cache/drafts/<content hash>/ (ast.json + media/)."""

    def __init__(self, root: Path):
        self.root = root

    @classmethod
    def of(cls, project: Project) -> DraftCache:
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
                        embedded_references(ast, scratch)
                    _relative_media(ast, scratch)
                    mark_references(ast["blocks"])  # once, so no later reader takes `@fig:x` for a citation
                    (scratch / "ast.json").write_bytes(as_json(ast))
                with contextlib.suppress(OSError):  # another build converted the same draft meanwhile
                    os.replace(scratch, entry)
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

_ERRORS = {cls.code: cls for cls in (DraftError, TooComplex, TooLarge)}


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
        data = read_draft(contribution)
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
        for contribution, (let_in, draft, found) in zip(contributions, results, strict=True):
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

