"""Where uploads land: contributions/<agency>/<section>.<ext>, written in one step, every version kept.

A section's upload holds a lock (an flock, so other processes wait too), copies the file it replaces
and the new one into .jointreport/history/<agency>/<section>/ (outside contributions/, so the build
never reads them), then replaces the current file atomically. A draft sent in another format replaces
the old one: the old file moves to the history. Each write is a line of the audit log
(.jointreport/audit.log: who, when, what, sha256).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..files import write_atomically
from ..model import DRAFT_FORMATS, Contribution, Project
from ..yamlfile import FRONT_MATTER
from .tokens import STATE_DIR

HISTORY_DIR = "history"
AUDIT_FILE = "audit.log"


@dataclass
class Stored:
    relpath: str
    sha256: str
    version: str  # the history file name of this version


def state_dir(project: Project) -> Path:
    return project.root / STATE_DIR


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@contextmanager
def section_lock(project: Project, agency: str, section_id: str):
    folder = state_dir(project) / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{agency}--{section_id}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def history_folder(project: Project, agency: str, section_id: str) -> Path:
    return state_dir(project) / HISTORY_DIR / agency / section_id


def _keep(project: Project, contribution_path: Path, agency: str, section_id: str, data: bytes) -> str:
    """A copy of `data` in the section's history (once per content); returns its name there."""
    digest = hashlib.sha256(data).hexdigest()
    folder = history_folder(project, agency, section_id)
    existing = [p for p in folder.glob(f"*-{digest[:16]}{contribution_path.suffix}")] if folder.is_dir() else []
    if existing:
        return existing[0].name
    name = f"{_now().strftime('%Y%m%dT%H%M%S.%fZ')}-{digest[:16]}{contribution_path.suffix}"
    write_atomically(folder / name, data)
    return name


def _current_files(project: Project, agency: str, section_id: str) -> list[Path]:
    folder = project.contributions_dir / agency
    return [folder / f"{section_id}.{fmt}" for fmt in DRAFT_FORMATS if (folder / f"{section_id}.{fmt}").is_file()]


def submit(project: Project, contribution: Contribution, data: bytes, who: str) -> Stored:
    """Store an upload the report card found readable; earlier versions go to the history first."""
    digest = hashlib.sha256(data).hexdigest()
    agency, section_id = contribution.agency, contribution.section_id
    with section_lock(project, agency, section_id):
        for current in _current_files(project, agency, section_id):
            if not current.is_symlink():
                _keep(project, current, agency, section_id, current.read_bytes())
        version = _keep(project, contribution.path, agency, section_id, data)
        write_atomically(contribution.path, data)
        for current in _current_files(project, agency, section_id):
            if current != contribution.path:  # the draft now comes in another format: one file per section
                current.unlink()
                sidecar = current.with_suffix(".yaml")
                if contribution.format == "md" and sidecar.is_file() and not sidecar.is_symlink():
                    _keep(project, sidecar, agency, section_id, sidecar.read_bytes())
                    sidecar.unlink()  # a Markdown draft carries its metadata in its front matter
    audit(project, who, "upload", contribution.relpath, digest, version=version)
    return Stored(contribution.relpath, digest, version)


def mark_final(project: Project, agency: str, section_id: str, who: str, status: str = "final") -> Stored | None:
    """Set the draft's status: in the .yaml sidecar of a Word/ODT draft, in a Markdown draft's front
    matter. None when the section has no draft yet."""
    with section_lock(project, agency, section_id):
        files = _current_files(project, agency, section_id)
        if not files:
            return None
        draft = files[0]
        if draft.suffix == ".md":
            text = draft.read_text(encoding="utf-8-sig")
            match = FRONT_MATTER.match(text)
            meta = (yaml.safe_load(match.group(1)) if match else None) or {}
            if not isinstance(meta, dict):
                meta = {}
            meta["status"] = status
            body = text[match.end():] if match else text
            header = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True)
            target, data = draft, f"---\n{header}---\n{body}".encode()
            _keep(project, draft, agency, section_id, draft.read_bytes())
        else:
            target = draft.with_suffix(".yaml")
            meta = {}
            if target.is_file() and not target.is_symlink():
                try:
                    meta = yaml.safe_load(target.read_text(encoding="utf-8")) or {}
                except (yaml.YAMLError, UnicodeDecodeError):
                    meta = {}
                if not isinstance(meta, dict):
                    meta = {}
            meta["status"] = status
            data = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True).encode("utf-8")
        write_atomically(target, data)
    digest = hashlib.sha256(data).hexdigest()
    relpath = target.relative_to(project.root).as_posix()
    audit(project, who, f"mark-{status}", relpath, digest)
    return Stored(relpath, digest, "")


def audit(project: Project, who: str, action: str, what: str, sha256: str, **extra) -> None:
    """One JSON line per change (and per refused upload): who, when, what, sha256."""
    entry = {"when": _now().isoformat(timespec="seconds"), "who": who, "action": action, "what": what,
             "sha256": sha256, **extra}
    path = state_dir(project) / AUDIT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)  # one write of one line in append mode: lines never interleave
    finally:
        os.close(fd)


def audit_entries(project: Project, limit: int = 200) -> list[dict]:
    path = state_dir(project) / AUDIT_FILE
    if not path.is_file():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines()[-limit:]:
        try:
            entries.append(json.loads(line))
        except ValueError:
            continue
    return list(reversed(entries))


