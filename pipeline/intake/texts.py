"""The editors' own files: chapter introductions and their translations, the joint statements, the
lead authors' comment–response matrix, and when the translated texts last changed."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from ..codes import finding
from ..errors import DraftError
from ..files import Unreadable, decode_text, guarded_read
from ..history import commit_dates
from ..inputs import ChapterIntro, Responses, StatementFile
from ..model import STATEMENTS_DIR, Finding, Place, Project
from .conversion import DraftCache, picture_problems
from .limits import check_text_size

MAX_TEXT_BYTES = 5_000_000  # a chapter introduction or a statement
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
            from ..spreadsheet import read_rows  # openpyxl loads slowly; only this command needs it
            rows = read_rows(data)
    except Unreadable as exc:
        return None, [finding("review/unreadable-responses", place, str(exc))]
    except Exception as exc:  # openpyxl raises many kinds for a file that is no workbook
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


