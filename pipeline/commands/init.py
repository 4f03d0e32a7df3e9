"""`jointreport init`: a new report project in a folder, asked for or given by flags."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

from .. import scaffold


@click.command("init", short_help="Start a new report project in a folder.")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--title", help="The report's title.")
@click.option("--coalition", help="Who publishes it  [default: asked, or the title]")
@click.option("--language", "languages", multiple=True, metavar="CODE",
              help="A language edition (en, fr, es…); the first is the drafts' language. Repeat for several.")
@click.option("--agency", "agencies", multiple=True, metavar="ID=NAME[|SHORT|E-MAIL]",
              help='An agency, e.g. --agency ilo="International Labour Organization". Repeat for each.')
@click.option("--milestone", "milestones", multiple=True, metavar="ID=YYYY-MM-DD[:STATUS]",
              help="A milestone, e.g. --milestone launch=2026-09-15:cleared  [default: three, two months apart]")
@click.option("--yes", "-y", is_flag=True, help="Ask nothing: use the flags and defaults (for scripts).")
@click.option("--force", is_flag=True, help="Overwrite files that already exist in FOLDER.")
def init_command(folder: Path, title, coalition, languages, agencies, milestones, yes: bool, force: bool) -> int:
    """Write a new report project into FOLDER: report.yaml, an outline with one
    chapter per agency, a terminology, a README for focal points, JSON
    Schemas for editors, CI for GitHub and GitLab. Asks what the flags do
    not say, unless --yes.

    \b
    jointreport init newreport --title "State of Social Justice" \\
        --agency ilo="International Labour Organization" \\
        --agency who="World Health Organization" --language en --yes
    """
    ask = not yes and sys.stdin.isatty()
    if not title:
        title = click.prompt("Title of the report") if ask else None
    if not title:
        raise click.BadParameter("give the report's title (or run without --yes to be asked)", param_hint="--title")
    coalition = coalition or (click.prompt("Coalition publishing it", default=title) if ask else title)
    languages = list(languages) or (click.prompt("Languages, the drafts' first", default="en").split() if ask
                                    else ["en"])
    parsed = [scaffold.parse_agency(text) for text in agencies]
    while ask and (not parsed or click.confirm("Add another agency?", default=False)):
        parsed.append(scaffold.parse_agency(click.prompt("Agency as id=Full name (e.g. ilo=International Labour "
                                                         "Organization)")))
    if not parsed:
        raise click.BadParameter('name at least one agency: --agency ilo="International Labour Organization"',
                                 param_hint="--agency")
    plan = [scaffold.parse_milestone(text) for text in milestones] or scaffold.default_milestones(dt.date.today())
    new = scaffold.NewProject(title, coalition, languages, parsed, plan)
    written = scaffold.write_project(folder, new, force)
    for path in written:
        click.echo(f"wrote {os.path.relpath(path)}")
    click.echo(f"\nNext: agencies put drafts in {os.path.relpath(folder / 'contributions')}/<agency>/; "
               f"then `jointreport -p {os.path.relpath(folder)} check` and `build`.")
    return 0
