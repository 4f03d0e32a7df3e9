"""The `jointreport` command: parses options, calls the recipe in build.py, prints. It holds no build rule."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
import time
from pathlib import Path

import click

from . import __version__
from . import build as recipe
from .errors import BuildRefused, JointreportError
from .present import as_json, as_text, glossary, summary_line, terminal_safe
from .project import load_project
from .render.dashboard import board_text, write_html
from .render.reminders import write_reminders

EXIT_INTERNAL = 3


def project_option(command):
    return click.option(
        "--project", "-p", "project_dir", type=click.Path(file_okay=False, path_type=Path), default=".",
        show_default=True, help="Folder of the report project (the one holding report.yaml).",
    )(command)


def as_of_option(command):
    return click.option(
        "--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
        help="Judge deadlines as on this day (default: today).",
    )(command)


def _day(value) -> dt.date:
    return value.date() if value else dt.date.today()


class ProgressHandler(logging.Handler):
    """The recipe's phase messages as short progress lines on stderr, so stdout stays clean for json."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.started = time.monotonic()

    def emit(self, record: logging.LogRecord) -> None:
        elapsed = click.style(f"[{time.monotonic() - self.started:5.1f}s] ", dim=True)
        click.echo(elapsed + terminal_safe(record.getMessage()), err=True)


def show_progress(enabled: bool) -> None:
    logger = logging.getLogger("jointreport")
    logger.handlers = [ProgressHandler()] if enabled else []
    logger.setLevel(logging.INFO if enabled else logging.WARNING)
    logger.propagate = False


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="jointreport")
def cli():
    """Assemble a coalition's joint report from the drafts its agencies send.

    Agencies drop drafts (.docx, .odt or .md) into contributions/<agency>/,
    named after a section id of chapters/outline.yaml. `check` tells you
    everything wrong with every draft; `build` makes the DOCX and PDF report;
    `status` shows who owes what by when.

    Run a command with --help for its options; every command takes
    --project DIR (default: the current folder).
    """


@cli.command(short_help="Report everything wrong with every draft.")
@project_option
@as_of_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people (grouped by agency), json for scripts and CI.")
def check(project_dir: Path, as_of, output_format: str) -> int:
    """Check every draft against the outline, the timeline and the agreed terminology.

    Exit status: 0 no errors, 1 errors found, 2 the project itself is broken.
    """
    result = recipe.check(project_dir, as_of=_day(as_of))
    click.echo(as_json(result.findings) if output_format == "json"
               else as_text(result.project, result.findings, len(result.drafts)))
    return 1 if result.has_errors else 0


@cli.command(short_help="Check, then build the report (DOCX, PDF) into build/.")
@project_option
@as_of_option
@click.option("--format", "formats", default=",".join(recipe.FORMATS), show_default=True, metavar="LIST",
              help="Comma-separated output formats: docx, pdf.")
@click.option("--force", is_flag=True, help="Build even when the check finds errors (drafts with errors are still used).")
@click.option("--harmonize/--no-harmonize", default=True, show_default=True,
              help="Replace rejected terms by the preferred ones in the built report (the drafts are never changed).")
@click.option("--lang", "lang", default=None, metavar="LANG|all",
              help="Language edition to build (a code from report.yaml's languages, or all)  [default: the source language]")
@click.option("--stage", metavar="MILESTONE",
              help="Release gate: refuse unless every required section has reached this milestone's status "
                   "(e.g. final, launch).")
@click.option("--quiet", "-q", is_flag=True, help="No progress lines.")
def build(project_dir: Path, as_of, formats: str, force: bool, harmonize: bool, lang: str | None, stage: str | None,
          quiet: bool) -> int:
    """Check the drafts, then build the report into build/.

    Refuses when the check finds errors, unless --force. Outputs are replaced
    only when complete, and nothing under contributions/ is ever written.
    """
    options = recipe.Options(_formats(formats), lang, force, stage, harmonize, _day(as_of))
    show_progress(not quiet)
    try:
        result = recipe.build(project_dir, options)
    except BuildRefused as refused:
        if refused.findings:
            click.echo(as_text(refused.project, refused.findings, 0), err=True)
        raise
    click.echo(summary_line(result.findings, len(result.drafts)), err=True)
    if result.render_findings:
        click.echo(as_text(result.project, result.render_findings, len(result.drafts)), err=True)
    for path in result.outputs:
        click.echo(f"wrote {os.path.relpath(path)}")
    return 1 if result.render_findings else 0


