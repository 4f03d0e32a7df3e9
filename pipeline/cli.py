"""The `jointreport` command: the group every command of pipeline/commands/ joins, and what the user sees
when something goes wrong. It holds no build rule and no command's work."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import __version__
from .commands import (
    build,
    check,
    comments,
    diff,
    init,
    remind,
    return_,
    schema,
    serve,
    statement,
    status,
    templates,
    terms,
    tokens,
    watch,
)
from .commands.options import PROJECT_HELP
from .commands.registers import registers
from .commands.translate import translate
from .errors import JointreportError
from .present import terminal_safe

EXIT_INTERNAL = 3


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


for command in (check.check_command, build.build_command, watch.watch_command, terms.terms_command,
                status.status_command, remind.remind_command, statement.statement_command,
                comments.comments_command, return_.return_command, diff.diff_command, diff.snapshot_command,
                init.init_command, schema.schema_command, templates.templates, tokens.tokens, serve.serve_command):
    cli.add_command(command)
cli.add_command(registers)
cli.add_command(translate)


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
