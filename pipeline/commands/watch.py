"""`jointreport watch`: build again each time a file of the project changes (a live preview)."""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import replace
from pathlib import Path

import click

from ..build import REPORT_FORMATS, Options, build, kept_warm
from ..buildcache import file_states
from ..errors import JointreportError
from ..present import summary_line, terminal_safe
from .options import output_formats, project_option, show_progress


def watch(root: Path, options: Options | None = None, interval: float = 0.1):
    """Build now, then again each time a file of the project changes: yields each build's result, or the
    error that stopped it (a broken project file is reported, not fatal: fix it and the next save builds).
    Everything stays warm between builds: converted drafts, unchanged outputs, pandoc's version."""
    seen = None
    warm_up = True  # the first build typesets the PDF even if it is up to date, so the first save is quick too
    with kept_warm():
        while True:
            state = file_states(Path(root).resolve())
            if state == seen:
                time.sleep(interval)
                continue
            seen = state
            try:
                yield build(root, replace(options or Options(), warm_up=warm_up, preview=True))
                warm_up = False
            except JointreportError as exc:
                yield exc


@click.command("watch", short_help="Build again whenever a draft or project file changes (a live preview).")
@project_option
@click.option("--format", "formats", default="pdf", show_default=True, metavar="LIST",
              help="Comma-separated output formats: docx, pdf, html (the web edition), or all.")
@click.option("--lang", "lang", default=None, metavar="LANG|all", help="Language edition to build.")
@click.option("--strict", is_flag=True, help="Refuse to build while the check finds errors (default: build anyway).")
@click.option("--interval", default=0.1, show_default=True, type=click.FloatRange(0.05, 60),
              help="Seconds between looks at the files.")
@click.option("--progress", is_flag=True, help="Show each build's phases and how long each took, on stderr.")
def watch_command(project_dir: Path, formats: str, lang: str | None, strict: bool, interval: float,
                  progress: bool) -> int:
    """Build the report, then again each time a draft or project file is
    saved, until interrupted (Ctrl-C). Keep the PDF open in a viewer that
    reloads it. Only what changed is converted and rendered again. The PDF's
    lines are broken the faster way (first-fit); `build` sets the report's.
    """
    options = Options(output_formats(formats, REPORT_FORMATS), lang, force=not strict)
    show_progress(progress)
    for outcome in watch(project_dir, options, interval):
        stamp = dt.datetime.now().strftime("%H:%M:%S")
        if isinstance(outcome, JointreportError):
            click.echo(f"{stamp} " + click.style("not built: ", fg="red", bold=True) + terminal_safe(str(outcome)),
                       err=True)
            continue
        made = [p for p in outcome.outputs if p not in outcome.kept]
        click.echo(f"{stamp} {summary_line(outcome.findings, outcome.drafts_ready)}; "
                   + (f"wrote {', '.join(os.path.relpath(p) for p in made)}" if made else "nothing to redo"))
    return 0
