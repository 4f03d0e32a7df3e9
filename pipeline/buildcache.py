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

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from . import __version__
from .files import write_atomically
from .model import Document, Finding, Project

INPUT_FOLDERS = ("contributions", "chapters", "statements", "templates")
INPUT_FILES = ("report.yaml", "terminology.yaml", "workplan.yaml")
STATE_FILE = "build-state.json"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fingerprint(project: Project, options: dict, versions: dict) -> str:
    """Names, sizes and change times of every input file, with the build's options and tool versions."""
    entries = []
    for name in INPUT_FOLDERS:
        folder = project.root / name
        if folder.is_dir() and not folder.is_symlink():
            for path in sorted(folder.rglob("*")):
                stat = path.lstat()
                entries.append((path.relative_to(project.root).as_posix(), stat.st_size, stat.st_mtime_ns))
    for name in INPUT_FILES:
        path = project.root / name
        if path.exists() or path.is_symlink():
            stat = path.lstat()
            entries.append((name, stat.st_size, stat.st_mtime_ns))
    payload = {"files": entries, "options": options, "versions": {**versions, "jointreport": __version__}}
    return _sha(json.dumps(payload, sort_keys=True, default=str).encode())


def document_digest(document: Document, fmt: str, templates: list[Path], versions: dict) -> str:
    """Everything a renderer turns into the output file."""
    project = document.project
    digest = hashlib.sha256()
    digest.update(json.dumps([fmt, document.blocks, document.is_draft, sorted(document.media),
                              [asdict(h) for h in document.headings], versions, __version__,
                              [project.title, project.subtitle, project.coalition, project.edition, project.language,
                               project.date, [asdict(a) for a in project.agencies.values()],
                               [asdict(a) for a in project.workplan]]],
                             sort_keys=True, default=str).encode())
    for path in templates:
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
    def __init__(self, project: Project):
        self.root = project.root
        self.path = project.build_dir / ".cache" / STATE_FILE
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
        if fingerprint != self.state.fingerprint or not self.outputs or self.state.findings is None:
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
