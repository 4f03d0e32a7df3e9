"""The registers' findings: every cell an annex cannot print (see registers/merge.py), a rejected variant
of an agreed term in a text cell (the annex prints the preferred term, as the report does everywhere), and
each agency's rows past their review period."""

from __future__ import annotations

import datetime as dt

from pandocfilters import Plain

from ..codes import finding
from ..model import Finding, Place, Project
from ..registers import Sheet
from ..registers.merge import Merged, Overdue, merge, overdue, rows_at
from ..textruns import inlines, text_runs
from .wording import rejected_terms


def register_findings(project: Project, sheets: list[Sheet], as_of: dt.date) -> list[Finding]:
    if not project.registers:
        return []
    merged = merge(project, sheets)
    return (merged.findings + rejected_in_cells(project, merged)
            + [stale(project, late) for late in overdue(project, merged, as_of)])


def rejected_in_cells(project: Project, merged: Merged) -> list[Finding]:
    """terms/rejected for each rejected variant in a text cell an annex prints, at that cell. The cells are
    read in the report's source language, like a draft that names no other."""
    findings = []
    for register_id, rows in merged.rows.items():
        texts = [c.id for c in project.registers[register_id].columns if c.type == "text"]
        for row in rows:
            for ident in (i for i in texts if row.values.get(i)):
                runs = text_runs([Plain(inlines(row.values[ident]))])
                findings += rejected_terms(project.terminology, runs, lambda run, phrase, at=row.cells[ident]: at,
                                           project.language, row.place)
    return findings


def stale(project: Project, late: Overdue) -> Finding:
    sheet, many = late.sheet, len(late.rows) > 1
    title = project.registers[sheet.register].title(project.language, project.language)
    return finding("registers/stale-rows", Place(sheet.relpath, agency=sheet.agency),
                   f"{len(late.rows)} row{'s' * many} of {title} last reviewed more than {late.months} months ago "
                   f"(the oldest on {late.oldest.isoformat()}): check {'them' if many else 'it'} and set the "
                   "Reviewed date to the day you did", location=rows_at(sheet, late.rows))
