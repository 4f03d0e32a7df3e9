"""References: those a Word draft carries (Zotero, Mendeley citations) and the project's and agencies'
reference files, merged into one bibliography."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .. import bibliography
from ..buildcache import Store
from ..codes import finding
from ..errors import DraftError
from ..files import Unreadable, guarded_read
from ..inputs import Draft
from ..model import Finding, Place, Project
from ..pandoc import pandoc_version, run_pandoc

REFERENCES = "references.json"  # a Word draft's embedded citations' references (Zotero, Mendeley), as CSL JSON


def embedded_references(ast: dict, scratch: Path) -> None:
    """The references pandoc's `+citations` docx reader put in the draft's metadata, written beside its AST
    as CSL JSON (pandoc's own csljson writer turns its metadata back into CSL)."""
    references = ast.get("meta", {}).get("references")
    if not references:
        return
    document = {"pandoc-api-version": ast["pandoc-api-version"], "meta": {"references": references}, "blocks": []}
    try:
        out = run_pandoc(["-f", "json", "-t", "csljson"], stdin=json.dumps(document).encode(),
                         timeout=bibliography.PARSE_SECONDS, heap_mb=bibliography.PARSE_HEAP_MB)
    except DraftError:
        return  # the citations stay; their keys are then unknown (`cite/unknown-key`)
    (scratch / REFERENCES).write_bytes(out)


def draft_references(entry: Path) -> list[dict]:
    """The references a converted Word draft carries (none for other drafts)."""
    path = entry / REFERENCES
    if not path.is_file():
        return []
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return []
    if not isinstance(found, list):
        return []
    return [e for e in found if isinstance(e, dict) and str(e.get("id") or "").strip()]


def read_bibliography(project: Project, drafts: list[Draft]) -> tuple[bibliography.Bibliography, list[Finding]]:
    """Every source of references merged into one bibliography: the project's files, each agency's
    .bib/.json files (in agency order), then the Word drafts' embedded citations. A file that cannot be
    read is `input/unreadable` and left out."""
    sources, findings = [], []
    parsed = Store(project.build_dir / ".cache" / "references", pandoc_version())  # by content: read once
    candidates = [(project.root / name, bibliography.PROJECT_SCOPE, None) for name in bibliography.PROJECT_FILES]
    base = project.contributions_dir
    for agency in sorted(project.agencies):
        folder = base / agency
        if folder.is_dir() and not folder.is_symlink():
            candidates += [(path, bibliography.agency_scope(agency), agency) for path in sorted(folder.iterdir())
                           if path.suffix.lower() in bibliography.AGENCY_SUFFIXES and not path.name.startswith(".")]
    for path, scope, agency in candidates:
        if not (path.exists() or path.is_symlink()):
            continue
        place = Place(path.relative_to(project.root).as_posix(), agency=agency)
        try:
            data = guarded_read(path, bibliography.MAX_BIBLIOGRAPHY_BYTES)
            key = parsed.key(hashlib.sha256(data).hexdigest(), path.suffix.lower())
            entries = parsed.get_json(key)
            if entries is None:
                entries = bibliography.parse(data, path.suffix.lower())
                parsed.put_json(key, entries)
        except (Unreadable, DraftError) as exc:
            findings.append(finding("input/unreadable", place, str(exc)))
            continue
        sources.append(bibliography.ReferenceFile(place, scope, entries))
    for draft in drafts:
        if draft.references:
            sources.append(bibliography.ReferenceFile(draft.contribution.place, draft.contribution.relpath,
                                                      draft.references))
    parsed.prune()
    return bibliography.merge(sources), findings
