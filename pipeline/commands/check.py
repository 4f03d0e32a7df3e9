"""`jointreport check`, and the one way to check a project: `check()`, for the command line, the portal
and every command that needs the findings or the checked drafts."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click

from ..build import Build, load, read_and_check
from ..buildcache import CHECK_FILE, BuildCache, fingerprint, proofs_kept
from ..files import write_atomically
from ..inputs import Sources
from ..model import SEVERITIES
from ..pandoc import pandoc_identity
from ..present import as_csv, as_github, as_json, as_text, as_xlsx, summary_line
from .options import as_of_option, day, project_option


def check(root: Path, as_of: dt.date | None = None, stage: str | None = None, lang: str | None = None,
          responses: Path | None = None, with_drafts: bool = False) -> Build:
    """Everything wrong with every draft: the build's load, read and check phases; nothing is written but
    the cache. `stage` and `lang` are the build's; `responses` is a filled-in comment–response matrix to
    hold the drafts' comments against. When no file of the project (nor the day, the stage, the responses
    file or a version) changed since the last check, its findings are reused and no draft is read: the
    result then has no drafts, only their count (`ready`). A caller that needs the checked drafts asks
    `with_drafts`."""
    project, languages, final = load(root, stage, lang)
    as_of = as_of or dt.date.today()
    cache = BuildCache(project, CHECK_FILE)
    answers = str(responses.resolve()) if responses else None
    outside = ((responses,) if responses else ()) + tuple(proofs_kept(project.build_dir))  # a new proof: anew
    inputs = fingerprint(project, {"as_of": as_of, "stage": stage, "responses": answers}, {"pandoc": pandoc_identity()},
                         outside=outside)
    unchanged = None if with_drafts else cache.unchanged_build(inputs)
    if unchanged:
        findings, ready, _ = unchanged
        return Build(project, Sources([]), findings, [], languages=languages, ready=ready)
    result = read_and_check(project, languages, final, as_of, responses)
    cache.save(inputs, result.findings, len(result.drafts), [])
    return result


FORMATTERS = {
    "text": as_text,
    "json": lambda project, findings, drafts: as_json(findings),
    "csv": lambda project, findings, drafts: as_csv(findings).rstrip("\n"),
    "github": lambda project, findings, drafts: as_github(findings),
}


@click.command("check", short_help="Report everything wrong with every draft.")
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
def check_command(project_dir: Path, as_of, output_format: str, out: Path | None, agencies: tuple[str, ...],
                  severity: str, stage: str | None, responses: Path | None) -> int:
    """Check every draft against the outline, the timeline and the agreed terminology.

    Exit status: 0 no errors among the findings shown, 1 errors found,
    2 the project itself is broken.
    """
    result = check(project_dir, as_of=day(as_of), stage=stage, responses=responses)
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
