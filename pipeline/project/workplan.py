"""workplan.yaml: the joint workplan's activities, agencies and months, annexed to the report."""

from __future__ import annotations

import datetime as dt
import re

from ..model import Activity
from ..schema import Field, Validator, mark_of

WORKPLAN_FILE = "workplan.yaml"
MONTH = re.compile(r"^(\d{4})-(\d{2})$")

ACTIVITY = Field("map", fields={
    "title": Field("str", required=True, help="What the partners do together."),
    "deliverable": Field("str", default="", help="What comes out of it."),
    "agencies": Field("list", default=[], items=Field("str", required=True), help="Agency ids taking part."),
    "start": Field("any", required=True, help="First month, YYYY-MM."),
    "end": Field("any", required=True, help="Last month, YYYY-MM."),
    "milestone": Field("str", help="The milestone id it leads to (drawn darker in the chart)."),
})
WORKPLAN = Field("map", default={}, fields={
    "activities": Field("list", default=[], items=ACTIVITY, help="The joint workplan, annexed to the report."),
})


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
