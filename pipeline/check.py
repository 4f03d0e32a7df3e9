"""Check: every finding about every draft, in one deterministic list (Vale-style codes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .intake import DraftCache, convert, convert_all, discover, read_metadata, unusable
from .languages import language_findings
from .model import SEVERITIES, Contribution, Draft, Finding, Project
from .outline import check_placement, check_word_budgets
from .statement import check_statements
from .terminology import AcronymState, known_acronym_words
from .textruns import Locator
from .timeline import timeline_findings
from .wording import check_text, check_wording


@dataclass
class CheckResult:
    findings: list[Finding]
    drafts: list[Draft]  # the drafts that have a place in the outline, ready to assemble
    contributions: list[Contribution] = field(default_factory=list)  # placed source-language drafts, readable or not

    def summary(self) -> dict[str, int]:
        return {severity: sum(f.severity == severity for f in self.findings) for severity in SEVERITIES}

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)


def check_project(project: Project, progress: Callable[[str], None] | None = None,
                  as_of: dt.date | None = None, final_stage: bool = False) -> CheckResult:
    """Every finding about every draft. At a final stage (`build --stage final`), a missing
    translation is an error, not a warning."""
    contributions, findings = discover(project)
    placement_findings, placed = check_placement(project, contributions)
    drafts, conversion_findings = convert_all(project, contributions, progress)
    placed_paths = {c.path for c in placed}
    usable = [d for d in drafts if d.contribution.path in placed_paths]
    source = project.source_language
    originals = [c for c in placed if c.lang == source]
    everything = (
        findings + placement_findings + conversion_findings + check_statements(project)
        + check_word_budgets(project, [d for d in usable if d.contribution.lang == source])
        + check_wording(project, usable)
        + timeline_findings(project, originals, as_of or dt.date.today())
        + language_findings(project, usable, placed, strict=final_stage)
    )
    return CheckResult(sorted(everything, key=Finding.sort_key), usable, originals)


def placed_contributions(project: Project) -> list[Contribution]:
    """The drafts that have their place in the outline, with their metadata, without converting any:
    all the timeline needs, so `status` stays instant."""
    contributions, _ = discover(project)
    _, placed = check_placement(project, contributions)
    originals = [c for c in placed if c.lang == project.source_language]
    for contribution in originals:
        contribution.meta, _ = read_metadata(contribution)
    return originals


def check_file(project: Project, path: Path) -> CheckResult:
    """Check one loose draft against the project's terminology, before an agency sends it."""
    label = path.as_posix()
    contribution = Contribution(path.resolve(), "", path.name.split(".")[0], path.suffix.lower().lstrip("."), label)
    problem = unusable(path, contribution.format)
    if problem:
        return CheckResult([contribution.finding("input/unreadable", "error", problem)], [])
    draft, findings = convert(contribution, DraftCache.of(project))
    if draft:
        terminology = project.terminology
        state = AcronymState(known_acronym_words(project))
        findings += check_text(terminology, draft.blocks, Locator(path, contribution.format),
                               project.language, state, contribution.finding)
    return CheckResult(sorted(findings, key=Finding.sort_key), [draft] if draft else [])
