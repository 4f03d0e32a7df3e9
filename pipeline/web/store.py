"""Where uploads land: contributions/<agency>/<section>[.<lang>].<ext>, written in one step, every version kept.

A section's upload holds a lock (an flock, so other processes wait too). Its bytes go first to
.jointreport/history/<agency>/<section>/ (outside contributions/, so the build never reads them) and
reach the disk; then one transaction of the portal's records writes the audit line and the version
(pending); then the current file is replaced, and the version is marked done. A server stopped at any
point is set right at the next start (`recover`): a pending version is rolled forward from its kept
copy, a kept copy no record names was never current and goes, and left-over *.part and staging files
go. So the history lists exactly the versions that were current, each with its audit line.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import hashlib
import json
import logging
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import JointreportError
from ..files import write_atomically
from ..inputs import Contribution
from ..model import DRAFT_FORMATS, Project
from ..yamlfile import FRONT_MATTER
from .records import STATE_DIR, DiskFull, add_audit, records

log = logging.getLogger("jointreport.web")

HISTORY_DIR = "history"
STAGING_DIR = "staging"
PORTAL = "portal"  # who, for what the portal does on its own (a file found in place, a version recovered)


class UnreadableMetadata(JointreportError):
    """A Markdown draft whose front matter cannot be read: it cannot be marked until it is sent again mended."""

    def __init__(self):
        super().__init__("the lines between the --- lines at the top of your draft cannot be read, so it cannot "
                         "be marked final; correct them (or remove them), send the draft again, then mark it final")


@dataclass
class Stored:
    relpath: str
    sha256: str
    version: str  # the history file name of this version


def state_dir(project: Project) -> Path:
    return project.root / STATE_DIR


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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


@contextmanager
def disk_full_is_plain(project: Project):
    """ENOSPC (or a quota) anywhere while storing: the agency's previous version stays, the editors are told."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        alert_disk_full(project)
        raise DiskFull(alerted=True) from None
    except DiskFull as exc:
        if not exc.alerted:
            alert_disk_full(project)
            exc.alerted = True
        raise


