"""What the project keeps of its translations, under translations/ (beside contributions/, in git):

- units/<agency>/<section>.json: each exported version of a source draft (by its sha256), its units'
  stable ids and hashes in reading order; `latest` is the last one exported. The editors' texts
  (chapters/<id>.md) are kept as those of an agency named `_chapters` (no agency id starts with "_").
- sources/<sha256>.<ext>: the bytes of each exported source version, so a translation returned weeks
  later is checked against the very text it was made from.
- <lang>/<agency>/<section>.json: what an accepted translation was made from: the source version, and
  each unit's id and hash then (paragraph-level staleness compares them with today's source); and the
  hash and likeness signature of each unit of the translation as written (`targets`), so a translation
  edited by hand since is aligned with it again unit by unit (see edited.py).
- memory.<lang>.tmx: the translation memory (see memory.py).

Every file is read through the guard; every write is atomic.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..codes import finding
from ..files import Unreadable, guarded_read, write_atomically
from ..model import Finding, Place, Project

FOLDER = "translations"
EDITORS = "_chapters"  # the "agency" of the editors' texts, chapters/<id>.md
MAX_RECORD_BYTES = 20_000_000
MAX_SOURCE_BYTES = 60_000_000  # as a draft (intake.MAX_DRAFT_BYTES)


@dataclass
class Registry:
    """The stable ids of one source draft's units, per exported version."""

    source: str
    versions: dict[str, list[list[str]]] = field(default_factory=dict)  # sha256 → [[id, hash], …]
    latest: str = ""

    def known(self, sha: str | None = None) -> list[tuple[str, str]]:
        return [tuple(pair) for pair in self.versions.get(sha or self.latest, [])]


@dataclass
class Record:
    """An accepted translation: which source version it translates, unit by unit."""

    source: str  # the source draft's path
    source_sha256: str
    translation: str  # the translation's path
    translation_sha256: str
    units: list[list[str]]  # [[id, hash of the source unit it translates], …] in reading order
    targets: list[list[str]] = field(default_factory=list)  # [[hash, signature], …] of the translation's units

    def known(self) -> list[tuple[str, str]]:
        return [tuple(pair) for pair in self.units]


def text_sha256(text: str) -> str:
    """What identifies a version of an editors' text: its text in UTF-8 (as `translate import` writes it;
    intake keeps the text, a byte-order mark aside)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def folder(project: Project) -> Path:
    return project.root / FOLDER


def registry_path(project: Project, agency: str, section: str) -> Path:
    return folder(project) / "units" / agency / f"{section}.json"


def record_path(project: Project, lang: str, agency: str, section: str) -> Path:
    return folder(project) / lang / agency / f"{section}.json"


def snapshot_path(project: Project, sha: str, fmt: str) -> Path:
    return folder(project) / "sources" / f"{sha}.{fmt}"


def memory_path(project: Project, lang: str) -> Path:
    return folder(project) / f"memory.{lang}.tmx"


def _read_json(path: Path) -> dict | None:
    if not (path.exists() or path.is_symlink()):
        return None
    data = json.loads(guarded_read(path, MAX_RECORD_BYTES).decode("utf-8"))
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    return data


def read_registry(project: Project, agency: str, section: str, source: str) -> Registry:
    data = _read_json(registry_path(project, agency, section))
    if data is None:
        return Registry(source)
    return Registry(str(data["source"]), {str(k): [list(map(str, pair)) for pair in v]
                                          for k, v in data["versions"].items()}, str(data["latest"]))


def write_registry(project: Project, agency: str, section: str, registry: Registry) -> None:
    _write_json(registry_path(project, agency, section), {"source": registry.source, "latest": registry.latest,
                                                          "versions": registry.versions})


def write_record(project: Project, lang: str, agency: str, section: str, record: Record) -> None:
    _write_json(record_path(project, lang, agency, section), record.__dict__)


def _write_json(path: Path, data: dict) -> None:
    write_atomically(path, (json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"))


def read_records(project: Project) -> tuple[dict[tuple[str, str, str], Record], list[Finding]]:
    """Every accepted translation's record: (agency, section, language) → Record; a damaged one is
    `input/unreadable` and left out (its translation is then judged by date, as one made by hand)."""
    records, findings = {}, []
    for lang in project.languages[1:]:
        base = folder(project) / lang
        if not base.is_dir() or base.is_symlink():
            continue
        for path in sorted(base.glob("*/*.json")):
            agency, section = path.parent.name, path.stem
            try:
                data = _read_json(path)
                records[(agency, section, lang)] = Record(
                    str(data["source"]), str(data["source_sha256"]), str(data["translation"]),
                    str(data["translation_sha256"]), [list(map(str, pair)) for pair in data["units"]],
                    [list(map(str, pair)) for pair in data.get("targets", [])])
            except (Unreadable, ValueError, KeyError, TypeError) as exc:
                findings.append(finding("input/unreadable", Place(path.relative_to(project.root).as_posix(),
                                                                  section, agency),
                                        f"the record of this translation cannot be read ({exc}); import the "
                                        "translation again"))
    return records, findings
