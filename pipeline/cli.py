"""The `jointreport` command: only wiring; every stage lives in its own module."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

import click

from . import __version__
from .build import FORMATS, build_report
from .check import check_file, check_project, placed_contributions
from .dashboard import board_text, write_html
from .errors import JointreportError
from .findings import as_json, as_text, glossary, summary_line
from .project import load_project
from .remind import write_reminders
from .statement import build_statement, statement_languages
from .timeline import blockers, section_status
from .timeline import board as timeline_board

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


class Progress:
    """Short progress lines on stderr, so stdout stays clean for --format json."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.started = time.monotonic()

    def __call__(self, message: str) -> None:
        if self.enabled:
            click.echo(click.style(f"[{time.monotonic() - self.started:5.1f}s] ", dim=True) + message, err=True)


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
    project = load_project(project_dir)
    result = check_project(project, as_of=_day(as_of))
    click.echo(as_json(result) if output_format == "json" else as_text(project, result))
    return 1 if result.has_errors else 0


@cli.command(short_help="Check, then build the report (DOCX, PDF) into build/.")
@project_option
@as_of_option
@click.option("--format", "formats", default=",".join(FORMATS), show_default=True, metavar="LIST",
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
    wanted = _formats(formats)
    progress = Progress(not quiet)
    project = load_project(project_dir)
    languages = _languages(project, lang)
    final = stage is not None and _stage_status(project, stage) != "draft"
    progress(f"checking the drafts in {project.contributions_dir}")
    result = check_project(project, progress=lambda path: progress(f"  read {path}"), as_of=_day(as_of),
                           final_stage=final)
    errors = result.summary()["error"]
    click.echo(summary_line(result), err=True)
    if errors and not force:
        click.echo(as_text(project, result), err=True)
        raise JointreportError(f"not building: {errors} error{'s' * (errors != 1)} (see above); "
                               "fix them, or build anyway with --force")
    if stage:
        release_gate(project, result.contributions, stage)
    for path in build_report(project, result, wanted, languages, harmonize, progress):
        click.echo(f"wrote {os.path.relpath(path)}")
    return 0


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
    project = load_project(project_dir)
    if loose_file is None:
        click.echo(glossary(project.terminology))
        return 0
    result = check_file(project, loose_file)
    click.echo(as_json(result) if output_format == "json" else as_text(project, result))
    return 1 if result.has_errors else 0


def _formats(formats: str) -> list[str]:
    wanted = [f.strip() for f in formats.split(",") if f.strip()]
    if not wanted or any(f not in FORMATS for f in wanted):
        raise click.BadParameter(f"choose from {', '.join(FORMATS)}", param_hint="--format")
    return wanted


def _languages(project, lang: str | None) -> list[str]:
    if lang in (None, project.source_language):
        return [project.source_language]
    if lang == "all":
        return project.languages
    if lang not in project.languages:
        raise click.BadParameter(f"choose one of {', '.join(project.languages)} or all (report.yaml's languages)",
                                 param_hint="--lang")
    return [lang]


def _stage_status(project, stage: str) -> str:
    milestones = {m.id: m for m in project.milestones}
    if stage not in milestones:
        raise click.BadParameter(f"choose a milestone of report.yaml: {', '.join(milestones)}", param_hint="--stage")
    return milestones[stage].status


def release_gate(project, contributions, stage: str) -> None:
    wanted = _stage_status(project, stage)
    late = blockers(project, contributions, wanted)
    if late:
        listing = "\n".join(f"  {s.number or '-':<5} {s.title} — {section_status(s, contributions)}, "
                            f"lead {project.agencies[s.lead].short}" for s in late)
        raise JointreportError(f"not releasing at stage {stage!r}: {len(late)} required section"
                               f"{'s' * (len(late) != 1)} not yet {wanted}:\n{listing}")


@cli.command(short_help="Who owes which section, what is late, what blocks the next milestone.")
@project_option
@as_of_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the dashboard as one self-contained HTML page (e.g. build/status.html).")
def status(project_dir: Path, as_of, output_format: str, html_path: Path | None) -> int:
    """Who owes which section, what is late, and what blocks the next milestone."""
    project = load_project(project_dir)
    board = timeline_board(project, placed_contributions(project), _day(as_of))
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
    project = load_project(project_dir)
    board = timeline_board(project, placed_contributions(project), _day(as_of))
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
@click.option("--format", "formats", default=",".join(FORMATS), show_default=True, metavar="LIST",
              help="Comma-separated output formats: docx, pdf.")
@click.option("--quiet", "-q", is_flag=True, help="No progress lines.")
def statement(project_dir: Path, statement_id: str, lang: str, formats: str, quiet: bool) -> int:
    """Build the joint statement statements/ID.md into build/statements/ID.<lang>.docx and .pdf.

    Only organisations that have endorsed it are listed under it; agreed
    language is filled in verbatim in each language.
    """
    wanted = _formats(formats)
    project = load_project(project_dir)
    available = statement_languages(project, statement_id)
    languages = available if lang == "all" else [lang]
    if lang != "all" and lang not in project.languages:
        raise click.BadParameter(f"choose one of {', '.join(project.languages)} or all", param_hint="--lang")
    progress = Progress(not quiet)
    for path in build_statement(project, statement_id, languages, wanted, progress):
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
        click.echo(click.style("error: ", fg="red", bold=True) + str(exc), err=True)
        code = exc.exit_code
    except Exception as exc:  # anything else is our bug, not the user's
        if os.environ.get("JOINTREPORT_DEBUG"):
            raise
        click.echo(f"internal error (a bug in jointreport, please report it): {type(exc).__name__}: {exc}\n"
                   "run again with JOINTREPORT_DEBUG=1 to see the traceback", err=True)
        code = EXIT_INTERNAL
    sys.exit(code or 0)
