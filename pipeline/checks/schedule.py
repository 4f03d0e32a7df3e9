"""The drafting timeline as findings: what is overdue, and what falls due shortly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..codes import finding
from ..inputs import Contribution
from ..model import Finding, Place, Project, Section
from ..timeline import board, due_date


def timeline_findings(project: Project, contributions: list[Contribution], submitted: dict[Path, dt.date],
                      as_of: dt.date) -> list[Finding]:
    """timeline/overdue for required sections past due (once, for the latest milestone missed),
    timeline/due-soon for what falls due shortly."""
    findings = []
    for row in board(project, contributions, submitted, as_of).rows:
        section = row.section
        place = Place(_path_of(section, contributions), section.id, section.lead)
        if row.overdue_for:
            milestone, earlier = row.overdue_for[-1], row.overdue_for[:-1]
            late = (as_of - due_date(section, milestone)).days
            also = f"; also late for {', '.join(repr(m.title) for m in earlier)}" if earlier else ""
            findings.append(finding(
                "timeline/overdue", place,
                f"section {section.label} is {row.status}, but had to be {milestone.status} for "
                f"'{milestone.title}' by {due_date(section, milestone).isoformat()} ({late} days late{also})"))
        if section.required and row.due and not row.overdue and 0 <= (row.due - as_of).days <= project.due_soon_days:
            findings.append(finding(
                "timeline/due-soon", place,
                f"section {section.label} must be {row.milestone.status} for '{row.milestone.title}' "
                f"by {row.due.isoformat()} ({(row.due - as_of).days} days left)"))
    return findings


def _path_of(section: Section, contributions: list[Contribution]) -> str:
    lead = [c for c in contributions if c.section_id == section.id and c.agency == section.lead]
    return lead[0].relpath if lead else f"contributions/{section.lead}/"
