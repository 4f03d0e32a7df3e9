"""`jointreport comments`: the comment–response matrix, every reviewer comment for lead authors to answer."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import click

from ..files import write_atomically
from ..model import Project
from ..returns import FIX_COLUMNS
from .check import check
from .options import project_option

MATRIX_COLUMNS = ["id", "section", "agency", "file", "paragraph", "commented words", "author", "date", "comment",
                  "replies to", "response", "action"] + FIX_COLUMNS  # what became of each fix `return` offered


def comment_matrix(root: Path) -> tuple[Project, list[list[str]]]:
    """Every reviewer comment and reply in every draft in its place, one row each, with empty response and
    action columns for the lead authors to fill in (the IPCC review model)."""
    result = check(root, with_drafts=True)
    rows = []
    for draft in result.drafts:
        contribution = draft.contribution
        for comment in draft.threads:
            rows.append([comment.id, contribution.section_id, contribution.agency, contribution.relpath,
                         comment.location, comment.anchored_to, comment.author, comment.date, comment.text,
                         comment.reply_to, "", ""])
    from ..intake.discovery import MAX_DRAFT_BYTES
    from ..returns.answers import matrix_with_answers  # what became of the fixes `return` offered
    return result.project, matrix_with_answers(result.project, result.drafts, rows, MAX_DRAFT_BYTES)


@click.command("comments",
               short_help="The comment–response matrix: every reviewer comment, for lead authors to answer.")
@project_option
@click.option("--format", "output_format", type=click.Choice(["xlsx", "csv"]), default=None,
              help="xlsx or csv  [default: from --out's extension]")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write, e.g. build/comments.xlsx.")
def comments_command(project_dir: Path, output_format: str | None, out: Path) -> int:
    """List every comment and reply in every draft — section, agency, file,
    paragraph, the words commented on, author, date, text, the comment it
    replies to — with empty response and action columns. Fill them in and
    give the file back with `check --responses FILE` (at `--stage final`,
    every comment needs an answer).
    """
    kind = output_format or ("csv" if out.suffix.lower() == ".csv" else "xlsx")
    _, rows = comment_matrix(project_dir)
    if kind == "csv":
        table = io.StringIO()
        writer = csv.writer(table, lineterminator="\n")
        writer.writerows([MATRIX_COLUMNS, *rows])
        data = table.getvalue().encode("utf-8")
    else:
        from ..spreadsheet import workbook  # openpyxl loads slowly; only this command needs it
        data = workbook({"Comments": (MATRIX_COLUMNS, rows)},
                        widths={"comment": 60, "commented words": 40, "response": 60, "paragraph": 36},
                        choices={"action": ["accepted", "rejected", "noted"]})
    write_atomically(out, data)
    drafts = len({r[3] for r in rows})
    click.echo(f"wrote {os.path.relpath(out)}: {len(rows)} comment{'s' * (len(rows) != 1)} from "
               f"{drafts} draft{'s' * (drafts != 1)}")
    return 0
