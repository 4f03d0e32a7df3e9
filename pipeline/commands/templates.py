"""`jointreport templates`: the files of the report's look, written out for a coalition to edit."""

from __future__ import annotations

import os
from pathlib import Path

import click

from .. import housestyle


@click.group("templates", short_help="The files of the report's look (Word styles, PDF, dashboard).")
def templates():
    """The files that give the report its look. jointreport has a built-in one
    of each; a file of the same name in the project's templates/ folder
    replaces it, file by file.
    """


@templates.command("export", short_help="Write the built-in template files into a folder, to edit.")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite files of the same name already in FOLDER.")
def export(folder: Path, force: bool) -> int:
    """Write the built-in template files into FOLDER (created if needed).

    Edit the ones you want to change and put them in your project's
    templates/ folder; keep only those there, so the others follow
    jointreport's built-in look as it improves.
    """
    for path in housestyle.export(folder, force):
        click.echo(f"wrote {os.path.relpath(path)} — {housestyle.FILES[path.name]}")
    return 0
