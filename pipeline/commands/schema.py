"""`jointreport schema`: the JSON Schema of a project file, for editors' completion."""

from __future__ import annotations

import json

import click

from .. import scaffold
from ..schema import json_schema


@click.command("schema", short_help="Print the JSON Schema of a project file (for editors' completion).")
@click.argument("name", type=click.Choice(sorted(scaffold.SCHEMAS)), default="report")
def schema_command(name: str) -> int:
    """Print the JSON Schema of report.yaml, chapters/outline.yaml, terminology.yaml or workplan.yaml,
    generated from the same declaration jointreport checks the files with."""
    click.echo(json.dumps(json_schema(scaffold.SCHEMAS[name], f"jointreport {name}"), indent=2, ensure_ascii=False))
    return 0
