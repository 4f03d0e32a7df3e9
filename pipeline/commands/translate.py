"""`jointreport translate export` and `translate import`: sections go to translators as XLIFF 2 and
Word packages, and come back as translations only after a structure check against the very source
version they were exported from. The work itself is pipeline/translation/'s; this module runs it on a
loaded, checked project and writes what it made."""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import click

from ..codes import finding
from ..errors import DraftError, JointreportError, OptionError
from ..files import Unreadable, guarded_read, write_atomically
from ..inputs import Contribution
from ..intake.conversion import DraftCache, convert, read_and_convert
from ..intake.discovery import draft_format
from ..intake.limits import check_text_size
from ..model import Finding, Place, Project
from ..present import as_json, as_text
from ..translation import edited, glossary, originals, records
from ..translation import memory as memories
from ..translation import package as packages
from ..translation.accept import draft_file, memory_entries, translated
from ..translation.structure import check_returned, lost_citations
from ..translation.units import Unit, units_of
from ..translation.wordfile import match_units, read_docx, write_docx
from ..translation.xliff import NotXliff, Package, read_xliff, write_xliff
from .check import check
from .options import project_option

MAX_RETURNED_BYTES = 60_000_000


@dataclass
class Exported:
    plans: list[packages.Plan] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)


def export(root: Path, lang: str, out: Path | None = None) -> Exported:
    """A package for every section, and every editors' text (chapters/<id>.md), whose `lang` translation
    is missing or older than its source (by unit, where the translation was imported; else by version
    or date), under `out` (default build/translations/<lang>/). Records each exported source version and
    its units' ids."""
    result = check(root, with_drafts=True)
    project = result.project
    _translated_language(project, lang)
    out = out or project.build_dir / "translations" / lang
    stale_files = {f.path for f in result.findings if f.code == "lang/stale-translation"}
    memory = memories.load(project, lang)
    reference = _reference_doc(project)
    exported = Exported()
    for original, translation in _originals(result, lang):
        package = original.package
        key = (package.agency, package.section, lang)
        record = translation and edited.current(result.sources.translations.get(key), translation[1],
                                                translation[2])
        registry = records.read_registry(project, package.agency, package.section, package.source)
        needed = translation is None or translation[0] in stale_files
        plan = packages.plan(package, original.blocks, registry, record, memory, needed)
        if plan is None:
            continue
        _remember_version(project, original, registry, plan)
        folder = out / plan.name
        stem = f"{plan.name}.{lang}"
        files = {f"{stem}.xlf": write_xliff(package, plan.units, plan.prefilled, plan.notes),
                 f"{stem}.docx": write_docx(package, original.blocks, plan.units, plan.prefilled, original.media_dir,
                                            reference),
                 f"glossary.{lang}.tbx": glossary.tbx(project.terminology, project.source_language, lang),
                 f"memory.{lang}.tmx": memory.to_tmx(),
                 "README.txt": packages.readme(plan)}
        for name, data in files.items():
            write_atomically(folder / name, data)
        exported.plans.append(plan)
        exported.folders.append(folder)
    return exported


def _originals(result, lang: str):
    """Each source draft and editors' text with its `lang` translation's (path, sha256, blocks), or None."""
    project = result.project
    source_lang = project.source_language
    translations = {(d.contribution.agency, d.contribution.section_id): d for d in result.drafts
                    if d.contribution.lang == lang}
    for draft in (d for d in result.drafts if d.contribution.lang == source_lang):
        translation = translations.get((draft.contribution.agency, draft.contribution.section_id))
        yield originals.of_draft(draft, source_lang, lang), translation and (
            translation.contribution.relpath, translation.contribution.sha256, lambda t=translation: t.blocks)
    texts = result.sources.intros
    for (ident, text_lang), text in sorted(texts.items()):
        translation = texts.get((ident, lang))
        if text_lang == source_lang:
            yield originals.of_text(text, source_lang, lang), translation and (
                translation.relpath, records.text_sha256(translation.source), lambda t=translation: t.blocks)


def _translated_language(project: Project, lang: str) -> None:
    if lang not in project.languages[1:]:
        raise OptionError("--lang", f"choose a language the report is translated into "
                                    f"({', '.join(project.languages[1:]) or 'report.yaml names none'})")


def _reference_doc(project: Project) -> Path:
    from ..render.wordstyles import complete_reference  # python-docx loads slowly; only the Word file needs it
    return complete_reference(project)