@cli.command(short_help="Show the agreed glossary, or check one loose draft against it.")
@project_option
@click.option("--check", "loose_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Check one draft (.docx, .odt or .md) that is not in the project yet.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output of --check: text for people, json for scripts.")
def terms(project_dir: Path, loose_file: Path | None, output_format: str) -> int:
    """Show the agreed glossary, or check a draft against it before sending.

    \b
    jointreport terms                      the terms, acronyms and agreed language
    jointreport terms --check my-draft.docx
    """
    if loose_file is None:
        click.echo(glossary(load_project(project_dir).terminology))
        return 0
    result = recipe.check_loose_file(project_dir, loose_file)
    click.echo(as_json(result.findings) if output_format == "json"
               else as_text(result.project, result.findings, len(result.drafts)))
    return 1 if result.has_errors else 0


def _formats(formats: str) -> tuple[str, ...]:
    wanted = tuple(f.strip() for f in formats.split(",") if f.strip())
    if not wanted or any(f not in recipe.FORMATS for f in wanted):
        raise click.BadParameter(f"choose from {', '.join(recipe.FORMATS)}", param_hint="--format")
    return wanted


@cli.command(short_help="Who owes which section, what is late, what blocks the next milestone.")
@project_option
@as_of_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the dashboard as one self-contained HTML page (e.g. build/status.html).")
def status(project_dir: Path, as_of, output_format: str, html_path: Path | None) -> int:
    """Who owes which section, what is late, and what blocks the next milestone."""
    project, board = recipe.status(project_dir, _day(as_of))
    click.echo(json.dumps(board.to_json(), indent=2, ensure_ascii=False) if output_format == "json"
               else board_text(project, board))
    if html_path:
        write_html(project, board, html_path)
        click.echo(f"wrote {os.path.relpath(html_path)}", err=True)
    return 0


@cli.command(short_help="Write reminder e-mails (.eml) to agencies that owe something.")
@project_option
@as_of_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the .eml files  [default: build/reminders]")
def remind(project_dir: Path, as_of, out: Path | None) -> int:
    """Write one reminder e-mail (.eml) per agency that owes something. Nothing is sent."""
    project, board = recipe.status(project_dir, _day(as_of))
    written, unreachable = write_reminders(project, board, out or project.build_dir / "reminders")
    for path in written:
        click.echo(f"wrote {os.path.relpath(path)}")
    for agency in unreachable:
        click.echo(f"no reminder for {agency}: report.yaml gives no contact e-mail", err=True)
    if not written and not unreachable:
        click.echo("nobody owes anything: no reminders to write")
    return 0


@cli.command(short_help="Build a joint statement (DOCX, PDF) in each of its languages.")
@project_option
@click.argument("statement_id", metavar="ID")
@click.option("--lang", default="all", show_default=True, metavar="LANG|all",
              help="Language edition(s) to build; all = every language the statement exists in.")
@click.option("--format", "formats", default=",".join(recipe.FORMATS), show_default=True, metavar="LIST",
              help="Comma-separated output formats: docx, pdf.")
@click.option("--quiet", "-q", is_flag=True, help="No progress lines.")
def statement(project_dir: Path, statement_id: str, lang: str, formats: str, quiet: bool) -> int:
    """Build the joint statement statements/ID.md into build/statements/ID.<lang>.docx and .pdf.

    Only organisations that have endorsed it are listed under it; agreed
    language is filled in verbatim in each language.
    """
    wanted = _formats(formats)
    show_progress(not quiet)
    for path in recipe.build_statement(project_dir, statement_id, lang, wanted):
        click.echo(f"wrote {os.path.relpath(path)}")
    return 0


def main() -> None:
    try:
        code = cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        code = 130
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except JointreportError as exc:
        message = "\n".join(terminal_safe(line) for line in str(exc).split("\n"))
        click.echo(click.style("error: ", fg="red", bold=True) + message, err=True)
        code = exc.exit_code
    except Exception as exc:  # anything else is our bug, not the user's
        if os.environ.get("JOINTREPORT_DEBUG"):
            raise
        click.echo(f"internal error (a bug in jointreport, please report it): {type(exc).__name__}: "
                   f"{terminal_safe(str(exc))}\n"
                   "run again with JOINTREPORT_DEBUG=1 to see the traceback", err=True)
        code = EXIT_INTERNAL
    sys.exit(code or 0)
