"""Findings as people and scripts read them (grouped coloured text, or stable JSON), and the glossary."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from itertools import groupby

import click

from .model import SEVERITIES, Finding, Project, Terminology

COLOURS = {"error": "red", "warning": "yellow", "info": "cyan"}
SUMMARISED = "lang/missing-translation"
MISSING_LANGUAGE = re.compile(r"^no (\S+) translation")
LINE = re.compile(r"^line (\d+)$")
# What must never reach a terminal raw from a file name or a draft's text: control characters (newlines
# that would split a finding, ANSI escapes that would recolour or rewrite the screen), Unicode line
# separators, the bidirectional controls that make text read backwards ("Trojan Source"), and the bytes of a
# file name that is not UTF-8 (Python keeps them as lone surrogates).
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def terminal_safe(text: str) -> str:
    """`text` with every unsafe character written as \\uXXXX, so one finding is always one line."""
    return UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def summary(findings: list[Finding]) -> dict:
    """Findings by severity, and the house-style findings by rule (`rules`), so the many small ones of a
    style pack are counted, not drowned in."""
    counts: dict = {severity: sum(f.severity == severity for f in findings) for severity in SEVERITIES}
    counts["rules"] = dict(sorted(Counter(f.rule for f in findings if f.rule).items()))
    return counts


def as_json(findings: list[Finding]) -> str:
    payload = {"findings": [f.to_json() for f in findings], "summary": summary(findings)}
    return json.dumps(payload, indent=2, ensure_ascii=False)


def summary_line(findings: list[Finding], drafts: int) -> str:
    counts = summary(findings)
    parts = [f"{counts[severity]} {severity}{'s' * (counts[severity] != 1 and severity != 'info')}"
             for severity in SEVERITIES]
    return f"{', '.join(parts)} — {drafts} draft{'s' * (drafts != 1)} ready to assemble"


def as_text(project: Project, findings: list[Finding], drafts: int) -> str:
    """Grouped by agency, then file: what a focal point forwards to the colleague who must fix it.
    Missing translations, which can be many, are one line per agency and language."""
    lines = []
    for agency_id, by_agency in groupby(findings, key=lambda f: f.agency or ""):
        agency = project.agencies.get(agency_id)
        if agency_id:  # a loose file checked with `terms --check` belongs to no agency yet
            lines.append(click.style(terminal_safe(f"{agency.short} — {agency.name}" if agency else agency_id),
                                     bold=True))
        by_agency = list(by_agency)
        untranslated = [f for f in by_agency if f.code == SUMMARISED]
        for path, by_file in groupby((f for f in by_agency if f.code != SUMMARISED), key=lambda f: f.path):
            lines.append(f"  {terminal_safe(path)}")
            lines += [f"    {_line(finding)}" for finding in by_file]
        lines += [f"  {line}" for line in _untranslated(untranslated)]
        lines.append("")
    codes = Counter(f.code for f in findings)
    if len(codes) > 1:
        lines.append("By code: " + ", ".join(f"{code} {n}" for code, n in sorted(codes.items())))
    rules = summary(findings)["rules"]
    if rules:
        lines.append("House style, by rule: " + ", ".join(f"{rule} {n}" for rule, n in rules.items()))
    lines.append(summary_line(findings, drafts))
    return "\n".join(lines)


def _line(finding: Finding, message: str | None = None) -> str:
    severity = click.style(f"{finding.severity:<7}", fg=COLOURS[finding.severity])
    where = f"{finding.location}: " if finding.location else ""
    return f"{severity} {finding.code:<28} {terminal_safe(where + (message or finding.message))}"


def _untranslated(findings: list[Finding]) -> list[str]:
    """'no fr translation for 12 files (a.docx, b.md, …)': one line per language."""
    by_language: dict[str, list[Finding]] = {}
    for item in findings:
        match = MISSING_LANGUAGE.match(item.message)
        by_language.setdefault(match.group(1) if match else "", []).append(item)
    lines = []
    for lang, items in sorted(by_language.items()):
        names = [item.path.rsplit("/", 1)[-1] for item in items]
        shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
        count = f"{len(items)} file{'s' * (len(items) != 1)}"
        lines.append(_line(items[0], f"no {lang} translation for {count} ({shown}): the {lang} edition uses "
                                     "the source text (check --format json lists each)"))
    return lines


def as_csv(findings: list[Finding]) -> str:
    """One row per finding, the JSON keys as columns: for the coordinators' spreadsheets."""
    table = io.StringIO()
    writer = csv.DictWriter(table, fieldnames=list(Finding.__dataclass_fields__), lineterminator="\n")
    writer.writeheader()
    writer.writerows(f.to_json() for f in findings)
    return table.getvalue()


def as_xlsx(project: Project, findings: list[Finding]) -> bytes:
    """A summary sheet (counts per agency and severity), then one sheet of findings per agency."""
    from .spreadsheet import workbook  # openpyxl loads slowly; only this format needs it
    columns = list(Finding.__dataclass_fields__)
    by_agency: dict[str, list[Finding]] = {}
    for item in findings:
        by_agency.setdefault(item.agency or "project", []).append(item)
    summary_rows = []
    for agency_id, items in by_agency.items():
        agency = project.agencies.get(agency_id)
        counts = summary(items)
        summary_rows.append([agency.short if agency else agency_id,
                             agency.name if agency else "chapter introductions and statements",
                             counts["error"], counts["warning"], counts["info"]])
    sheets = {"Summary": (["agency", "name", "errors", "warnings", "info"], summary_rows)}
    for agency_id, items in by_agency.items():
        agency = project.agencies.get(agency_id)
        sheets[agency.short if agency else agency_id] = (columns, [[f.to_json()[c] for c in columns] for f in items])
    return workbook(sheets, widths={"message": 80, "path": 40, "location": 36})


def as_github(findings: list[Finding]) -> str:
    """GitHub Actions workflow commands, so findings show as annotations on the files in a pull request."""
    lines = []
    for item in findings:
        level = {"error": "error", "warning": "warning"}.get(item.severity, "notice")
        line = LINE.match(item.location or "")
        place = f"file={_escape(item.path, True)}" + (f",line={line.group(1)}" if line else "")
        where = f"{item.location}: " if item.location and not line else ""
        lines.append(f"::{level} {place},title={_escape(item.code, True)}::{_escape(where + item.message)}")
    return "\n".join(lines)


def _escape(text: str, in_property: bool = False) -> str:
    """GitHub's escaping for workflow command values (and for properties, also ':' and ',')."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if in_property else text


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
