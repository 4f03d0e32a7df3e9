"""`jointreport return AGENCY`: each of the agency's Word drafts given back as its own file, with the fixes
the build makes as tracked changes and the other findings it must act on as comments.

The fixes are found on the checked drafts (terms and the house style's fixes as the assembly makes them;
acronyms in the check's reading order, chapter by chapter); `pipeline/returns` writes them into the Word
file. A fix the agency rejected in an earlier round is not offered again, nor made by the build, until an
editor decides (decisions.yaml).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import DraftError, OptionError
from ..inputs import Draft, drafts_in_order
from ..model import Finding, Project
from .check import check
from .options import as_of_option, project_option

if TYPE_CHECKING:  # the check phase, intake and the Word editing load when a return is made, not with the CLI
    from ..checks.wording import AcronymState
    from ..returns.fixes import Proposal
    from ..returns.returned import Returned
    from ..style.fixes import HouseStyle
    from ..textruns import Run

RETURNS_DIR = "returns"  # under build/: build/returns/<agency>/


@dataclass
class Round:
    """What every draft of one return needs: the project, the check's drafts and findings, the day."""

    project: Project
    drafts: list[Draft]  # every converted draft (other agencies' too: acronyms are defined per chapter)
    placed: list[Draft]  # those in their place in the outline
    intros: dict
    findings: list[Finding]
    bibliography: object | None
    submitted: dict
    day: dt.date | None  # the changes' date; else each draft's own submission date


def checked_round(root: Path, day: dt.date | None) -> Round:
    result = check(root, as_of=day, with_drafts=True)
    sources = result.sources
    return Round(result.project, sources.drafts, result.drafts, sources.intros, result.findings,
                 sources.bibliography, sources.submitted, day)


def return_agency(work: Round, agency: str, out: Path, section: str | None = None) -> list[Returned]:
    """Every draft of `agency` (of one `section`, its translations included), returned: Word drafts as
    annotated copies in `out`, the others with a finding saying why not. The fixes offered are recorded for
    reading the answers back."""
    from ..codes import finding
    from ..files import Unreadable, guarded_read, write_atomically
    from ..intake.discovery import MAX_DRAFT_BYTES
    from ..returns.answers import kept_from, read_decisions, read_offers, record_offers, set_aside
    from ..returns.returned import Returned, annotate, notes_for
    project = work.project
    mine = [d for d in work.drafts if d.contribution.agency == agency
            and section in (None, d.contribution.section_id)]
    states = acronym_states(project, work.placed, work.intros, {d.contribution.path for d in mine})
    offers, decisions = read_offers(project, agency), read_decisions(project)
    kept = kept_from(offers, decisions, {d.contribution.relpath: d.contribution.sha256 for d in mine})
    houses = {lang: edition_house(work, lang) for lang in sorted({d.contribution.lang for d in mine})}
    results = []
    for draft in mine:
        contribution = draft.contribution
        if contribution.format != "docx":
            results.append(Returned(contribution.relpath, None, findings=[finding(
                "return/not-supported", contribution.place,
                f"{'Markdown' if contribution.format == 'md' else 'OpenDocument'} drafts are not returned with "
                "tracked changes; `jointreport check` lists the fixes to make (terms/…, agreed/…)")]))
            continue
        proposals = [p for p in draft_proposals(work, draft, states.get(contribution.path), houses[contribution.lang])
                     if not (p.fix.id in offers and set_aside(offers[p.fix.id], contribution.sha256, decisions))
                     and (p.fix.before, p.fix.after, *p.fix.context) not in kept.get(contribution.relpath, ())]
        day = work.day or work.submitted.get(contribution.path) or dt.date(1980, 1, 1)
        try:
            data = guarded_read(contribution.path, MAX_DRAFT_BYTES)
            if hashlib.sha256(data).hexdigest() != contribution.sha256:
                raise Unreadable("it changed while it was being read; run `return` again")
            returned, written = annotate(data, proposals, notes_for(work.findings, contribution.relpath),
                                         f"{day.isoformat()}T00:00:00Z")
        except (DraftError, Unreadable) as exc:
            results.append(Returned(contribution.relpath, None, findings=[finding(
                "return/not-supported", contribution.place, f"not returned: {exc}")]))
            continue
        path = out / contribution.path.name
        write_atomically(path, written)
        record_offers(project, agency, [p.fix for p in proposals], contribution.sha256)
        returned.draft, returned.path = contribution.relpath, path
        returned.findings = [finding("return/not-tracked", contribution.place,
                                     f"'{fix.before}' → '{fix.after}' is a comment, not a tracked change: {why}",
                                     fix.location) for fix, why in returned.lost]
        results.append(returned)
    return results


def edition_house(work: Round, language: str) -> HouseStyle | None:
    """The house style as the build applies it to the `language` edition: its consistency decisions are made
    across that edition's drafts."""
    from ..editions import edition_drafts
    from ..style.fixes import house_style
    project = work.project
    return house_style(project.in_language(language), edition_drafts(project, work.placed, language), work.intros)