def alert_disk_full(project: Project) -> None:
    free = shutil.disk_usage(state_dir(project).parent).free
    log.critical("ALERT the server's disk is full (%d MB free where the project lives): uploads are refused "
                 "until space is made; nothing was lost", free // 1_000_000)


def ensure_room(project: Project, size: int) -> None:
    """Room for the kept copy and the new file, with a margin for the records."""
    if shutil.disk_usage(project.root).free < 2 * size + 1_000_000:
        raise DiskFull()


def history_folder(project: Project, agency: str, section_id: str) -> Path:
    return state_dir(project) / HISTORY_DIR / agency / section_id


def draft_files(project: Project, agency: str, section_id: str, lang: str) -> list[Path]:
    """The agency's current draft of a section in one language, in whatever draft format it has."""
    folder = project.contributions_dir / agency
    infix = "" if lang == project.source_language else f".{lang}"
    return [folder / f"{section_id}{infix}.{fmt}" for fmt in DRAFT_FORMATS
            if (folder / f"{section_id}{infix}.{fmt}").is_file() and not (folder / f"{section_id}{infix}.{fmt}"
                                                                          ).is_symlink()]


def relpath(project: Project, path: Path) -> str:
    return path.relative_to(project.root).as_posix()


def keep(project: Project, path: Path, agency: str, section_id: str, data: bytes, suffix: str = "") -> str:
    """A durable copy of `data` in the section's history (once per content and name); its name there."""
    suffix = suffix or path.name[len(section_id):]  # '.docx', '.fr.docx', '.yaml'
    folder = history_folder(project, agency, section_id)
    name = f"{dt.datetime.now(dt.timezone.utc).strftime('%Y%m%dT%H%M%S.%fZ')}-{sha256(data)[:16]}{suffix}"
    known = records(project.root).read("SELECT name FROM versions WHERE agency = ? AND section = ? AND sha256 = ? "
                                       "AND relpath = ?", (agency, section_id, sha256(data), relpath(project, path)))
    if known and (folder / known[0]["name"]).is_file():
        return known[0]["name"]
    write_atomically(folder / name, data, durable=True)
    return name


def add_version(db, project: Project, path: Path, agency: str, section_id: str, name: str, data: bytes,
                who: str, action: str, pending: bool = False, **extra) -> int:
    """A version and its audit line, in the caller's transaction."""
    digest, what = sha256(data), relpath(project, path)
    seq = add_audit(db, _now(), who, action, what, digest, version=name, **extra)
    db.execute("INSERT INTO versions (agency, section, relpath, name, sha256, size, audit, pending) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               (agency, section_id, what, name, digest, len(data), seq, int(pending)))
    return seq


def latest_sha(project: Project, path: Path) -> str | None:
    rows = records(project.root).read("SELECT sha256 FROM versions WHERE relpath = ? ORDER BY seq DESC LIMIT 1",
                                      (relpath(project, path),))
    return rows[0]["sha256"] if rows else None


def keep_unrecorded(project: Project, agency: str, section_id: str, paths: list[Path]) -> list[tuple]:
    """Files in place the records do not know as current (put there by hand, or by git): kept first."""
    found = []
    for path in paths:
        data = path.read_bytes()
        if latest_sha(project, path) != sha256(data):
            found.append((path, keep(project, path, agency, section_id, data), data))
    return found


def submit(project: Project, contribution: Contribution, data: bytes, who: str) -> Stored:
    """Store an upload the report card found readable; what it replaces is in the history already. A later
    upload clears the final mark of the draft it replaces."""
    agency, section_id, lang = contribution.agency, contribution.section_id, contribution.lang
    target, digest = contribution.path, sha256(data)
    with section_lock(project, agency, section_id), disk_full_is_plain(project):
        ensure_room(project, len(data))
        replaced = draft_files(project, agency, section_id, lang)
        sidecar = target.with_suffix(".yaml")
        unmarked = without_final(sidecar) if contribution.format != "md" else None
        going = [p.with_suffix(".yaml") for p in replaced if contribution.format == "md" and p.suffix != ".md"
                 and p.with_suffix(".yaml").is_file()]  # Markdown carries its metadata in its front matter
        found = keep_unrecorded(project, agency, section_id, replaced + going + ([sidecar] if unmarked else []))
        version = keep(project, target, agency, section_id, data)
        cleared = unmarked and keep(project, sidecar, agency, section_id, unmarked)
        with records(project.root).write() as db:
            for path, name, kept in found:
                add_version(db, project, path, agency, section_id, name, kept, PORTAL, "found")
            add_version(db, project, target, agency, section_id, version, data, who, "upload", pending=True)
            if cleared:
                add_version(db, project, sidecar, agency, section_id, cleared, unmarked, who, "final-cleared")
            db.execute("DELETE FROM finals WHERE agency = ? AND section = ? AND relpath IN (%s)" % ",".join(
                "?" * (len(replaced) + 1)), (agency, section_id, *(relpath(project, p) for p in [target, *replaced])))
        put_in_place(project, target, data, replaced, (sidecar, unmarked) if cleared else None)
        with records(project.root).write() as db:
            db.execute("UPDATE versions SET pending = 0 WHERE relpath = ? AND pending = 1", (contribution.relpath,))
    return Stored(contribution.relpath, digest, version)


def put_in_place(project: Project, target: Path, data: bytes, replaced: list[Path], sidecar: tuple | None) -> None:
    """The new draft becomes the current file (durably); a draft of the same language in another format
    goes (it is in the history), and so does a Word draft's sidecar when Markdown, with its own front
    matter, replaces it."""
    write_atomically(target, data, durable=True)
    if sidecar:
        write_atomically(sidecar[0], sidecar[1], durable=True)
    for old in replaced:
        if old != target:
            old.unlink(missing_ok=True)
            if target.suffix == ".md" and old.with_suffix(".yaml") != target:
                old.with_suffix(".yaml").unlink(missing_ok=True)


def without_final(sidecar: Path) -> bytes | None:
    """A Word draft's sidecar with its final status taken back to draft, or None if it is not marked."""
    meta = read_sidecar(sidecar)
    if meta.get("status") in (None, "draft"):
        return None
    return yaml.safe_dump({**meta, "status": "draft"}, sort_keys=False, allow_unicode=True).encode()


def read_sidecar(path: Path) -> dict:
    if not path.is_file() or path.is_symlink():
        return {}
    try:
        meta = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return {}
    return meta if isinstance(meta, dict) else {}


def mark_final(project: Project, agency: str, section_id: str, lang: str, who: str, final: bool = True
               ) -> Stored | None:
    """Mark the agency's draft final (or withdraw the mark): in the .yaml sidecar of a Word/ODT draft, in
    a Markdown draft's front matter; the mark is in the records with its audit line. None when the
    section has no draft in that language."""
    status = "final" if final else "draft"
    with section_lock(project, agency, section_id), disk_full_is_plain(project):
        files = draft_files(project, agency, section_id, lang)
        if not files:
            return None
        draft = files[0]
        if draft.suffix == ".md":
            try:
                text = draft.read_text(encoding="utf-8-sig")
                match = FRONT_MATTER.match(text)
                meta = (yaml.safe_load(match.group(1)) if match else None) or {}
            except (UnicodeDecodeError, yaml.YAMLError):
                raise UnreadableMetadata() from None
            meta = {**(meta if isinstance(meta, dict) else {}), "status": status}
            body = text[match.end():] if match else text
            target = draft
            data = f"---\n{yaml.safe_dump(meta, sort_keys=False, allow_unicode=True)}---\n{body}".encode()
        else:
            target = draft.with_suffix(".yaml")
            data = yaml.safe_dump({**read_sidecar(target), "status": status}, sort_keys=False,
                                  allow_unicode=True).encode("utf-8")
        found = keep_unrecorded(project, agency, section_id, [p for p in (draft, target) if p.is_file()])
        name = keep(project, target, agency, section_id, data)
        with records(project.root).write() as db:
            for path, kept_name, kept in found:
                add_version(db, project, path, agency, section_id, kept_name, kept, PORTAL, "found")
            seq = add_version(db, project, target, agency, section_id, name, data, who, f"mark-{status}")
            db.execute("DELETE FROM finals WHERE relpath = ?", (relpath(project, draft),))
            if final:
                db.execute("INSERT INTO finals VALUES (?, ?, ?, ?, ?)",
                           (relpath(project, draft), agency, section_id, sha256(draft.read_bytes()), seq))
        write_atomically(target, data, durable=True)
    return Stored(relpath(project, target), sha256(data), name)


def audit(project: Project, who: str, action: str, what: str, digest: str, **extra) -> None:
    """One line of the audit log (refused uploads too): who, when, what, sha256."""
    with disk_full_is_plain(project), records(project.root).write() as db:
        add_audit(db, _now(), who, action, what, digest, **extra)


def as_entry(row) -> dict:
    return {"when": row["at"], "who": row["who"], "action": row["action"], "what": row["what"],
            "sha256": row["sha256"], **json.loads(row["extra"])}


def audit_entries(project: Project, limit: int = 200, prefix: str = "") -> list[dict]:
    """The newest lines of the audit log first (those about files under `prefix`, if given)."""
    rows = records(project.root).read("SELECT * FROM audit WHERE what LIKE ? ESCAPE '\\' ORDER BY seq DESC LIMIT ?",
                                      (prefix.replace("%", "\\%").replace("_", "\\_") + "%", limit))
    return [as_entry(row) for row in rows]


def history(project: Project, agency: str | None = None, limit: int = 500) -> list[dict]:
    """The versions that were current, newest first, each with its audit line."""
    rows = records(project.root).read(
        "SELECT v.agency, v.section, v.name, v.size, v.pending, a.* FROM versions v JOIN audit a ON a.seq = v.audit "
        "WHERE ? IS NULL OR v.agency = ? ORDER BY v.seq DESC LIMIT ?", (agency, agency, limit))
    return [{**as_entry(row), "agency": row["agency"], "section": row["section"], "name": row["name"],
             "size": row["size"]} for row in rows]


def history_use(project: Project, agency: str) -> tuple[int, int]:
    """How many versions an agency's history holds, and their bytes."""
    row = records(project.root).read("SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM versions "
                                     "WHERE agency = ?", (agency,))[0]
    return row["n"], row["bytes"]


def finals(project: Project) -> set[str]:
    """The drafts (by relpath) marked final through the portal and not withdrawn or replaced since."""
    return {row["relpath"] for row in records(project.root).read("SELECT relpath FROM finals")}