def _remember_version(project: Project, original: originals.Original, registry: records.Registry,
                      plan: packages.Plan) -> None:
    """The exported source version's bytes and its units' ids, for the import weeks later."""
    package = original.package
    try:
        data = originals.version_bytes(project, original)
    except (Unreadable, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    snapshot = records.snapshot_path(project, package.sha256, package.source.rsplit(".", 1)[-1])
    if not snapshot.is_file():
        write_atomically(snapshot, data)
    registry.versions[package.sha256] = plan.known()
    registry.latest = package.sha256
    records.write_registry(project, package.agency, package.section, registry)


@dataclass
class Imported:
    findings: list[Finding] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # the translations written, relative to the project
    refused: list[str] = field(default_factory=list)  # the files refused, as named


def import_files(root: Path, files: list[Path], today: dt.date | None = None) -> Imported:
    """Each returned file checked against the source version it was exported from; one that passes
    becomes contributions/<agency>/<section>.<lang>.md (or .docx; chapters/<id>.<lang>.md for an editors'
    text), its record and memory entries are kept; one that fails is refused with findings naming its
    units, and nothing of it is written. Before anything is written, the translation is read back as a
    draft: a citation or cross-reference it would lose refuses it too."""
    from ..project import load_project
    project = load_project(root)
    result = Imported()
    memory: dict[str, memories.Memory] = {}
    for path in files:
        place = Place(path.name)
        findings, accepted = _accept(project, path, place, memory, today or dt.date.today())
        result.findings += findings
        (result.written if accepted else result.refused).append(accepted or path.name)
    for lang_memory in memory.values():
        memories.save(project, lang_memory)
    result.findings.sort(key=Finding.sort_key)
    return result


def _accept(project: Project, path: Path, place: Place, memory: dict, today: dt.date) -> tuple[list[Finding], str]:
    try:
        data = guarded_read(path, MAX_RETURNED_BYTES)
        package, targets, unknown, paired = _returned(data, path)
        original, units = _source_version(project, package)
    except (Unreadable, NotXliff, Refused) as exc:
        return [finding("translate/unreadable", place, str(exc))], ""
    place = Place(path.name, package.section, None if original.editors else package.agency)
    if not paired:  # a Word file's units are found by their bookmarks
        targets = match_units(units, targets)
    findings = check_returned(units, targets, place, unknown, paired)
    if any(f.severity == "error" for f in findings):
        return findings, ""
    output = draft_file(original, translated(original.blocks, units, targets), today)
    try:
        written, works = _read_back(project, original, output)
    except Refused as exc:
        return findings + [finding("translate/unreadable", place, str(exc))], ""
    written_units = units_of(written)
    findings += lost_citations(units, original.references, written_units, works, place)
    if any(f.severity == "error" for f in findings):
        return findings, ""
    findings += glossary.term_findings(units, targets, project.terminology, project.source_language, package.lang,
                                       place)
    try:
        originals.version_bytes(project, original)
    except (Unreadable, ValueError):
        findings.append(finding("translate/source-changed", place,
                                f"{package.source} changed since this file was exported: imported as translated; "
                                "`jointreport check` lists the units that changed since"))
    _write(project, original, units, output, edited.targets(written_units))
    lang_memory = memory.setdefault(package.lang, memories.load(project, package.lang))
    for entry in memory_entries(units, targets, package.source):
        lang_memory.add(entry)
    return findings, original.target


def _write(project: Project, original: originals.Original, units: list[Unit], output: bytes,
           written: list[list[str]]) -> None:
    """The translation (replacing one sent before in another format) and its record: the units it
    translates and, where it reads back with as many units, what it says in each (to realign it if edited)."""
    package = original.package
    for other in original.others():
        previous = project.root / other
        if previous.is_file() and not previous.is_symlink():
            previous.unlink()
    write_atomically(project.root / original.target, output)
    sha = records.text_sha256(output.decode("utf-8")) if original.editors else hashlib.sha256(output).hexdigest()
    records.write_record(project, package.lang, package.agency, package.section, records.Record(
        package.source, package.sha256, original.target, sha, [[u.id, u.hash] for u in units],
        written if len(written) == len(units) else []))


def _returned(data: bytes, path: Path) -> tuple[Package, dict | list, list[str], bool]:
    """The returned file's package and translated units (by id from an XLIFF file, in reading order from
    a Word file); `paired`: whether formatting is held to the source (XLIFF), or left to the translator."""
    suffix = path.suffix.lower()
    if suffix in (".xlf", ".xliff", ".xml"):
        returned = read_xliff(data)
        return returned.package, returned.targets, returned.unknown, True
    if suffix != ".docx":
        raise Refused("send back the .xlf or the .docx of the package as you received it")
    with tempfile.TemporaryDirectory(prefix="jointreport-returned-") as scratch:
        try:
            package, found, changes = read_docx(data, Path(scratch))
        except Exception as exc:
            raise Refused(f"cannot be read as a Word file ({type(exc).__name__}); save it again as .docx") from None
    if package is None:
        raise Refused("is not a Word file of a jointreport package (its document properties do not say which "
                      "source it translates); translate the .docx of the package itself")
    if changes:
        raise Refused(f"has unaccepted tracked changes ({sum(changes.values())}); accept or reject them, turn Track "
                      "Changes off and save it again")
    return package, found, [], False


class Refused(JointreportError):
    """A returned file that cannot be checked at all (the message says why)."""


def _source_version(project: Project, package: Package) -> tuple[originals.Original, list[Unit]]:
    """The source version a returned file was exported from, read again like a draft (or an editors'
    text), with its units' ids as exported."""
    editors = package.agency == records.EDITORS
    if package.lang not in project.languages[1:] or not (editors or package.agency in project.agencies):
        raise Refused(f"translates into {package.lang!r} for {package.agency!r}, which report.yaml does not have")
    registry = records.read_registry(project, package.agency, package.section, package.source)
    known = registry.versions.get(package.sha256)
    snapshot = records.snapshot_path(project, package.sha256, package.source.rsplit(".", 1)[-1])
    if known is None or not snapshot.is_file():
        raise Refused(f"translates a version of {package.source} that translations/ no longer holds; export the "
                      "section again")
    original = _read_text(project, package, snapshot) if editors else _read_draft(project, package, snapshot)
    units = units_of(original.blocks)
    if [u.hash for u in units] != [pair[1] for pair in known]:
        raise Refused(f"the recorded units of {package.source} do not match its exported version; export again")
    for unit, (ident, _) in zip(units, known, strict=True):
        unit.id = ident
    return original, units


def _read_draft(project: Project, package: Package, snapshot: Path) -> originals.Original:
    contribution = Contribution(snapshot, package.agency, package.section, draft_format(snapshot), package.source)
    _, draft, problems = read_and_convert(contribution, DraftCache.of(project))
    if draft is None:
        raise Refused(f"its source version cannot be read again ({problems[0].message if problems else 'unknown'})")
    return originals.Original(package, draft.blocks, draft.media_dir, contribution.format, contribution.meta,
                              draft.references)


def _read_text(project: Project, package: Package, snapshot: Path) -> originals.Original:
    try:
        data = guarded_read(snapshot, records.MAX_SOURCE_BYTES)
        blocks, media = DraftCache.of(project).convert(data, "md", text_bytes=check_text_size(data, "md"))
    except (Unreadable, DraftError) as exc:
        raise Refused(f"its source version cannot be read again ({exc})") from None
    return originals.Original(package, blocks, media)


def _read_back(project: Project, original: originals.Original, data: bytes) -> tuple[list, list[dict]]:
    """The translation about to be written, read as intake will read it (its conversion stays cached for
    the next check): its blocks and the works it embeds. Refused if it cannot be read."""
    cache = DraftCache.of(project)
    try:
        if original.editors:
            blocks, _ = cache.convert(data, "md", text_bytes=check_text_size(data, "md"))
            return blocks, []
        package = original.package
        contribution = Contribution(project.root / original.target, package.agency, package.section, original.fmt,
                                    original.target)
        draft, problems = convert(contribution, data, cache)
    except DraftError as exc:
        raise Refused(f"the translation made from it cannot be read back ({exc})") from None
    if draft is None:
        raise Refused(f"the translation made from it cannot be read back "
                      f"({problems[0].message if problems else 'unknown'})")
    return draft.blocks, draft.references


@click.group("translate", short_help="Send sections to translators and check their work back in.")
def translate():
    """Translation hand-off and return.

    \b
    jointreport translate export --lang fr        a package per section to translate
    jointreport translate import FILE.xlf …       returned files checked and checked in
    """


@translate.command("export", short_help="Write a translation package for each section to translate.")
@project_option
@click.option("--lang", required=True, metavar="LANG", help="The language to translate into (report.yaml's languages).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the packages  [default: build/translations/LANG]")
def export_command(project_dir: Path, lang: str, out: Path | None) -> int:
    """For every section whose translation is missing or older than its source, a package: the units to
    translate as XLIFF 2 and as a Word file, the glossary (TBX), the memory (TMX) and a README. Only the
    units that changed since the last translation are to translate; the rest come from the memory."""
    exported = export(project_dir, lang, out)
    for plan, folder in zip(exported.plans, exported.folders, strict=True):
        click.echo(f"{plan.package.source} → {folder.name}/: {len(plan.units)} units, {len(plan.to_translate)} "
                   f"to translate, {len(plan.prefilled)} from memory")
    count = len(exported.plans)
    where = f" in {exported.folders[0].parent}" if exported.folders else f": every {lang} translation is up to date"
    click.echo(f"{count} package{'' if count == 1 else 's'}{where}", err=True)
    return 0


@translate.command("import", short_help="Check returned translations and check them in.")
@project_option
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def import_command(project_dir: Path, files: tuple[Path, ...], output_format: str) -> int:
    """Check each returned .xlf or .docx against the source version it was exported from, and write it as
    the section's translation when it passes. Exit status 1 when a file was refused."""
    imported = import_files(project_dir, list(files))
    if output_format == "json":
        click.echo(as_json(imported.findings))
    elif imported.findings:
        from ..project import load_project
        click.echo(as_text(load_project(project_dir), imported.findings, len(imported.written)))
    for relpath in imported.written:
        click.echo(f"wrote {relpath}", err=True)
    for name in imported.refused:
        click.echo(f"refused {name}: nothing written", err=True)
    return 1 if imported.refused else 0
