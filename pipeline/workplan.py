"""The joint workplan: activities × agencies × months, published as an annex of the report.

The seeds' coalitions annex their workplans to their reports. The
month-by-month chart is typeset by Typst to a PNG, so the DOCX and the PDF
show the same picture.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import typst

from .errors import JointreportError
from .fonts import font_dir
from .schema import Field, Validator, mark_of
from .timeline import next_month

WORKPLAN_FILE = "workplan.yaml"
CHART_TEMPLATE = "workplan.typ"
MONTH = re.compile(r"^(\d{4})-(\d{2})$")

ACTIVITY = Field("map", fields={
    "title": Field("str", required=True),
    "deliverable": Field("str", default=""),
    "agencies": Field("list", default=[], items=Field("str", required=True)),
    "start": Field("any", required=True),
    "end": Field("any", required=True),
    "milestone": Field("str"),
})
WORKPLAN = Field("map", default={}, fields={"activities": Field("list", default=[], items=ACTIVITY)})


@dataclass(frozen=True)
class Activity:
    title: str
    deliverable: str
    agencies: tuple[str, ...]
    start: dt.date  # first day of the first month
    end: dt.date  # first day of the last month
    milestone: str | None


def _month(value, mark, keypath: str, validator: Validator) -> dt.date | None:
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, 1)
    match = MONTH.match(str(value)) if isinstance(value, str) else None
    if match and 1 <= int(match.group(2)) <= 12:
        return dt.date(int(match.group(1)), int(match.group(2)), 1)
    validator.error(mark, keypath, f"should be a month (YYYY-MM) or a date, got {value!r}")
    return None


def build_workplan(raw, agencies: set[str], milestones: set[str], validator: Validator) -> list[Activity]:
    data = validator.check(raw if raw is not None else {}, WORKPLAN) or {}
    activities = []
    for i, item in enumerate(data.get("activities") or []):
        if not item:
            continue
        where = ("activities", i)
        start = _month(item["start"], mark_of(raw, *where, "start"), f"activities[{i}].start", validator)
        end = _month(item["end"], mark_of(raw, *where, "end"), f"activities[{i}].end", validator)
        for agency in item["agencies"]:
            if agency not in agencies:
                validator.error(mark_of(raw, *where, "agencies"), f"activities[{i}].agencies",
                                f"unknown agency {agency!r} (agencies are declared in report.yaml)")
        if item["milestone"] and item["milestone"] not in milestones:
            validator.error(mark_of(raw, *where, "milestone"), f"activities[{i}].milestone",
                            f"unknown milestone {item['milestone']!r}")
        if start and end and end < start:
            validator.error(mark_of(raw, *where, "end"), f"activities[{i}].end", "ends before it starts")
        elif start and end:
            activities.append(Activity(item["title"], item["deliverable"], tuple(item["agencies"]), start, end,
                                       item["milestone"]))
    return activities


def months(activities: list[Activity]) -> list[dt.date]:
    first, last = min(a.start for a in activities), max(a.end for a in activities)
    result, day = [], first
    while day <= last:
        result.append(day)
        day = next_month(day)
    return result


def period(activity: Activity) -> str:
    start, end = activity.start.strftime("%b %Y"), activity.end.strftime("%b %Y")
    return start if start == end else f"{start} – {end}"


def chart_png(activities: list[Activity], agency_names: dict[str, str], template_path: Path, cache: Path) -> Path:
    """The month-by-month chart as a PNG, cached by its content."""
    axis = months(activities)
    index = {month: i for i, month in enumerate(axis)}
    data = json.dumps({
        "months": [m.strftime("%b") for m in axis],
        "activities": [{
            "title": a.title, "agencies": ", ".join(agency_names.get(x, x) for x in a.agencies),
            "first": index[a.start], "last": index[a.end], "milestone": a.milestone,
        } for a in activities],
    }, ensure_ascii=False, sort_keys=True)
    template = template_path.read_bytes()
    digest = hashlib.sha256(template + data.encode()).hexdigest()[:20]
    target = cache / f"workplan-{digest}.png"
    if target.is_file():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="workplan-", dir=cache))
    try:
        (staging / CHART_TEMPLATE).write_bytes(template)
        try:
            png = typst.compile(str(staging / CHART_TEMPLATE), root=str(staging), format="png", ppi=200,
                                font_paths=[str(font_dir())], ignore_system_fonts=True, sys_inputs={"workplan": data})
        except typst.TypstError as exc:
            raise JointreportError(f"the workplan chart could not be drawn:\n{exc.diagnostic or exc.message}") from None
        if isinstance(png, list):  # one image per page; the chart is one page tall
            png = png[0]
        (staging / "chart.png").write_bytes(png)
        (staging / "chart.png").replace(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
