"""Check: every finding about every draft, in one deterministic list (Vale-style codes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .intake import convert_all, discover
from .model import SEVERITIES, Draft, Finding, Project
from .outline import check_placement, check_word_budgets


@dataclass
class CheckResult:
    findings: list[Finding]
    drafts: list[Draft]  # the drafts that have a place in the outline, ready to assemble

    def summary(self) -> dict[str, int]:
        return {severity: sum(f.severity == severity for f in self.findings) for severity in SEVERITIES}

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)


def check_project(project: Project, progress: Callable[[str], None] | None = None) -> CheckResult:
    contributions, findings = discover(project)
    placement_findings, placed = check_placement(project, contributions)
    drafts, conversion_findings = convert_all(project, contributions, progress)
    placed_paths = {c.path for c in placed}
    usable = [d for d in drafts if d.contribution.path in placed_paths]
    budget_findings = check_word_budgets(project, usable)
    everything = findings + placement_findings + conversion_findings + budget_findings
    return CheckResult(sorted(everything, key=Finding.sort_key), usable)
