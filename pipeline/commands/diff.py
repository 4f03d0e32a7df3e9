"""`jointreport diff` and `snapshot`: a redline between two states of the report, and the milestone tags
it compares."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import history
from ..blocks import anchor
from ..build import Phase, phase
from ..editions import edition_drafts
from ..errors import OptionError
from ..files import write_atomically
from ..project import load_project
from .check import check
from .options import project_option

if TYPE_CHECKING:
    from ..render.redline import SectionChange, SectionText


def redline(root: Path, rev_from: str, rev_to: str | None = None,
            section: str | None = None) -> tuple[bytes, list[SectionChange]]:
    """The assembled report (or one section) at git revision `rev_from` against `rev_to` (default: the
    files as they are now), as a Word file with tracked changes, and the words added and removed per section."""
    from ..render.redline import redline_docx
    project = load_project(root)
    if section is not None and section not in project.sections:
        raise OptionError("--section", f"no section {section!r} in chapters/outline.yaml")
    _, since = history.revision(project.root, rev_from)
    until = history.revision(project.root, rev_to)[1] if rev_to else dt.datetime.now(dt.timezone.utc)
    with tempfile.TemporaryDirectory(prefix="jointreport-redline-") as scratch:
        with phase(Phase.READ, f"the project at {rev_from}"):
            history.checkout_to(project.root, rev_from, Path(scratch) / "from")
            old = sections_at(Path(scratch) / "from")
        with phase(Phase.READ, f"the project at {rev_to or 'its current state'}"):
            if rev_to:
                history.checkout_to(project.root, rev_to, Path(scratch) / "to")
            new = sections_at(Path(scratch) / "to" if rev_to else project.root)
    if section is not None:
        key = anchor("sec", section)
        old, new = {k: v for k, v in old.items() if k == key}, {k: v for k, v in new.items() if k == key}
    heading = f"{project.title}: changes from {rev_from} ({since.date()}) to {rev_to or 'now'} ({until.date()})"
    with phase(Phase.RENDER, "the redline"):
        return redline_docx(old, new, heading, f"jointreport ({rev_from} → {rev_to or 'now'})", until)


def sections_at(root: Path) -> dict[str, SectionText]:
    """Each section's paragraphs and tables in the source-language report assembled from `root` as the
    report prints it: agreed terms harmonised, citations rendered from the references of that state."""
    from ..assemble import assemble
    from ..render.redline import section_texts
    result = check(root, with_drafts=True)
    project = result.project
    document = assemble(project, edition_drafts(project, result.drafts, project.source_language),
                        result.sources.intros, is_draft=False, bibliography=result.sources.bibliography)
    return section_texts(document)


def snapshot(root: Path, milestone: str) -> str:
    """Tag the project's current commit with a milestone id, for later redlines (`diff --from MILESTONE`)."""
    project = load_project(root)
    known = {m.id: m for m in project.milestones}
    if milestone not in known:
        raise OptionError("MILESTONE", f"choose a milestone of report.yaml: {', '.join(known) or 'none yet'}")
    return history.tag(project.root, milestone, f"{project.title}: {known[milestone].title}")


@click.command("diff", short_help="A redline (DOCX with tracked changes) between two states of the report.")
@project_option
@click.option("--from", "rev_from", required=True, metavar="REV",
              help="The earlier state: a milestone tag (see snapshot) or any git revision.")
@click.option("--to", "rev_to", metavar="REV", help="The later state  [default: the files as they are now]")
@click.option("--section", metavar="ID", help="Only this section of the outline.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The Word file to write, e.g. build/redline.docx.")
def diff_command(project_dir: Path, rev_from: str, rev_to: str | None, section: str | None, out: Path) -> int:
    """Compare the assembled report at two git revisions and write a Word file
    whose differences are real tracked changes (accept or reject them in Word
    or LibreOffice), then list the words added and removed per section."""
    data, changes = redline(project_dir, rev_from, rev_to, section)
    write_atomically(out, data)
    width = max((len(c.title) for c in changes), default=10)
    for change in changes:
        if change.added or change.removed:
            click.echo(f"  {change.title:<{width}}  +{change.added} −{change.removed} words")
    total_added, total_removed = sum(c.added for c in changes), sum(c.removed for c in changes)
    click.echo(f"wrote {os.path.relpath(out)}: +{total_added} −{total_removed} words in "
               f"{sum(1 for c in changes if c.added or c.removed)} of {len(changes)} sections")
    return 0


@click.command("snapshot", short_help="Tag the project's current commit with a milestone id (for diff --from).")
@project_option
@click.argument("milestone")
def snapshot_command(project_dir: Path, milestone: str) -> int:
    """Tag the current state (the last commit; commit first) as MILESTONE, a
    milestone id of report.yaml, so `diff --from MILESTONE` can show what
    changed since."""
    commit = snapshot(project_dir, milestone)
    click.echo(f"tagged {commit} as {milestone}")
    return 0
