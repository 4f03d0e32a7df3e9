"""`jointreport statement`: a joint statement, in each of its languages, as DOCX and PDF."""

from __future__ import annotations

import copy
import os
from pathlib import Path

import click

from .. import i18n
from ..build import FORMATS, Phase, phase
from ..errors import JointreportError, OptionError
from ..model import STATEMENTS_DIR
from ..project import load_project
from .options import output_formats, project_option, show_progress


def build_statement(root: Path, statement_id: str, lang: str = "all", formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """build/statements/<id>.<lang>.docx and .pdf for each language edition the statement has (or `lang`)."""
    from ..intake.texts import read_statements
    from ..render.docx import render_statement_docx
    from ..render.pdf import typeset_blocks
    from ..statement import load_statement, statement_document
    project = load_project(root)
    statements, problems = read_statements(project)
    if problems:
        raise JointreportError("\n".join(f"{p.path}: {p.message}" for p in problems))
    files = statements.get(statement_id)
    if not files:
        known = ", ".join(statements) or "none"
        raise JointreportError(f"no statement {statement_id!r} in {STATEMENTS_DIR}/ (statements: {known})")
    if lang != "all" and lang not in project.languages:
        raise OptionError("--lang", f"choose one of {', '.join(project.languages)} or all")
    languages = [code for code in project.languages if code in files] if lang == "all" else [lang]
    outputs = []
    for code in languages:
        statement = load_statement(project, files, code)
        edition = project.in_language(code)
        blocks, media = statement_document(project, statement)
        when = i18n.long_date(statement.date, code) if statement.date else ""
        dateline = ", ".join(filter(None, (statement.city, when)))
        for fmt in formats:
            output = project.build_dir / STATEMENTS_DIR / f"{statement_id}.{code}.{fmt}"
            with phase(Phase.RENDER, f"{output.relative_to(project.root)}"):
                own = copy.deepcopy(blocks)  # a renderer changes the blocks it is given
                if fmt == "docx":
                    render_statement_docx(edition, (edition.coalition, statement.title, dateline), own, media,
                                          output)
                else:
                    inputs = {"coalition": edition.coalition, "title": statement.title, "dateline": dateline,
                              "lang": code}
                    typeset_blocks(project, "statement.typ", own, media, inputs, output)
            outputs.append(output)
    return outputs


@click.command("statement", short_help="Build a joint statement (DOCX, PDF) in each of its languages.")
@project_option
@click.argument("statement_id", metavar="ID")
@click.option("--lang", default="all", show_default=True, metavar="LANG|all",
              help="Language edition(s) to build; all = every language the statement exists in.")
@click.option("--format", "formats", default=",".join(FORMATS), show_default=True, metavar="LIST",
              help="Comma-separated output formats: docx, pdf.")
@click.option("--quiet", "-q", is_flag=True, help="No progress lines.")
def statement_command(project_dir: Path, statement_id: str, lang: str, formats: str, quiet: bool) -> int:
    """Build the joint statement statements/ID.md into build/statements/ID.<lang>.docx and .pdf.

    Only organisations that have endorsed it are listed under it; agreed
    language is filled in verbatim in each language.
    """
    wanted = output_formats(formats)
    show_progress(not quiet)
    for path in build_statement(project_dir, statement_id, lang, wanted):
        click.echo(f"wrote {os.path.relpath(path)}")
    return 0
