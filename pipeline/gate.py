"""The gate phase: whether what was checked may be built, and at which stage of the road to launch.

Two rules, the same for every caller: errors stop the build unless it is
forced (drafts with errors are then still used; an error the build copes
with itself, as an unknown citation printed as typed, does not), and a release stage
(`--stage final`) opens only when every required section has reached the
status that milestone asks for.
"""

from __future__ import annotations

from .codes import stops_build
from .errors import BuildRefused, OptionError
from .inputs import Contribution
from .model import Finding, Project
from .timeline import blockers, section_status


def stage_status(project: Project, stage: str | None) -> str | None:
    """The status a release at milestone `stage` requires (draft, final or cleared); None without a stage."""
    if stage is None:
        return None
    milestones = {m.id: m for m in project.milestones}
    if stage not in milestones:
        known = ", ".join(milestones) or "none: report.yaml sets no milestones"
        raise OptionError("--stage", f"choose a milestone of report.yaml: {known}")
    return milestones[stage].status


def is_final(project: Project, stage: str | None) -> bool:
    """A release past the draft stage: what it cannot carry (missing translations) becomes an error."""
    return stage_status(project, stage) not in (None, "draft")


def gate(project: Project, findings: list[Finding], originals: list[Contribution], force: bool,
         stage: str | None) -> None:
    """Raise `BuildRefused` unless the build may go ahead."""
    errors = sum(stops_build(f) for f in findings)
    if errors and not force:
        raise BuildRefused(f"not building: {errors} error{'s' * (errors != 1)} (see above); "
                           "fix them, or build anyway with --force", project, findings)
    wanted = stage_status(project, stage)
    late = blockers(project, originals, wanted) if wanted else []
    if late:
        listing = "\n".join(f"  {s.number or '-':<5} {s.title} — {section_status(s, originals)}, "
                            f"lead {project.agencies[s.lead].short}" for s in late)
        raise BuildRefused(f"not releasing at stage {stage!r}: {len(late)} required section"
                           f"{'s' * (len(late) != 1)} not yet {wanted}:\n{listing}")
