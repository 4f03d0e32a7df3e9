"""What the last build made, and from what: so a rebuild with nothing changed renders nothing.

Two levels, both under build/.cache/:
- the whole build: a fingerprint of every input file's name, size, times and
  inode, the options and the versions. When it matches the last successful
  build and that build's outputs are still as written, the build is done
  without reading a draft. The modification time alone is not enough: `cp -p`,
  rsync and sync clients write new bytes and set it back. The change time is
  set by the system on every write, so it tells, except where it cannot be
  trusted; there the file's bytes are compared (`Fingerprint`).
- each output: a digest of the assembled document and of everything its
  renderer reads (templates, project texts, versions). An edition whose
  document did not change is not rendered again.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import __version__
from .document import Document
from .files import write_atomically
from .history import git
from .model import Finding, Project
from .tree import as_json

PACKAGE = Path(__file__).resolve().parent
STATE_FILE = "build-state.json"
CHECK_FILE = "check-state.json"
# A file written again within the same tick of the file system's clock keeps its change time: one whose
# change time is this close to the moment the build looked at it may yet change unseen (git's "racy clean"
# entries), so its bytes are kept and compared. Clock ticks are a few milliseconds (ext4, XFS, APFS, NTFS)
# to 2 s (FAT, exFAT).
TIMESTAMP_GRANULARITY_NS = 2_000_000_000
# Whether the change time is the time of the last write: on Windows it is the creation time.
CHANGE_TIMES = os.name != "nt"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _project_files(root: Path):
    """Every file of the project but its outputs (build/) and hidden folders (.git, .venv…)."""
    for path in sorted(root.iterdir()):
        if path.name.startswith(".") or path.name == "build":
            continue
        if path.is_dir() and not path.is_symlink():
            yield from _project_files(path)
        else:
            yield path


def _stat(path: Path) -> os.stat_result:
    return path.lstat()


def _state(name: str, stat: os.stat_result) -> tuple[str, int, int, int, int]:
    return name, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino


def file_states(root: Path) -> list[tuple[str, int, int, int, int]]:
    """(name, size, modification time, change time, inode) of every file of the project: a write changes
    the change time even when the modification time is set back, a file replaced by another its inode."""
    return [_state(path.relative_to(root).as_posix(), _stat(path)) for path in _project_files(root)]


def _trusted(state: tuple[str, int, int, int, int], started: int) -> bool:
    """Whether a file's state alone shows any change to come: the system keeps change times and inodes,
    and the file was last changed well before `started` (not within one tick of the clock)."""
    _, _, modified, changed, inode = state
    return CHANGE_TIMES and inode != 0 and changed != 0 and max(modified, changed) < started - TIMESTAMP_GRANULARITY_NS


def _content_hash(path: Path) -> str:
    """The hash of a file's bytes (a symbolic link's target); "" for a file that cannot be read."""
    try:
        if path.is_symlink():
            return _sha(os.readlink(path).encode("utf-8", "surrogateescape"))
        with open(path, "rb") as file:
            return hashlib.file_digest(file, "sha256").hexdigest()
    except OSError:
        return ""


def _package_state() -> list[tuple[str, int, int, int, int]]:
    """jointreport's own files, so a changed installation (even under the same version) builds anew; not
    the bytecode Python writes beside them the first time a module is imported (a command importing a
    module no command had imported before would otherwise make every cached piece of work stale)."""
    return [state for state in file_states(PACKAGE) if "__pycache__/" not in state[0]]


@functools.cache
def installation() -> str:
    """A digest of jointreport's version and files: what made a cached piece of work must still be here."""
    return _sha(json.dumps([__version__, _package_state()]).encode())[:16]


BEING_WRITTEN_SECONDS = 600  # a `.part` younger than this is another's write in progress; older, a crash's


class Store:
    """Pieces of work (a draft's adopted blocks, its wording findings, a chunk's Typst) kept under a
    folder of build/.cache/ by a digest of everything they were made from: `context`, which all the
    store's pieces depend on (the glossary, the language, …), jointreport itself, and each piece's own
    key parts (its draft's content hash, its place in the report). A rebuild redoes only the pieces
    whose inputs changed; `prune` drops the pieces no longer asked for, so the folder stays the size of
    one report."""

    def __init__(self, folder: Path, context: str = ""):
        self.folder = folder
        self.salt = f"{installation()}|{context}|".encode()
        self.used: set[str] = set()

    def key(self, *parts) -> str:
        return _sha(self.salt + json.dumps(parts, default=str).encode())[:32]

    def get(self, key: str) -> bytes | None:
        self.used.add(key)
        try:
            return (self.folder / key).read_bytes()
        except OSError:
            return None

    def put(self, key: str, data: bytes) -> None:
        self.used.add(key)
        write_atomically(self.folder / key, data)

    def get_json(self, key: str):
        data = self.get(key)
        try:
            return json.loads(data) if data is not None else None
        except ValueError:
            return None

    def put_json(self, key: str, value) -> None:
        self.put(key, as_json(value))

    def prune(self) -> None:
        """Drop the pieces this run did not ask for; not a piece another thread or process is writing now
        (a recent `.part`: the portal's conversions share the stores)."""
        if not self.folder.is_dir():
            return
        for stale in self.folder.iterdir():
            with contextlib.suppress(OSError):  # gone meanwhile: another's prune, or its write done
                if stale.name in self.used or not stale.is_file():
                    continue
                if stale.suffix == ".part" and time.time() - stale.stat().st_mtime < BEING_WRITTEN_SECONDS:
                    continue
                stale.unlink()


