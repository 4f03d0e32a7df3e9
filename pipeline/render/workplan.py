"""The joint workplan's month-by-month chart, drawn by Typst to a PNG so the DOCX and the PDF show the same
picture; cached by its content, so it is drawn again only when the workplan or the template changes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from .. import i18n
from ..files import write_atomically
from ..model import Activity, Project
from ..timeline import next_month
from .typst import compile_staged

CHART_TEMPLATE = "workplan.typ"


def months(activities: list[Activity]) -> list[dt.date]:
    first, last = min(a.start for a in activities), max(a.end for a in activities)
    result, day = [], first
    while day <= last:
        result.append(day)
        day = next_month(day)
    return result


def chart_png(project: Project) -> Path:
    """The chart of `project.workplan` as a PNG under build/.cache/."""
    activities = project.workplan
    names = {key: agency.short for key, agency in project.agencies.items()}
    axis = months(activities)
    index = {month: i for i, month in enumerate(axis)}
    data = json.dumps({
        "months": [i18n.short_month(m, project.language) for m in axis],
        "activities": [{
            "title": a.title, "agencies": ", ".join(names.get(x, x) for x in a.agencies),
            "first": index[a.start], "last": index[a.end], "milestone": a.milestone,
        } for a in activities],
    }, ensure_ascii=False, sort_keys=True)
    template = project.template(CHART_TEMPLATE).read_bytes()
    digest = hashlib.sha256(template + data.encode()).hexdigest()[:20]
    target = project.build_dir / ".cache" / f"workplan-{digest}.png"
    if not target.is_file():
        png = compile_staged(project.build_dir, CHART_TEMPLATE, {CHART_TEMPLATE: template}, {}, {"workplan": data},
                             "the workplan chart", output_format="png", ppi=200)
        write_atomically(target, png)
    return target


def chart_description(project: Project) -> str:
    """What the chart shows, in words and in the edition's language (its alt text, for those who cannot see
    it): each activity with its agencies and the months its bar spans."""
    lang = project.language
    names = {key: agency.short for key, agency in project.agencies.items()}

    def month(day: dt.date) -> str:
        return i18n.month_year(day, lang)

    lines = []
    for activity in project.workplan:
        span = month(activity.start) if activity.start == activity.end else \
            f"{month(activity.start)} – {month(activity.end)}"
        agencies = ", ".join(names.get(x, x) for x in activity.agencies)
        milestone = f", {i18n.text(lang, 'workplan_milestone')}" if activity.milestone else ""
        lines.append(f"{activity.title} ({agencies}): {span}{milestone}")
    return f"{i18n.text(lang, 'workplan_alt', count=len(lines))} {'; '.join(lines)}."
