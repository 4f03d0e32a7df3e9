"""What the last build made, and from what: so a rebuild with nothing changed renders nothing.

Two levels, both under build/.cache/:
- the whole build: a fingerprint of every input file's name, size and change
  time (as make does), the options and the versions. When it matches the
  last successful build and that build's outputs are still as written, the
  build is done without reading a draft.
- each output: a digest of the assembled document and of everything its
  renderer reads (templates, project texts, versions). An edition whose
  document did not change is not rendered again.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from . import __version__
from .files import write_atomically
from .history import git
from .model import Document, Finding, Project
from .tree import as_json

PACKAGE = Path(__file__).resolve().parent
STATE_FILE = "build-state.json"
CHECK_FILE = "check-state.json"


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


def file_states(root: Path) -> list[tuple[str, int, int]]:
    """(name, size, change time) of every file of the project: what `make` would look at."""
    entries = []
    for path in _project_files(root):
        stat = path.lstat()
        entries.append((path.relative_to(root).as_posix(), stat.st_size, stat.st_mtime_ns))
    return entries


def _package_state() -> list[tuple[str, int, int]]:
    """jointreport's own files, so a changed installation (even under the same version) builds anew."""
    return file_states(PACKAGE)


@functools.cache
def installation() -> str:
    """A digest of jointreport's version and files: what made a cached piece of work must still be here."""
    return _sha(json.dumps([__version__, _package_state()]).encode())[:16]


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
        if self.folder.is_dir():
            for stale in self.folder.iterdir():
                if stale.name not in self.used and stale.is_file():
                    stale.unlink(missing_ok=True)


def fingerprint(project: Project, options: dict, versions: dict) -> str:
    """Names, sizes and change times of every file of the project, its last commit, the options and the
    tool versions."""
    entries = file_states(project.root)
    head = git(project.root, "rev-parse", "HEAD")  # a commit changes when drafts count as submitted
    payload = {"files": entries, "options": options, "versions": {**versions, "jointreport": __version__},
               "package": _package_state(),
               "commit": head.stdout.strip() if head is not None and head.returncode == 0 else None}
    return _sha(json.dumps(payload, sort_keys=True, default=str).encode())


def document_digest(document: Document, fmt: str, templates: list[Path], versions: dict) -> str:
    """Everything a renderer turns into the output file."""
    project = document.project
    digest = hashlib.sha256()
    for text in document.block_json:
        digest.update(text)
    digest.update(json.dumps([fmt, document.is_draft, sorted(document.media),
                              [asdict(h) for h in document.headings], versions, __version__,
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

    def unchanged_build(self, fingerprint: str) -> tuple[list[Finding], int, list[Path]] | None:
        """The last build's findings, draft count and outputs, when nothing changed since and its outputs
        are as it wrote them; else None."""
        if fingerprint != self.state.fingerprint or self.state.findings is None:
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

    def save(self, fingerprint: str, findings: list[Finding], drafts: int, outputs: list[Path]) -> None:
        kept = {p.relative_to(self.root).as_posix() for p in outputs}
        state = State(fingerprint, [f.to_json() for f in findings], drafts,
                      {k: v for k, v in self.outputs.items() if k in kept})
        write_atomically(self.path, json.dumps(asdict(state), indent=1, sort_keys=True).encode("utf-8"))
