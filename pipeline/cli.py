"""The `jointreport` command: the group every command of pipeline/commands/ joins, and what the user sees
when something goes wrong. It holds no build rule and no command's work."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import click

from . import __version__
from .commands.options import PROJECT_HELP
from .errors import JointreportError
from .present import terminal_safe

EXIT_INTERNAL = 3
# Each command's module and function: a command's module is imported when it runs (or help lists it), so
# `build` with nothing changed does not load the portal, the translation tools or the registers first.
COMMANDS = {
    "check": "check:check_command", "build": "build:build_command", "watch": "watch:watch_command",
    "terms": "terms:terms_command", "status": "status:status_command", "remind": "remind:remind_command",
    "statement": "statement:statement_command", "comments": "comments:comments_command",
    "return": "return_:return_command", "diff": "diff:diff_command", "snapshot": "diff:snapshot_command",
    "init": "init:init_command", "schema": "schema:schema_command", "templates": "templates:templates",
    "tokens": "tokens:tokens", "serve": "serve:serve_command", "registers": "registers:registers",
    "translate": "translate:translate",
}


class LazyCommands(dict):
    """The group's commands by name, each imported from its module the first time it is asked for."""

    def _load(self, name: str) -> click.Command:
        command = super().__getitem__(name)
        if isinstance(command, str):
            module, function = command.split(":")
            command = getattr(importlib.import_module(f"{__package__}.commands.{module}"), function)
            super().__setitem__(name, command)
        return command

    def __getitem__(self, name: str) -> click.Command:
        return self._load(name)

    def get(self, name, default=None):
        return self._load(name) if name in self else default

    def values(self):
        return [self._load(name) for name in self]

    def items(self):
        return [(name, self._load(name)) for name in self]


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


cli.commands = LazyCommands(COMMANDS)


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
