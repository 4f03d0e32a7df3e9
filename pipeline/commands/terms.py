"""`jointreport terms`: the agreed glossary, or one loose draft checked against it."""

from __future__ import annotations

from pathlib import Path

import click

from ..build import Build
from ..inputs import Sources
from ..model import Finding
from ..present import as_json, as_text, glossary
from ..project import load_project
from .options import project_option


def check_loose_file(root: Path, path: Path) -> Build:
    """One draft that is not in the project yet, against the project's terminology (`terms --check`)."""
    from ..checks import check_loose
    from ..intake.conversion import read_loose
    project = load_project(root)
    draft, findings = read_loose(project, path)
    if draft:
        findings += check_loose(project, draft)
    return Build(project, Sources([]), sorted(findings, key=Finding.sort_key), [draft] if draft else [])


@click.command("terms", short_help="Show the agreed glossary, or check one loose draft against it.")
@project_option
@click.option("--check", "loose_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Check one draft (.docx, .odt or .md) that is not in the project yet.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output of --check: text for people, json for scripts.")
def terms_command(project_dir: Path, loose_file: Path | None, output_format: str) -> int:
    """Show the agreed glossary, or check a draft against it before sending.

    \b
    jointreport terms                      the terms, acronyms and agreed language
    jointreport terms --check my-draft.docx
    """
    if loose_file is None:
        click.echo(glossary(load_project(project_dir).terminology))
        return 0
    result = check_loose_file(project_dir, loose_file)
    click.echo(as_json(result.findings) if output_format == "json"
               else as_text(result.project, result.findings, len(result.drafts)))
    return 1 if result.has_errors else 0
