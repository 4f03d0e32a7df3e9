"""`jointreport registers export`: each shared register merged from the agencies' sheets, as XLSX and CSV
for the coalition's website."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..editions import editions
from ..files import write_atomically
from ..project import load_project
from .options import project_option


@click.group("registers", short_help="The shared registers the agencies keep: export them merged.")
def registers():
    """Shared registers (report.yaml's `registers:`): each agency keeps its rows in
    contributions/<agency>/registers/<register>.xlsx (or .csv); `check` reports every cell the annexes
    cannot print, and rows not reviewed in time."""


@registers.command("export", short_help="Write each register, merged, as .xlsx and .csv.")
@project_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the files  [default: build/registers]")
@click.option("--lang", default=None, metavar="LANG",
              help="Country names, choices and headers in this language of report.yaml  [default: the source "
                   "language]")
@click.option("--register", "only", multiple=True, metavar="ID", help="Only this register (repeat for several).")
def export_command(project_dir: Path, out: Path | None, lang: str | None, only: tuple[str, ...]) -> int:
    """Each register's rows as the annex prints them (the same order and names; links in full, countries
    also by ISO code), in <register>.xlsx and <register>.csv. Rows `check` finds an error in are left out,
    as in the annex."""
    from ..intake import read_project
    from ..registers.export import merged_table
    from ..registers.merge import merge
    from ..registers.sheets import csv_bytes, workbook

    project = load_project(project_dir)
    unknown = [r for r in only if r not in project.registers]
    if not project.registers or unknown:
        raise click.BadParameter(f"no register {unknown[0]!r} in report.yaml (registers: "
                                 f"{', '.join(project.registers) or 'none'})" if unknown else
                                 "report.yaml declares no `registers:`", param_hint="--register")
    [language] = editions(project, lang) if lang != "all" else [None]
    if language is None:
        raise click.BadParameter("choose one language", param_hint="--lang")
    edition = project.in_language(language)
    merged = merge(edition, read_project(project, convert=False).registers)
    folder = out or project.build_dir / "registers"
    suffix = "" if language == project.source_language else f".{language}"
    for register in project.registers.values():
        if only and register.id not in only:
            continue
        header, rows = merged_table(edition, register, merged.rows[register.id])
        for path, data in ((folder / f"{register.id}{suffix}.xlsx",
                            workbook(register.title(language, project.source_language), header, rows)),
                           (folder / f"{register.id}{suffix}.csv", csv_bytes(header, rows))):
            write_atomically(path, data)
            click.echo(f"wrote {os.path.relpath(path)}")
        click.echo(f"{register.id}: {len(rows)} row{'s' * (len(rows) != 1)}", err=True)
    errors = sum(f.severity == "error" for f in merged.findings)
    if errors:
        click.echo(f"{errors} row{'s' * (errors != 1)} left out: `jointreport check` says why", err=True)
    return 0
