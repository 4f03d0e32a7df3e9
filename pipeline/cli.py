"""The `jointreport` command: parses options, calls the recipe in build.py, prints. It holds no build rule."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import os
import sys
import time
from pathlib import Path

import click

from . import __version__, scaffold
from . import build as recipe
from . import housestyle
from .errors import BuildRefused, JointreportError
from .files import write_atomically
from .model import SEVERITIES
from .present import as_csv, as_github, as_json, as_text, as_xlsx, glossary, summary_line, terminal_safe
from .project import load_project
from .schema import json_schema

EXIT_INTERNAL = 3


PROJECT_HELP = "Folder of the report project (the one holding report.yaml)  [default: the current folder]"


def _project(ctx: click.Context, param, value: Path | None) -> Path:
    """--project given after the command, else before it (`jointreport -p DIR check`), else here."""
    return value or ctx.find_root().params.get("project_dir") or Path(".")


def project_option(command):
    return click.option("--project", "-p", "project_dir", type=click.Path(file_okay=False, path_type=Path),
                        default=None, callback=_project, help=PROJECT_HELP)(command)


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
@click.option("--project", "-p", "project_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=PROJECT_HELP)
def cli(project_dir: Path | None):
    """Assemble a coalition's joint report from the drafts its agencies send.

    Agencies drop drafts (.docx, .odt or .md) into contributions/<agency>/,
    named after a section id of chapters/outline.yaml. `check` tells you
    everything wrong with every draft; `build` makes the DOCX and PDF report;
    `status` shows who owes what by when.

    Run a command with --help for its options; every command takes
    --project DIR (default: the current folder), before or after its name.
    Start a new report with `jointreport init DIR`.
    """


@cli.command(short_help="Report everything wrong with every draft.")
@project_option
@as_of_option
@click.option("--format", "output_format", type=click.Choice(["text", "json", "csv", "github", "xlsx"]),
              default="text", show_default=True,
              help="text for people (grouped by agency); json for scripts; csv or xlsx (one sheet per agency, "
                   "with --out) for spreadsheets; github for annotations in GitHub Actions.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the findings to this file instead of the screen (needed for xlsx).")
@click.option("--agency", "agencies", multiple=True, metavar="ID",
              help="Only this agency's findings (repeat for several).")
@click.option("--severity", type=click.Choice(SEVERITIES), default="info", show_default=True,
              help="The least severity shown: error shows errors only.")
@click.option("--stage", metavar="MILESTONE",
              help="Judge as for a release at this milestone: what a final text cannot carry is an error.")
@click.option("--responses", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A filled-in comment–response matrix (from `jointreport comments`): report comments left "
                   "unanswered.")
def check(project_dir: Path, as_of, output_format: str, out: Path | None, agencies: tuple[str, ...],
          severity: str, stage: str | None, responses: Path | None) -> int:
    """Check every draft against the outline, the timeline and the agreed terminology.

    Exit status: 0 no errors among the findings shown, 1 errors found,
    2 the project itself is broken.
    """
    result = recipe.check_findings(project_dir, as_of=_day(as_of), stage=stage, responses=responses)
    unknown = [a for a in agencies if a not in result.project.agencies]
    if unknown:
        raise click.BadParameter(f"no agency {unknown[0]!r} in report.yaml (agencies: "
                                 f"{', '.join(result.project.agencies)})", param_hint="--agency")
    shown = [f for f in result.findings if (not agencies or f.agency in agencies)
             and SEVERITIES.index(f.severity) <= SEVERITIES.index(severity)]
    if output_format == "xlsx" and out is None:
        raise click.BadParameter("a spreadsheet needs a file: --out findings.xlsx", param_hint="--out")
    if out:
        data = as_xlsx(result.project, shown) if output_format == "xlsx" else \
            (FORMATTERS[output_format](result.project, shown, result.drafts_ready) + "\n").encode("utf-8")
        write_atomically(out, data)
        click.echo(f"wrote {os.path.relpath(out)}: {summary_line(shown, result.drafts_ready)}", err=True)
    else:
        click.echo(FORMATTERS[output_format](result.project, shown, result.drafts_ready))
    return 1 if any(f.severity == "error" for f in shown) else 0


FORMATTERS = {
    "text": as_text,
    "json": lambda project, findings, drafts: as_json(findings),
    "csv": lambda project, findings, drafts: as_csv(findings).rstrip("\n"),
    "github": lambda project, findings, drafts: as_github(findings),
}


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
    click.echo(summary_line(result.findings, result.drafts_ready), err=True)
    if result.render_findings:
        click.echo(as_text(result.project, result.render_findings, result.drafts_ready), err=True)
    for path in result.outputs:
        click.echo(f"{'kept' if path in result.kept else 'wrote'} {os.path.relpath(path)}"
                   + (" (nothing it depends on changed)" if path in result.kept else ""))
    return 1 if result.render_findings else 0


@cli.command(short_help="Build again whenever a draft or project file changes (a live preview).")
@project_option
@click.option("--format", "formats", default="pdf", show_default=True, metavar="LIST",
              help="Comma-separated output formats: docx, pdf.")
@click.option("--lang", "lang", default=None, metavar="LANG|all", help="Language edition to build.")
@click.option("--strict", is_flag=True, help="Refuse to build while the check finds errors (default: build anyway).")
@click.option("--interval", default=0.1, show_default=True, type=click.FloatRange(0.05, 60),
              help="Seconds between looks at the files.")
def watch(project_dir: Path, formats: str, lang: str | None, strict: bool, interval: float) -> int:
    """Build the report, then again each time a draft or project file is
    saved, until interrupted (Ctrl-C). Keep the PDF open in a viewer that
    reloads it. Only what changed is converted and rendered again.
    """
    options = recipe.Options(_formats(formats), lang, force=not strict)
    show_progress(False)
    for outcome in recipe.watch(project_dir, options, interval):
        stamp = dt.datetime.now().strftime("%H:%M:%S")
        if isinstance(outcome, JointreportError):
            click.echo(f"{stamp} " + click.style("not built: ", fg="red", bold=True) + terminal_safe(str(outcome)),
                       err=True)
            continue
        made = [p for p in outcome.outputs if p not in outcome.kept]
        click.echo(f"{stamp} {summary_line(outcome.findings, outcome.drafts_ready)}; "
                   + (f"wrote {', '.join(os.path.relpath(p) for p in made)}" if made else "nothing to redo"))
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
    from .render.dashboard import board_text, write_html  # Jinja2 loads slowly; only `status` needs it here
    project, board = recipe.status(project_dir, _day(as_of))
    click.echo(json.dumps(board.to_json(), indent=2, ensure_ascii=False) if output_format == "json"
               else board_text(project, board))
    if html_path:
        write_html(project, board, html_path)
        click.echo(f"wrote {os.path.relpath(html_path)}", err=True)
    return 0


@cli.command(short_help="Remind agencies what they owe and what to fix: .eml files, or sent (--send).")
@project_option
@as_of_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the .eml files  [default: build/reminders]")
@click.option("--send", is_flag=True, help="Send the digests through SMTP instead of writing .eml files.")
@click.option("--again", is_flag=True, help="With --send: send a digest again even if it went out today.")
@click.option("--smtp-host", metavar="HOST", help="SMTP server  [default: JOINTREPORT_SMTP_HOST, else report.yaml]")
@click.option("--smtp-port", type=int, metavar="PORT", help="SMTP port  [default: JOINTREPORT_SMTP_PORT, "
                                                            "else report.yaml, else 25]")
def remind(project_dir: Path, as_of, out: Path | None, send: bool, again: bool, smtp_host: str | None,
           smtp_port: int | None) -> int:
    """One digest per agency contact: what is overdue or due soon, and what to
    fix in the drafts it sent. Written as .eml files to review, unless --send.

    The SMTP password comes only from JOINTREPORT_SMTP_PASSWORD.
    """
    result = recipe.remind(project_dir, _day(as_of), out, send, again, smtp_host, smtp_port)
    for path in result.written:
        click.echo(f"wrote {os.path.relpath(path)}")
    delivery = result.delivery
    if delivery:
        for agency in delivery.sent:
            click.echo(f"sent the digest to {result.project.agencies[agency].contact_email} ({agency})")
        for agency in delivery.skipped:
            click.echo(f"not sent to {agency}: the same digest went out today (--again to send it anyway)")
        for agency, why in delivery.failed.items():
            click.echo(click.style("error: ", fg="red", bold=True) + f"not delivered to {agency}: {why}", err=True)
    for agency in result.unreachable:
        click.echo(f"no reminder for {agency}: report.yaml gives no contact e-mail", err=True)
    if not result.written and not delivery and not result.unreachable:
        click.echo("nobody owes anything: no reminders to write")
    return 1 if delivery and delivery.failed else 0


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


@cli.command(short_help="The comment–response matrix: every reviewer comment, for lead authors to answer.")
@project_option
@click.option("--format", "output_format", type=click.Choice(["xlsx", "csv"]), default=None,
              help="xlsx or csv  [default: from --out's extension]")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write, e.g. build/comments.xlsx.")
def comments(project_dir: Path, output_format: str | None, out: Path) -> int:
    """List every comment and reply in every draft — section, agency, file,
    paragraph, the words commented on, author, date, text, the comment it
    replies to — with empty response and action columns. Fill them in and
    give the file back with `check --responses FILE` (at `--stage final`,
    every comment needs an answer).
    """
    kind = output_format or ("csv" if out.suffix.lower() == ".csv" else "xlsx")
    project, rows = recipe.comment_matrix(project_dir)
    if kind == "csv":
        table = io.StringIO()
        writer = csv.writer(table, lineterminator="\n")
        writer.writerows([recipe.MATRIX_COLUMNS, *rows])
        data = table.getvalue().encode("utf-8")
    else:
        from .spreadsheet import workbook  # openpyxl loads slowly; only this command needs it
        data = workbook({"Comments": (recipe.MATRIX_COLUMNS, rows)},
                        widths={"comment": 60, "commented words": 40, "response": 60, "paragraph": 36},
                        choices={"action": ["accepted", "rejected", "noted"]})
    write_atomically(out, data)
    click.echo(f"wrote {os.path.relpath(out)}: {len(rows)} comment{'s' * (len(rows) != 1)} from "
               f"{len({r[3] for r in rows})} draft{'s' * (len({r[3] for r in rows}) != 1)}")
    return 0


@cli.command(short_help="A redline (DOCX with tracked changes) between two states of the report.")
@project_option
@click.option("--from", "rev_from", required=True, metavar="REV",
              help="The earlier state: a milestone tag (see snapshot) or any git revision.")
@click.option("--to", "rev_to", metavar="REV", help="The later state  [default: the files as they are now]")
@click.option("--section", metavar="ID", help="Only this section of the outline.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The Word file to write, e.g. build/redline.docx.")
def diff(project_dir: Path, rev_from: str, rev_to: str | None, section: str | None, out: Path) -> int:
    """Compare the assembled report at two git revisions and write a Word file
    whose differences are real tracked changes (accept or reject them in Word
    or LibreOffice), then list the words added and removed per section."""
    data, changes = recipe.redline(project_dir, rev_from, rev_to, section)
    write_atomically(out, data)
    width = max((len(c.title) for c in changes), default=10)
    for change in changes:
        if change.added or change.removed:
            click.echo(f"  {change.title:<{width}}  +{change.added} −{change.removed} words")
    total_added, total_removed = sum(c.added for c in changes), sum(c.removed for c in changes)
    click.echo(f"wrote {os.path.relpath(out)}: +{total_added} −{total_removed} words in "
               f"{sum(1 for c in changes if c.added or c.removed)} of {len(changes)} sections")
    return 0


@cli.command(short_help="Tag the project's current commit with a milestone id (for diff --from).")
@project_option
@click.argument("milestone")
def snapshot(project_dir: Path, milestone: str) -> int:
    """Tag the current state (the last commit; commit first) as MILESTONE, a
    milestone id of report.yaml, so `diff --from MILESTONE` can show what
    changed since."""
    commit = recipe.snapshot(project_dir, milestone)
    click.echo(f"tagged {commit} as {milestone}")
    return 0


@cli.command(short_help="Start a new report project in a folder.")
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
def init(folder: Path, title, coalition, languages, agencies, milestones, yes: bool, force: bool) -> int:
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


@cli.command(short_help="Print the JSON Schema of a project file (for editors' completion).")
@click.argument("name", type=click.Choice(sorted(scaffold.SCHEMAS)), default="report")
def schema(name: str) -> int:
    """Print the JSON Schema of report.yaml, chapters/outline.yaml, terminology.yaml or workplan.yaml,
    generated from the same declaration jointreport checks the files with."""
    click.echo(json.dumps(json_schema(scaffold.SCHEMAS[name], f"jointreport {name}"), indent=2, ensure_ascii=False))
    return 0


@cli.group(short_help="The files of the report's look (Word styles, PDF, dashboard).")
def templates():
    """The files that give the report its look. jointreport has a built-in one
    of each; a file of the same name in the project's templates/ folder
    replaces it, file by file.
    """


@templates.command(short_help="Write the built-in template files into a folder, to edit.")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite files of the same name already in FOLDER.")
def export(folder: Path, force: bool) -> int:
    """Write the built-in template files into FOLDER (created if needed).

    Edit the ones you want to change and put them in your project's
    templates/ folder; keep only those there, so the others follow
    jointreport's built-in look as it improves.
    """
    for path in recipe.export_templates(folder, force):
        click.echo(f"wrote {os.path.relpath(path)} — {housestyle.FILES[path.name]}")
    return 0


@cli.group(short_help="Issue, list and revoke the secret links of the web portal.")
def tokens():
    """Access to `jointreport serve` is by secret link: /a/<token> for an agency's focal point,
    /e/<token> for editors. A token is printed once; only its hash is kept (.jointreport/tokens.json)."""


@tokens.command("issue", short_help="Print a new token for an agency (or --editor), once.")
@project_option
@click.argument("agency", required=False, metavar="AGENCY")
@click.option("--editor", is_flag=True, help="A token for the editors' page and the status API.")
@click.option("--note", default="", help="Who it is for (shown by `tokens list`).")
@click.option("--base-url", default=None, help="Print the link on this address  [default: report.yaml's "
                                                 "reminders.base_url, else http://127.0.0.1:8000]")
def tokens_issue(project_dir: Path, agency: str | None, editor: bool, note: str, base_url: str | None) -> int:
    """Print a new secret token and its link; it is not shown again."""
    from .web.tokens import AGENCY, EDITOR, TokenStore

    project = load_project(project_dir)
    if editor == bool(agency):
        raise click.BadParameter("give an agency id, or --editor", param_hint="AGENCY")
    if agency and agency not in project.agencies:
        raise click.BadParameter(f"no agency {agency!r} in report.yaml (agencies: {', '.join(project.agencies)})",
                                 param_hint="AGENCY")
    token, secret = TokenStore(project.root).issue(EDITOR if editor else AGENCY, agency, note)
    base = (base_url or project.reminders.get("base_url") or "http://127.0.0.1:8000").rstrip("/")
    click.echo(secret)
    click.echo(f"{token.id} for {token.who}: {base}/{'e' if editor else 'a'}/{secret}", err=True)
    click.echo("the secret is shown only now; `jointreport tokens revoke " + token.id + "` withdraws it", err=True)
    return 0


@tokens.command("list", short_help="The tokens issued (ids, never secrets).")
@project_option
def tokens_list(project_dir: Path) -> int:
    """Every token issued: id, for whom, when, revoked or not."""
    from .web.tokens import TokenStore

    project = load_project(project_dir)
    issued = TokenStore(project.root).load()
    for token in issued:
        state = f"revoked {token.revoked}" if token.revoked else "live"
        click.echo(f"{token.id:<12} {token.who:<14} issued {token.created}  {state}"
                   + (f"  ({token.note})" if token.note else ""))
    if not issued:
        click.echo("no tokens yet: `jointreport tokens issue AGENCY`")
    return 0


@tokens.command("revoke", short_help="Withdraw a token at once.")
@project_option
@click.argument("token_id", metavar="ID|SECRET")
def tokens_revoke(project_dir: Path, token_id: str) -> int:
    """Withdraw a token (by its id from `tokens list`, or its secret): its link stops working at the next
    request."""
    from .web.tokens import TokenStore

    token = TokenStore(load_project(project_dir).root).revoke(token_id)
    click.echo(f"revoked {token.id} ({token.who})")
    return 0


@cli.command(short_help="Run the web portal: agencies upload drafts, editors build.")
@project_option
@as_of_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--max-upload", "max_upload_mb", default=25, show_default=True, type=click.IntRange(1, 60),
              help="Largest draft accepted, in MB.")
@click.option("--rate", default=300, show_default=True, type=click.IntRange(1),
              help="Uploads and other changing requests allowed per client and minute.")
@click.option("--links", is_flag=True,
              help="Issue a fresh link for every agency and the editors, and print them (revokes the links an "
                   "earlier --links printed). For trying it out; in use, issue tokens with `tokens issue`.")
def serve(project_dir: Path, as_of, host: str, port: int, max_upload_mb: int, rate: int, links: bool) -> int:
    """Run the agency portal and the editors' page until interrupted (Ctrl-C).

    Focal points open /a/<token>, drop a draft per section and get its report
    card; editors open /e/<token>. The API: GET /api/health, POST /api/drafts
    (Bearer token; section, file), GET /api/status (editors).
    """
    import uvicorn

    from .web.app import RedactTokens, Settings, create_app
    from .web.tokens import AGENCY, EDITOR, TokenStore

    project = load_project(project_dir)
    if links:
        store = TokenStore(project.root)
        for token in store.load():
            if token.note == "serve --links" and not token.revoked:
                store.revoke(token.id)
        base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
        for agency_id, agency in project.agencies.items():
            _, secret = store.issue(AGENCY, agency_id, "serve --links")
            click.echo(f"{agency.short:<14} {base}/a/{secret}")
        _, secret = store.issue(EDITOR, None, "serve --links")
        click.echo(f"{'editors':<14} {base}/e/{secret}")
    settings = Settings(project.root, max_upload_mb * 1_000_000, as_of.date() if as_of else None, rate)
    logging.getLogger("uvicorn.access").addFilter(RedactTokens())
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", server_header=False,
                limit_concurrency=200, timeout_keep_alive=10)
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
