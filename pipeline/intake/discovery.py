"""Finding the drafts under contributions/<agency>/ and reading each through the guard: what is a
draft, in which language, and its metadata (front matter or a sidecar)."""

from __future__ import annotations

import re
from pathlib import Path

from ..codes import finding
from ..files import Unreadable, decode_text, guarded_read
from ..folders import is_picture, stray_files
from ..inputs import Contribution, Metadata
from ..model import DRAFT_FORMATS, STATUSES, Finding, Place, Project
from ..schema import Field, Validator
from ..yamlfile import FRONT_MATTER, YamlError, parse_yaml, read_yaml

MAX_DRAFT_BYTES = 60_000_000
METADATA = Field("map", default={}, fields={
    "status": Field("str", default="draft", choices=STATUSES),
    "submitted": Field("date"),
    "version": Field("str"),
    "author": Field("str"),
    "title": Field("any"),  # agencies often leave a title in their front matter; the outline's title wins
})
WORD_FORMATS = {"docm": "docx", "dotx": "docx", "dotm": "docx"}  # macro-enabled files and templates are Word
# Hidden files (.DS_Store, AppleDouble ._x, LibreOffice's .~lock.x#), Office lock files (~$x.docx), Windows'
# thumbnails, sidecars and notes: never drafts.
IGNORED = re.compile(r"^(\.|~\$|README|thumbs\.db$|desktop\.ini$)|\.(ya?ml|bak|tmp|bib|json)$", re.I)


def discover(project: Project) -> tuple[list[Contribution], list[Finding]]:
    """Every draft file under contributions/<agency>/, and findings for files that cannot be drafts."""
    contributions, findings = [], []
    base = project.contributions_dir
    if not base.is_dir():
        return [], []
    findings += [finding("input/outside-agency", Place(f"contributions/{path.name}"),
                         "is in no agency's folder, so it is not read; move it into contributions/<agency>/")
                 for path in sorted(base.iterdir()) if not path.is_dir() and not IGNORED.search(path.name)]
    for folder in sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")):
        place = Place(f"contributions/{folder.name}/", agency=folder.name)
        if folder.is_symlink():
            findings.append(finding("input/unreadable", place,
                                    "is a symbolic link; put the agency's folder itself here"))
            continue
        if folder.name not in project.agencies:
            findings.append(finding("outline/unknown-agency", place,
                                    f"no agency {folder.name!r} in report.yaml; rename the folder to an agency id "
                                    f"({', '.join(sorted(project.agencies))}) or add the agency"))
            continue
        findings += stray_files(project, folder, IGNORED)
        for path in sorted(folder.iterdir()):
            if IGNORED.search(path.name) or (path.is_dir() and not path.is_symlink()) or is_picture(path):
                continue
            relpath = path.relative_to(project.root).as_posix()
            section_id, lang = split_name(path.name, project.language)
            contribution = Contribution(path, folder.name, section_id, draft_format(path), relpath, lang=lang)
            problem = unusable_name(contribution.format) or _unknown_language(project, lang)
            if problem:
                findings.append(finding("input/unreadable", contribution.place, problem))
            else:
                contributions.append(contribution)
    return contributions, findings


def split_name(name: str, source_language: str) -> tuple[str, str]:
    """'gender.fr.docx' → ('gender', 'fr'); a name without a language is in the source language."""
    parts = name.split(".")
    return parts[0], parts[-2] if len(parts) >= 3 else source_language


def _unknown_language(project: Project, lang: str) -> str | None:
    if lang in project.languages:
        return None
    return (f"'.{lang}.' in the name is not one of the report's languages ({', '.join(project.languages)}); "
            f"name a translation <section>.<language>.docx, or add the language to report.yaml")


def draft_format(path: Path) -> str:
    """'docx' for every kind of Word document (.docx, .docm, .dotx, .dotm), else the file's suffix."""
    suffix = path.suffix.lower().lstrip(".")
    return WORD_FORMATS.get(suffix, suffix)


def unusable_name(fmt: str) -> str | None:
    """Why a file of this kind cannot be a draft, or None."""
    if fmt == "doc":
        return "old Word 97–2003 format (.doc); open it in Word and save it as .docx"
    if fmt not in DRAFT_FORMATS:
        return f"'.{fmt}' is not a draft format; send .docx, .odt or .md"
    return None


def read_draft(contribution: Contribution) -> bytes:
    """The draft's bytes through the guard; Markdown must also be UTF-8 text."""
    data = guarded_read(contribution.path, MAX_DRAFT_BYTES)
    if contribution.format == "md":
        decode_text(data)
    return data


def read_metadata(contribution: Contribution, data: bytes) -> tuple[Metadata, list[Finding]]:
    """Status, submission date, version and author: from Markdown front matter or a `<name>.yaml` sidecar."""
    place = contribution.place
    try:
        if contribution.format == "md":
            match = FRONT_MATTER.match(decode_text(data))
            label = contribution.relpath
            # The leading newline stands for the opening '---', so YAML line numbers are the file's.
            raw = parse_yaml("\n" + match.group(1), label, aliases=False) if match else None
        else:
            sidecar = contribution.path.with_suffix(".yaml")
            label = str(Path(contribution.relpath).with_name(sidecar.name))
            raw = read_yaml(sidecar, label, aliases=False) if sidecar.exists() or sidecar.is_symlink() else None
    except (YamlError, Unreadable) as exc:
        return Metadata(), [finding("input/bad-metadata", place, f"{exc}; status taken as draft")]
    validator = Validator(label)
    data = validator.check(raw if raw is not None else {}, METADATA)
    findings = [finding("input/bad-metadata", place, error) for error in validator.errors]
    return Metadata(data["status"], data["submitted"], data["version"], data["author"]), findings