def draft_proposals(work: Round, draft: Draft, state: AcronymState | None,
                    house: HouseStyle | None = None) -> list[Proposal]:
    """The build's term fixes first (they win where fixes overlap), then the house style's, then acronyms
    spelled out at their first use in the chapter, then agreed text restored over a paraphrase."""
    from ..returns.fixes import acronym_proposal, agreed_proposals, harmonised_blocks, made_proposals, paragraph_of
    from ..textruns import Locator, text_runs
    terminology, contribution = work.project.terminology, draft.contribution
    bibliography = work.bibliography
    resolve = bibliography.resolver(contribution.relpath, contribution.agency) if bibliography else None
    locate = Locator(draft.source)
    checked = text_runs(draft.blocks)  # the check's runs: acronyms and agreed text as it reports them
    groups = paragraph_of(checked)
    acronyms = []
    for run, token in first_uses(work.project, checked, state, draft):
        found = acronym_proposal(terminology, groups[id(run)], run, token, contribution.lang, contribution.relpath,
                                 locate)
        acronyms += [found] if found else []
    made = made_proposals(terminology, house, harmonised_blocks(draft, resolve), contribution.lang,
                          contribution.relpath, locate)
    return made + acronyms + agreed_proposals(terminology, checked, contribution.lang, contribution.relpath, locate)


def first_uses(project: Project, runs: list[Run], state: AcronymState | None, draft: Draft) -> list[tuple[Run, str]]:
    """Each acronym the check takes as first used in the chapter in this draft, with its run."""
    from ..checks.wording import AcronymState, acronym_findings
    from ..terms import known_acronym_words
    from ..textruns import Locator
    state = state or AcronymState(known_acronym_words(project))
    found = []
    for run in runs:
        defined = set(state.defined)
        acronym_findings(project.terminology, [run], state, Locator(draft.source), draft.contribution.lang,
                         draft.contribution.place)
        found += [(run, token) for token in sorted(state.defined - defined, key=run.text.find)]
    return found


def acronym_states(project: Project, placed: list[Draft], intros: dict, wanted: set[Path]) -> dict[Path, AcronymState]:
    """What each chapter has defined just before each `wanted` draft, in the check's reading order."""
    from ..checks.wording import AcronymState, acronym_findings
    from ..terms import known_acronym_words
    from ..textruns import Locator, text_runs
    known = known_acronym_words(project)
    states = {}
    for lang in project.languages:
        for chapter in project.chapters:
            state = AcronymState(known)
            intro = intros.get((chapter.id, lang))
            items = ([intro] if intro else []) + [
                d for section in chapter.sections
                for d in drafts_in_order(section, [d for d in placed if d.contribution.lang == lang])]
            for item in items:
                is_draft = isinstance(item, Draft)
                if is_draft and item.contribution.path in wanted:
                    states[item.contribution.path] = AcronymState(state.known_words, set(state.defined))
                acronym_findings(project.terminology, text_runs(item.blocks), state, Locator(item.source), lang,
                                 item.contribution.place if is_draft else item.place)
    return states


def returned_draft(root: Path, agency: str, section: str, day: dt.date | None) -> Path | None:
    """The agency's Word draft of `section`, in the project's language, returned (the portal's download);
    None when it has none."""
    work = checked_round(root, day)
    wanted = f"contributions/{agency}/{section}.docx"
    results = return_agency(work, agency, work.project.build_dir / RETURNS_DIR / agency, section)
    return next((r.path for r in results if r.draft == wanted and r.path), None)


@click.command("return", short_help="Give an agency its Word drafts back with the editors' fixes tracked.")
@click.argument("agency")
@project_option
@as_of_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The folder to write the files to  [default: build/returns/AGENCY]")
def return_command(agency: str, project_dir: Path, as_of, out: Path | None) -> int:
    """Give AGENCY each of its Word drafts back as its own file — styles,
    numbering, headers, comments and pictures as they were — where every
    fix the build makes (agreed terms, the house style's substitutions,
    spellings and consistent forms), every acronym to spell out at its
    first use and every paraphrase of agreed text to restore is a tracked
    change by "Editors" with a comment saying why, and every other finding
    it must act on is a comment at its place. The changes are dated --as-of,
    else the draft's submission date, so the same drafts give the same files.

    When the agency sends the file back, `comments` shows each fix as
    accepted, rejected (with its reply) or pending; the build leaves a
    rejected fix as the agency wrote it until an editor writes `apply` or
    `keep` for it in decisions.yaml. Markdown and OpenDocument drafts are
    not returned (return/not-supported); `check` lists their fixes.
    """
    work = checked_round(project_dir, as_of.date() if as_of else None)
    if agency not in work.project.agencies:
        raise OptionError(f"no agency {agency!r} in report.yaml (agencies: {', '.join(sorted(work.project.agencies))})")
    folder = out or work.project.build_dir / RETURNS_DIR / agency
    results = return_agency(work, agency, folder)
    for result in results:
        if result.path:
            click.echo(f"wrote {os.path.relpath(result.path)}: {len(result.tracked)} tracked "
                       f"change{'s' * (len(result.tracked) != 1)}, {result.comments} comment"
                       f"{'s' * (result.comments != 1)}")
        for item in result.findings:
            click.echo(f"{item.path}: {item.severity}: {item.code}: {item.message}"
                       + (f" ({item.location})" if item.location else ""))
    if not results:
        click.echo(f"{agency} has no drafts to return")
    return 0
