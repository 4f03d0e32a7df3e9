"""chapters/outline.yaml: parts → chapters → sections, numbered, with their agencies, budgets and deadlines."""

from __future__ import annotations

import datetime as dt
import re

from ..model import Chapter, Matter, Milestone, Part, Section, pick
from ..schema import Field, Validator, mark_of

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]

SECTION = Field("map", fields={
    "id": Field("str", required=True, help="Names the drafts: contributions/<agency>/<id>.docx."),
    "title": Field("text", required=True, help="The section's title, or one per language."),
    "lead": Field("str", required=True, help="The agency id that leads the section."),
    "contributors": Field("list", default=[], items=Field("str", required=True),
                          help="Other agencies that send text for it."),
    "words": Field("list", items=Field("int", required=True), help="Word budget [min, max], all agencies together."),
    "required": Field("bool", default=True, help="false: the report can go out without it."),
    "contributors_required": Field("bool", default=False,
                                   help="true: the section also waits for its contributors' drafts."),
    "due": Field("any", help="The section's own deadline: a date (moves the first milestone) or "
                             "{milestone id: date}."),
})
CHAPTER = Field("map", fields={
    "id": Field("str", required=True, help="Names the editors' introduction chapters/<id>.md."),
    "title": Field("text", required=True, help="The chapter's title, or one per language."),
    "numbered": Field("bool", default=True, help="false for a foreword or an unnumbered chapter."),
    "sections": Field("list", required=True, items=SECTION, help="The chapter's sections, in reading order."),
})
PART = Field("map", fields={
    "id": Field("str", help="Optional: a part without one is part-1, part-2… by its position."),
    "title": Field("text", required=True, help="The part's title, or one per language."),
    "chapters": Field("list", required=True, items=CHAPTER, help="The part's chapters, in reading order."),
})
MATTER = Field("map", fields={
    "id": Field("str", required=True, help="Names its text: chapters/<id>.md (and chapters/<id>.<lang>.md)."),
    "title": Field("text", required=True, help="Its heading, or one per language."),
    "agreed": Field("str", help="An agreed block of the terminology to print instead of a file."),
})
OUTLINE = Field("map", required=True, fields={
    "front": Field("list", default=[], items=MATTER,
                   help="Unnumbered pieces before Part I, in order: foreword, key messages, executive summary; "
                        "`acknowledgements` without a file lists the drafts' authors by agency."),
    "parts": Field("list", required=True, items=PART, help="The report's parts, in reading order."),
    "back": Field("list", default=[], items=MATTER, help="Unnumbered pieces after the annexes, in order."),
})


def _due(value, milestones: list[Milestone], mark, validator: Validator) -> dict[str, dt.date]:
    """A section's own deadlines: one date moves its first milestone, a map moves the milestones it names."""
    if value is None:
        return {}
    def day(v):
        return v.date() if isinstance(v, dt.datetime) else v

    if isinstance(value, dt.date) and milestones:
        return {milestones[0].id: day(value)}
    known = {m.id for m in milestones}
    if isinstance(value, dict) and all(k in known and isinstance(v, dt.date) for k, v in value.items()):
        return {k: day(v) for k, v in value.items()}
    validator.error(mark, "due", f"should be a date or a map of milestone ids ({', '.join(sorted(known))}) to dates")
    return {}


def build_outline(raw, agencies: set[str], milestones: list[Milestone], language: str,
                  validator: Validator) -> tuple[list[Part], list[Matter], list[Matter]]:
    """Turn validated outline data into numbered parts and the front and back matter; cross-reference
    problems go to `validator`."""
    data = validator.check(raw, OUTLINE)
    if not data or not data["parts"]:
        if not validator.errors:
            validator.error(getattr(raw, "mark", None), "parts", "the outline has no parts")
        return [], [], []
    seen: set[tuple[str, str]] = set()
    parts, chapter_number = [], 0

    def claim(kind: str, ident: str | None, *path) -> None:
        mark = mark_of(raw, *path)
        if ident is None:
            return  # a missing id is reported once, as required
        if not ID_PATTERN.match(ident):
            validator.error(mark, "id", f"{kind} id {ident!r} must be lower-case letters, digits and hyphens")
        elif (kind, ident) in seen:
            validator.error(mark, "id", f"{kind} id {ident!r} is used twice")
        else:
            seen.add((kind, ident))

    for p, part in enumerate(data["parts"]):
        part["id"] = part["id"] or f"part-{p + 1}"
        claim("part", part["id"], "parts", p, "id")
        chapters = []
        for c, chapter in enumerate(part["chapters"] or []):
            claim("chapter", chapter["id"], "parts", p, "chapters", c, "id")
            number = ""
            if chapter["numbered"]:
                chapter_number += 1
                number = str(chapter_number)
            sections = []
            for s, section in enumerate(chapter["sections"] or []):
                where = ("parts", p, "chapters", c, "sections", s)
                claim("section", section["id"], *where, "id")
                for role, agency_ids in (("lead", [section["lead"]]), ("contributors", section["contributors"])):
                    for agency in agency_ids:
                        if agency not in agencies:
                            validator.error(mark_of(raw, *where, role), role,
                                            f"unknown agency {agency!r} in section {section['id']!r} "
                                            "(agencies are declared in report.yaml)")
                words = section["words"]
                if words is not None and (len(words) != 2 or words[0] > words[1]):
                    validator.error(mark_of(raw, *where, "words"), "words", "should be [min, max] with min ≤ max")
                    words = None
                sections.append(Section(
                    id=section["id"], title=pick(section["title"] or {}, language, language),
                    titles=section["title"] or {}, lead=section["lead"],
                    contributors=section["contributors"], chapter_id=chapter["id"],
                    number=f"{number}.{s + 1}" if number else "",
                    words=tuple(words) if words else None, required=section["required"],
                    contributors_required=section["contributors_required"],
                    due=_due(section["due"], milestones, mark_of(raw, *where, "due"), validator),
                ))
            chapters.append(Chapter(chapter["id"], pick(chapter["title"] or {}, language, language), number, sections,
                                    chapter["title"] or {}))
        parts.append(Part(part["id"], pick(part["title"] or {}, language, language),
                          ROMAN[p] if p < len(ROMAN) else str(p + 1), chapters, part["title"] or {}))
    chapter_ids = {c.id for p in parts for c in p.chapters}
    matter = {}
    for key in ("front", "back"):
        matter[key] = []
        for m, item in enumerate(data[key] or []):
            claim("front or back matter", item["id"], key, m, "id")
            if item["id"] in chapter_ids:
                validator.error(mark_of(raw, key, m, "id"), "id",
                                f"{item['id']!r} is also a chapter id (both would read chapters/{item['id']}.md)")
            if item["id"]:
                matter[key].append(Matter(item["id"], pick(item["title"] or {}, language, language),
                                          item["title"] or {}, item["agreed"]))
    return parts, matter["front"], matter["back"]
