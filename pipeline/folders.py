"""What an agency's folder holds besides its drafts: the pictures its Markdown drafts show, and files
nothing reads.

A Markdown draft names its pictures by path (`![Coverage](coverage.png)`); they sit beside it, in the
agency's folder, or in a folder named after its section (`contributions/ilo/gender/chart.png`). Each is
read through the one guard, put in the draft's conversion by content and its Image pointed at it, so the
renderers meet it exactly as they meet a Word draft's pictures (the same size and pixel limits apply).
A file anywhere else under an agency's folder is reported, never silently skipped.
"""

from __future__ import annotations

import posixpath
import re
import urllib.parse
from pathlib import Path

from .codes import finding
from .files import Unreadable, guarded_read, media_name
from .inputs import Contribution
from .model import Finding, Place, Project
from .normalise import IMAGE_TYPES, MAX_PICTURE_BYTES
from .registers import REGISTERS_DIR
from .tree import visit


def is_picture(path: Path) -> bool:
    """A picture beside the drafts: a Markdown draft shows it where it names it (see `pictures_beside`)."""
    return path.suffix.lower() in IMAGE_TYPES and not path.is_dir()


def stray_files(project: Project, folder: Path, ignored: re.Pattern) -> list[Finding]:
    """Files inside an agency's folder that nothing reads: a sub-folder that is neither its registers/ nor
    a <section>/ folder of pictures, and what a <section>/ folder holds besides pictures."""
    found = []
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        relpath = sub.relative_to(project.root).as_posix()
        if sub.name == REGISTERS_DIR:
            continue
        if sub.name not in project.sections or sub.is_symlink():
            found.append(finding("input/outside-agency", Place(f"{relpath}/", agency=folder.name),
                                 "is a folder inside the agency's folder: nothing in it is read; put drafts directly "
                                 "in the agency's folder (pictures of a section may go in a folder named after it)"))
            continue
        found += [finding("input/outside-agency", Place(path.relative_to(project.root).as_posix(), agency=folder.name),
                          f"is not a picture, and the {sub.name}/ folder holds only pictures: it is not read; put "
                          "drafts directly in the agency's folder")
                  for path in sorted(sub.iterdir()) if not is_picture(path) and not ignored.search(path.name)]
    return found


BESIDE = "media/beside"  # where a converted Markdown draft keeps the pictures it names, by content


def pictures_beside(contribution: Contribution, text: str) -> tuple[dict[str, bytes], list[Finding]]:
    """The pictures a Markdown draft names that sit beside it, in its agency's folder or in a folder named
    after its section (name relative to the agency's folder → bytes), each read through the guard: no
    symbolic link, no path outside those folders, no file over the picture limit (a finding naming it)."""
    folder, section = contribution.path.parent, contribution.section_id
    pictures, findings = {}, []
    for base, prefix in ((folder, ""), (folder / section, f"{section}/")):
        if base.is_symlink() or not base.is_dir():
            continue
        for path in sorted(p for p in base.iterdir() if is_picture(p)):
            name = prefix + path.name
            if not any(written in text for written in {name, path.name, urllib.parse.quote(name)}):
                continue
            try:
                pictures[name] = guarded_read(path, MAX_PICTURE_BYTES)
            except Unreadable as exc:
                where = Path(contribution.relpath).parent / name
                findings.append(finding("input/unreadable", Place(where.as_posix(), contribution.section_id,
                                                                  contribution.agency), str(exc)))
    return pictures, findings


def place_pictures(ast: dict, scratch: Path, pictures: dict[str, bytes]) -> None:
    """A Markdown draft's pictures put in its conversion (under media/beside/, by content) and its Image
    elements pointed at them: a path is looked up as written, then in the section's folder."""
    placed: dict[str, str] = {}
    for name, data in pictures.items():
        placed[name] = f"{BESIDE}/{media_name(data, Path(name).suffix)}"
        (scratch / placed[name]).parent.mkdir(parents=True, exist_ok=True)
        (scratch / placed[name]).write_bytes(data)
    sections = {name.split("/", 1)[0] for name in pictures if "/" in name}

    def relink(key, value, fmt, meta):
        written = posixpath.normpath(urllib.parse.unquote(value[2][0].strip()))
        for name in [written] + [f"{section}/{written}" for section in sorted(sections)]:
            if name in placed:
                value[2][0] = placed[name]
                return

    visit(ast["blocks"], relink, only=frozenset(("Image",)))
