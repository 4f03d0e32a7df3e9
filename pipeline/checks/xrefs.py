"""Cross-references that name nothing: the same resolution the assembly's numbering pass applies."""

from __future__ import annotations

from ..codes import finding
from ..inputs import Draft
from ..model import Finding, Project
from ..numbering import references, targets, unknown_references


def xref_findings(project: Project, drafts: list[Draft], intros: list) -> list[Finding]:
    """`xref/unknown-target` for each draft or chapter introduction whose `@fig:`/`@tbl:`/`@sec:` names no
    figure, table or heading of any draft, nor a section of the outline. A draft's targets and references
    were found when it was converted (and cached with it)."""
    named = [(d.contribution.place, set(d.xref_targets), d.xref_keys) for d in drafts]
    named += [(intro.place, targets(intro.blocks), references(intro.blocks)) for intro in intros]
    everywhere = set().union(*(own for _, own, _ in named))
    sections = set(project.sections)
    findings = []
    for place, own, keys in named:
        unknown = unknown_references(keys, own, everywhere, sections)
        if unknown:
            names = ", ".join(f"@{key}" for key in dict.fromkeys(unknown))
            findings.append(finding("xref/unknown-target", place,
                                    f"{len(unknown)} cross-reference(s) to nothing in the report: {names}; "
                                    f"printed as \"Figure ??\" — add the {{#fig:…}} or {{#tbl:…}} label, or fix "
                                    f"the name", f'"@{unknown[0]}"'))
    return findings
