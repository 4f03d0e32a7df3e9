"""What the portal sets right when it starts, after a server stopped at any point (kill -9, power cut):
left-over *.part files and staged uploads go; an upload recorded but not yet in place is rolled
forward from its kept copy; a kept copy no record names was never current and goes, unless it is the
file in place (then it is recorded). History files of versions before the records are indexed once."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from ..files import write_atomically
from ..model import Project
from .records import records
from .store import HISTORY_DIR, PORTAL, STAGING_DIR, add_version, sha256, state_dir

log = logging.getLogger("jointreport.web")


def recover(project: Project) -> None:
    state = state_dir(project)
    history = state / HISTORY_DIR
    removed = [p for folder in (project.contributions_dir, history) if folder.is_dir()
               for p in folder.rglob(".*.part") if p.is_file()]
    for part in removed:
        part.unlink(missing_ok=True)
    shutil.rmtree(state / STAGING_DIR, ignore_errors=True)
    if removed:
        log.warning("removed %d unfinished file(s) of an upload the server did not finish", len(removed))
    kept = {(p.parent.parent.name, p.parent.name, p.name): p for p in history.glob("*/*/*") if p.is_file()}
    state_records = records(project.root)
    indexed = state_records.read("SELECT value FROM meta WHERE key = 'history-indexed'")
    with state_records.write() as db:
        rows = db.execute("SELECT agency, section, name FROM versions")
        known = {(r["agency"], r["section"], r["name"]) for r in rows}
        for (agency, section, name), path in sorted(kept.items()):
            if (agency, section, name) in known:
                continue
            place = current_place(project, agency, section, name)
            data = path.read_bytes()
            if not indexed:  # kept before the portal had records: every one stays, with an audit line
                add_version(db, project, place, agency, section, name, data, PORTAL, "found",
                            note="kept before the portal's records")
            elif place.is_file() and sha256(place.read_bytes()) == sha256(data):
                add_version(db, project, place, agency, section, name, data, PORTAL, "found",
                            note="in place when the server stopped")
            else:
                path.unlink()
                log.warning("removed a kept copy of an upload that never became current (%s/%s)", agency, section)
        if not indexed:
            db.execute("INSERT INTO meta VALUES ('history-indexed', datetime('now'))")
        for row in db.execute("SELECT * FROM versions WHERE pending = 1").fetchall():
            roll_forward(project, row)
        db.execute("UPDATE versions SET pending = 0 WHERE pending = 1")


def current_place(project: Project, agency: str, section: str, name: str) -> Path:
    """The file in contributions/ a kept copy was a version of: its name ends in the suffix after the hash."""
    suffix = name.split("-", 1)[-1][16:]
    return project.root / "contributions" / agency / f"{section}{suffix}"


def roll_forward(project: Project, row) -> None:
    place = project.root / row["relpath"]
    copy = state_dir(project) / HISTORY_DIR / row["agency"] / row["section"] / row["name"]
    if place.is_file() and sha256(place.read_bytes()) == row["sha256"]:
        return
    write_atomically(place, copy.read_bytes(), durable=True)
    log.warning("finished putting in place an upload the server had recorded before it stopped (%s/%s)",
                row["agency"], row["section"])
