"""Drafts against the agreed outline: is each one in its place, and does each section keep its budget."""

from __future__ import annotations

from ..blocks import repeats_title
from ..codes import finding
from ..inputs import Contribution, Draft, drafts_in_order
from ..model import ACKNOWLEDGEMENTS, Finding, Place, Project, Section


def check_placement(project: Project, contributions: list[Contribution]) -> tuple[list[Finding], list[Contribution]]:
    """Findings about where drafts sit in the outline, and the drafts that may be assembled."""
    sections = project.sections
    findings: list[Finding] = []
    placed: dict[tuple[str, str], Contribution] = {}
    for contribution in sorted(contributions, key=lambda c: c.relpath):
        section = sections.get(contribution.section_id)
        problem = _placement_problem(project, section, contribution)
        if problem:
            findings.append(problem)
            continue
        key = (contribution.agency, contribution.section_id, contribution.lang)
        if key in placed:
            findings.append(finding("outline/duplicate-contribution", contribution.place,
                                    f"{contribution.agency} sent two drafts for {contribution.section_id!r} "
                                    f"({placed[key].relpath} is used); remove one of them"))
            continue
        placed[key] = contribution
    present = {section_id for _, section_id, lang in placed if lang == project.source_language}
    for section in sections.values():
        if section.required and section.id not in present:
            findings.append(finding(
                "outline/missing-section", Place(f"contributions/{section.lead}/", section.id, section.lead),
                f"no draft yet for required section {section.label}: "
                f"expected contributions/{section.lead}/{section.id}.docx (or .md, .odt)"))
    return findings, list(placed.values())


def _placement_problem(project: Project, section: Section | None, contribution: Contribution) -> Finding | None:
    if section is None:
        known = ", ".join(sorted(project.sections))
        return finding("outline/unknown-section", contribution.place,
                       f"no section {contribution.section_id!r} in chapters/outline.yaml; "
                       f"rename the file to one of: {known}")
    if contribution.agency not in section.agencies:
        return finding("outline/unassigned-agency", contribution.place,
                       f"{project.agencies[contribution.agency].short} is not lead or contributor of section "
                       f"{section.label}; left out of the build until "
                       f"chapters/outline.yaml lists {contribution.agency!r} under its contributors")
    return None


def check_word_budgets(project: Project, drafts: list[Draft]) -> list[Finding]:
    """A section's budget covers all its agencies' texts together; the finding goes on the lead's draft."""
    findings = []
    for section in project.sections.values():
        texts = drafts_in_order(section, drafts)
        if not section.words or not texts:
            continue
        low, high = section.words
        total = sum(d.words for d in texts)
        shares = "" if len(texts) == 1 else " (" + ", ".join(
            f"{project.agencies[d.contribution.agency].short} {d.words}" for d in texts) + ")"
        if total > high:
            findings.append(finding(
                "outline/over-budget", texts[0].contribution.place,
                f"section {section.label} has {total} words{shares}, budget {low}–{high}: cut about {total - high}"))
        elif total < low:
            findings.append(finding(
                "outline/under-budget", texts[0].contribution.place,
                f"section {section.label} has {total} words{shares}, budget {low}–{high}: about {low - total} short"))
    return findings


def check_duplicate_titles(project: Project, drafts: list[Draft]) -> list[Finding]:
    """outline/duplicate-title: a draft whose first heading repeats its section's title, which the assembly
    drops (the same `repeats_title` decides both)."""
    findings = []
    for draft in drafts:
        contribution = draft.contribution
        section = project.in_language(contribution.lang).sections.get(contribution.section_id)
        if section and repeats_title(draft.opening, (section.title, section.heading)):
            findings.append(finding("outline/duplicate-title", contribution.place,
                                    f"the draft opens with the heading \"{section.title}\", its section's title: the "
                                    "report prints it once, as the section heading, so the draft's own is left out"))
    return findings



def check_matter(project: Project, intros: dict) -> list[Finding]:
    """Front and back matter without its text yet, or naming an agreed block the terminology lacks."""
    place = Place("chapters/outline.yaml")
    findings = []
    for matter in project.matter:
        if matter.agreed and matter.agreed not in project.terminology.agreed:
            known = ", ".join(sorted(project.terminology.agreed)) or "none defined"
            findings.append(finding("agreed/unknown-block", place,
                                    f"{matter.id}: no agreed block {matter.agreed!r} in the terminology "
                                    f"(known: {known})"))
        elif not matter.agreed and matter.id != ACKNOWLEDGEMENTS and (matter.id, project.source_language) not in intros:
            findings.append(finding("outline/missing-matter", place,
                                    f"{matter.title!r} has no text yet: write chapters/{matter.id}.md "
                                    "(or give it an agreed block)"))
    return findings
