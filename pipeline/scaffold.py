"""`jointreport init`: a new coalition's project folder, ready to check and build.

It writes what an editor would otherwise copy from the example: report.yaml,
an outline with one chapter per agency to start from, a commented
terminology, a README telling focal points what to send and where, JSON
Schemas so editors get completion in VS Code, and CI for GitHub and GitLab.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import JointreportError
from .files import write_atomically
from .model import STATUSES
from .project import OUTLINE_FILE, REPORT, REPORT_FILE, TERMINOLOGY_FILE
from .project.outline import ID_PATTERN, OUTLINE
from .project.terminology import TERMINOLOGY
from .project.workplan import WORKPLAN
from .schema import json_schema

SCHEMAS = {"report": REPORT, "outline": OUTLINE, "terminology": TERMINOLOGY, "workplan": WORKPLAN}
SCHEMA_DIR = "schemas"


@dataclass
class NewAgency:
    id: str
    name: str
    short: str
    email: str = ""


@dataclass
class NewMilestone:
    id: str
    date: dt.date
    status: str
    title: str = ""


@dataclass
class NewProject:
    title: str
    coalition: str
    languages: list[str]
    agencies: list[NewAgency]
    milestones: list[NewMilestone] = field(default_factory=list)


def parse_agency(text: str) -> NewAgency:
    """'ilo=International Labour Organization' or 'ilo=International Labour Organization|ILO|focal@ilo.org'."""
    ident, _, rest = text.partition("=")
    ident = ident.strip().lower()
    name, short, email = ([*(part.strip() for part in rest.split("|")), "", ""])[:3]
    if not ID_PATTERN.match(ident) or not name:
        raise JointreportError(f"--agency {text!r}: write ID=Name (ID in lower-case letters, digits, hyphens), "
                               "optionally ID=Name|SHORT|e-mail")
    return NewAgency(ident, name, short or ident.upper(), email)


def parse_milestone(text: str) -> NewMilestone:
    """'first-draft=2026-03-01' or 'launch=2026-09-15:cleared'."""
    match = re.fullmatch(r"\s*([a-z0-9][a-z0-9-]*)\s*=\s*(\d{4}-\d{2}-\d{2})(?::(\w+))?\s*", text)
    status = match.group(3) if match else None
    if not match or (status and status not in STATUSES):
        raise JointreportError(f"--milestone {text!r}: write ID=YYYY-MM-DD, optionally :{'|:'.join(STATUSES)}")
    try:
        day = dt.date.fromisoformat(match.group(2))
    except ValueError:
        raise JointreportError(f"--milestone {text!r}: {match.group(2)} is not a real date") from None
    return NewMilestone(match.group(1), day, status or "")


def default_milestones(today: dt.date) -> list[NewMilestone]:
    """A first draft in two months, the final text in four, the launch in six: to be edited."""
    def later(months: int) -> dt.date:
        month = today.month - 1 + months
        return dt.date(today.year + month // 12, month % 12 + 1, 1)

    return [NewMilestone("first-draft", later(2), "draft", "First full draft"),
            NewMilestone("final-draft", later(4), "final", "Final text"),
            NewMilestone("launch", later(6), "cleared", "Launch")]


def write_project(folder: Path, new: NewProject, force: bool = False) -> list[Path]:
    """Every file of the new project; refuses to overwrite an existing file unless `force`."""
    milestones = _with_statuses(new.milestones)
    files = {
        REPORT_FILE: _with_schema("report", _report_yaml(new, milestones)),
        OUTLINE_FILE: _with_schema("outline", _outline_yaml(new), depth=1),
        TERMINOLOGY_FILE: _with_schema("terminology", TERMINOLOGY_EXAMPLE),
        "README.md": _readme(new, milestones),
        ".gitignore": "build/\n.venv/\n.jointreport/\n~$*\n.~lock.*#\n",
        ".github/workflows/report.yml": GITHUB_WORKFLOW,
        ".gitlab-ci.yml": GITLAB_CI,
        **{f"{SCHEMA_DIR}/{name}.schema.json": json.dumps(json_schema(spec, f"jointreport {name}"), indent=2) + "\n"
           for name, spec in SCHEMAS.items()},
        **{f"contributions/{agency.id}/README.md": _agency_readme(new, agency) for agency in new.agencies},
    }
    existing = [name for name in files if (folder / name).exists()]
    if existing and not force:
        raise JointreportError(f"{folder} already has {', '.join(existing[:3])}"
                               f"{' …' if len(existing) > 3 else ''}; choose an empty folder, or --force to overwrite")
    written = []
    for name, text in files.items():
        write_atomically(folder / name, text.encode("utf-8"))
        written.append(folder / name)
    return written


def _with_statuses(milestones: list[NewMilestone]) -> list[NewMilestone]:
    """Milestones in date order; one given without a status asks drafts first, final texts at the end."""
    ordered = sorted(milestones, key=lambda m: m.date)
    for i, milestone in enumerate(ordered):
        milestone.status = milestone.status or ("draft" if i == 0 and len(ordered) > 1 else "final")
        milestone.title = milestone.title or milestone.id.replace("-", " ").capitalize()
    return ordered


def _with_schema(name: str, text: str, depth: int = 0) -> str:
    """The line that makes VS Code's YAML extension complete and check the file."""
    return f"# yaml-language-server: $schema={'../' * depth}{SCHEMA_DIR}/{name}.schema.json\n{text}"


