"""Findings as people and scripts read them (grouped coloured text, or stable JSON), and the glossary."""

from __future__ import annotations

import json
import re
from collections import Counter
from itertools import groupby

import click

from .model import SEVERITIES, Finding, Project, Terminology

COLOURS = {"error": "red", "warning": "yellow", "info": "cyan"}
# What must never reach a terminal raw from a file name or a draft's text: control characters (newlines
# that would split a finding, ANSI escapes that would recolour or rewrite the screen), Unicode line
# separators, the bidirectional controls that make text read backwards ("Trojan Source"), and the bytes of a
# file name that is not UTF-8 (Python keeps them as lone surrogates).
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def terminal_safe(text: str) -> str:
    """`text` with every unsafe character written as \\uXXXX, so one finding is always one line."""
    return UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def summary(findings: list[Finding]) -> dict[str, int]:
    return {severity: sum(f.severity == severity for f in findings) for severity in SEVERITIES}


def as_json(findings: list[Finding]) -> str:
    payload = {"findings": [f.to_json() for f in findings], "summary": summary(findings)}
    return json.dumps(payload, indent=2, ensure_ascii=False)


def summary_line(findings: list[Finding], drafts: int) -> str:
    parts = [f"{n} {severity}{'s' * (n != 1 and severity != 'info')}" for severity, n in summary(findings).items()]
    return f"{', '.join(parts)} — {drafts} draft{'s' * (drafts != 1)} ready to assemble"


def as_text(project: Project, findings: list[Finding], drafts: int) -> str:
    """Grouped by agency, then file: what a focal point forwards to the colleague who must fix it."""
    lines = []
    for agency_id, by_agency in groupby(findings, key=lambda f: f.agency or ""):
        agency = project.agencies.get(agency_id)
        if agency_id:  # a loose file checked with `terms --check` belongs to no agency yet
            lines.append(click.style(terminal_safe(f"{agency.short} — {agency.name}" if agency else agency_id),
                                     bold=True))
        for path, by_file in groupby(by_agency, key=lambda f: f.path):
            lines.append(f"  {terminal_safe(path)}")
            for finding in by_file:
                severity = click.style(f"{finding.severity:<7}", fg=COLOURS[finding.severity])
                where = f"{finding.location}: " if finding.location else ""
                lines.append(f"    {severity} {finding.code:<28} {terminal_safe(where + finding.message)}")
        lines.append("")
    codes = Counter(f.code for f in findings)
    if len(codes) > 1:
        lines.append("By code: " + ", ".join(f"{code} {n}" for code, n in sorted(codes.items())))
    lines.append(summary_line(findings, drafts))
    return "\n".join(lines)


def glossary(terminology: Terminology) -> str:
    """The agreed terms, acronyms and agreed blocks as aligned text tables."""
    lines = [click.style("Terms", bold=True)]
    width = max((len(t.preferred) for t in terminology.terms), default=10)
    for term in terminology.terms:
        note = click.style(f"  — {term.note}", dim=True) if term.note else ""
        lines.append(f"  {term.preferred:<{width}}  instead of: {', '.join(term.reject)}{note}")
    lines += ["", click.style("Acronyms", bold=True)]
    width = max((len(a) for a in terminology.acronyms), default=4)
    for acronym, expansions in sorted(terminology.acronyms.items()):
        lines.append(f"  {acronym:<{width}}  " + " / ".join(
            f"{text}" if i == 0 else f"{lang}: {text}" for i, (lang, text) in enumerate(expansions.items())))
    lines += ["", click.style("Agreed language", bold=True) + "  (include with a paragraph {{agreed:ID}})"]
    for block in terminology.agreed.values():
        lines.append(f"  {block.id}: {block.text}")
    return "\n".join(lines)
