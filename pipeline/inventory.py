"""Every file under contributions/, for the build's manifest: which are no drafts at all (lock files,
system files, sidecars) and each file's sha256, read through the one input guard."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from .files import Unreadable, guarded_read
from .folders import is_picture
from .inputs import Contribution, InputFile
from .registers import REGISTERS_DIR, SHEET_TYPES

LOCK_FILE = re.compile(r"^(~\$|\.~lock\.)")
SYSTEM_FILE = re.compile(r"^(\.ds_store|thumbs\.db|desktop\.ini|\._.*)$", re.I)


def why_ignored(path: Path, depth: int, ignored: re.Pattern) -> str:
    """Why a file under contributions/ is no draft at all, or '' if it may be one."""
    name = path.name
    if depth == 3 and path.parent.name == REGISTERS_DIR and path.suffix.lower() in SHEET_TYPES:
        return ""  # a register's rows (registers/sheets.py reads them)
    if depth in (2, 3) and is_picture(path):
        return "a picture: shown where a Markdown draft beside it names it"
    if depth != 2:
        return "not directly in an agency's folder"
    if LOCK_FILE.match(name):
        return "an Office or LibreOffice lock file (the draft was open when it was copied)"
    if SYSTEM_FILE.match(name):
        return "a file the operating system made"
    if re.search(r"\.ya?ml$", name, re.I):
        return "metadata of the draft beside it" if any(
            path.with_suffix(f".{fmt}").exists() for fmt in ("docx", "docm", "dotx", "dotm", "odt")) else "not a draft"
    if re.search(r"\.(bib|json)$", name, re.I):
        return "references, merged into the report's bibliography"
    if ignored.search(name):
        return "not a draft (hidden, a backup or a note)"
    return ""


def inventory(root: Path, base: Path, contributions: list[Contribution], ignored: re.Pattern,
              max_bytes: int) -> list[InputFile]:
    """Every file under `base` (contributions/), each with its sha256: drafts as intake read them (their
    `sha256`), any other file read through the guard for its digest only."""
    if not base.is_dir():
        return []
    read = {c.relpath: c.sha256 for c in contributions}
    files = []
    for path in sorted(base.rglob("*")):
        if path.is_dir() and not path.is_symlink():
            continue
        relpath = path.relative_to(root).as_posix()
        depth = len(path.relative_to(base).parts)
        digest = read.get(relpath)
        if digest is None:
            try:
                digest = hashlib.sha256(guarded_read(path, max_bytes)).hexdigest()
            except Unreadable:
                digest = None
        files.append(InputFile(relpath, why_ignored(path, depth, ignored), digest))
    return files
