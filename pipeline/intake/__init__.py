"""The read phase: every file the build uses, read once through one guard, converted once.

Agencies' drafts, the editors' chapter introductions and the joint
statements all come in through `files.guarded_read`: a symbolic link, an
empty or oversized file, a legacy encoding becomes one finding and is
skipped; it never stops the others. Drafts are converted each on its own to
pandoc's AST and cached by content hash, so a rebuild converts only what
changed. When each draft arrived is asked of git once. Nothing under
contributions/ is written. The jobs are in this package's modules: finding
the drafts (`discovery`), what a draft may hold (`limits`), converting and
caching (`conversion`), reference files (`references`), the editors' texts
(`texts`); this module gathers them into the project's `Sources`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import JointreportError
from ..files import Unreadable, guarded_read
from ..history import commit_dates
from ..inputs import Contribution, Sources
from ..inventory import inventory
from ..model import Project
from ..registers.sheets import read_sheets
from ..translation.records import read_records
from .conversion import convert_all
from .discovery import IGNORED, MAX_DRAFT_BYTES, discover, read_draft, read_metadata
from .references import read_bibliography
from .texts import read_intros, read_statements, translated_text_dates


def read_project(project: Project, convert: bool = True) -> Sources:
    """Every input of the project. Without `convert`, only what the status board needs: the drafts'
    names, metadata and dates, which is instant."""
    found, findings = discover(project)
    sources = Sources([], findings=findings)
    if convert:
        sources.contributions, sources.drafts, findings = convert_all(project, found)
        sources.findings += findings
        sources.intros, findings = read_intros(project)
        sources.findings += findings
        sources.statements, findings = read_statements(project)
        sources.findings += findings
        sources.bibliography, findings = read_bibliography(project, sources.drafts)
        sources.findings += findings
        sources.translations, findings = read_records(project)
        sources.findings += findings
        sources.files = inventory(project.root, project.contributions_dir, sources.contributions, IGNORED,
                                  MAX_DRAFT_BYTES)
        sources.templates = read_templates(project)
    else:
        for contribution in found:
            try:
                contribution.meta, _ = read_metadata(contribution, read_draft(contribution))
            except Unreadable:
                continue
            sources.contributions.append(contribution)
    sources.registers, findings = read_sheets(project)  # the registers' rows, for the board too
    sources.findings += findings
    sources.submitted = submission_dates(project, sources.contributions)
    sources.submitted.update(translated_text_dates(project, sources.intros))
    return sources


CHECKED_TEMPLATES = ("report.typ", "statement.typ", "workplan.typ", "reference.docx")  # whose colours check reads
MAX_TEMPLATE_BYTES = 20_000_000


def read_templates(project: Project) -> dict[str, bytes]:
    """The project's own look files (templates/<name>) whose text colours the check judges; one that cannot
    be read is left for the build to report."""
    found = {}
    for name in CHECKED_TEMPLATES:
        try:
            if project.overrides(name):
                found[name] = guarded_read(project.template(name), MAX_TEMPLATE_BYTES)
        except (JointreportError, Unreadable):
            continue
    return found


def submission_dates(project: Project, contributions: list[Contribution]) -> dict[Path, dt.date]:
    """When each draft arrived: its metadata says so, else its last commit in git, else its file time."""
    committed = commit_dates(project.root) if contributions else {}
    dates = {}
    for c in contributions:
        dates[c.path] = (c.meta.submitted or committed.get(c.relpath)
                         or dt.date.fromtimestamp(c.path.lstat().st_mtime))
    return dates
