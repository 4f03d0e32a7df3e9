"""Where the report stands on the road from first draft to launch: who owes what, by when.

Every milestone names the least status each required section must have
reached by its date (draft < final < cleared). A section's status is the
lowest among the drafts it waits for; its due date for a milestone is the
milestone's date unless the outline moves it. Everything is computed for a
given day (`--as-of`), so past and future states can be seen and tested.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .inputs import Contribution
from .model import Milestone, Project, Section, status_rank

if TYPE_CHECKING:  # the registers' code (and Babel's country names) is loaded when a board has sheets to merge
    from .registers.merge import Overdue

MISSING = "missing"


def agency_status(section: Section, agency: str, contributions: list[Contribution]) -> str:
    """Where one agency's draft for a section stands; 'missing' until it arrives."""
    mine = [c.meta.status for c in contributions if c.section_id == section.id and c.agency == agency]
    return min(mine, key=status_rank) if mine else MISSING


def section_status(section: Section, contributions: list[Contribution]) -> str:
    """The lowest status among the drafts the section waits for; 'missing' while one has not arrived."""
    statuses = [agency_status(section, agency, contributions) for agency in section.expected]
    return MISSING if MISSING in statuses else min(statuses, key=status_rank)


def reached(status: str, wanted: str) -> bool:
    return status != MISSING and status_rank(status) >= status_rank(wanted)


def is_draft_report(project: Project, contributions: list[Contribution]) -> bool:
    """The draft mark stays until every required section is final or better."""
    return bool(blockers(project, contributions, "final"))


def blockers(project: Project, contributions: list[Contribution], wanted: str) -> list[Section]:
    """Required sections that have not reached `wanted`: what stops a release at that stage."""
    return [s for s in project.sections.values()
            if s.required and not reached(section_status(s, contributions), wanted)]


def next_month(day: dt.date) -> dt.date:
    """The first day of the month after `day`'s."""
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def due_date(section: Section, milestone: Milestone) -> dt.date:
    return section.due.get(milestone.id, milestone.date)


@dataclass
class SectionRow:
    section: Section
    status: str
    milestone: Milestone | None  # the earliest milestone the section has not reached yet
    due: dt.date | None
    days_late: int
    submitted: dt.date | None
    overdue_for: list[Milestone] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return self.days_late > 0


@dataclass
class AgencyDue:
    id: str
    owes: list[str]
    overdue: list[str]
    next_due: dt.date | None


@dataclass
class Board:
    as_of: dt.date
    rows: list[SectionRow]
    agencies: list[AgencyDue]
    next_milestone: Milestone | None
    blocking: list[str]
    registers: list[Overdue] = field(default_factory=list)  # each agency's register rows past their review

    def rows_by_id(self) -> dict[str, SectionRow]:
        return {row.section.id: row for row in self.rows}

    def to_json(self) -> dict:
        next_milestone = None
        if self.next_milestone:
            next_milestone = {
                "id": self.next_milestone.id, "date": self.next_milestone.date.isoformat(),
                "days_left": (self.next_milestone.date - self.as_of).days, "blocking": self.blocking,
            }
        return {
            "as_of": self.as_of.isoformat(),
            "next_milestone": next_milestone,
            "sections": [{
                "id": r.section.id, "title": r.section.title, "chapter": r.section.chapter_id,
                "lead": r.section.lead, "agencies": r.section.agencies, "status": r.status,
                "due": r.due.isoformat() if r.due else None, "milestone": r.milestone.id if r.milestone else None,
                "overdue": r.overdue, "days_late": r.days_late,
                "submitted": r.submitted.isoformat() if r.submitted else None,
            } for r in self.rows],
            "agencies": [{"id": a.id, "owes": a.owes, "overdue": a.overdue} for a in self.agencies],
            "registers": [{"agency": late.sheet.agency, "register": late.sheet.register, "path": late.sheet.relpath,
                           "rows": late.rows, "oldest": late.oldest.isoformat(), "review_months": late.months}
                          for late in self.registers],
        }


def board(project: Project, contributions: list[Contribution], submitted: dict[Path, dt.date],
          as_of: dt.date, sheets: list | None = None) -> Board:
    """The whole road on one day: each section's row, what each agency owes, what blocks the next milestone,
    and which of the agencies' register rows (`sheets`: registers.Sheet) are past their review."""
    rows = [_row(project, section, contributions, as_of, submitted) for section in project.sections.values()]
    upcoming = [m for m in project.milestones if m.date >= as_of]
    next_milestone = upcoming[0] if upcoming else None
    blocking = [s.id for s in blockers(project, contributions, next_milestone.status)] if next_milestone else []
    late = []
    if sheets:
        from .registers.merge import merge, overdue
        late = overdue(project, merge(project, sheets), as_of)
    return Board(as_of, rows, _agencies(project, contributions, rows), next_milestone, blocking, late)


def _row(project: Project, section: Section, contributions: list[Contribution], as_of: dt.date,
         dates: dict[Path, dt.date]) -> SectionRow:
    status = section_status(section, contributions)
    unmet = [m for m in project.milestones if not reached(status, m.status)]
    milestone = unmet[0] if unmet else None
    due = due_date(section, milestone) if milestone else None
    overdue_for = [m for m in unmet if due_date(section, m) < as_of] if section.required else []
    days_late = (as_of - due).days if due and section.required and due < as_of else 0
    mine = [dates[c.path] for c in contributions if c.section_id == section.id and c.path in dates]
    return SectionRow(section, status, milestone, due, days_late, max(mine, default=None), overdue_for)


def _agencies(project: Project, contributions: list[Contribution], rows: list[SectionRow]) -> list[AgencyDue]:
    """What each agency owes next: its own draft is behind the section's next milestone."""
    result = []
    for agency in project.agencies:
        owes, overdue, next_due = [], [], None
        for row in rows:
            section = row.section
            if row.milestone is None or not section.required or agency not in section.expected:
                continue
            if reached(agency_status(section, agency, contributions), row.milestone.status):
                continue
            owes.append(section.id)
            if row.overdue:
                overdue.append(section.id)
            next_due = min(filter(None, (next_due, row.due)))
        result.append(AgencyDue(agency, owes, overdue, next_due))
    return result