def _dump(data) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _report_yaml(new: NewProject, milestones: list[NewMilestone]) -> str:
    data = {
        "title": new.title,
        "coalition": new.coalition,
        "language": new.languages[0],
        "languages": new.languages,
        "agencies": {a.id: {"name": a.name, "short": a.short, **({"contact": {"email": a.email}} if a.email else {})}
                     for a in new.agencies},
        "milestones": [{"id": m.id, "title": m.title, "date": m.date, "status": m.status} for m in milestones],
    }
    return ("# The report: its title, the agencies that write it, and the road to launch.\n"
            "# Every key is explained in jointreport's README (\"Project files\").\n" + _dump(data))


def _outline_yaml(new: NewProject) -> str:
    chapters = [{"id": f"{a.id}-chapter", "title": f"Chapter drafted by {a.short}", "sections": [
        {"id": f"{a.id}-section", "title": f"Section drafted by {a.short}", "lead": a.id, "words": [1500, 4000],
         "required": False}]} for a in new.agencies]
    return ("# The agreed outline: parts → chapters → sections. A section's id names its drafts:\n"
            "# contributions/<agency>/<section id>.docx. The starter sections below are optional\n"
            "# (required: false) until the outline is agreed: then set required: true, so a missing\n"
            "# draft is an error.\n" + _dump({"parts": [{"title": "The report", "chapters": chapters}]}))


TERMINOLOGY_EXAMPLE = """\
# The coalition's agreed terminology. Drafts are checked against it, and the built report
# (never the drafts) uses the preferred terms. Uncomment and adapt the examples.
terms: []
#  - preferred: social protection floor
#    reject: [social floor, social protection minimum]
#    note: the name agreed by the coalition
acronyms: {}
#  ILO: International Labour Organization
#  SPF: {en: social protection floor, fr: socle de protection sociale}
agreed: {}
#  definition:
#    text: The exact words every agency quotes; a draft includes them with a paragraph {{agreed:definition}}.
"""


def _readme(new: NewProject, milestones: list[NewMilestone]) -> str:
    agencies = "\n".join(f"| {a.short} | {a.name} | `contributions/{a.id}/` |" for a in new.agencies)
    dates = "\n".join(f"| {m.title} | {m.date.isoformat()} | {m.status} |" for m in milestones)
    translations = "".join(f", `<section>.{lang}.docx` for {lang}" for lang in new.languages[1:])
    return f"""# {new.title}

{new.coalition} writes this report together. This folder holds the agreed outline
and every agency's drafts; [jointreport](https://pypi.org/project/jointreport/) checks
them and builds the report.

## For focal points: what to send, named how, where

- **Format**: Word `.docx` (also `.odt` or Markdown `.md`). Accept or reject every
  tracked change and resolve comments before sending.
- **Name**: the section id from `chapters/outline.yaml`, e.g. `{new.agencies[0].id}-section.docx`{translations}.
- **Where**: your agency's folder:

| agency | name | folder |
|---|---|---|
{agencies}

- **Status**: say how far a Word draft is in a file beside it with the same name,
  `<section>.yaml`, holding `status: draft` (or `final`, `cleared`); in Markdown, in
  front matter (`---` / `status: final` / `---`).

## Timeline

| milestone | date | sections must be |
|---|---|---|
{dates}

## For editors

```
jointreport check            # everything wrong with every draft
jointreport build            # build/<report>.docx and .pdf
jointreport status           # who owes what by when
```
"""


def _agency_readme(new: NewProject, agency: NewAgency) -> str:
    return (f"# {agency.name}: drafts for {new.title}\n\nPut {agency.short}'s drafts here, named after a section id of "
            f"chapters/outline.yaml (e.g. `{agency.id}-section.docx`). Files whose names start with README are "
            "not drafts.\n")


GITHUB_WORKFLOW = """\
# Check every draft on each push, show the findings on the files, and keep the report.
name: report
on: [push, pull_request, workflow_dispatch]
jobs:
  report:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # submission dates come from the history
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install jointreport
        run: pip install "${JOINTREPORT_PACKAGE:-jointreport}"
      - name: Check the drafts
        run: |
          jointreport check --format json > findings.json || [ $? -eq 1 ]
          jointreport check --format github || [ $? -eq 1 ]
      - name: Build the report
        run: jointreport build --force --lang all
      - uses: actions/upload-artifact@v4
        with:
          name: report
          path: |
            build/*.docx
            build/*.pdf
            findings.json
"""

GITLAB_CI = """\
# Check every draft on each push and keep the report and the findings.
report:
  image: python:3.12
  script:
    - pip install "${JOINTREPORT_PACKAGE:-jointreport}"
    - jointreport check --format json > findings.json || [ $? -eq 1 ]
    - jointreport check || [ $? -eq 1 ]
    - jointreport build --force --lang all
  variables:
    GIT_DEPTH: "0"  # submission dates come from the history
  artifacts:
    when: always
    paths:
      - build/*.docx
      - build/*.pdf
      - findings.json
"""
