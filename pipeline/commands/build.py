"""`jointreport build`: check, then build the report into build/ (the recipe is pipeline/build.py)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from .. import build as recipe
from ..errors import BuildRefused
from ..present import as_text, summary_line
from .options import as_of_option, day, output_formats, project_option, show_progress


@click.command("build", short_help="Check, then build the report (DOCX, PDF, web edition) into build/.")
@project_option
@as_of_option
@click.option("--format", "formats", default=",".join(recipe.FORMATS), show_default=True, metavar="LIST",
              help="Comma-separated output formats: docx, pdf, html (the web edition, build/html/), or all.")
@click.option("--force", is_flag=True,
              help="Build even when the check finds errors (drafts with errors are still used).")
@click.option("--harmonize/--no-harmonize", default=True, show_default=True,
              help="Replace rejected terms by the preferred ones in the built report (the drafts are never changed).")
@click.option("--lang", "lang", default=None, metavar="LANG|all",
              help="Language edition to build (a code from report.yaml's languages, or all)  "
                   "[default: the source language]")
@click.option("--stage", metavar="MILESTONE",
              help="Release gate: refuse unless every required section has reached this milestone's status "
                   "(e.g. final, launch).")
@click.option("--quiet", "-q", is_flag=True, help="No progress lines.")
def build_command(project_dir: Path, as_of, formats: str, force: bool, harmonize: bool, lang: str | None,
                  stage: str | None, quiet: bool) -> int:
    """Check the drafts, then build the report into build/.

    Refuses when the check finds errors, unless --force. Outputs are replaced
    only when complete, and nothing under contributions/ is ever written.
    """
    options = recipe.Options(output_formats(formats, recipe.REPORT_FORMATS), lang, force, stage, harmonize, day(as_of))
    show_progress(not quiet)
    try:
        result = recipe.build(project_dir, options)
    except BuildRefused as refused:
        if refused.findings:
            click.echo(as_text(refused.project, refused.findings, 0), err=True)
        raise
    click.echo(summary_line(result.findings, result.drafts_ready), err=True)
    if result.render_findings:
        click.echo(as_text(result.project, result.render_findings, result.drafts_ready), err=True)
    for path in result.outputs:
        click.echo(f"{'kept' if path in result.kept else 'wrote'} {os.path.relpath(path)}"
                   + (" (nothing it depends on changed)" if path in result.kept else ""))
    return 1 if result.render_findings else 0