@dataclass(frozen=True)
class Fingerprint:
    """What a build is made from, as it started: `digest` of the states of every file of the project (and
    of the files `outside` it a command reads), its last commit, the options and the tool versions;
    `contents`, the hash of each file whose state cannot be trusted to show a change (`_trusted`)."""

    digest: str
    contents: dict[str, str] = field(default_factory=dict)


def proofs_kept(build_dir: Path) -> list[Path]:
    """The files where the last proof of each PDF keeps its findings for `check` (pipeline/proof.py)."""
    return sorted((build_dir / ".cache" / "proof").glob("*.findings.json"))


def fingerprint(project: Project, options: dict, versions: dict, outside: tuple[Path, ...] = ()) -> Fingerprint:
    started = time.time_ns()
    root = project.root
    entries = file_states(root) + [_state(str(path.resolve()), _stat(path)) for path in outside]
    contents = {entry[0]: _content_hash(root / entry[0]) for entry in entries if not _trusted(entry, started)}
    head = git(root, "rev-parse", "HEAD")  # a commit changes when drafts count as submitted
    payload = {"files": entries, "options": options, "versions": {**versions, "jointreport": __version__},
               "package": _package_state(),
               "commit": head.stdout.strip() if head is not None and head.returncode == 0 else None}
    return Fingerprint(_sha(json.dumps(payload, sort_keys=True, default=str).encode()), contents)


def document_digest(document: Document, fmt: str, templates: list[Path], versions: dict) -> str:
    """Everything a renderer turns into the output file, and the renderer itself (jointreport's files: a
    renderer mended under the same version writes the file again)."""
    project = document.project
    digest = hashlib.sha256()
    for text in document.block_json:
        digest.update(text)
    digest.update(json.dumps([fmt, document.is_draft, sorted(document.media),
                              [asdict(h) for h in document.headings], versions, __version__, installation(),
                              [project.title, project.subtitle, project.coalition, project.edition, project.language,
                               project.date, [asdict(a) for a in project.agencies.values()],
                               [asdict(a) for a in project.workplan], project.logo, project.annex_dividers]],
                             sort_keys=True, default=str).encode())
    for path in templates + project.logo_files:
        digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass
class State:
    """The last successful build: its fingerprint, its findings, and each output's digests."""

    fingerprint: str = ""
    findings: list[dict] | None = None
    drafts: int = 0
    outputs: dict | None = None  # relative path → {"made_from": digest, "sha256": of its bytes}
    contents: dict | None = None  # the files whose state could not be trusted: name → hash of their bytes


class BuildCache:
    def __init__(self, project: Project, state_file: str = STATE_FILE):
        self.root = project.root
        self.path = project.build_dir / ".cache" / state_file
        try:
            self.state = State(**json.loads(self.path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            self.state = State()
        self.outputs = dict(self.state.outputs or {})

    def _intact(self, relpath: str) -> bool:
        path = self.root / relpath
        recorded = self.outputs.get(relpath)
        return bool(recorded) and path.is_file() and _sha(path.read_bytes()) == recorded["sha256"]

    def unchanged_build(self, fingerprint: Fingerprint) -> tuple[list[Finding], int, list[Path]] | None:
        """The last build's findings, draft count and outputs, when nothing changed since (the files whose
        state it could not trust hold the same bytes) and its outputs are as it wrote them; else None."""
        if fingerprint.digest != self.state.fingerprint or self.state.findings is None:
            return None
        for name, digest in (self.state.contents or {}).items():
            if (fingerprint.contents.get(name) or _content_hash(self.root / name)) != digest:
                return None
        if not all(self._intact(relpath) for relpath in self.outputs):
            return None
        findings = [Finding(**item) for item in self.state.findings]
        return findings, self.state.drafts, [self.root / relpath for relpath in self.outputs]

    def fresh(self, output: Path, made_from: str) -> bool:
        """The output exists as written from the same inputs: no need to render it again."""
        relpath = output.relative_to(self.root).as_posix()
        return self._intact(relpath) and self.outputs[relpath]["made_from"] == made_from

    def record(self, output: Path, made_from: str) -> None:
        self.outputs[output.relative_to(self.root).as_posix()] = {"made_from": made_from,
                                                                  "sha256": _sha(output.read_bytes())}

    def save(self, fingerprint: Fingerprint, findings: list[Finding], drafts: int, outputs: list[Path]) -> None:
        kept = {p.relative_to(self.root).as_posix() for p in outputs}
        state = State(fingerprint.digest, [f.to_json() for f in findings], drafts,
                      {k: v for k, v in self.outputs.items() if k in kept}, fingerprint.contents)
        write_atomically(self.path, json.dumps(asdict(state), indent=1, sort_keys=True).encode("utf-8"))
