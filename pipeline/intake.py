"""Intake: find the agencies' drafts, read their metadata, convert each one alone to pandoc's AST.

Like Pelican's readers, one bad file becomes one finding and is skipped; it
never stops the others. Converted drafts are cached by content hash, so a
rebuild only converts what changed. Nothing under contributions/ is written.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

from pandocfilters import stringify, walk

from . import wordml
from .errors import DraftError
from .model import DRAFT_FORMATS, STATUSES, Chapter, Contribution, Draft, Finding, Metadata, Project
from .pandoc import pandoc_version, read_to_ast
from .schema import Field, Validator
from .yamlfile import YamlError, parse_yaml, read_yaml

MAX_DRAFT_BYTES = 60_000_000
CACHE_FORMAT = "1"  # bump when the cached AST's shape changes
READERS = {"docx": "docx", "odt": "odt", "md": "markdown-raw_html-raw_tex-raw_attribute"}
METADATA = Field("map", default={}, fields={
    "status": Field("str", default="draft", choices=STATUSES),
    "submitted": Field("date"),
    "version": Field("str"),
    "author": Field("str"),
    "title": Field("any"),  # agencies often leave a title in their front matter; the outline's title wins
})
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
WORD = re.compile(r"\w+(?:[-'’]\w+)*")
IGNORED = re.compile(r"^(\.|~\$|README)|\.(ya?ml|bak|tmp)$", re.I)

Progress = Callable[[str], None]


def discover(project: Project) -> tuple[list[Contribution], list[Finding]]:
    """Every draft file under contributions/<agency>/, and findings for files that cannot be drafts."""
    contributions, findings = [], []
    base = project.contributions_dir
    if not base.is_dir():
        return [], []
    for folder in sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if folder.is_symlink():
            findings.append(Finding("input/unreadable", "error", f"contributions/{folder.name}/",
                                    "is a symbolic link; put the agency's folder itself here", agency=folder.name))
            continue
        if folder.name not in project.agencies:
            findings.append(Finding("outline/unknown-agency", "error", f"contributions/{folder.name}/",
                                    f"no agency {folder.name!r} in report.yaml; rename the folder to an agency id "
                                    f"({', '.join(sorted(project.agencies))}) or add the agency", agency=folder.name))
            continue
        for path in sorted(folder.iterdir()):
            if IGNORED.search(path.name) or path.is_dir():
                continue
            relpath = path.relative_to(project.root).as_posix()
            section_id, lang = split_name(path.name, project.language)
            contribution = Contribution(path, folder.name, section_id, path.suffix.lower().lstrip("."), relpath,
                                        lang=lang)
            problem = unusable(path, contribution.format) or _unknown_language(project, lang)
            if problem:
                findings.append(contribution.finding("input/unreadable", "error", problem))
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


def unusable(path: Path, fmt: str) -> str | None:
    if path.is_symlink():
        return "is a symbolic link; put the file itself in the folder"
    if fmt == "doc":
        return "old Word 97–2003 format (.doc); open it in Word and save it as .docx"
    if fmt not in DRAFT_FORMATS:
        return f"'.{fmt}' is not a draft format; send .docx, .odt or .md"
    size = path.stat().st_size
    if size > MAX_DRAFT_BYTES:
        return f"{size // 1_000_000} MB is too large for a draft; compress its pictures and send it again"
    if size == 0:
        return "the file is empty; send it again"
    if fmt == "md":
        try:
            path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            return "not UTF-8 text; save it as UTF-8 (in most editors: Save As › Encoding)"
    return None


def read_metadata(contribution: Contribution) -> tuple[Metadata, list[Finding]]:
    """Status, submission date, version and author: from Markdown front matter or a `<name>.yaml` sidecar."""
    path = contribution.path
    try:
        if contribution.format == "md":
            match = FRONT_MATTER.match(path.read_text(encoding="utf-8-sig"))
            # The leading newline stands for the opening '---', so YAML line numbers are the file's.
            raw, label = (parse_yaml("\n" + match.group(1), contribution.relpath) if match else None), contribution.relpath
        else:
            sidecar = path.with_suffix(".yaml")
            label = str(Path(contribution.relpath).with_name(sidecar.name))
            raw = read_yaml(sidecar, label) if sidecar.is_file() and not sidecar.is_symlink() else None
    except (YamlError, UnicodeDecodeError) as exc:
        message = str(exc) if isinstance(exc, YamlError) else "not UTF-8 text; save it as UTF-8"
        return Metadata(), [contribution.finding("input/bad-metadata", "error", f"{message}; status taken as draft")]
    validator = Validator(label)
    data = validator.check(raw if raw is not None else {}, METADATA)
    findings = [contribution.finding("input/bad-metadata", "error", error) for error in validator.errors]
    return Metadata(data["status"], data["submitted"], data["version"], data["author"]), findings


class DraftCache:
    """Converted drafts under build/.cache/drafts/<content hash>/ (ast.json + media/)."""

    def __init__(self, root: Path):
        self.root = root

    @classmethod
    def of(cls, project: Project) -> "DraftCache":
        return cls(project.build_dir / ".cache" / "drafts")

    def entry(self, path: Path, fmt: str) -> Path:
        digest = hashlib.sha256()
        digest.update(f"{CACHE_FORMAT}|{pandoc_version()}|{fmt}|".encode())
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        return self.root / digest.hexdigest()[:32]

    def convert(self, path: Path, fmt: str) -> tuple[list, Path]:
        """Blocks of the converted file, and the cache entry its media paths are relative to."""
        entry = self.entry(path, fmt)
        if not (entry / "ast.json").is_file():
            self.root.mkdir(parents=True, exist_ok=True)
            scratch = Path(tempfile.mkdtemp(dir=self.root, prefix=".new-"))
            try:
                ast = read_to_ast(path, READERS[fmt], scratch / "media")
                _relative_media(ast, scratch)
                (scratch / "ast.json").write_text(json.dumps(ast), encoding="utf-8")
                try:
                    os.replace(scratch, entry)
                except OSError:  # another build converted the same draft meanwhile
                    pass
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
        ast = json.loads((entry / "ast.json").read_text(encoding="utf-8"))
        return ast["blocks"], entry


def _relative_media(ast: dict, scratch: Path) -> None:
    """Make extracted image paths relative to the cache entry, so the cache survives a moved project."""
    prefix = f"{scratch}/"

    def relink(key, value, fmt, meta):
        if key == "Image" and value[2][0].startswith(prefix):
            value[2][0] = value[2][0][len(prefix):]

    ast["blocks"] = walk(ast["blocks"], relink, "", {})


def count_words(blocks: list) -> int:
    """Words as a reader sees them, footnotes and tables included (tracked insertions count as accepted)."""
    return len(WORD.findall(stringify(blocks)))


def convert(contribution: Contribution, cache: DraftCache) -> tuple[Draft | None, list[Finding]]:
    meta, findings = read_metadata(contribution)
    contribution.meta = meta
    try:
        changes = comments = {}
        location = None
        if contribution.format == "docx":
            wordml.check_package(contribution.path, "word/document.xml", "Word .docx")
            changes, location = wordml.tracked_changes(contribution.path)
            comments = wordml.comments(contribution.path)
        elif contribution.format == "odt":
            wordml.check_package(contribution.path, "content.xml", "OpenDocument .odt")
        blocks, entry = cache.convert(contribution.path, contribution.format)
    except DraftError as exc:
        return None, findings + [contribution.finding("input/unreadable", "error", str(exc))]
    except UnicodeDecodeError:
        return None, findings + [contribution.finding("input/unreadable", "error", "not UTF-8 text; save it as UTF-8")]
    draft = Draft(contribution, blocks, entry, count_words(blocks), changes, comments)
    findings += wordml_findings(draft, location)
    return draft, findings


def wordml_findings(draft: Draft, location: str | None) -> list[Finding]:
    findings = []
    if draft.tracked_changes:
        total = sum(draft.tracked_changes.values())
        findings.append(draft.contribution.finding(
            "docx/tracked-changes", "error",
            f"{total} unaccepted tracked change{'s' * (total != 1)} by {_by_author(draft.tracked_changes)}; "
            "accept or reject them in Word (Review › Accept/Reject) and send the file again", location))
    if draft.comments:
        total = sum(draft.comments.values())
        findings.append(draft.contribution.finding(
            "docx/comments", "warning",
            f"{total} reviewer comment{'s' * (total != 1)} by {_by_author(draft.comments)}; "
            "they are left out of the report: resolve and delete them"))
    return findings


def _by_author(counts: dict[str, int]) -> str:
    return ", ".join(f"{author} ({n})" for author, n in counts.items())


def chapter_intro_path(project: Project, chapter: Chapter, lang: str | None = None) -> Path | None:
    """chapters/<id>.md, or its translation chapters/<id>.<lang>.md."""
    lang = lang or project.language
    name = f"{chapter.id}.md" if lang == project.source_language else f"{chapter.id}.{lang}.md"
    path = project.root / "chapters" / name
    return path if path.is_file() and not path.is_symlink() else None


def chapter_intro(project: Project, chapter: Chapter, cache: DraftCache,
                  lang: str | None = None) -> tuple[list, Path, Path] | None:
    """The editors' introduction to a chapter in `lang` (default the project's), else in the source language:
    its blocks, its cache entry and its file."""
    path = chapter_intro_path(project, chapter, lang) or chapter_intro_path(project, chapter, project.source_language)
    return (*cache.convert(path, "md"), path) if path else None


def convert_all(project: Project, contributions: list[Contribution], progress: Progress | None = None,
                workers: int = 4) -> tuple[list[Draft], list[Finding]]:
    """Convert every draft (in parallel: pandoc runs are independent), in a stable order."""
    cache = DraftCache.of(project)
    drafts, findings = [], []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for contribution, (draft, found) in zip(contributions, pool.map(lambda c: convert(c, cache), contributions)):
            if progress:
                progress(contribution.relpath)
            findings.extend(found)
            if draft:
                drafts.append(draft)
    return drafts, findings
