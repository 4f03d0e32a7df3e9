"""Where the report stands on the road from first draft to launch."""

from __future__ import annotations

from .model import Draft, Project, Section, status_rank


def section_status(section: Section, drafts: list[Draft]) -> str | None:
    """The lead's draft decides a section's status; None when the lead has sent nothing yet."""
    lead = [d for d in drafts if d.contribution.section_id == section.id and d.contribution.agency == section.lead]
    return min((d.contribution.meta.status for d in lead), key=status_rank, default=None)


def is_draft_report(project: Project, drafts: list[Draft]) -> bool:
    """The draft mark stays until every required section is final or better."""
    final = status_rank("final")
    for section in project.sections.values():
        status = section_status(section, drafts)
        if section.required and (status is None or status_rank(status) < final):
            return True
    return False
