"""Cross-references that name nothing: the same resolution the assembly's numbering pass applies."""

from __future__ import annotations

from ..codes import finding
from ..model import Draft, Finding, Project
from ..numbering import mark_references, targets, unknown_references


def xref_findings(project: Project, drafts: list[Draft], intros: list) -> list[Finding]:
    """`xref/unknown-target` for each draft or chapter introduction whose `@fig:`/`@tbl:`/`@sec:` names no
    figure, table or heading of any draft, nor a section of the outline."""
    everywhere = set()
    for item in [*drafts, *intros]:
        everywhere |= targets(mark_references(item.blocks))
    sections = set(project.sections)
    findings = []
    for item in [*drafts, *intros]:
        unknown = unknown_references(item.blocks, everywhere, sections)
        if unknown:
            place = item.contribution.place if isinstance(item, Draft) else item.place
            names = ", ".join(f"@{key}" for key in dict.fromkeys(unknown))
            findings.append(finding("xref/unknown-target", place,
                                    f"{len(unknown)} cross-reference(s) to nothing in the report: {names}; "
                                    f"printed as \"Figure ??\" — add the {{#fig:…}} or {{#tbl:…}} label, or fix "
                                    f"the name", f'"@{unknown[0]}"'))
    return findings
