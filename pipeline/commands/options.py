"""What every command shares: --project and --as-of, the --format list of outputs, and progress lines."""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path

import click

from ..build import FORMATS
from ..present import terminal_safe

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


def day(value) -> dt.date:
    return value.date() if value else dt.date.today()


def output_formats(formats: str, choices: tuple[str, ...] = FORMATS) -> tuple[str, ...]:
    """The formats of a comma-separated --format list, each one of `choices` ("all": every one)."""
    wanted = choices if formats.strip() == "all" else tuple(f.strip() for f in formats.split(",") if f.strip())
    if not wanted or any(f not in choices for f in wanted):
        raise click.BadParameter(f"choose from {', '.join(choices)}, or all", param_hint="--format")
    return wanted


class ProgressHandler(logging.Handler):
    """The recipe's phase messages as short progress lines on stderr, so stdout stays clean for json: the
    time since the start, each phase with how long it took, and the items of a phase (the drafts it reads,
    indented) numbered, so a long cold build shows how far it is."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.started = time.monotonic()
        self.items = 0

    def emit(self, record: logging.LogRecord) -> None:
        message = terminal_safe(record.getMessage())
        if message.startswith("  "):
            self.items += 1
            message = f"  {self.items:3d}. {message.strip()}"
        else:
            self.items = 0
        elapsed = click.style(f"[{time.monotonic() - self.started:5.1f}s] ", dim=True)
        click.echo(elapsed + message, err=True)


def show_progress(enabled: bool) -> None:
    logger = logging.getLogger("jointreport")
    logger.handlers = [ProgressHandler()] if enabled else []
    logger.setLevel(logging.INFO if enabled else logging.WARNING)
    logger.propagate = False
