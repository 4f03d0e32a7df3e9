"""The portal's upload rules: where an agency's draft for a section may go, and its report card.

A request names an outline section and a file; the place on disk is decided here from the outline and
the draft's format, never from a path the request names. The card is the recipe's read and check
phases on the draft's chapter, with the upload in place of the agency's earlier draft.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..checks import check as check_phase
from ..codes import finding, with_severities
from ..errors import JointreportError
from ..files import write_atomically
from ..inputs import Contribution, Draft, Sources
from ..intake import read_project
from ..intake.conversion import DraftCache, convert_all, read_and_convert
from ..intake.discovery import unusable_name
from ..intake.references import read_bibliography
from ..intake.texts import read_intros
from ..model import DRAFT_FORMATS, Finding, Project
from ..present import summary
from ..project import load_project
from .plain import for_agency


class UploadRefused(JointreportError):
    """An upload the project has no place for: `reason` is unknown-section, not-assigned or not-a-draft."""

    def __init__(self, reason: str, message: str, findings: list[Finding] | None = None):
        super().__init__(message)
        self.reason = reason
        self.findings = findings or []


def draft_target(project: Project, agency: str, section_id: str, fmt: str, lang: str = "") -> Contribution:
    """Where an agency's draft for a section lives: contributions/<agency>/<section>[.<lang>].<format> (a
    translation carries its language). The section must be an outline section of the agency's, the
    language one of the report's and the format a draft format, so no caller picks a path."""
    section = project.sections.get(section_id)
    if section is None or agency not in project.agencies:
        raise UploadRefused("unknown-section", f"no section {section_id[:60]!r} in the outline")
    if agency not in section.agencies:
        raise UploadRefused("not-assigned", f"{project.agencies[agency].short} is not lead or contributor of "
                                            f"section {section.label}")
    lang = lang or project.source_language
    if lang not in project.languages:
        raise UploadRefused("not-a-language", f"{lang[:20]!r} is not one of the report's languages "
                                              f"({', '.join(project.languages)})")
    name = f"{section_id}.{fmt}" if lang == project.source_language else f"{section_id}.{lang}.{fmt}"
    contribution = Contribution(project.contributions_dir / agency / name, agency, section_id, fmt,
                                f"contributions/{agency}/{name}", lang=lang)
    problem = unusable_name(fmt) if fmt in DRAFT_FORMATS or fmt == "doc" else (
        f"'.{fmt[:10]}' is not a draft format; send .docx, .odt or .md")
    if problem:
        raise UploadRefused("not-a-draft", problem, [finding("input/unreadable", contribution.place, problem)])
    return contribution


@dataclass
class Card:
    """One uploaded draft checked in the project's context: the focal point's report card."""

    project: Project
    contribution: Contribution
    draft: Draft | None
    findings: list[Finding]

    @property
    def readable(self) -> bool:
        return self.draft is not None and not any(f.code == "input/unreadable" for f in self.findings)


def report_card(root: Path, agency: str, section_id: str, fmt: str, data: bytes, as_of: dt.date | None = None,
                project: Project | None = None, lang: str = "") -> Card:
    """Everything wrong with one draft an agency sends for one section, before it is stored: whether it
    can be read, its Word hygiene, terminology and agreed language, the section's word budget with the
    other agencies' drafts already there, and the section's deadlines. The same checks `check` runs, on
    this draft only, in its chapter; conversions come from the content-hash cache, so only the new draft is
    converted."""
    project = project or load_project(root)
    target = draft_target(project, agency, section_id, fmt, lang)
    contribution, draft, findings = read_upload(project, target, data)
    if draft is None:
        return Card(project, contribution, None, with_severities(findings, project.severities))
    checked = check_phase(project, chapter_sources(project, contribution, draft, findings), as_of or dt.date.today())
    findings = [f for f in checked.findings if f.path == contribution.relpath
                or (f.section == section_id and f.code.startswith("timeline/"))]
    return Card(project, contribution, draft, sorted(findings, key=Finding.sort_key))


def read_upload(project: Project, target: Contribution, data: bytes) -> tuple[Contribution, Draft | None,
                                                                              list[Finding]]:
    """The upload read through the same guard as every draft read from contributions/, staged under
    .jointreport/ with the agency's metadata sidecar (if any) beside it; the contribution it returns is
    in its target place."""
    staging = project.root / ".jointreport" / "staging"
    staging.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=staging))
    try:
        staged = scratch / target.path.name
        write_atomically(staged, data)
        sidecar = target.path.with_suffix(".yaml")
        if target.format != "md" and sidecar.is_file() and not sidecar.is_symlink():
            shutil.copyfile(sidecar, staged.with_suffix(".yaml"))
        contribution = Contribution(staged, target.agency, target.section_id, target.format, target.relpath,
                                    lang=target.lang)
        _, draft, findings = read_and_convert(contribution, DraftCache.of(project))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    contribution.path = target.path
    return contribution, draft, findings


def chapter_sources(project: Project, contribution: Contribution, draft: Draft, findings: list[Finding]) -> Sources:
    """The read phase's view of the draft's chapter as `check` sees it with this draft in place of the
    agency's earlier one: acronyms are introduced once per chapter, the word budget counts every agency's
    text of the section, translations are compared with it. Only the chapter is converted (from the
    cache)."""
    listed = read_project(project, convert=False)  # names, metadata and dates only: instant
    chapter = next(c for c in project.chapters if any(s.id == contribution.section_id for s in c.sections))
    in_chapter = {s.id for s in chapter.sections}
    neighbours = [c for c in listed.contributions if c.section_id in in_chapter and not (
        c.agency == contribution.agency and c.section_id == contribution.section_id and c.lang == contribution.lang)]
    readable, drafts, _ = convert_all(project, neighbours)
    drafts = [draft, *drafts]
    intros, _ = read_intros(project, [chapter.id])
    submitted = {**listed.submitted, contribution.path: contribution.meta.submitted or dt.date.today()}
    sources = Sources([contribution, *readable], drafts, intros, {}, submitted, findings)
    sources.bibliography, _ = read_bibliography(project, drafts)  # its citations resolved as `check` does
    return sources


def card_context(card: Card, stored, codes: bool = False) -> dict:
    """The report card as plain data for the page, in the focal point's words (plain.py): no path, and
    finding codes only if the editors show them."""
    counts = summary(card.findings)
    section = card.project.sections.get(card.contribution.section_id)
    lang = card.contribution.lang
    return {"section": card.contribution.section_id, "heading": section.heading if section else "",
            "lang": lang if lang != card.project.source_language else "",
            "stored": bool(stored), "sha256": stored.sha256 if stored else "",
            "words": card.draft.words if card.draft else 0, "summary": counts,
            "verdict": ("cannot be read" if not card.readable else
                        "errors to fix" if counts["error"] else "warnings to look at" if counts["warning"]
                        else "all clear"),
            "findings": [for_agency(f, codes) for f in card.findings]}
