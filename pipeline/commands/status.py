"""`jointreport status`: who owes which section, what is late, what blocks the next milestone."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import click

from ..inputs import Contribution
from ..model import Project
from ..project import load_project
from ..timeline import Board, board
from .options import as_of_option, day, project_option


def status(root: Path, as_of: dt.date | None = None) -> tuple[Project, Board]:
    """Where every section stands on `as_of`: only names, metadata and dates are read, so it is instant."""
    project, standing, _ = status_and_drafts(root, as_of)
    return project, standing


def status_and_drafts(root: Path, as_of: dt.date | None = None) -> tuple[Project, Board, list[Contribution]]:
    """The status board and the source-language drafts in their place it was made from (with metadata)."""
    from ..checks.outline import check_placement
    from ..intake import read_project
    project = load_project(root)
    sources = read_project(project, convert=False)
    _, placed = check_placement(project, sources.contributions)
    originals = [c for c in placed if c.lang == project.source_language]
    return project, board(project, originals, sources.submitted, as_of or dt.date.today(), sources.registers), originals


@click.command("status", short_help="Who owes which section, what is late, what blocks the next milestone.")
@project_option
@as_of_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the dashboard as one self-contained HTML page (e.g. build/status.html).")
def status_command(project_dir: Path, as_of, output_format: str, html_path: Path | None) -> int:
    """Who owes which section, what is late, and what blocks the next milestone."""
    from ..render.dashboard import board_text, write_html  # Jinja2 loads slowly; only `status` needs it here
    project, standing = status(project_dir, day(as_of))
    click.echo(json.dumps(standing.to_json(), indent=2, ensure_ascii=False) if output_format == "json"
               else board_text(project, standing))
    if html_path:
        write_html(project, standing, html_path)
        click.echo(f"wrote {os.path.relpath(html_path)}", err=True)
    return 0
