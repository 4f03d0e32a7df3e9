"""The registers' findings: every cell an annex cannot print (see registers/merge.py), and each agency's
rows past their review period."""

from __future__ import annotations

import datetime as dt

from ..codes import finding
from ..model import Finding, Place, Project
from ..registers import Sheet
from ..registers.merge import Overdue, merge, overdue, rows_at


def register_findings(project: Project, sheets: list[Sheet], as_of: dt.date) -> list[Finding]:
    if not project.registers:
        return []
    merged = merge(project, sheets)
    return merged.findings + [stale(project, late) for late in overdue(project, merged, as_of)]


def stale(project: Project, late: Overdue) -> Finding:
    sheet, many = late.sheet, len(late.rows) > 1
    title = project.registers[sheet.register].title(project.language, project.language)
    return finding("registers/stale-rows", Place(sheet.relpath, agency=sheet.agency),
                   f"{len(late.rows)} row{'s' * many} of {title} last reviewed more than {late.months} months ago "
                   f"(the oldest on {late.oldest.isoformat()}): check {'them' if many else 'it'} and set the "
                   "Reviewed date to the day you did", location=rows_at(sheet, late.rows))
