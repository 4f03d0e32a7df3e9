"""The portal's own records in one SQLite file, .jointreport/portal.sqlite3: the tokens, the audit log,
the index of kept versions and the final marks. Drafts stay files in contributions/.

WAL mode with full synchronous commits: a record written is on the disk when the request is answered,
and readers (pages) never wait for a writer. Each thread has its own connection. The JSON files of
earlier versions (tokens.json, audit.log) are read into it once, on first start, and kept renamed
*.migrated. A file SQLite cannot read is `StateDamaged` (a plain 503 for visitors, a log line that
tells the editor what to do); a full disk is `DiskFull`.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

from ..errors import JointreportError

log = logging.getLogger("jointreport.web")

STATE_DIR = ".jointreport"
DB_FILE = "portal.sqlite3"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    id TEXT PRIMARY KEY, role TEXT NOT NULL, agency TEXT, hash TEXT NOT NULL UNIQUE, created TEXT NOT NULL,
    revoked TEXT, note TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY, at TEXT NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL, what TEXT NOT NULL,
    sha256 TEXT NOT NULL, extra TEXT NOT NULL DEFAULT '{}');
CREATE TABLE IF NOT EXISTS versions (
    seq INTEGER PRIMARY KEY, agency TEXT NOT NULL, section TEXT NOT NULL, relpath TEXT NOT NULL,
    name TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL, audit INTEGER NOT NULL REFERENCES audit(seq),
    pending INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS versions_by_section ON versions (agency, section);
CREATE TABLE IF NOT EXISTS finals (
    relpath TEXT PRIMARY KEY, agency TEXT NOT NULL, section TEXT NOT NULL, sha256 TEXT NOT NULL,
    audit INTEGER NOT NULL REFERENCES audit(seq));
"""
SQLITE_CORRUPT, SQLITE_FULL, SQLITE_NOTADB = 11, 13, 26


class StateDamaged(JointreportError):
    """The portal's records cannot be read: every request that needs them is a 503 until the editor acts."""

    def __init__(self, detail: str):
        super().__init__("the portal cannot read its own records just now; the report's editors have been told")
        self.detail = detail


class DiskFull(JointreportError):
    """The server's disk is full: nothing was changed, the agency's previous version is kept."""

    def __init__(self, alerted: bool = False):
        super().__init__("the server's disk is full; your previous version is kept. Try again later: the "
                         "report's editors have been told")
        self.alerted = alerted  # the editors' alert line is written once


class Records:
    """One project's records: `read` and `write` run SQL on this thread's connection."""

    def __init__(self, root: Path):
        self.folder = Path(root) / STATE_DIR
        self.path = self.folder / DB_FILE
        self.local = threading.local()
        self.migrated = threading.Lock()

    def connection(self) -> sqlite3.Connection:
        db = getattr(self.local, "db", None)
        if db is None:
            with self.errors():
                self.folder.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
                try:
                    db.row_factory = sqlite3.Row
                    db.execute("PRAGMA journal_mode=WAL")
                    db.execute("PRAGMA synchronous=FULL")
                    db.execute("PRAGMA foreign_keys=ON")
                    with self.migrated:
                        db.executescript(SCHEMA)
                        migrate(self, db)
                except BaseException:
                    db.close()
                    raise
            self.local.db = db
        return db

    @contextmanager
    def errors(self):
        """SQLite's errors as the portal's: damaged records, a full disk; anything else is a bug."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            code = getattr(exc, "sqlite_errorcode", None)
            if code == SQLITE_FULL or "disk is full" in str(exc):
                raise DiskFull() from None
            if code in (SQLITE_CORRUPT, SQLITE_NOTADB) or not isinstance(exc, sqlite3.OperationalError):
                self.forget()
                relative = f"{STATE_DIR}/{DB_FILE}"
                log.error("ALERT the portal's records (%s) cannot be read: %s. Stop the portal, move the file "
                          "aside (or restore it from a backup) and start it again", relative, exc)
                raise StateDamaged(f"{relative}: {exc}") from None
            raise

    def forget(self) -> None:
        db = getattr(self.local, "db", None)
        self.local.db = None
        if db is not None:
            db.close()

    def read(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        with self.errors():
            return self.connection().execute(sql, args).fetchall()

    @contextmanager
    def write(self):
        """A write transaction (BEGIN IMMEDIATE: writers take turns), committed to the disk at the end."""
        with self.errors():
            db = self.connection()
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")


def add_audit(db: sqlite3.Connection, at: str, who: str, action: str, what: str, sha256: str, **extra) -> int:
    """One line of the audit log (within the caller's transaction); returns its number."""
    cursor = db.execute("INSERT INTO audit (at, who, action, what, sha256, extra) VALUES (?, ?, ?, ?, ?, ?)",
                        (at, who, action, what, sha256, json.dumps(extra, ensure_ascii=False)))
    return cursor.lastrowid


def migrate(records: Records, db: sqlite3.Connection) -> None:
    """tokens.json and audit.log of earlier versions, read in once and kept as *.migrated."""
    done = db.execute("SELECT value FROM meta WHERE key = 'migrated'").fetchone()
    if done:
        return
    tokens, audit = records.folder / "tokens.json", records.folder / "audit.log"
    db.execute("BEGIN IMMEDIATE")
    try:
        if tokens.is_file():
            try:
                entries = json.loads(tokens.read_text(encoding="utf-8")).get("tokens", [])
                rows = [(t["id"], t["role"], t.get("agency"), t["hash"], t["created"], t.get("revoked"),
                         t.get("note", "")) for t in entries]
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                raise sqlite3.DatabaseError(f"{STATE_DIR}/tokens.json is not a token file jointreport wrote "
                                            f"({type(exc).__name__})") from None
            db.executemany("INSERT OR IGNORE INTO tokens VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        if audit.is_file():
            for line in audit.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    entry = json.loads(line)
                    add_audit(db, entry.pop("when"), entry.pop("who"), entry.pop("action"), entry.pop("what"),
                              entry.pop("sha256"), **entry)
                except (ValueError, KeyError, TypeError, AttributeError):
                    continue  # a torn last line of a killed write: nothing to keep
        db.execute("INSERT INTO meta VALUES ('migrated', datetime('now'))")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    for old in (tokens, audit):
        if old.is_file():
            old.replace(old.with_name(old.name + ".migrated"))


_open: dict[Path, Records] = {}
_opening = threading.Lock()


def records(root: Path) -> Records:
    """The records of the project at `root`, one `Records` per project in a process."""
    key = Path(root).resolve()
    with _opening:
        return _open.setdefault(key, Records(key))
